package policy

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/warden-iam/warden/arn"
)

// Parse reads a policy document with IAM's grammar ("Grammar of the IAM JSON
// policy language"). It checks what IAM checks when a policy is written,
// whatever the policy's kind; Check adds the rules of each kind.
//
// On grammar errors Parse returns an *Error holding every diagnostic found,
// together with as much of the policy as could be read (nil if the text is
// not JSON), so that a validator can go on to report more.
func Parse(src []byte) (*Policy, error) {
	li := newLineIndex(src)
	root, d := readTree(src, li)
	if d != nil {
		return nil, &Error{Diagnostics: []Diagnostic{*d}}
	}
	p := &parser{}
	pol := p.policy(root)
	pol.Size = policySize(src)
	if len(p.diags) > 0 {
		return pol, &Error{Diagnostics: p.diags}
	}
	return pol, nil
}

// MustParse parses a policy known to be valid, such as one embedded in the
// program, and panics otherwise.
func MustParse(src string) *Policy {
	p, err := Parse([]byte(src))
	if err != nil {
		panic(fmt.Sprintf("policy.MustParse: %v", err))
	}
	return p
}

type parser struct {
	diags []Diagnostic
}

func (p *parser) errorf(code, path string, pos Position, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{Code: code, Message: fmt.Sprintf(format, args...), Path: path, Pos: pos})
}

func (p *parser) policy(root *node) *Policy {
	pol := &Policy{}
	if root.kind != '{' {
		p.errorf("DATA_TYPE_MISMATCH", "", root.pos, "a policy document must be a JSON object, not %s", root.kindName())
		return pol
	}
	var statement *member
	for i := range root.members {
		m := &root.members[i]
		switch m.name {
		case "Version":
			pol.HasVersion, pol.VersionPos = true, m.value.pos
			if m.value.kind != '"' {
				p.errorf("DATA_TYPE_MISMATCH", "Version", m.value.pos, "Version must be a string (\"2012-10-17\"), not %s", m.value.kindName())
				continue
			}
			pol.Version = m.value.text
			if pol.Version != Version2012 && pol.Version != Version2008 {
				p.errorf("INVALID_VERSION", "Version", m.value.pos, "Version %q is not a policy language version; use \"2012-10-17\"", pol.Version)
			}
		case "Id":
			pol.HasID, pol.IDPos = true, m.value.pos
			if m.value.kind != '"' {
				p.errorf("DATA_TYPE_MISMATCH", "Id", m.value.pos, "Id must be a string, not %s", m.value.kindName())
				continue
			}
			pol.ID = m.value.text
		case "Statement":
			statement = m
		default:
			p.unknownElement(m, "", topLevelElements)
		}
	}
	if statement == nil {
		p.errorf("MISSING_STATEMENT", "", root.pos, "the policy has no Statement element")
		return pol
	}
	pol.StatementPos = statement.value.pos
	vars := pol.VariablesEnabled()
	switch v := statement.value; v.kind {
	case '{':
		pol.Statements = append(pol.Statements, p.statement(v, 0, "Statement", vars))
	case '[':
		if len(v.elems) == 0 {
			p.errorf("MISSING_STATEMENT", "Statement", v.pos, "the Statement list is empty; a policy needs at least one statement")
		}
		for i, e := range v.elems {
			path := fmt.Sprintf("Statement[%d]", i)
			if e.kind != '{' {
				p.errorf("DATA_TYPE_MISMATCH", path, e.pos, "each statement must be a JSON object, not %s", e.kindName())
				continue
			}
			pol.Statements = append(pol.Statements, p.statement(e, i, path, vars))
		}
	default:
		p.errorf("DATA_TYPE_MISMATCH", "Statement", v.pos, "Statement must be an object or a list of objects, not %s", v.kindName())
	}
	return pol
}

var (
	topLevelElements  = []string{"Version", "Id", "Statement"}
	statementElements = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)

func (p *parser) unknownElement(m *member, parent string, known []string) {
	path := joinPath(parent, m.name)
	for _, k := range known {
		if strings.EqualFold(k, m.name) {
			p.errorf("INVALID_POLICY_ELEMENT", path, m.namePos, "unknown element %q; element names are case-sensitive: write %q", m.name, k)
			return
		}
	}
	p.errorf("INVALID_POLICY_ELEMENT", path, m.namePos, "unknown element %q; a %s may contain %s", m.name, map[bool]string{true: "policy", false: "statement"}[parent == ""], strings.Join(known, ", "))
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

func (p *parser) statement(n *node, index int, path string, vars bool) *Statement {
	st := &Statement{Index: index, Path: path, Pos: n.pos}
	var action, notAction, resource, notResource, principal, notPrincipal *member
	for i := range n.members {
		m := &n.members[i]
		switch m.name {
		case "Sid":
			st.HasSid, st.SidPos = true, m.value.pos
			if m.value.kind != '"' {
				p.errorf("DATA_TYPE_MISMATCH", path+".Sid", m.value.pos, "Sid must be a string, not %s", m.value.kindName())
				continue
			}
			st.Sid = m.value.text
		case "Effect":
			st.EffectPos = m.value.pos
			switch {
			case m.value.kind != '"':
				p.errorf("DATA_TYPE_MISMATCH", path+".Effect", m.value.pos, "Effect must be the string \"Allow\" or \"Deny\", not %s", m.value.kindName())
			case m.value.text == "Allow":
				st.Effect = Allow
			case m.value.text == "Deny":
				st.Effect = Deny
			default:
				hint := ""
				if strings.EqualFold(m.value.text, "Allow") || strings.EqualFold(m.value.text, "Deny") {
					hint = "; Effect is case-sensitive"
				}
				p.errorf("INVALID_EFFECT", path+".Effect", m.value.pos, "Effect must be \"Allow\" or \"Deny\", not %q%s", m.value.text, hint)
			}
		case "Action":
			action = m
		case "NotAction":
			notAction = m
		case "Resource":
			resource = m
		case "NotResource":
			notResource = m
		case "Principal":
			principal = m
		case "NotPrincipal":
			notPrincipal = m
		case "Condition":
			st.HasCondition, st.ConditionPos = true, m.value.pos
			st.Conditions = p.conditions(m.value, path+".Condition", vars)
		default:
			p.unknownElement(m, path, statementElements)
		}
	}
	if st.EffectPos == (Position{}) {
		p.errorf("MISSING_EFFECT", path, n.pos, "the statement has no Effect element; add \"Effect\": \"Allow\" or \"Deny\"")
	}

	switch m := p.exclusive(path, action, notAction, "Action", "NotAction"); {
	case m == nil:
		p.errorf("MISSING_ACTION", path, n.pos, "the statement has no Action or NotAction element")
	default:
		st.HasAction, st.NotAction = true, m == notAction
		st.ActionPath, st.ActionPos = joinPath(path, m.name), m.value.pos
		st.Actions = p.stringList(m.value, st.ActionPath, "actions")
		for _, a := range st.Actions {
			p.checkAction(a)
		}
	}

	if m := p.exclusive(path, resource, notResource, "Resource", "NotResource"); m != nil {
		st.HasResource, st.NotResource = true, m == notResource
		st.ResourcePath, st.ResourcePos = joinPath(path, m.name), m.value.pos
		st.Resources = p.stringList(m.value, st.ResourcePath, "resources")
		for _, r := range st.Resources {
			p.checkResource(r, vars)
		}
	}

	if m := p.exclusive(path, principal, notPrincipal, "Principal", "NotPrincipal"); m != nil {
		st.NotPrincipal = m == notPrincipal
		st.Principal = p.principal(m.value, joinPath(path, m.name))
	}
	return st
}

// exclusive returns whichever of a pair of alternative elements is present,
// reporting both being present.
func (p *parser) exclusive(path string, a, b *member, aName, bName string) *member {
	if a != nil && b != nil {
		p.errorf("UNSUPPORTED_ELEMENT_COMBINATION", joinPath(path, bName), b.namePos, "a statement cannot have both %s and %s", aName, bName)
	}
	if a != nil {
		return a
	}
	return b
}

// stringList reads an element that is a string or a list of strings.
func (p *parser) stringList(n *node, path, what string) []Value {
	switch n.kind {
	case '"':
		return []Value{{Text: n.text, Path: path, Pos: n.pos}}
	case '[':
		vals := make([]Value, 0, len(n.elems))
		for i, e := range n.elems {
			ep := path + "[" + strconv.Itoa(i) + "]"
			if e.kind != '"' {
				p.errorf("DATA_TYPE_MISMATCH", ep, e.pos, "%s must be strings, not %s", what, e.kindName())
				continue
			}
			vals = append(vals, Value{Text: e.text, Path: ep, Pos: e.pos})
		}
		return vals
	}
	p.errorf("DATA_TYPE_MISMATCH", path, n.pos, "%s must be a string or a list of strings, not %s", path[strings.LastIndexByte(path, '.')+1:], n.kindName())
	return nil
}

// checkAction enforces the vendor:action form IAM requires.
func (p *parser) checkAction(a Value) {
	if a.Text == "*" {
		return
	}
	vendor, name, ok := strings.Cut(a.Text, ":")
	switch {
	case !ok:
		p.errorf("INVALID_ACTION", a.Path, a.Pos, "action %q must have the form service:Action (for example health-agent:GetDomain) or be \"*\"", a.Text)
	case strings.Contains(name, ":"):
		p.errorf("INVALID_ACTION", a.Path, a.Pos, "action %q has more than one colon; write service:Action", a.Text)
	case vendor == "" || name == "":
		p.errorf("INVALID_ACTION", a.Path, a.Pos, "action %q has an empty service or action name", a.Text)
	case strings.ContainsAny(vendor, "*?"):
		p.errorf("INVALID_SERVICE_IN_ACTION", a.Path, a.Pos, "action %q has a wildcard in its service prefix; wildcards may appear only in the action name", a.Text)
	case strings.ContainsFunc(vendor, func(r rune) bool { return !(r == '-' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)) }):
		p.errorf("INVALID_SERVICE_IN_ACTION", a.Path, a.Pos, "action %q has characters that no service prefix contains", a.Text)
	}
}

// checkResource enforces that a resource is "*" or an ARN, and that policy
// variables are terminated.
func (p *parser) checkResource(r Value, vars bool) {
	if r.Text == "*" {
		return
	}
	if _, err := arn.Parse(r.Text); err != nil {
		code := "MISSING_ARN_FIELD"
		if err == arn.ErrPrefix {
			code = "INVALID_ARN_PREFIX"
		}
		p.errorf(code, r.Path, r.Pos, "resource %q is not \"*\" or an ARN: %v", r.Text, err)
		return
	}
	if vars {
		p.checkVariables(r)
	}
}

func (p *parser) checkVariables(v Value) {
	for _, issue := range VariableIssues(v.Text) {
		if issue.Code == "MISSING_BRACE_IN_VARIABLE" {
			p.errorf(issue.Code, v.Path, v.Pos, "%s", issue.Message)
		}
	}
}

func (p *parser) principal(n *node, path string) *Principal {
	pr := &Principal{Path: path, Pos: n.pos}
	switch n.kind {
	case '"':
		if n.text != "*" {
			p.errorf("INVALID_PRINCIPAL_FORMAT", path, n.pos, "a principal given as a string must be \"*\"; name principals as {\"AWS\": %q}", n.text)
		}
		pr.Wildcard = true
		return pr
	case '{':
	default:
		p.errorf("DATA_TYPE_MISMATCH", path, n.pos, "a principal must be \"*\" or an object such as {\"AWS\": \"arn:…\"}, not %s", n.kindName())
		return pr
	}
	for _, m := range n.members {
		mp := joinPath(path, m.name)
		switch m.name {
		case PrincipalAWS, PrincipalService, PrincipalFederated, PrincipalCanonicalUser:
		default:
			p.errorf("INVALID_PRINCIPAL_KEY", mp, m.namePos, "principal type %q is not one of AWS, Service, Federated, CanonicalUser", m.name)
			continue
		}
		for _, v := range p.stringList(m.value, mp, "principals") {
			pr.Entries = append(pr.Entries, PrincipalEntry{Type: m.name, Value: v})
		}
	}
	return pr
}

func (p *parser) conditions(n *node, path string, vars bool) []*Condition {
	if n.kind != '{' {
		p.errorf("DATA_TYPE_MISMATCH", path, n.pos, "Condition must be an object of operators, not %s", n.kindName())
		return nil
	}
	var conds []*Condition
	for _, opm := range n.members {
		opPath := joinPath(path, opm.name)
		op, ok := ParseOperator(opm.name)
		if !ok {
			p.errorf("INVALID_CONDITION_OPERATOR", opPath, opm.namePos, "%q is not a condition operator%s", opm.name, suggestOperator(opm.name))
			continue
		}
		if opm.value.kind != '{' {
			p.errorf("DATA_TYPE_MISMATCH", opPath, opm.value.pos, "the %s operator must map condition keys to values, not be %s", opm.name, opm.value.kindName())
			continue
		}
		for _, km := range opm.value.members {
			c := &Condition{Operator: op, OperatorPos: opm.namePos, Key: km.name, KeyPos: km.namePos, Path: joinPath(opPath, km.name)}
			c.Values, c.ValuesIsList = p.conditionValues(km.value, c.Path)
			if vars && (op.Family() == FamilyString || op.Family() == FamilyARN) {
				for _, v := range c.Values {
					p.checkVariables(v)
				}
			}
			conds = append(conds, c)
		}
	}
	return conds
}

func (p *parser) conditionValues(n *node, path string) ([]Value, bool) {
	if n.isScalar() {
		return []Value{{Text: n.text, Path: path, Pos: n.pos}}, false
	}
	if n.kind != '[' {
		p.errorf("DATA_TYPE_MISMATCH", path, n.pos, "condition values must be strings, numbers, booleans or a list of them, not %s", n.kindName())
		return nil, false
	}
	vals := make([]Value, 0, len(n.elems))
	for i, e := range n.elems {
		ep := path + "[" + strconv.Itoa(i) + "]"
		if !e.isScalar() {
			p.errorf("DATA_TYPE_MISMATCH", ep, e.pos, "condition values must be strings, numbers or booleans, not %s", e.kindName())
			continue
		}
		vals = append(vals, Value{Text: e.text, Path: ep, Pos: e.pos})
	}
	return vals, true
}

// suggestOperator names the operator a misspelling most likely meant.
func suggestOperator(name string) string {
	base := name
	if _, r, ok := strings.Cut(name, ":"); ok {
		base = r
	}
	base = strings.TrimSuffix(base, "IfExists")
	for known := range baseOperators {
		if strings.EqualFold(known, base) {
			return fmt.Sprintf("; operator names are case-sensitive: did you mean %q?", known)
		}
	}
	return ""
}

// policySize counts characters as IAM's quotas do: whitespace outside string
// values is free.
func policySize(src []byte) int {
	n, inString, escaped := 0, false, false
	for _, r := range string(src) {
		switch {
		case inString:
			n++
			switch {
			case escaped:
				escaped = false
			case r == '\\':
				escaped = true
			case r == '"':
				inString = false
			}
		case r == '"':
			inString = true
			n++
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
		default:
			n++
		}
	}
	return n
}
