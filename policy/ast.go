package policy

// The policy versions IAM accepts ("IAM JSON policy elements: Version").
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Effect is a statement's Effect element.
type Effect uint8

const (
	Allow Effect = iota + 1
	Deny
)

func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "Invalid"
}

// Policy is a parsed policy document. Every element keeps the position and
// element path it was read from.
type Policy struct {
	// Version is the Version element's text, or "" when the element is absent
	// (IAM then processes the policy as 2008-10-17: variables are literal).
	Version    string
	VersionPos Position
	HasVersion bool
	ID         string
	HasID      bool
	IDPos      Position
	Statements []*Statement
	// StatementPos is where the Statement element's value starts.
	StatementPos Position
	// Size counts the characters IAM counts toward its size quotas: all but
	// whitespace outside string values ("IAM and AWS STS quotas").
	Size int
}

// VariablesEnabled reports whether policy variables are substituted in this
// policy: only Version 2012-10-17 supports them.
func (p *Policy) VariablesEnabled() bool { return p.Version == Version2012 }

// Statement is one element of a policy's Statement list.
type Statement struct {
	Index int
	Path  string // "Statement[2]", or "Statement" when Statement is a single object
	Pos   Position

	Sid    string
	HasSid bool
	SidPos Position

	Effect    Effect
	EffectPos Position

	// Principal is the Principal or NotPrincipal element (see NotPrincipal);
	// nil when the statement has neither.
	Principal    *Principal
	NotPrincipal bool

	// Actions holds the Action or NotAction values (see NotAction).
	Actions    []Value
	NotAction  bool
	HasAction  bool
	ActionPath string
	ActionPos  Position

	// Resources holds the Resource or NotResource values; HasResource is
	// false when the statement has neither (as in role trust policies).
	Resources    []Value
	NotResource  bool
	HasResource  bool
	ResourcePath string
	ResourcePos  Position

	Conditions   []*Condition
	HasCondition bool
	ConditionPos Position
}

// Value is one string value of an element (an action, a resource, a
// principal, a condition value) with where it was written. Numbers and
// booleans in condition values keep their literal text; IAM compares them
// as text ("true" ≡ true).
type Value struct {
	Text string
	Path string
	Pos  Position
}

// Principal is a Principal or NotPrincipal element.
type Principal struct {
	// Wildcard is set for the string form "*", which IAM treats as
	// {"AWS": "*"}: every principal, anonymous ones included.
	Wildcard bool
	Entries  []PrincipalEntry
	Path     string
	Pos      Position
}

// Principal types, the keys of a Principal object.
const (
	PrincipalAWS           = "AWS"
	PrincipalService       = "Service"
	PrincipalFederated     = "Federated"
	PrincipalCanonicalUser = "CanonicalUser"
)

// PrincipalEntry is one principal named under a type key.
type PrincipalEntry struct {
	Type  string // PrincipalAWS, PrincipalService, …
	Value Value
}

// Condition is one key test of a Condition block: an operator applied to one
// context key with one or more policy values. A block with several
// operators and keys becomes several Conditions, all of which must hold.
type Condition struct {
	Operator    Operator
	OperatorPos Position
	Key         string
	KeyPos      Position
	Path        string // Statement[0].Condition.StringEquals.aws:username
	Values      []Value
	// ValuesIsList records whether the values were written as an array.
	ValuesIsList bool
}
