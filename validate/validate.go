package validate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/warden-iam/warden/catalog"
	"github.com/warden-iam/warden/policy"
)

// Options tunes a validation.
type Options struct {
	// Catalog is what service, action, resource type and condition key
	// names are checked against; nil means the catalog built into Warden.
	Catalog *catalog.Catalog
}

// Policy validates a policy document of the given kind and returns its
// findings sorted by position. A zero kind is treated as an identity
// policy. Policy never fails: input that is not a policy at all yields a
// finding saying so.
func Policy(src []byte, kind policy.Kind, opts Options) []Finding {
	cat := opts.Catalog
	if cat == nil {
		cat = catalog.Default()
	}
	c := newChecker(src, kind)
	c.kn = knowledgeOf(cat)
	c.cat = cat
	if pol := c.grammar(); pol != nil {
		c.document(pol)
	}
	return sortFindings(c.findings)
}

// FirstError returns the first problem, by position, that makes IAM refuse
// the document with MalformedPolicyDocument when a policy of this kind is
// written: grammar only ("IAM JSON policy grammar"). Unknown services,
// actions and condition keys are not among them; IAM stores such policies
// and they simply match nothing. Size is not checked here either: IAM
// answers LimitExceeded for it, which callers decide with Kind.SizeLimit.
func FirstError(src []byte, kind policy.Kind) (Finding, bool) {
	c := newChecker(src, kind)
	c.grammar()
	var first Finding
	found := false
	for _, f := range c.findings {
		if f.Severity != Error || isSizeCode(f.Code) {
			continue
		}
		if !found || compareFindings(f, first) < 0 {
			first, found = f, true
		}
	}
	return first, found
}

func isSizeCode(code string) bool { return strings.HasPrefix(code, "POLICY_SIZE_EXCEEDS_") }

// checker holds one validation's state.
type checker struct {
	src  []byte
	kind policy.Kind
	cat  *catalog.Catalog
	kn   *knowledge
	pol  *policy.Policy

	findings []Finding
	// broken holds the element paths grammar errors were reported at:
	// checks that need a well-formed element pass over them rather than
	// pile a second finding on the first.
	broken map[string]bool
}

func newChecker(src []byte, kind policy.Kind) *checker {
	if kind == 0 {
		kind = policy.KindIdentity
	}
	return &checker{src: src, kind: kind, broken: map[string]bool{}}
}

// report adds a finding with the severity of its rule.
func (c *checker) report(code, path string, pos policy.Position, format string, args ...any) {
	sev := Error // a grammar code the policy package added since this table was written
	if r, ok := rules[code]; ok {
		sev = r.Severity
	}
	if !pos.IsValid() {
		pos = c.documentStart()
	}
	c.findings = append(c.findings, Finding{
		Severity: sev,
		Code:     code,
		Message:  fmt.Sprintf(format, args...),
		Path:     path,
		Line:     pos.Line,
		Column:   pos.Column,
	})
}

// documentStart is the position of the document's first non-blank
// character, where findings about the document as a whole point.
func (c *checker) documentStart() policy.Position {
	line, col := 1, 1
	for i, b := range c.src {
		switch b {
		case ' ', '\t', '\r':
			col++
		case '\n':
			line, col = line+1, 1
		default:
			return policy.Position{Offset: i, Line: line, Column: col}
		}
	}
	return policy.Position{Offset: 0, Line: 1, Column: 1}
}

// grammar parses the document and applies the rules of its kind: what IAM
// (or Organizations) checks when the policy is written. It returns the
// policy as far as it could be read, nil if the text is not JSON.
func (c *checker) grammar() *policy.Policy {
	pol, err := policy.Parse(c.src)
	if perr, ok := errors.AsType[*policy.Error](err); ok {
		c.diagnostics(perr.Diagnostics)
	}
	if pol == nil {
		return nil
	}
	c.diagnostics(pol.Check(c.kind))
	return pol
}

func (c *checker) diagnostics(ds []policy.Diagnostic) {
	for _, d := range ds {
		c.broken[d.Path] = true
		c.report(c.grammarCode(d), d.Path, d.Pos, "%s", d.Message)
	}
}

// grammarCode refines the parser's code where Access Analyzer has a more
// specific one.
func (c *checker) grammarCode(d policy.Diagnostic) string {
	switch d.Code {
	case "INVALID_CONDITION_OPERATOR":
		op := d.Path[strings.LastIndexByte(d.Path, '.')+1:]
		if _, rest, ok := strings.Cut(op, ":"); ok {
			op = rest
		}
		if op == "NullIfExists" {
			return "NULL_WITH_IF_EXISTS"
		}
	case "UNSUPPORTED_PRINCIPAL":
		if c.kind == policy.KindSCP {
			return "SCP_SYNTAX_ERROR_PRINCIPAL"
		}
	}
	return d.Code
}

// document runs every check on a parsed policy.
func (c *checker) document(pol *policy.Policy) {
	c.pol = pol
	c.version()
	c.sids()
	c.emptyContainers()
	// Variables first: a variable where the operator takes none is
	// reported as such, not as a value of the wrong type.
	for _, st := range pol.Statements {
		c.variables(st)
	}
	c.valueDataTypes()
	stmts := make([]*statement, 0, len(pol.Statements))
	for _, st := range pol.Statements {
		s := c.resolveStatement(st)
		c.resources(s)
		c.resourceMismatch(s)
		c.principals(s)
		c.trust(s)
		c.conditions(s)
		c.security(s)
		c.redundantActions(s)
		c.redundantResources(s)
		stmts = append(stmts, s)
	}
	c.requiredResourceTypes(stmts)
	c.redundantStatements(stmts)
}

// grants reports whether Allow statements of this kind of policy grant
// permissions. SCPs, RCPs, permissions boundaries and session policies only
// set limits, so broad Allow statements in them open nothing by themselves.
func (c *checker) grants() bool {
	switch c.kind {
	case policy.KindSCP, policy.KindRCP, policy.KindBoundary, policy.KindSession:
		return false
	}
	return true
}

// didYouMean formats suggestions as the end of a message.
func didYouMean(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return "; did you mean " + names[0] + "?"
	}
	return "; did you mean " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1] + "?"
}

// hasWildcard reports whether s has an IAM wildcard.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }
