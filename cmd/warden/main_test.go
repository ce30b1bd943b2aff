package main

import (
	"bytes"
	"strings"
	"testing"
)

// runMain runs the warden command in-process, as main() would, and returns
// its output and exit status.
func runMain(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	err := m.Run(t.Context(), args)
	code = exitCode(&errb, err)
	return out.String(), errb.String(), code
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"no-such-command"},
		{"policy", "eval", "--output", "yaml"},
		{"policy", "eval", "--no-such-flag"},
		{"policy", "test"},
	} {
		_, stderr, code := runMain(t, "", args...)
		if code != 2 {
			t.Errorf("warden %v: exit %d, want 2 (stderr %q)", args, code, stderr)
		}
	}
}
