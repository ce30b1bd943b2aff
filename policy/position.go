package policy

import (
	"fmt"
	"strings"
)

// Position is a place in a policy document. Line and Column are 1-based and
// count bytes, as editors and compilers report them; Offset is 0-based.
type Position struct {
	Offset int `json:"offset"`
	Line   int `json:"line"`
	Column int `json:"column"`
}

// IsValid reports whether p refers to a place in a document.
func (p Position) IsValid() bool { return p.Line > 0 }

func (p Position) String() string {
	if !p.IsValid() {
		return "-"
	}
	return fmt.Sprintf("%d:%d", p.Line, p.Column)
}

// Diagnostic is one problem found in a policy document. Code is drawn from
// IAM Access Analyzer's finding vocabulary (JSON_SYNTAX_ERROR,
// INVALID_VERSION, MISSING_EFFECT, …) so that the parser, the validator and
// the server's MalformedPolicyDocument messages share one set of names.
type Diagnostic struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Path    string   `json:"path"` // element path, e.g. Statement[1].Condition.StringEquals
	Pos     Position `json:"position"`
}

func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	if d.Path != "" {
		b.WriteString(" ")
		b.WriteString(d.Path)
	}
	b.WriteString(": ")
	b.WriteString(d.Message)
	return b.String()
}

// Error is returned by Parse, Check and Compile when a document is not a
// policy IAM would accept. It carries every diagnostic found; the first one
// is the one IAM would answer with.
type Error struct {
	Diagnostics []Diagnostic
}

func (e *Error) Error() string {
	if len(e.Diagnostics) == 0 {
		return "invalid policy"
	}
	s := e.Diagnostics[0].String()
	if n := len(e.Diagnostics) - 1; n > 0 {
		s += fmt.Sprintf(" (and %d more)", n)
	}
	return s
}

// lineIndex converts byte offsets in one source text into positions.
type lineIndex struct {
	starts []int // byte offset at which each line begins
}

func newLineIndex(src []byte) lineIndex {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return lineIndex{starts: starts}
}

func (li lineIndex) position(offset int) Position {
	// Binary search for the last line start <= offset.
	lo, hi := 0, len(li.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if li.starts[mid] <= offset {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return Position{Offset: offset, Line: lo + 1, Column: offset - li.starts[lo] + 1}
}
