package validate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity is a finding's type, as IAM Access Analyzer's ValidatePolicy
// names them ("Access Analyzer policy check reference").
type Severity uint8

// Severities, in increasing order of gravity.
const (
	Suggestion Severity = iota + 1
	Warning
	SecurityWarning
	Error
)

var severityNames = [...]string{Suggestion: "SUGGESTION", Warning: "WARNING", SecurityWarning: "SECURITY_WARNING", Error: "ERROR"}

// String returns Access Analyzer's name for the severity: ERROR,
// SECURITY_WARNING, WARNING or SUGGESTION.
func (s Severity) String() string {
	if s < Suggestion || s > Error {
		return "UNKNOWN"
	}
	return severityNames[s]
}

// Flag returns the severity as command lines and compilers spell it:
// error, security-warning, warning, suggestion.
func (s Severity) Flag() string {
	return strings.ReplaceAll(strings.ToLower(s.String()), "_", "-")
}

// ParseSeverity reads a severity in either spelling (ERROR or error,
// SECURITY_WARNING or security-warning).
func ParseSeverity(s string) (Severity, bool) {
	norm := strings.ReplaceAll(strings.ToUpper(s), "-", "_")
	for sev := Suggestion; sev <= Error; sev++ {
		if sev.String() == norm {
			return sev, true
		}
	}
	return 0, false
}

// MarshalText encodes the severity as Access Analyzer does.
func (s Severity) MarshalText() ([]byte, error) {
	if s < Suggestion || s > Error {
		return nil, fmt.Errorf("invalid severity %d", s)
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads either spelling of a severity.
func (s *Severity) UnmarshalText(b []byte) error {
	sev, ok := ParseSeverity(string(b))
	if !ok {
		return fmt.Errorf("unknown severity %q", b)
	}
	*s = sev
	return nil
}

// Finding is one problem found in a policy.
type Finding struct {
	Severity Severity `json:"severity"`
	// Code is the issue code, in Access Analyzer's vocabulary where it has
	// one (see Rules).
	Code string `json:"code"`
	// Message says what is wrong and how to fix it.
	Message string `json:"message"`
	// Path is the element path, e.g. Statement[0].Action[4]; empty for the
	// document as a whole.
	Path string `json:"path"`
	// Line and Column are 1-based and count bytes.
	Line   int `json:"line"`
	Column int `json:"column"`
}

func (f Finding) String() string {
	return fmt.Sprintf("%d:%d: %s %s: %s", f.Line, f.Column, f.Severity.Flag(), f.Code, f.Message)
}

// compareFindings orders findings by position; at one position the graver
// finding comes first, then by code and path so the order never depends on
// the order checks ran in.
func compareFindings(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
		-cmp.Compare(a.Severity, b.Severity),
		strings.Compare(a.Code, b.Code),
		strings.Compare(a.Path, b.Path),
		strings.Compare(a.Message, b.Message),
	)
}

// Worst returns the gravest severity among findings, or 0 if there are none.
func Worst(findings []Finding) Severity {
	var worst Severity
	for _, f := range findings {
		worst = max(worst, f.Severity)
	}
	return worst
}

// sortFindings sorts findings by position and drops exact repeats, which
// arise when two checks reach the same conclusion about one element.
func sortFindings(fs []Finding) []Finding {
	slices.SortFunc(fs, compareFindings)
	return slices.Compact(fs)
}
