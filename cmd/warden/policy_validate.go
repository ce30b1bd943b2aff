package main

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/warden-iam/warden/policy"
	"github.com/warden-iam/warden/validate"
)

func (m *Main) policyValidateCommand() *cobra.Command {
	var kindName, output, failOn string
	cmd := &cobra.Command{
		Use:   "validate [--type identity|resource|trust|scp|rcp|boundary] [--output text|json|sarif] [--fail-on error|security-warning|warning|suggestion] FILE|DIR|-...",
		Short: "Check policies offline, as IAM Access Analyzer's ValidatePolicy does",
		Long: `Validates IAM policy documents and reports findings with Access Analyzer's
severities (error, security-warning, warning, suggestion) and issue codes, each
with its position and element path. A DIR stands for every *.json file under it,
in sorted order; - reads standard input.

Text output reads like a compiler's (file:line:col: severity CODE: message);
json gives {"files": [{"file", "findings": [...]}]}; sarif gives a SARIF 2.1.0
log for code-scanning services.

The exit status is 1 when a finding at or above --fail-on is reported, 2 for
usage errors.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, ok := policy.ParseKind(kindName)
			if !ok {
				return usagef("--type must be identity, resource, trust, scp, rcp, boundary or session, not %q", kindName)
			}
			if !slices.Contains([]string{"text", "json", "sarif"}, output) {
				return usagef("--output must be text, json or sarif, not %q", output)
			}
			threshold, ok := validate.ParseSeverity(failOn)
			if !ok {
				return usagef("--fail-on must be error, security-warning, warning or suggestion, not %q", failOn)
			}
			files, err := validationInputs(args)
			if err != nil {
				return err
			}
			results := make([]validate.FileFindings, 0, len(files))
			for _, name := range files {
				src, err := m.readPolicyFile(name)
				if err != nil {
					return err
				}
				results = append(results, validate.FileFindings{
					File:     displayName(name),
					Findings: validate.Policy(src, kind, validate.Options{}),
					Source:   src,
				})
			}
			if err := writeFindings(cmd.OutOrStdout(), cmd.ErrOrStderr(), output, results); err != nil {
				return err
			}
			for _, r := range results {
				if validate.Worst(r.Findings) >= threshold {
					return errFindings
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&kindName, "type", "identity", "policy type: identity, resource, trust, scp, rcp, boundary or session")
	cmd.Flags().StringVar(&output, "output", "text", "output format: text, json or sarif")
	cmd.Flags().StringVar(&failOn, "fail-on", "error", "exit 1 when a finding is at least this severe: error, security-warning, warning or suggestion")
	return cmd
}

// stdinName is the argument that reads a policy from standard input.
const stdinName = "-"

func displayName(name string) string {
	if name == stdinName {
		return "<stdin>"
	}
	return name
}

// validationInputs expands the arguments into the files to validate: a
// directory stands for every *.json file under it, sorted. Arguments that
// do not exist are usage errors, found before any output is written.
func validationInputs(args []string) ([]string, error) {
	var files []string
	stdin := false
	for _, arg := range args {
		if arg == stdinName {
			if stdin {
				return nil, usagef("standard input (-) can be read only once")
			}
			stdin = true
			files = append(files, arg)
			continue
		}
		info, err := os.Stat(arg)
		if err != nil {
			return nil, usagef("%s: no such file or directory", arg)
		}
		if !info.IsDir() {
			files = append(files, arg)
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".json") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, usagef("%s: no *.json files in the directory", arg)
		}
		slices.Sort(found)
		files = append(files, found...)
	}
	return files, nil
}

func (m *Main) readPolicyFile(name string) ([]byte, error) {
	if name == stdinName {
		return io.ReadAll(m.Stdin)
	}
	return os.ReadFile(name)
}

// writeFindings prints results in the output format; text output ends with
// a count of findings on errw, like a compiler's.
func writeFindings(w, errw io.Writer, output string, results []validate.FileFindings) error {
	switch output {
	case "json":
		for i := range results {
			if results[i].Findings == nil {
				results[i].Findings = []validate.Finding{}
			}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Files []validate.FileFindings `json:"files"`
		}{results})
	case "sarif":
		log, err := validate.SARIF(results, "")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", log)
		return err
	}
	counts := map[validate.Severity]int{}
	for _, r := range results {
		for _, f := range r.Findings {
			counts[f.Severity]++
			where := ""
			if f.Path != "" {
				where = " (" + f.Path + ")"
			}
			if _, err := fmt.Fprintf(w, "%s:%d:%d: %s %s: %s%s\n", r.File, f.Line, f.Column, f.Severity.Flag(), f.Code, f.Message, where); err != nil {
				return err
			}
		}
	}
	if len(counts) > 0 {
		var parts []string
		for sev := validate.Error; sev >= validate.Suggestion; sev-- {
			if n := counts[sev]; n > 0 {
				parts = append(parts, plural(n, sev.Flag()))
			}
		}
		fmt.Fprintf(errw, "%s (%s checked)\n", strings.Join(parts, ", "), plural(len(results), "file"))
	}
	return nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
