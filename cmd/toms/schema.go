package main

import (
	"context"
	"io"
	"strings"

	"github.com/socialvalue-toms/toms/schema"
)

// runSchema prints the JSON Schema of a file kind, for editors and CI.
func runSchema(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("schema", stdout, stderr)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) != 1 {
		return usageError(fs, stderr, "give one kind: %s", strings.Join(schema.Kinds(), ", "))
	}
	data, err := schema.JSON(pos[0])
	if err != nil {
		return usageError(fs, stderr, "%v", err)
	}
	if _, err := stdout.Write(data); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}
