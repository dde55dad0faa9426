// Package tom is the TOMs framework: themes, the outcomes each aims for, and
// the measures that count them, with £ proxy values per UK financial year.
//
// A [Framework] is loaded from a catalogue file ([Parse], [LoadFile]) or is
// the council's default catalogue embedded in the module ([Default]). A
// council's own or licensed values come from a separate proxy-values file
// ([ParseProxies], [LoadProxiesFile]) laid over it with
// [Framework.WithProxies]. The file formats are in docs/catalogue.md.
//
// Valuing a quantity is exact: [Framework.Value] returns quantity × the
// measure's proxy value for the financial year, as a decimal, with the proxy
// (its year, source and basis) that produced it. A year without a value is
// an error ([ErrNoProxy]) unless the caller passes [CarryForward], in which
// case the latest earlier value is used and the [Valuation] says so.
// Non-financial measures are never turned into pounds ([ErrNotFinancial]).
//
// A value marked `uprate: SERIES` is carried to later years by an [Index]
// series (a file of kind Index, [ParseIndex]; [Framework.WithIndexes]):
// value × index[year] / index[base year], rounded once to [UpratePlaces]
// decimal places, half away from zero, and [Proxy.Note] says "uprated from
// 2021/22 by <series>". Measures may carry codes in external frameworks
// ([Measure.Codes]); [Framework.MeasureByRef] resolves an id or an
// unambiguous code.
//
// Loading is strict and reports every problem in one pass as [diag.List]:
// each [diag.Diagnostic] names the file, line, column and field.
//
// Frameworks and proxy-value sets are immutable once loaded: accessors return
// copies, and any number of goroutines may use one at the same time. The
// package keeps no global state.
package tom
