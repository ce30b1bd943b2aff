package validate

import (
	"strings"

	"github.com/warden-iam/warden/arn"
	"github.com/warden-iam/warden/policy"
)

// Checks of the document's shape beyond IAM's grammar: Version, Sid, empty
// elements and policy variables.

func (c *checker) version() {
	if !c.pol.HasVersion && !c.broken["Version"] {
		c.report("MISSING_VERSION", "", policy.Position{}, "the policy has no Version, so IAM reads it as 2008-10-17, where policy variables are literal text; add \"Version\": \"2012-10-17\"")
	}
}

func (c *checker) sids() {
	seen := map[string]string{}
	for _, st := range c.pol.Statements {
		path := st.Path + ".Sid"
		if !st.HasSid || c.broken[path] {
			continue
		}
		if st.Sid == "" {
			c.report("EMPTY_SID_VALUE", path, st.SidPos, "the Sid is empty; remove it or name the statement")
			continue
		}
		// IAM itself refuses repeated Sids in the policies it stores
		// (reported by Check); other services only recommend unique ones.
		if c.kind == policy.KindResource {
			if first, dup := seen[st.Sid]; dup {
				c.report("UNIQUE_SIDS_RECOMMENDED", path, st.SidPos, "Sid %q is also the Sid of %s; give each statement its own Sid", st.Sid, first)
			} else {
				seen[st.Sid] = st.Path
			}
		}
	}
}

// emptyContainers reports empty lists and objects where a policy element
// expects values. IAM stores them, but they name nothing: an empty Action
// list makes a statement that matches no request.
func (c *checker) emptyContainers() {
	if !mayHaveEmptyContainer(c.src) {
		return // spare a second reading of the document
	}
	for _, e := range policy.EmptyContainers(c.src) {
		if c.broken[e.Path] {
			continue
		}
		for _, st := range c.pol.Statements {
			if code, what := c.emptyElement(st, e); code != "" {
				c.report(code, e.Path, e.Pos, "%s", what)
				break
			}
		}
	}
}

// mayHaveEmptyContainer reports whether src has "[" or "{" followed, after
// blanks, by "]" or "}": no document without one has an empty container.
func mayHaveEmptyContainer(src []byte) bool {
	for i, b := range src {
		if b != '[' && b != '{' {
			continue
		}
		j := i + 1
		for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\n' || src[j] == '\r') {
			j++
		}
		if j < len(src) && (src[j] == ']' || src[j] == '}') {
			return true
		}
	}
	return false
}

// emptyElement classifies an empty container within statement st.
func (c *checker) emptyElement(st *policy.Statement, e policy.EmptyContainer) (code, message string) {
	rest, ok := strings.CutPrefix(e.Path, st.Path+".")
	if !ok {
		return "", ""
	}
	switch {
	case e.Array && (rest == "Action" || rest == "NotAction"):
		return "EMPTY_ARRAY_ACTION", "the " + rest + " list is empty, so the statement matches no request; list actions or remove the statement"
	case e.Array && (rest == "Resource" || rest == "NotResource"):
		return "EMPTY_ARRAY_RESOURCE", "the " + rest + " list is empty, so the statement matches no resource; list resources or use \"*\""
	case !e.Array && (rest == "Principal" || rest == "NotPrincipal"):
		return "EMPTY_OBJECT_PRINCIPAL", "the " + rest + " object is empty, so it names nobody; name principals under AWS, Service, Federated or CanonicalUser"
	case e.Array && (strings.HasPrefix(rest, "Principal.") || strings.HasPrefix(rest, "NotPrincipal.")):
		return "EMPTY_ARRAY_PRINCIPAL", "the principal list is empty; list principals or remove the key"
	case !e.Array && rest == "Condition":
		return "EMPTY_OBJECT_CONDITION", "the Condition object is empty; remove it"
	}
	cond, ok := strings.CutPrefix(rest, "Condition.")
	if !ok {
		return "", ""
	}
	op, key, isKey := strings.Cut(cond, ".") // operator names have no dots; keys may
	switch {
	case !e.Array && !isKey:
		return "EMPTY_OBJECT_CONDITION", "the " + op + " block is empty; remove it or add the keys it should test"
	case e.Array && isKey:
		code := "EMPTY_ARRAY_CONDITION"
		if o, ok := policy.ParseOperator(op); ok {
			switch {
			case o.Qualifier == policy.ForAllValues:
				code = "EMPTY_ARRAY_CONDITION_FOR_ALL_VALUES"
			case o.Qualifier == policy.ForAnyValue:
				code = "EMPTY_ARRAY_CONDITION_FOR_ANY_VALUE"
			case o.IfExists:
				code = "EMPTY_ARRAY_CONDITION_IF_EXISTS"
			}
		}
		return code, "the values of " + key + " are an empty list, which no request value matches; list values or remove the key"
	}
	return "", ""
}

// variables checks where policy variables appear ("IAM policy elements:
// Variables and tags"): only in the resource part of ARNs in Resource and
// NotResource, and in the values of string and ARN conditions, of policies
// with Version 2012-10-17.
func (c *checker) variables(st *policy.Statement) {
	enabled := c.pol.VariablesEnabled()
	for _, a := range st.Actions {
		if hasVariable(a.Text) && !c.broken[a.Path] {
			c.report("VARIABLE_UNSUPPORTED_IN_ELEMENT", a.Path, a.Pos, "%q: policy variables are not substituted in %s; name the actions", a.Text, elementName(st.ActionPath))
		}
	}
	if st.Principal != nil {
		for _, e := range st.Principal.Entries {
			if hasVariable(e.Value.Text) && !c.broken[e.Value.Path] {
				c.report("VARIABLE_UNSUPPORTED_IN_ELEMENT", e.Value.Path, e.Value.Pos, "%q: policy variables are not substituted in principals; name the principal, or test aws:PrincipalArn in a condition", e.Value.Text)
			}
		}
	}
	for _, r := range st.Resources {
		if !hasVariable(r.Text) || c.broken[r.Path] {
			continue
		}
		if !enabled {
			c.variableVersion(r)
			continue
		}
		parts, _ := arn.Split(r.Text) // the parser has checked it is an ARN
		for i, name := range []string{"partition", "service"} {
			if hasVariable(parts[i+1]) {
				c.report("VARIABLE_UNSUPPORTED_IN_ELEMENT", r.Path, r.Pos, "%q: a policy variable in the ARN's %s is never substituted; use variables in the resource part, after the fifth colon", r.Text, name)
			}
		}
		c.variableSyntax(r)
	}
	for _, cond := range st.Conditions {
		family := cond.Operator.Family()
		for _, v := range cond.Values {
			if !hasVariable(v.Text) || c.broken[v.Path] {
				continue
			}
			switch {
			case !enabled:
				c.variableVersion(v)
			case family != policy.FamilyString && family != policy.FamilyARN:
				c.broken[v.Path] = true // its text will not parse as the operator's type either
				c.report("INVALID_VARIABLE_FOR_OPERATOR", v.Path, v.Pos, "%q: policy variables are substituted only with string and ARN operators, not %s; compare a literal value", v.Text, cond.Operator.Name)
			default:
				c.variableSyntax(v)
			}
		}
	}
}

func (c *checker) variableVersion(v policy.Value) {
	if c.broken["Version"] {
		return // the Version itself is reported
	}
	version := "Version " + c.pol.Version
	if !c.pol.HasVersion {
		version = "a policy without Version"
	}
	c.report("VARIABLE_UNSUPPORTED_IN_VERSION", v.Path, v.Pos, "%q: in %s policy variables are literal text; set \"Version\": \"2012-10-17\"", v.Text, version)
}

// variableSyntax reports malformed references the parser lets through
// (it refuses only unterminated ones) and variables naming unknown keys.
func (c *checker) variableSyntax(v policy.Value) {
	for _, issue := range policy.VariableIssues(v.Text) {
		if issue.Code != "MISSING_BRACE_IN_VARIABLE" {
			c.report(issue.Code, v.Path, v.Pos, "%s", issue.Message)
		}
	}
	for _, key := range policy.VariableKeys(v.Text) {
		if !strings.ContainsAny(key, " \t") {
			c.conditionKeyName(key, v.Path, v.Pos, "the policy variable ${"+key+"}")
		}
	}
}

// hasVariable reports whether s holds something written as a policy
// variable, well-formed or not.
func hasVariable(s string) bool { return strings.Contains(s, "${") }

// elementName returns the last element of a path: "Statement[0].NotAction"
// → "NotAction".
func elementName(path string) string { return path[strings.LastIndexByte(path, '.')+1:] }
