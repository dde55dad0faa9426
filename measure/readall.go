package measure

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/socialvalue-toms/toms/diag"
)

// File is one outcomes or commitments file for ReadAll.
type File struct {
	// Name is the file name used in positions.
	Name string
	// Kind says whether the file holds outcomes or commitments.
	Kind Kind
	// Open opens the file when ReadAll comes to it; ReadAll closes it.
	Open func() (io.ReadCloser, error)
	// Options control its read, as for Read.
	Options ReadOptions
}

// FileResult is what ReadAll made of one input: what Read would have
// returned for it.
type FileResult struct {
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
func (a *Aggregator) ReadAll(ctx context.Context, inputs []File) ([]FileResult, error) {
	out := make([]FileResult, len(inputs))
	ins := make([]*ingest, len(inputs))
	first := len(a.files)
	var inputOf []int // by file index - first: the input
	// done takes the outcome of reading input i: the error, when it could
	// not be opened, is in out[i] already.
	done := func(i int, err error) error {
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			if derr := a.dedupErr(); derr != nil {
				return derr
			}
			out[i].Err = err
		}
		return nil
	}
	par := a.opts.Parallel
	if par < 0 {
		par = runtime.GOMAXPROCS(0)
	}
	if par > 1 && len(inputs) > 1 {
		if err := a.readParallel(ctx, inputs, min(par, len(inputs)), out, ins, &inputOf, done); err != nil {
			return nil, err
		}
	} else {
		for i, inp := range inputs {
			f, err := inp.Open()
			if err != nil {
				out[i].Err = err
				continue
			}
			file := len(a.files)
			a.files = append(a.files, inp.Name)
			inputOf = append(inputOf, i)
			ins[i], err = a.readOne(ctx, inp, f, file, par)
			if err := done(i, err); err != nil {
				return nil, err
			}
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

// readParallel reads the inputs par at a time, each into an aggregator of
// its own that defers every duplicate check, and merges them into a in
// input order as each is done (at most par read and not yet merged): the
// totals add exactly, and the fingerprints of each join a's deferred ones,
// for the one resolve at the end of ReadAll to find the same duplicates,
// with the same first records, as reading the inputs one after the other.
func (a *Aggregator) readParallel(ctx context.Context, inputs []File, par int, out []FileResult, ins []*ingest, inputOf *[]int, done func(int, error) error) error {
	type job struct {
		w     *Aggregator
		in    *ingest
		err   error
		open  bool
		small io.ReadCloser // a small file opened, for this goroutine to read into a itself
		done  chan struct{}
	}
	// a reads small files itself, deferring every duplicate check as the
	// aggregators of the others do, for the one resolve at the end
	defer func(all bool) { a.deferAll = all }(a.deferAll)
	a.deferAll = true
	ctx, cancel := context.WithCancel(ctx)
	jobs := make([]*job, len(inputs))
	for i := range jobs {
		jobs[i] = &job{done: make(chan struct{})}
	}
	slots := make(chan struct{}, par)
	var wg sync.WaitGroup
	defer func() {
		// on an early return: stop the readers, and release what was not merged
		cancel()
		wg.Wait()
		for _, j := range jobs {
			if j.w != nil {
				j.w.Close()
			}
			if j.small != nil {
				j.small.Close()
			}
		}
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, inp := range inputs {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			j := jobs[i]
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer close(j.done)
				f, err := inp.Open()
				if err != nil {
					j.err = err
					return
				}
				if a.small(f) {
					j.small, j.open = f, true
					return
				}
				w := NewAggregator(a.cat.fw, a.opts)
				w.deferAll = true
				w.files = []string{inp.Name}
				in, err := w.readFile(ctx, inp, f, 0)
				j.w, j.in, j.err, j.open = w, in, err, true
			}()
		}
	}()
	for i, j := range jobs {
		select {
		case <-j.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if !j.open {
			out[i].Err = j.err
			<-slots
			continue
		}
		if f := j.small; f != nil {
			j.small = nil
			file := len(a.files)
			a.files = append(a.files, inputs[i].Name)
			*inputOf = append(*inputOf, i)
			var err error
			ins[i], err = a.readFile(ctx, inputs[i], f, file)
			<-slots
			if err := done(i, err); err != nil {
				return err
			}
			continue
		}
		w := j.w
		j.w = nil
		*inputOf = append(*inputOf, i)
		ins[i] = j.in
		err := a.absorbInput(w)
		<-slots
		if err != nil {
			return err
		}
		if err := done(i, j.err); err != nil {
			return err
		}
	}
	return nil
}

// ParallelMinBytes is the size below which ReadAll, reading several
// inputs at once (Options.Parallel), reads an input that is a regular file
// itself when its turn comes, instead of giving it a reader and an
// aggregator of its own merged afterwards: for a small file, those cost
// more than reading it beside the others saves.
const ParallelMinBytes = 1 << 20

// small reports whether f, an opened input, is a regular file under
// ParallelMinBytes.
func (a *Aggregator) small(f io.ReadCloser) bool {
	least := a.opts.parallelMin
	if least <= 0 {
		least = ParallelMinBytes
	}
	s, ok := f.(interface{ Stat() (os.FileInfo, error) })
	if !ok {
		return false
	}
	st, err := s.Stat()
	return err == nil && st.Mode().IsRegular() && st.Size() < least
}

// readFile reads f, the opened inp, into a as its file number file, and
// closes it; the ingest it returns holds the input's rejected rows. Both
// ReadAll's serial path and readParallel's readers read a file this way.
func (a *Aggregator) readFile(ctx context.Context, inp File, f io.ReadCloser, file int) (*ingest, error) {
	in := newIngest(ctx, a.cat, inp.Kind, inp.Name, inp.Options)
	commit := inp.Kind == Commitments
	in.sink = func(r *row, pos posFunc) (*diag.Diagnostic, error) { return a.add(r, file, pos, commit, false) }
	err := in.read(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	in.settle()
	return in, err
}

// settle lets go of what a finished read holds beyond its result: the
// aggregator its rows went to (through sink), the catalogue, the last row
// (whose text may be in the reader's buffer). ReadAll keeps the ingest of
// every input until the end, for its result; without this, 400 files read
// at once (readParallel) kept the 400 aggregators they were read into.
func (in *ingest) settle() {
	in.sink, in.finish = nil, nil
	in.v.cat = nil
	in.r = row{}
}

// readOne reads the one input inp, opened as f, into a as its file
// number file: in chunks read at once when par > 1 and the file allows
// (readChunked), else with readFile.
func (a *Aggregator) readOne(ctx context.Context, inp File, f io.ReadCloser, file, par int) (*ingest, error) {
	if cf, ok := f.(chunkFile); ok && par > 1 {
		var total *progressTotal
		if p := inp.Options.Progress; p != nil {
			total = &progressTotal{report: p, last: -1}
			inp.Options.Progress = total.whole // for a read with one reader after the chunks
		}
		in, done, err := a.readChunked(ctx, inp, cf, file, par, total)
		if done || err != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			return in, err
		}
	}
	return a.readFile(ctx, inp, f, file)
}

// absorbInput merges w, the aggregator one input was read into by
// readParallel, into a: its totals, and its deferred fingerprints of
// duplicate detection renumbered to a's files and cells. It closes w.
func (a *Aggregator) absorbInput(w *Aggregator) error {
	return a.absorbChunk(w, -1)
}

// absorbChunk is absorbInput for w, the aggregator a chunk of a's file
// number file was read into (readChunked), or of an input of its own when
// file is negative.
func (a *Aggregator) absorbChunk(w *Aggregator, file int) error {
	defer w.Close()
	fileMap, cellMap, commitMap := a.mergeTotals(w, file)
	// w's totals are in a: let them go before its fingerprints are copied
	w.release()
	if a.dd == nil {
		return nil
	}
	if err := a.dd.absorb(w.dd, fileMap, cellMap); err != nil {
		return err
	}
	return a.cdd.absorb(w.cdd, fileMap, commitMap)
}

// release lets go of a's totals, merged into another aggregator, keeping
// its duplicate detection, for the merge to copy.
func (a *Aggregator) release() {
	dd, cdd, files := a.dd, a.cdd, a.files
	*a = Aggregator{dd: dd, cdd: cdd, files: files}
}
