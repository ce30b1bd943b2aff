package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/warden-iam/warden/policy"
	"github.com/warden-iam/warden/policy/policycase"
)

func (m *Main) policyTestCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "test FILE... [--output text|json]",
		Short: "Run policy regression tests: each case states the decision it expects",
		Long: `Each FILE holds cases as JSON Lines or a JSON array. A case is an eval
request with an "id" and "expect": "Allow", "ExplicitDeny" or "ImplicitDeny".
Failing cases are printed with their explanation, then "N passed, M failed".
Exit status 1 when any case fails or cannot be read.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			if output != "json" && output != "text" {
				return usagef("--output must be text or json, not %q", output)
			}
			w := cmd.OutOrStdout()
			passed, failed := 0, 0
			for _, file := range files {
				src, err := m.openInput(file)
				if err != nil {
					return err
				}
				err = readCases(src, func(line int, data []byte) {
					res, c, err := runCase(data)
					if err != nil {
						failed++
						if output == "json" {
							out, _ := json.Marshal(map[string]any{"file": file, "line": line, "error": err.Error(), "pass": false})
							fmt.Fprintf(w, "%s\n", out)
						} else {
							fmt.Fprintf(w, "%s:%d: error: %v\n", file, line, err)
						}
						return
					}
					pass := res.Decision == c.Expect
					if pass {
						passed++
					} else {
						failed++
					}
					if output == "json" {
						out, _ := json.Marshal(map[string]any{"id": c.ID, "expect": c.Expect, "decision": res.Decision, "pass": pass})
						fmt.Fprintf(w, "%s\n", out)
					} else if !pass {
						fmt.Fprintf(w, "FAIL %s:%d: %s: expected %s, got ", file, line, c.ID, c.Expect)
						res.ID = ""
						fmt.Fprint(w, formatResult(res))
					}
				})
				src.Close()
				if err != nil {
					return err
				}
			}
			if output == "text" {
				fmt.Fprintf(w, "%d passed, %d failed\n", passed, failed)
			}
			if failed > 0 {
				return errFindings
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&output, "output", "text", "output format: text or json")
	return cmd
}

func runCase(data []byte) (*policycase.Result, *policycase.Case, error) {
	c, err := policycase.Decode(data)
	if err != nil {
		return nil, nil, err
	}
	if c.ID == "" {
		return nil, nil, fmt.Errorf("the case has no \"id\"")
	}
	if _, ok := policy.ParseDecision(c.Expect); !ok {
		return nil, nil, fmt.Errorf("case %s: \"expect\" must be Allow, ExplicitDeny or ImplicitDeny, not %q", c.ID, c.Expect)
	}
	res, err := c.Evaluate()
	if err != nil {
		return nil, nil, fmt.Errorf("case %s: %w", c.ID, err)
	}
	return res, c, nil
}
