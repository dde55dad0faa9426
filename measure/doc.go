// Package measure ingests what suppliers delivered, values it, compares it
// with what they committed to, and builds the annual review of social value.
//
// # Inputs
//
// Outcome records are CSV with a header row, or JSON lines (one flat object
// per line, keyed by the same names). Columns may come in any order; an
// unknown or repeated column is an error. An unknown column, or an unknown
// key on any line of JSON lines, fails the whole file even in lenient mode,
// with its position and a "did you mean"; a key repeated within one JSON
// line rejects that line.
//
//	contract       required  contract reference
//	supplier       required  supplier name
//	measure        required  a measure id of the framework
//	quantity       required  a decimal in the measure's unit, not negative (grammar of internal/dectext: 12.5, 1e3; no 1,000)
//	date           required  YYYY-MM-DD; its UK financial year picks the proxy value
//	evidence       outcomes: column required, value required when the measure says evidenceRequired
//	period         optional  the supplier's name for the reporting period, e.g. 2024-Q1
//	supplier_sme   optional  yes/no (true/false, y/n, 1/0, or empty): the spend went to an SME
//	supplier_vcse  optional  yes/no: the spend went to a VCSE
//	local          optional  yes/no: the spend stayed local
//	notes          optional  free text
//	unit           optional  when given, must be the measure's unit (or its name): catches a quantity in the wrong unit
//
// Commitments use the same columns without evidence; the date places a
// commitment in the financial year it is due. Cells are trimmed of spaces
// and tabs; a UTF-8 byte-order mark before the header is ignored. In JSON
// lines the quantity may be a JSON number (read from its text, never as a
// float), a yes/no value a JSON boolean, and any value null.
//
// Every cell must be plain text on one line, in both formats: UTF-8 (bytes
// that are not are refused with their position, never read as U+FFFD), no
// line break (LF, CR, U+0085, U+2028, U+2029) and no other control
// character (a tab is trimmed at the ends of a cell, refused inside it).
// In CSV a quoted cell that runs over several lines is therefore an error,
// positioned at the line and column where the cell began and naming the
// line where it ended: it is how a stray quote swallows the rows after it.
// A line ends at LF, CRLF or a bare CR, in both formats. Dates run from
// 1000-04-01 (the first day of the financial year 1000/01, tom.MinYear) to
// 9999-12-31; an earlier one is refused with its position.
//
// A CSV row (the header row included) and a JSON line may take at most
// ReadOptions.MaxLineBytes (DefaultMaxLineBytes, 1 MiB, when zero); a
// longer one fails the whole file in either mode, naming the line where it
// starts, so that a runaway quote or an endless line cannot pull a file
// into memory: a read holds about twice the cap at most (a row of many empty
// cells, about 32 bytes a cell more). Raise the option for files with
// longer rows.
//
// # Validation
//
// Every row is checked against the catalogue, and every problem is a
// diag.Diagnostic with file, line, column (of the offending field), field name
// and reason, matching a sentinel with errors.Is (ErrQuantity, ErrDate,
// ErrEvidence, ErrUnit, ErrDuplicate, ErrDoubleCounted, tom.ErrUnknownMeasure,
// tom.ErrNoProxy, ErrText, ...). By default one bad row fails the batch,
// and the error lists them; in lenient mode the good rows count and every
// rejected row comes back with its reason.
//
// Lenient mode accounts for every line: the rows counted and the rows
// rejected (Result.RejectedRows) add up to the rows of the file. A row
// with several problems is one rejected row. A record that cannot be read
// at all (an unclosed quote, a quote closed in the middle of a cell, a
// quoted cell over several lines) is one problem, positioned at the line
// where the record began and naming the line where it ended, and it counts
// one rejected row for each physical line it took, since each could have
// held a row: an unclosed quote on line 2 of a file of 100 lines rejects
// 99 rows. A problem with the file as a whole (an unknown column, a row
// over the cap) fails it in either mode.
//
// Each read keeps the first ReadOptions.KeepRejected problems
// (DefaultKeepRejected, 1,000, when zero; all when negative) in full, in
// file order (by line, then column), and only counts the rest, so that a
// file of bad rows cannot exhaust memory (a problem takes about 1 KB). The
// list the read returns then ends with one diagnostic of Kind *NotKept
// saying how many more there were and from which line; the Result counts
// them in RejectedNotKept, and the review says so in its notes.
//
// A duplicate is a record with the same contract, supplier, measure, date,
// quantity (as a number) and period as an earlier one, in any file read into
// the same Aggregator. Measures in one exclusive group (the spend measures of
// the default catalogue) must not report the same quantity for the same contract,
// supplier, date and period: the second is rejected as counted twice.
// Only rows that are counted take part: a row rejected for another reason,
// or outside Options.Year, is never the earlier record of a duplicate.
//
// # Duplicates, memory and temporary files
//
// Detection keeps a fingerprint of each counted record (a 128-bit hash of
// its duplicate key: two different records collide with probability 2⁻¹²⁸
// per pair, about 10⁻²⁶ for a million rows) and, by arrival number, where
// it was read and what it added to the totals. Up to Options.DuplicateMemory
// (DefaultDuplicateMemory, 1 MiB, when zero) the fingerprints stay in an
// in-memory table and each row is checked as it is read: a duplicate is
// never counted. Beyond it, the table goes to a sorted temporary file, and
// from then on the rows of a Read are counted as they come while their
// fingerprints are sorted in runs written to temporary files; at the end of
// the Read a merge of the runs finds every key seen twice, and each later
// record is taken out of the totals again, exactly. Either way the totals
// and the diagnostics are the same, and Read reports every duplicate (in
// its sorted list of problems, strict or lenient) before it returns; once
// detection has spilled, the end of each Read costs a sequential pass over
// the fingerprints kept so far (24 bytes a record), split by ranges of the
// hash into up to four parts merged in parallel (as GOMAXPROCS allows) once
// it is large. So many files read one by one with Read cost time quadratic
// in their number; Aggregator.ReadAll reads them with one such pass at the
// end, linear in their rows, with the same results (a benchmark reads 1M
// rows as 400 files in about the time of one file), and with
// Options.Parallel it reads several inputs at once, each into an
// aggregator of its own merged in input order, with the same results
// byte for byte. Aggregator.Add checks each record at once either way (by
// binary search in the files).
//
// Temporary files are made in Options.TempDir (os.TempDir() when empty) and
// their names removed as soon as they are open, so nothing is left behind
// even if the process dies; Aggregator.Close releases them (as does garbage
// collection). They take about 56 bytes of disk a record (its
// fingerprint and what undoing it needs), more for a while when the end
// of a Read writes the fingerprints again (it found a duplicate, or many
// runs are kept). ReadRecords keeps its fingerprints in memory (about 32 bytes a record). With
// Options.NoDuplicateCheck there is no detection, no fingerprint and no
// temporary file.
//
// Sizes: input files, contracts and suppliers are numbered in 32 bits,
// lines in 40.
//
// # Valuation and totals
//
// A delivery is valued at quantity × the proxy value of its financial year,
// exactly. A year without a value is an error unless Options.YearPolicy is
// tom.CarryForward, which uses the latest earlier value and reports it. Spend
// measures (unit gbp without a proxy) are reported as spend, not as social
// value, and give the SME, VCSE and local shares of the spend reported.
//
// The spend reported is the sum of every spend row, so each pound must be
// reported under one spend measure only: the default catalogue makes its
// spend measures disjoint (vcse-spend, local-sme-spend, local-spend for
// other local suppliers, sme-spend for SMEs outside the county) and puts
// them in one exclusive group, so the same quantity under two of them is
// rejected as counted twice. The shares come from the supplier_sme,
// supplier_vcse and local flags of each spend row, not from the measure.
// When the spend measures counted are not all in one exclusive group, the
// review notes that the spend reported may count a pound twice. The
// headlines for people show spend apart from £ given under financial gbp
// measures (donations, already in the social value); the gbp quantity of
// Totals.ByUnit is the sum of both.
// An Aggregator streams: it keeps totals per contract, supplier, measure and
// year, never the records, and merges exactly with another.
//
// # Rounding
//
// Models keep exact decimals. The machine-read outputs (JSON and CSV) write
// every £ figure and every quantity exactly, with internal/dectext.Format
// (plain notation, never scientific; £ with at least 2 decimal places and
// more when the value has them, such as 8.465; quantities without trailing
// zeros), so that every total is the exact sum of the rows it covers: the
// values.csv fact table adds up to measures.csv and to the JSON totals. The
// outputs for people (Markdown, HTML) round £ to 2 decimal places, half away
// from zero (half-up for the positive values a review holds), and print
// quantities exactly. Percentages are ratios that need not terminate: every
// output rounds them half-up to PercentPlaces (1) decimal place; they are
// for display, and their exact numerator and denominator are given beside
// them.
//
// # The review against targets
//
// ReadContracts reads the council's contract register (kind: Contracts, or
// the same fields as CSV columns) and ReadTargets a year's targets (kind:
// Targets) with their RAG bands (DefaultBands: green at 100% of the target,
// amber from 85%; Bands.Rate compares exactly). Given to NewReview in
// ReviewOptions, they add to the review: each target's actual, percentage
// of the target and rating (Review.Targets); each contract's value in the
// judged year (Contract.YearValues spreads the value over the financial
// years by days, to the penny, by the largest remainder) with the social
// value delivered on it and that per £1 (Review.Register), and its
// commitments over the years read (ContractReview.Lifetime); spend with
// SMEs, VCSEs and local suppliers against total spend, the register's value
// in the year (Review.TotalSpend: direct, contracts such suppliers hold, plus
// indirect, the flagged spend others reported); and this year against the
// year before per theme (Review.YearOnYear). A commitment whose financial
// year has ended short is ProgressMissed. Markdown and HTML come from two
// templates (templates/*.tmpl) over one display model. docs/report.md
// documents every figure and table.
package measure
