package policy

import "strings"

// Family is the value type a condition operator compares
// ("IAM JSON policy elements: Condition operators").
type Family uint8

const (
	FamilyString Family = iota + 1
	FamilyNumeric
	FamilyDate
	FamilyBool
	FamilyBinary
	FamilyIP
	FamilyARN
	FamilyNull
)

func (f Family) String() string {
	return [...]string{"", "String", "Numeric", "Date", "Boolean", "Binary", "IpAddress", "ARN", "Null"}[f]
}

// Qualifier is a set operator prefix for multivalued context keys.
type Qualifier uint8

const (
	SingleValue Qualifier = iota
	ForAllValues
	ForAnyValue
)

// comparison is the test a base operator applies to one request value and
// one policy value.
type comparison uint8

const (
	cmpEquals comparison = iota + 1
	cmpEqualsIgnoreCase
	cmpLike
	cmpLess
	cmpLessEquals
	cmpGreater
	cmpGreaterEquals
	cmpInRange // IpAddress
	cmpNull
)

// baseOperator is an operator name without qualifier or IfExists suffix.
type baseOperator struct {
	name    string
	family  Family
	cmp     comparison
	negated bool
}

var baseOperators = map[string]baseOperator{}

func init() {
	for _, op := range []baseOperator{
		{"StringEquals", FamilyString, cmpEquals, false},
		{"StringNotEquals", FamilyString, cmpEquals, true},
		{"StringEqualsIgnoreCase", FamilyString, cmpEqualsIgnoreCase, false},
		{"StringNotEqualsIgnoreCase", FamilyString, cmpEqualsIgnoreCase, true},
		{"StringLike", FamilyString, cmpLike, false},
		{"StringNotLike", FamilyString, cmpLike, true},
		{"NumericEquals", FamilyNumeric, cmpEquals, false},
		{"NumericNotEquals", FamilyNumeric, cmpEquals, true},
		{"NumericLessThan", FamilyNumeric, cmpLess, false},
		{"NumericLessThanEquals", FamilyNumeric, cmpLessEquals, false},
		{"NumericGreaterThan", FamilyNumeric, cmpGreater, false},
		{"NumericGreaterThanEquals", FamilyNumeric, cmpGreaterEquals, false},
		{"DateEquals", FamilyDate, cmpEquals, false},
		{"DateNotEquals", FamilyDate, cmpEquals, true},
		{"DateLessThan", FamilyDate, cmpLess, false},
		{"DateLessThanEquals", FamilyDate, cmpLessEquals, false},
		{"DateGreaterThan", FamilyDate, cmpGreater, false},
		{"DateGreaterThanEquals", FamilyDate, cmpGreaterEquals, false},
		{"Bool", FamilyBool, cmpEquals, false},
		{"BinaryEquals", FamilyBinary, cmpEquals, false},
		{"IpAddress", FamilyIP, cmpInRange, false},
		{"NotIpAddress", FamilyIP, cmpInRange, true},
		{"ArnEquals", FamilyARN, cmpLike, false},
		{"ArnLike", FamilyARN, cmpLike, false},
		{"ArnNotEquals", FamilyARN, cmpLike, true},
		{"ArnNotLike", FamilyARN, cmpLike, true},
		{"Null", FamilyNull, cmpNull, false},
	} {
		baseOperators[op.name] = op
	}
}

// Operator is a parsed condition operator name such as
// "ForAnyValue:StringNotEqualsIfExists".
type Operator struct {
	Name      string // as written
	Qualifier Qualifier
	Base      string // StringNotEquals
	IfExists  bool
	base      baseOperator
}

// Family returns the value type the operator compares.
func (o Operator) Family() Family { return o.base.family }

// Negated reports whether the operator is a negated one (StringNotEquals,
// NotIpAddress, …): its values combine as "matches none of them", and a
// missing key makes it true.
func (o Operator) Negated() bool { return o.base.negated }

// ParseOperator parses a condition operator name. Operator names are
// case-sensitive, like every other element of the policy grammar.
func ParseOperator(name string) (Operator, bool) {
	op := Operator{Name: name}
	rest := name
	if q, r, ok := strings.Cut(rest, ":"); ok {
		switch q {
		case "ForAllValues":
			op.Qualifier = ForAllValues
		case "ForAnyValue":
			op.Qualifier = ForAnyValue
		default:
			return op, false
		}
		rest = r
	}
	if b, ok := strings.CutSuffix(rest, "IfExists"); ok {
		op.IfExists = true
		rest = b
	}
	base, ok := baseOperators[rest]
	if !ok {
		return op, false
	}
	if base.family == FamilyNull && op.IfExists {
		return op, false // "NullIfExists" is not an operator
	}
	op.Base = rest
	op.base = base
	return op, true
}
