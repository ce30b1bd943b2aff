package restjson

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

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
	// Sensitive hides the value from messages (smithy.api#sensitive).
	Sensitive bool
}

// Limits are an optional inclusive minimum and maximum. Lengths are whole
// numbers; a range may have fractional bounds.
type Limits struct {
	Min, Max       float64
	HasMin, HasMax bool
}

// Pattern is a smithy.api#pattern, compiled on first use so that a process
// only pays for the patterns of the operations it serves.
type Pattern struct {
	// Display is the pattern as validation messages quote it: the model's
	// text.
	Display string
	// Expr is the pattern in Go (RE2) syntax.
	Expr string
	// Require and Reject are RE2 expressions a value must also match and
	// must not match. RE2 has no lookahead, so the generator turns the
	// lookaheads that open an anchored model pattern into them.
	Require, Reject []string

	once            sync.Once
	expr            *regexp.Regexp
	require, reject []*regexp.Regexp
}

// MatchString reports whether s satisfies the pattern.
func (p *Pattern) MatchString(s string) bool {
	p.once.Do(func() {
		// The generator compiled every expression already; a failure here
		// is a bug in generated code, not bad input.
		p.expr = regexp.MustCompile(p.Expr)
		for _, e := range p.Require {
			p.require = append(p.require, regexp.MustCompile(e))
		}
		for _, e := range p.Reject {
			p.reject = append(p.reject, regexp.MustCompile(e))
		}
	})
	if !p.expr.MatchString(s) {
		return false
	}
	for _, re := range p.require {
		if !re.MatchString(s) {
			return false
		}
	}
	for _, re := range p.reject {
		if re.MatchString(s) {
			return false
		}
	}
	return true
}

// Constraint texts, as AWS's validation messages word them.
const (
	notNull         = "Member must not be null"
	listElements    = "Member must satisfy constraint"
	mapKeys         = "Map keys must satisfy constraint"
	mapValues       = "Map value must satisfy constraint"
	lengthAtMost    = "Member must have length less than or equal to "
	lengthAtLeast   = "Member must have length greater than or equal to "
	valueAtMost     = "Member must have value less than or equal to "
	valueAtLeast    = "Member must have value greater than or equal to "
	patternMatch    = "Member must satisfy regular expression pattern: "
	enumMembership  = "Member must satisfy enum value set: ["
	validationCount = " validation error"
)

// violation is one failed constraint, worded as AWS's services word it.
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

// validationError words violations the way AWS's services do: "2
// validation errors detected: Value … ; Value …". Its code is Warden's
// ValidationError, which each service's Codes table names as its own
// exception (ValidationException).
func validationError(violations []violation) error {
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(violations)))
	b.WriteString(validationCount)
	if len(violations) > 1 {
		b.WriteByte('s')
	}
	b.WriteString(" detected: ")
	for i, v := range violations {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	return &warden.Error{Code: warden.EValidationError, Message: b.String()}
}

// stringFailures returns the constraints of r that s fails, in the order AWS
// lists them: length, pattern, enum.
func (r *Rule) stringFailures(s string) []string {
	if r == nil {
		return nil
	}
	failed := r.lengthFailures(int64(len([]rune(s))))
	if r.Pattern != nil && !r.Pattern.MatchString(s) {
		failed = append(failed, patternMatch+r.Pattern.Display)
	}
	if len(r.Enum) > 0 && !slices.Contains(r.Enum, s) {
		failed = append(failed, r.enumConstraint())
	}
	return failed
}

func (r *Rule) lengthFailures(n int64) []string {
	if r == nil {
		return nil
	}
	var failed []string
	if r.Length.HasMax && float64(n) > r.Length.Max {
		failed = append(failed, lengthAtMost+formatBound(r.Length.Max))
	}
	if r.Length.HasMin && float64(n) < r.Length.Min {
		failed = append(failed, lengthAtLeast+formatBound(r.Length.Min))
	}
	return failed
}

func (r *Rule) rangeFailures(n float64) []string {
	if r == nil {
		return nil
	}
	var failed []string
	if r.Range.HasMax && n > r.Range.Max {
		failed = append(failed, valueAtMost+formatBound(r.Range.Max))
	}
	if r.Range.HasMin && n < r.Range.Min {
		failed = append(failed, valueAtLeast+formatBound(r.Range.Min))
	}
	return failed
}

func (r *Rule) enumConstraint() string {
	return enumMembership + strings.Join(r.Enum, ", ") + "]"
}

// constraints returns every constraint of r, as an element's rule is
// listed when one element of a list or map fails it: "Member must satisfy
// constraint: [Member must have length less than or equal to 128, Member
// must have length greater than or equal to 1]".
func (r *Rule) constraints() []string {
	if r == nil {
		return nil
	}
	var all []string
	if r.Length.HasMax {
		all = append(all, lengthAtMost+formatBound(r.Length.Max))
	}
	if r.Length.HasMin {
		all = append(all, lengthAtLeast+formatBound(r.Length.Min))
	}
	if r.Range.HasMax {
		all = append(all, valueAtMost+formatBound(r.Range.Max))
	}
	if r.Range.HasMin {
		all = append(all, valueAtLeast+formatBound(r.Range.Min))
	}
	if r.Pattern != nil {
		all = append(all, patternMatch+r.Pattern.Display)
	}
	if len(r.Enum) > 0 {
		all = append(all, r.enumConstraint())
	}
	return all
}

func (r *Rule) sensitive() bool { return r != nil && r.Sensitive }

// formatBound writes a bound as the model gives it: 128, 0.5.
func formatBound(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
