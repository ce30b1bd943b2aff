package policy

import "strings"

// A template is a value that may contain policy variables
// ("IAM policy elements: Variables and tags"): ${aws:username},
// ${aws:PrincipalTag/team, 'default'}, and the escapes ${*} ${?} ${$}.
// Under Version 2008-10-17, or with no Version, a template is plain text.

// unitKind distinguishes the pieces of a glob pattern after variables are
// recognised.
type unitKind uint8

const (
	unitLiteral  unitKind = iota // text compared as is (also ${*} ${?} ${$})
	unitStar                     // * : any run of characters
	unitQuestion                 // ? : exactly one character
	unitVariable                 // ${key}: the context value, compared as literal text
)

type unit struct {
	kind       unitKind
	text       string // literal text, or the variable's lower-cased key
	dflt       string // default value of a variable
	hasDefault bool
}

// VariableIssue is a malformed variable reference found in a value.
type VariableIssue struct {
	Code    string // MISSING_BRACE_IN_VARIABLE, EMPTY_VARIABLE, …
	Message string
	Offset  int // byte offset within the value
}

// scanTemplate splits s into units. wildcards controls whether * and ? are
// glob characters (patterns) or literal text (StringEquals values); vars
// controls whether ${…} is a variable. It returns the issues of malformed
// references; an unterminated one is kept as literal text.
func scanTemplate(s string, wildcards, vars bool) ([]unit, []VariableIssue) {
	var units []unit
	var issues []VariableIssue
	lit := func(text string) {
		if text == "" {
			return
		}
		if n := len(units); n > 0 && units[n-1].kind == unitLiteral {
			units[n-1].text += text
			return
		}
		units = append(units, unit{kind: unitLiteral, text: text})
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case vars && c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				issues = append(issues, VariableIssue{"MISSING_BRACE_IN_VARIABLE", "the policy variable at " + quoteShort(s[i:]) + " has no closing brace", i})
				lit(s[i:])
				i = len(s)
				continue
			}
			body := s[i+2 : i+2+end]
			u, issue := parseVariable(body)
			if issue != nil {
				issue.Offset = i
				issues = append(issues, *issue)
			}
			if u.kind == unitLiteral {
				lit(u.text)
			} else {
				units = append(units, u)
			}
			i += end + 3
		case wildcards && c == '*':
			if n := len(units); n == 0 || units[n-1].kind != unitStar {
				units = append(units, unit{kind: unitStar})
			}
			i++
		case wildcards && c == '?':
			units = append(units, unit{kind: unitQuestion})
			i++
		default:
			j := i + 1
			for j < len(s) && !(s[j] == '$' || (wildcards && (s[j] == '*' || s[j] == '?'))) {
				j++
			}
			lit(s[i:j])
			i = j
		}
	}
	return units, issues
}

// parseVariable reads the inside of ${…}.
func parseVariable(body string) (unit, *VariableIssue) {
	switch body {
	case "*", "?", "$":
		return unit{kind: unitLiteral, text: body}, nil
	case "":
		return unit{kind: unitLiteral, text: "${}"}, &VariableIssue{Code: "EMPTY_VARIABLE", Message: "the policy variable ${} names no key"}
	}
	key, dflt, hasDefault := strings.Cut(body, ",")
	u := unit{kind: unitVariable, text: strings.ToLower(key), hasDefault: hasDefault}
	if strings.ContainsAny(key, " \t") {
		return u, &VariableIssue{Code: "UNSUPPORTED_SPACE_IN_VARIABLE", Message: "the policy variable ${" + body + "} has a space in its key"}
	}
	if hasDefault {
		// The documented form is a comma, one space, and the default in single quotes.
		d := strings.TrimPrefix(dflt, " ")
		if len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' {
			return u, &VariableIssue{Code: "MISSING_QUOTE_IN_VARIABLE", Message: "the default value of ${" + body + "} must be in single quotes: ${" + key + ", 'default'}"}
		}
		u.dflt = d[1 : len(d)-1]
	}
	return u, nil
}

func quoteShort(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + s + `"`
}

// VariableIssues returns the malformed variable references in a value of a
// policy whose Version enables variables.
func VariableIssues(s string) []VariableIssue {
	_, issues := scanTemplate(s, false, true)
	return issues
}

// HasVariable reports whether s refers to a context key through ${…}.
func HasVariable(s string) bool {
	units, _ := scanTemplate(s, false, true)
	for _, u := range units {
		if u.kind == unitVariable {
			return true
		}
	}
	return false
}

// VariableKeys returns the context keys s refers to, as written.
func VariableKeys(s string) []string {
	var keys []string
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '$' || s[i+1] != '{' {
			continue
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			break
		}
		body := s[i+2 : i+2+end]
		if body != "*" && body != "?" && body != "$" && body != "" {
			key, _, _ := strings.Cut(body, ",")
			keys = append(keys, key)
		}
		i += end + 2
	}
	return keys
}
