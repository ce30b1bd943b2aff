package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/warden-iam/warden/policy/policycase"
)

func (m *Main) policyEvalCommand() *cobra.Command {
	var input, output string
	cmd := &cobra.Command{
		Use:   "eval [--input FILE|-] [--output json|text]",
		Short: "Decide requests against policies and explain each decision",
		Long: `Reads one JSON object, or JSON Lines (one case per line), each holding
"policies" by layer (identity, boundary, session, scp, rcp, resource) and a
"request", and prints one decision with its explanation per case, in order.
A malformed line is reported with its line number and the next line is read.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "json" && output != "text" {
				return usagef("--output must be json or text, not %q", output)
			}
			src, err := m.openInput(input)
			if err != nil {
				return err
			}
			defer src.Close()
			failed := false
			err = readCases(src, func(line int, data []byte) {
				c, err := policycase.Decode(data)
				var res *policycase.Result
				if err == nil {
					res, err = c.Evaluate()
				}
				if err != nil {
					failed = true
					m.reportLineError(cmd.OutOrStdout(), output, line, err)
					return
				}
				m.printResult(cmd.OutOrStdout(), output, res)
			})
			if err != nil {
				return err
			}
			if failed {
				return errFindings
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&input, "input", "-", "request file, or - for standard input")
	cmd.Flags().StringVar(&output, "output", "json", "output format: json or text")
	return cmd
}

func (m *Main) openInput(name string) (io.ReadCloser, error) {
	if name == "-" || name == "" {
		return io.NopCloser(m.Stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// readCases calls fn for each case in r: the whole input when it is one
// JSON object or array element spread over lines, otherwise each non-empty
// line (JSON Lines). Lines starting with // are comments.
func readCases(r io.Reader, fn func(line int, data []byte)) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(trimmed, &items); err != nil {
			fn(1, trimmed) // reported by the case decoder with its message
			return nil
		}
		for i, it := range items {
			fn(i+1, it)
		}
		return nil
	}
	if json.Valid(trimmed) {
		fn(1, trimmed)
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 16<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 || bytes.HasPrefix(text, []byte("//")) {
			continue
		}
		fn(line, text)
	}
	return sc.Err()
}

func (m *Main) reportLineError(w io.Writer, output string, line int, err error) {
	if output == "json" {
		out, _ := json.Marshal(map[string]any{"line": line, "error": err.Error()})
		fmt.Fprintf(w, "%s\n", out)
	} else {
		fmt.Fprintf(w, "line %d: error: %v\n", line, err)
	}
	fmt.Fprintf(m.Stderr, "warden: line %d: %v\n", line, err)
}

func (m *Main) printResult(w io.Writer, output string, res *policycase.Result) {
	if output == "json" {
		out, _ := json.Marshal(res)
		fmt.Fprintf(w, "%s\n", out)
		return
	}
	fmt.Fprint(w, formatResult(res))
}

// formatResult renders a decision and its explanation for people.
func formatResult(res *policycase.Result) string {
	var b strings.Builder
	if res.ID != "" {
		fmt.Fprintf(&b, "%s: ", res.ID)
	}
	b.WriteString(res.Decision)
	if res.Reason != "" {
		b.WriteString(" (" + res.Reason + ")")
	}
	b.WriteString("\n")
	for _, d := range res.Deciding {
		fmt.Fprintf(&b, "  decided by %s %s statement %d%s\n", d.Layer, d.Policy, d.Index, sidText(d.Sid))
	}
	for _, le := range res.Layers {
		if !le.Applies {
			continue
		}
		state := "no allow"
		switch {
		case le.Denied:
			state = "denies"
		case le.Allowed:
			state = "allows"
		}
		fmt.Fprintf(&b, "  %s: %s\n", le.Layer, state)
		for _, s := range le.Matched {
			fmt.Fprintf(&b, "    matched  %s %s[%d]%s\n", s.Effect, s.Policy, s.Index, sidText(s.Sid))
		}
		for _, s := range le.Failed {
			fmt.Fprintf(&b, "    failed   %s %s[%d]%s at %s: %s\n", s.Effect, s.Policy, s.Index, sidText(s.Sid), s.Path, s.Detail)
		}
	}
	return b.String()
}

func sidText(sid string) string {
	if sid == "" {
		return ""
	}
	return " (" + sid + ")"
}
