package measure

import (
	"context"
	"fmt"
	"io"

	"github.com/socialvalue-toms/toms/diag"
)

// Input is one outcomes or commitments file for ReadAll.
type Input struct {
	// Name is the file name used in positions.
	Name string
	// Kind says whether the file holds outcomes or commitments.
	Kind Kind
	// Open opens the file when ReadAll comes to it; ReadAll closes it.
	Open func() (io.ReadCloser, error)
	// Options control its read, as for Read.
	Options ReadOptions
}

// InputResult is what ReadAll made of one input: what Read would have
// returned for it.
type InputResult struct {
	// Rejected lists the rejected rows of a lenient read, sorted.
	Rejected diag.List
	// Err is diag.List for bad input (every bad row of a strict read, or a
	// problem with the file as a whole), or the error of opening or
	// reading the file.
	Err error
}

// ReadAll reads the inputs in order, with the same totals and the same
// diagnostics as Read called on each in turn, except for cost: once
// duplicate detection has spilled to temporary files, Read ends with a
// pass over every fingerprint kept so far, so that hundreds of files read
// one by one cost time quadratic in their number; ReadAll makes that pass
// once, after the last input, and its cost is linear in the rows of all
// the inputs. The duplicates it finds there are added to the result of
// the input each was read from.
//
// An input that cannot be opened or read has its error in its result,
// and the others are still read (one that cannot be opened is not in
// Result.Files; the rows of one that fails later stay counted, as with
// Read). The error returned is for stopping: a cancelled
// context, or a temporary file of duplicate detection that failed; the
// totals are then incomplete.
func (a *Aggregator) ReadAll(ctx context.Context, inputs []Input) ([]InputResult, error) {
	out := make([]InputResult, len(inputs))
	ins := make([]*ingest, len(inputs))
	first := len(a.files)
	var inputOf []int // by file index - first: the input
	for i, inp := range inputs {
		f, err := inp.Open()
		if err != nil {
			out[i].Err = err
			continue
		}
		file := len(a.files)
		a.files = append(a.files, inp.Name)
		inputOf = append(inputOf, i)
		in := newIngest(ctx, a.cat, inp.Kind, inp.Name, inp.Options)
		commit := inp.Kind == Commitments
		in.sink = func(r *row, pos posFunc) (*diag.Diagnostic, error) { return a.add(r, file, pos, commit, false) }
		ins[i] = in
		err = in.read(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return nil, cerr
			}
			if derr := a.dedupErr(); derr != nil {
				return nil, derr
			}
			out[i].Err = err
		}
	}
	// the duplicates deferred by every input, found in one pass for each kind
	var lost error
	report := func(file int, d *diag.Diagnostic) {
		i := file - first
		if i < 0 || i >= len(inputOf) {
			lost = fmt.Errorf("duplicate detection: a duplicate of %s outside the inputs", d.File)
			return
		}
		ins[inputOf[i]].rejectRow(d)
	}
	for _, commit := range []bool{false, true} {
		if err := a.resolve(commit, report); err != nil {
			return nil, err
		}
	}
	if lost != nil {
		return nil, lost
	}
	for i, in := range ins {
		if in == nil {
			continue // not opened
		}
		out[i].Rejected, out[i].Err = in.result(out[i].Err)
		a.keep(in, out[i].Rejected, out[i].Err)
	}
	return out, nil
}

// dedupErr is the error that broke duplicate detection, if any.
func (a *Aggregator) dedupErr() error {
	if a.dd == nil {
		return nil
	}
	if err := a.dd.set.Err(); err != nil {
		return err
	}
	return a.cdd.set.Err()
}
