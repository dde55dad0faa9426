package main

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// The program writes the award CSV of the example tender byte for byte as
// `toms evaluate --format csv` does: cmd/toms's golden test pins the
// command's output to the same file (evaluate/example.csv), so a renderer
// drifting in either place fails one of the two tests.
func TestSameBytesAsTheCommand(t *testing.T) {
	var got bytes.Buffer
	if err := writeAwardCSV(context.Background(), "../tender-scoring/tender.yaml", &got); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../cmd/toms/testdata/evaluate/example.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("the library's CSV differs from the command's:\n got: %q\nwant: %q", got.String(), want)
	}
}
