package measure

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"sync"

	"github.com/socialvalue-toms/toms/diag"
)

// ChunkMinBytes is the size from which ReadAll, reading a single input
// with Options.Parallel above 1, splits a regular file into chunks read at
// once (see Options.Parallel): below it, splitting costs more than it saves.
const ChunkMinBytes = 16 << 20

// chunkFile is what a file must offer to be read in chunks: its size, and
// reads at any offset.
type chunkFile interface {
	io.ReaderAt
	Stat() (os.FileInfo, error)
}

// chunk is a part of a file: the bytes from start to end, whose first
// line is line (1-based, counted as the readers count lines).
type chunk struct {
	start, end int64
	line       int64
}

// splitFile finds up to par chunks of f, of size bytes, each starting at a
// line start (after the header line, for CSV); header is the header line
// of a CSV file, with its line end. It returns fewer than two chunks when
// the file cannot be split.
func splitFile(f io.ReaderAt, size int64, par int, csv bool) (chunks []chunk, header []byte, err error) {
	buf := make([]byte, 64<<10)
	// the first line end at or after off: its offset just after, or -1
	lineEnd := func(off int64, crToo bool) (int64, error) {
		for off < size {
			n, err := f.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
			if n == 0 && err != nil {
				return -1, err
			}
			b := buf[:n]
			i := bytes.IndexByte(b, '\n')
			if crToo {
				if j := bytes.IndexByte(b, '\r'); j >= 0 && (i < 0 || j < i) {
					i = j // a CR ends the line too (lineEnds): with the LF after it, if any
					if j+1 < n && b[j+1] == '\n' {
						i = j + 1
					} else if j+1 == n && off+int64(n) < size {
						var one [1]byte
						if _, err := f.ReadAt(one[:], off+int64(n)); err != nil {
							return -1, err
						}
						if one[0] == '\n' {
							return off + int64(n) + 1, nil
						}
					}
				}
			}
			if i >= 0 {
				return off + int64(i) + 1, nil
			}
			off += int64(n)
		}
		return -1, nil
	}
	first := int64(0)
	if csv {
		end, err := lineEnd(0, true)
		if err != nil || end < 0 {
			return nil, nil, err
		}
		header = make([]byte, end)
		if _, err := f.ReadAt(header, 0); err != nil {
			return nil, nil, err
		}
		first = end
	}
	starts := []int64{0}
	for k := 1; k < par; k++ {
		at, err := lineEnd(max(first, size*int64(k)/int64(par)-1), false) // just after an LF: a line start
		if err != nil {
			return nil, nil, err
		}
		if at < 0 || at >= size || at <= starts[len(starts)-1] {
			break
		}
		starts = append(starts, at)
	}
	if len(starts) < 2 {
		return nil, nil, nil
	}
	// the line numbers of the starts: the line ends before each, counted
	// in par pieces at once
	ends, err := lineEndsBefore(f, starts, par)
	if err != nil {
		return nil, nil, err
	}
	for k := range starts {
		end := size
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		chunks = append(chunks, chunk{start: starts[k], end: end, line: ends[k] + 1})
	}
	return chunks, header, nil
}

// lineEndsBefore counts the line ends of f before each of the offsets at
// (ascending, the first 0), as the readers count them (an LF, a CRLF, a
// bare CR): in about par pieces read at once, since one reader would keep
// the chunks waiting for a pass over all but the last of them.
func lineEndsBefore(f io.ReaderAt, at []int64, par int) ([]int64, error) {
	last := at[len(at)-1]
	// the pieces: from each offset, and from par even cuts of the bytes
	cuts := slices.Clone(at)
	for k := 1; k < par; k++ {
		cuts = append(cuts, last*int64(k)/int64(par))
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	cuts = slices.DeleteFunc(cuts, func(c int64) bool { return c >= last })
	counts := make([]int64, len(cuts))
	errs := make([]error, len(cuts))
	var wg sync.WaitGroup
	for i, from := range cuts {
		to := last
		if i+1 < len(cuts) {
			to = cuts[i+1]
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts[i], errs[i] = lineEndsIn(f, from, to)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	ends := make([]int64, len(at))
	var sum int64
	k := 0
	for i, from := range cuts {
		for k < len(at) && at[k] <= from {
			ends[k] = sum
			k++
		}
		sum += counts[i]
		if i+1 < len(cuts) {
			// a CRLF across the cut: counted as a CR before it and an LF after
			var two [2]byte
			if _, err := f.ReadAt(two[:], cuts[i+1]-1); err != nil {
				return nil, err
			}
			if two == [2]byte{'\r', '\n'} {
				sum--
			}
		}
	}
	for ; k < len(at); k++ {
		ends[k] = sum
	}
	return ends, nil
}

// lineEndsIn counts the line ends of f from from to to, a CRLF as one.
func lineEndsIn(f io.ReaderAt, from, to int64) (int64, error) {
	buf := make([]byte, 64<<10)
	var lines int64
	prevCR := false
	for off := from; off < to; {
		n, err := f.ReadAt(buf[:min(int64(len(buf)), to-off)], off)
		if n == 0 && err != nil {
			return 0, err
		}
		b := buf[:n]
		lines += int64(bytes.Count(b, []byte{'\n'}))
		if cr := bytes.Count(b, []byte{'\r'}); cr > 0 {
			lines += int64(cr - bytes.Count(b, []byte("\r\n")))
		}
		if prevCR && b[0] == '\n' {
			lines-- // a CRLF split across two reads
		}
		prevCR = b[n-1] == '\r'
		off += int64(n)
	}
	return lines, nil
}

// newlines reads as n line feeds.
type newlines struct{ n int64 }

func (r *newlines) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), r.n))
	for i := range k {
		p[i] = '\n'
	}
	r.n -= int64(k)
	return k, nil
}

// chunkReader reads c as its own input, numbered as in the whole file: the
// header (CSV), then blank lines up to the chunk's first line, which both
// readers skip and count, then the chunk.
func chunkReader(f io.ReaderAt, c chunk, header []byte) io.Reader {
	pad := c.line - 1
	if header != nil {
		pad-- // the header's line
	}
	return io.MultiReader(bytes.NewReader(header), &newlines{n: pad}, io.NewSectionReader(f, c.start, c.end-c.start))
}

// readChunked reads inp, opened as f (file number file of a), in chunks
// read at once, each into an aggregator of its own that defers every
// duplicate check, merged in file order as readParallel merges files. ok
// is false, with nothing read into a, when the file cannot be split, or
// when a chunk met a problem that might come from a boundary that is not
// a record start (a CSV record that could not be read or that spans
// lines: a quote left open) or that would have stopped a read of the
// whole file there (a problem with the file as a whole); the caller then
// reads the file with one reader, for the exact problems of that read.
//
// With total, each chunk's reader reports its rows to it, and it reports
// the total of the chunks to the input's Progress.
func (a *Aggregator) readChunked(ctx context.Context, inp File, f chunkFile, file, par int, total *progressTotal) (in *ingest, ok bool, err error) {
	st, err := f.Stat()
	least := a.opts.chunkMin
	if least <= 0 {
		least = ChunkMinBytes
	}
	if err != nil || !st.Mode().IsRegular() || st.Size() < least {
		return nil, false, nil
	}
	csv := inp.Options.Format != JSONLines
	chunks, header, err := splitFile(f, st.Size(), par, csv)
	if err != nil || len(chunks) < 2 {
		return nil, false, nil
	}
	type part struct {
		w   *Aggregator
		in  *ingest
		err error
	}
	parts := make([]part, len(chunks))
	if total != nil {
		total.chunks = make([]int64, len(chunks))
	}
	commit := inp.Kind == Commitments
	var wg sync.WaitGroup
	for k, c := range chunks {
		w := NewAggregator(a.cat.fw, a.opts)
		w.deferAll = true
		w.files = []string{inp.Name}
		opts := inp.Options
		if total != nil {
			opts.Progress = total.chunk(k)
		}
		pin := newIngest(ctx, w.cat, inp.Kind, inp.Name, opts)
		pin.sink = func(r *row, pos posFunc) (*diag.Diagnostic, error) { return w.add(r, 0, pos, commit, false) }
		parts[k] = part{w: w, in: pin}
		h := header
		if k == 0 {
			h = nil // the chunk holds it
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[k].err = pin.read(chunkReader(f, c, h))
		}()
	}
	wg.Wait()
	fallback := false
	for _, p := range parts {
		if p.err != nil || p.in.unsure {
			fallback = true
		}
	}
	if fallback || ctx.Err() != nil {
		for _, p := range parts {
			p.w.Close()
		}
		return nil, false, ctx.Err()
	}
	a.chunked++
	in = parts[0].in
	in.settle()
	for k, p := range parts {
		if k > 0 {
			in.absorb(p.in)
		} else if a.adopt(p.w, file) {
			continue
		}
		if err := a.absorbChunk(p.w, file); err != nil {
			for _, q := range parts[k+1:] {
				q.w.Close()
			}
			return nil, true, err
		}
	}
	return in, true, nil
}

// adopt makes w, the aggregator the first chunk of a's file number file
// was read into, a's own state, and closes what a had, when a had nothing
// but that file (the one input of a fresh aggregator, as toms report
// reads one large file): its totals and the fingerprints of its duplicate
// detection, numbered as a numbers them (file 0, the same cells), are
// then what merging them into a would have made, without copying every
// fingerprint's record (4M of them at 4M rows). It reports whether it
// did.
func (a *Aggregator) adopt(w *Aggregator, file int) bool {
	fresh := file == 0 && len(a.files) == 1 && len(w.files) == 1 &&
		len(a.cells) == 0 && len(a.commits) == 0 && a.records == 0 && a.commitRecords == 0 &&
		a.outOfYear == 0 && a.commitOutOfYear == 0 && a.latest == 0 && len(a.rejected) == 0 &&
		a.rejectedRows == 0 && a.rejectedNotKept == 0 && a.crossShard == 0 &&
		len(a.contracts.names) == 0 && len(a.suppliers.names) == 0 &&
		(a.dd == nil || a.dd.set.Len() == 0 && a.cdd.set.Len() == 0)
	if !fresh || !a.opts.sameTotals(w.opts) || (a.dd == nil) != (w.dd == nil) {
		return false
	}
	// everything moves but what a is: its options, catalogue, files,
	// counters of how it read, and whether it defers every check
	old := *a
	*a = *w
	a.opts, a.cat, a.files, a.chunked, a.deferAll = old.opts, old.cat, old.files, old.chunked, old.deferAll
	*w = old
	w.Close()
	return true
}

// absorb adds the counts and problems of o, the read of a later chunk of
// the same file.
func (in *ingest) absorb(o *ingest) {
	in.rows += o.rows
	in.rejected += o.rejected
	for _, d := range o.problems.kept {
		in.problems.add(d)
	}
	in.problems.notKept += o.problems.notKept
	if o.problems.from != 0 && (in.problems.from == 0 || o.problems.from < in.problems.from) {
		in.problems.from = o.problems.from
	}
}

// progressTotal reports the rows read of one input to its
// ReadOptions.Progress when ReadAll reads it in chunks at once: the total
// of the chunks, from the goroutines of their readers but never two calls
// at once, and never less than it reported before (a read of the whole
// file with one reader after the chunks, which counts from 0 again,
// reports only once it has caught up with them; a read with one reader
// from the start reports as without chunks).
type progressTotal struct {
	mu     sync.Mutex
	report func(rows int64)
	chunks []int64 // the rows each chunk's reader has reported
	last   int64   // the rows reported; -1 before the first report
}

// chunk is the Progress of the reader of chunk k (of len(p.chunks)).
func (p *progressTotal) chunk(k int) func(rows int64) {
	return func(rows int64) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.chunks[k] = rows
		var sum int64
		for _, r := range p.chunks {
			sum += r
		}
		p.reportLocked(sum)
	}
}

// whole is the Progress of a read of the whole input with one reader.
func (p *progressTotal) whole(rows int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reportLocked(rows)
}

func (p *progressTotal) reportLocked(rows int64) {
	if rows >= p.last {
		p.last = rows
		p.report(rows)
	}
}
