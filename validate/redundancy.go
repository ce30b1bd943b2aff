package validate

import (
	"slices"
	"strings"

	"github.com/warden-iam/warden/arn"
	"github.com/warden-iam/warden/policy"
)

// Checks for parts of a policy that change nothing: values covered by other
// values of the same element, and statements that repeat others.

// redundantActions reports Action values that another value of the same
// statement already covers ("s3:GetObject" next to "s3:Get*"). Actions
// compare case-insensitively.
func (c *checker) redundantActions(s *statement) {
	c.redundantValues(s.Actions, "REDUNDANT_ACTION", strings.ToLower, func(p, q string) bool { return globCovers(p, q, true) })
}

// redundantResources reports Resource values that another value covers,
// component by component as IAM matches ARNs.
func (c *checker) redundantResources(s *statement) {
	c.redundantValues(s.Resources, "REDUNDANT_RESOURCE", func(s string) string { return s }, arnCovers)
}

// redundantValues reports each value that repeats an earlier one (after
// normalize) or that a wildcard value covers. Of two wildcard values that
// cover each other, the later one is reported. Only wildcard values can
// cover others, so the work grows with their number, not the square of
// the list's length.
func (c *checker) redundantValues(vals []policy.Value, code string, normalize func(string) string, covers func(p, q string) bool) {
	first := make(map[string]int, len(vals))
	reported := make([]bool, len(vals))
	for i, v := range vals {
		if c.broken[v.Path] {
			continue
		}
		key := normalize(v.Text)
		if j, dup := first[key]; dup {
			reported[i] = true
			c.report(code, v.Path, v.Pos, "%q repeats %q (%s); remove it", v.Text, vals[j].Text, vals[j].Path)
			continue
		}
		first[key] = i
	}
	for j, p := range vals {
		if c.broken[p.Path] || !hasWildcard(p.Text) {
			continue
		}
		for i, q := range vals {
			if i == j || reported[i] || c.broken[q.Path] || !covers(p.Text, q.Text) {
				continue
			}
			if i < j && hasWildcard(q.Text) && covers(q.Text, p.Text) {
				continue // equivalent patterns: the later one is reported
			}
			reported[i] = true
			c.report(code, q.Path, q.Pos, "%q is already covered by %q (%s); remove it", q.Text, p.Text, p.Path)
		}
	}
}

// globCovers reports whether every string the pattern q matches is also
// matched by the pattern p, where "*" matches any run and "?" one
// character. A star in p absorbs anything of q, stars included; a "?" in p
// absorbs one literal or "?" of q.
func globCovers(p, q string, fold bool) bool {
	if !hasWildcard(p) {
		return !hasWildcard(q) && equalText(p, q, fold)
	}
	// Cheap rejection: q must begin with p's literal prefix.
	lit := p[:strings.IndexAny(p, "*?")]
	if len(q) < len(lit) || !equalText(lit, q[:len(lit)], fold) {
		return false
	}
	// reach[j] is set when p[:i] covers q[:j], for the current i.
	reach := make([]bool, len(q)+1)
	next := make([]bool, len(q)+1)
	reach[0] = true
	for i := 0; i < len(p); i++ {
		clear(next)
		switch p[i] {
		case '*':
			any := false
			for j := range reach {
				any = any || reach[j]
				next[j] = any
			}
		case '?':
			for j := 0; j < len(q); j++ {
				next[j+1] = reach[j] && q[j] != '*'
			}
		default:
			for j := 0; j < len(q); j++ {
				next[j+1] = reach[j] && q[j] != '*' && q[j] != '?' && equalByte(p[i], q[j], fold)
			}
		}
		reach, next = next, reach
	}
	return reach[len(q)]
}

func equalByte(a, b byte, fold bool) bool {
	if a == b {
		return true
	}
	return fold && lower(a) == lower(b)
}

func lower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func equalText(a, b string, fold bool) bool {
	if fold {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// arnCovers reports whether the Resource entry p covers the entry q: "*"
// covers everything, and ARNs are compared component by component, since a
// wildcard never crosses one of the first five colons.
func arnCovers(p, q string) bool {
	if p == "*" {
		return true
	}
	if q == "*" {
		return false
	}
	pp, pok := arn.Split(p)
	qp, qok := arn.Split(q)
	if !pok || !qok {
		return p == q
	}
	for i := range pp {
		if !globCovers(pp[i], qp[i], false) {
			return false
		}
	}
	return true
}

// redundantStatements reports statements identical to an earlier one but
// for their Sid.
func (c *checker) redundantStatements(stmts []*statement) {
	first := map[string]string{}
	for _, s := range stmts {
		key := statementKey(s.Statement)
		if prev, ok := first[key]; ok {
			c.report("REDUNDANT_STATEMENT", s.Path, s.Pos, "the statement repeats %s; remove one", prev)
			continue
		}
		first[key] = s.Path
	}
}

// statementKey is a canonical text of a statement's meaning: its elements
// with list values sorted, actions and condition keys lower-cased, as IAM
// compares them.
func statementKey(st *policy.Statement) string {
	var b strings.Builder
	list := func(name string, vals []string) {
		slices.Sort(vals)
		vals = slices.Compact(vals)
		b.WriteString(name)
		b.WriteByte('[')
		b.WriteString(strings.Join(vals, "\x00"))
		b.WriteString("]\x01")
	}
	b.WriteString(st.Effect.String())
	b.WriteByte('\x01')
	actions := make([]string, len(st.Actions))
	for i, a := range st.Actions {
		actions[i] = strings.ToLower(a.Text)
	}
	list(map[bool]string{true: "NotAction", false: "Action"}[st.NotAction], actions)
	if st.HasResource {
		resources := make([]string, len(st.Resources))
		for i, r := range st.Resources {
			resources[i] = r.Text
		}
		list(map[bool]string{true: "NotResource", false: "Resource"}[st.NotResource], resources)
	}
	if p := st.Principal; p != nil {
		principals := make([]string, 0, len(p.Entries)+1)
		if p.Wildcard {
			principals = append(principals, "AWS\x02*")
		}
		for _, e := range p.Entries {
			principals = append(principals, e.Type+"\x02"+e.Value.Text)
		}
		list(map[bool]string{true: "NotPrincipal", false: "Principal"}[st.NotPrincipal], principals)
	}
	conds := make([]string, len(st.Conditions))
	for i, cond := range st.Conditions {
		vals := make([]string, len(cond.Values))
		for j, v := range cond.Values {
			vals[j] = v.Text
		}
		slices.Sort(vals)
		conds[i] = cond.Operator.Name + "\x02" + strings.ToLower(cond.Key) + "\x02" + strings.Join(vals, "\x03")
	}
	list("Condition", conds)
	return b.String()
}
