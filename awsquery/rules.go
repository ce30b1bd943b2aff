package awsquery

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/warden-iam/warden"
)

// Rule holds the constraint traits of a Smithy shape (or of a member that
// narrows its target). The generated packages declare one per constrained
// shape; Decoder methods accept nil for an unconstrained one.
type Rule struct {
	// Length bounds a string's length in characters, a blob's in bytes and
	// the number of entries of a list or map (smithy.api#length).
	Length Limits
	// Range bounds a number (smithy.api#range).
	Range Limits
	// Pattern is the regular expression a string must match.
	Pattern *Pattern
	// Enum lists the values of an enum shape, in model order.
	Enum []string
	// Sensitive hides the value from messages (smithy.api#sensitive), as
	// AWS does for passwords and tokens.
	Sensitive bool
}

// Limits are an optional inclusive minimum and maximum.
type Limits struct {
	Min, Max       int64
	HasMin, HasMax bool
}

// Pattern is a smithy.api#pattern, compiled on first use so that a process
// only pays for the patterns of the operations it serves.
type Pattern struct {
	// Display is the pattern as AWS quotes it in validation messages: the
	// model's text without its ^ and $ anchors.
	Display string
	// Expr is the pattern in Go (RE2) syntax.
	Expr string
	// Reject, when set, is an RE2 expression a value must not match. RE2
	// has no lookahead, so the generator splits a model pattern that uses
	// one into what must match and what must not.
	Reject string

	once         sync.Once
	expr, reject *regexp.Regexp
}

// MatchString reports whether s satisfies the pattern.
func (p *Pattern) MatchString(s string) bool {
	p.once.Do(func() {
		// The generator compiled both expressions already; a failure
		// here is a bug in generated code, not bad input.
		p.expr = regexp.MustCompile(p.Expr)
		if p.Reject != "" {
			p.reject = regexp.MustCompile(p.Reject)
		}
	})
	return p.expr.MatchString(s) && (p.reject == nil || !p.reject.MatchString(s))
}

// violation is one failed constraint, worded as AWS's Coral services do.
type violation struct {
	field      string
	value      string
	shown      valueShown
	constraint string
}

type valueShown int

const (
	valueQuoted valueShown = iota // Value 'x' at …
	valueNull                     // Value null at …
	valueHidden                   // Value at … (sensitive members)
)

func (v violation) String() string {
	switch v.shown {
	case valueNull:
		return "Value null at '" + v.field + "' failed to satisfy constraint: " + v.constraint
	case valueHidden:
		return "Value at '" + v.field + "' failed to satisfy constraint: " + v.constraint
	default:
		return "Value '" + v.value + "' at '" + v.field + "' failed to satisfy constraint: " + v.constraint
	}
}

// validationError words violations the way IAM and STS do:
// "2 validation errors detected: Value … ; Value …".
func validationError(violations []violation) error {
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(violations)))
	if len(violations) == 1 {
		b.WriteString(" validation error detected: ")
	} else {
		b.WriteString(" validation errors detected: ")
	}
	for i, v := range violations {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	return &warden.Error{Code: warden.EValidationError, Message: b.String()}
}

// checkString records each constraint s fails, in the order length,
// pattern, enum.
func (r *Rule) checkString(d *Decoder, p Path, s string) {
	if r == nil {
		return
	}
	shown := r.shown()
	r.checkLength(d, p, int64(utf8.RuneCountInString(s)), s, shown)
	if r.Pattern != nil && !r.Pattern.MatchString(s) {
		d.violate(p, s, shown, "Member must satisfy regular expression pattern: "+r.Pattern.Display)
	}
	if len(r.Enum) > 0 && !slices.Contains(r.Enum, s) {
		d.violate(p, s, shown, "Member must satisfy enum value set: ["+strings.Join(r.Enum, ", ")+"]")
	}
}

// checkLength records a length outside the rule's bounds. value is what
// the message quotes.
func (r *Rule) checkLength(d *Decoder, p Path, n int64, value string, shown valueShown) {
	if r == nil {
		return
	}
	if r.Length.HasMax && n > r.Length.Max {
		d.violate(p, value, shown, fmt.Sprintf("Member must have length less than or equal to %d", r.Length.Max))
	}
	if r.Length.HasMin && n < r.Length.Min {
		d.violate(p, value, shown, fmt.Sprintf("Member must have length greater than or equal to %d", r.Length.Min))
	}
}

// checkRange records a number outside the rule's range.
func (r *Rule) checkRange(d *Decoder, p Path, n int64, value string) {
	if r == nil {
		return
	}
	shown := r.shown()
	if r.Range.HasMax && n > r.Range.Max {
		d.violate(p, value, shown, fmt.Sprintf("Member must have value less than or equal to %d", r.Range.Max))
	}
	if r.Range.HasMin && n < r.Range.Min {
		d.violate(p, value, shown, fmt.Sprintf("Member must have value greater than or equal to %d", r.Range.Min))
	}
}

func (r *Rule) shown() valueShown {
	if r != nil && r.Sensitive {
		return valueHidden
	}
	return valueQuoted
}
