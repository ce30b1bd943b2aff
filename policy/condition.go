package policy

import (
	"bytes"
	"encoding/base64"
	"net/netip"
	"strings"

	"github.com/warden-iam/warden/arn"
)

// eval decides one key test ("IAM JSON policy elements: Condition", and
// "Set operators for multivalued context keys").
func (c *condition) eval(ctx *Context) bool {
	cv, present := ctx.getLower(c.lowerKey)
	op := c.op
	if op.Family() == FamilyNull {
		return c.evalNull(cv, present)
	}
	if present && cv.Multi && len(cv.Values) == 0 {
		present = false // an empty set is treated like a missing key
	}
	if !present {
		switch {
		case op.IfExists:
			return true
		case op.Qualifier == ForAllValues:
			return true // vacuously true
		case op.Qualifier == ForAnyValue:
			return false
		}
		return op.Negated()
	}
	switch op.Qualifier {
	case ForAllValues:
		for _, rv := range cv.Values {
			if !c.satisfied(rv, ctx) {
				return false
			}
		}
		return true
	case ForAnyValue:
		for _, rv := range cv.Values {
			if c.satisfied(rv, ctx) {
				return true
			}
		}
		return false
	}
	if cv.Multi && len(cv.Values) != 1 {
		// A plain operator on a multivalued key is not specified by AWS; the
		// Access Analyzer check MISSING_QUALIFIER flags it. Such a test
		// matches nothing.
		return false
	}
	return c.satisfied(cv.Values[0], ctx)
}

// satisfied applies the operator to one request value: for a positive
// operator, it matches some policy value; for a negated one, it matches none.
func (c *condition) satisfied(rv string, ctx *Context) bool {
	matched := false
	for i := range c.values {
		if c.compare(rv, &c.values[i], ctx) {
			matched = true
			break
		}
	}
	return matched != c.op.Negated()
}

func (c *condition) evalNull(cv ContextValue, present bool) bool {
	absent := !present || (cv.Multi && len(cv.Values) == 0)
	for _, v := range c.values {
		if v.ok && v.boolean == absent {
			return true
		}
	}
	return false
}

// compare applies the base comparison to one request value and one policy
// value. Values that cannot be read as the operator's type never compare.
func (c *condition) compare(rv string, pv *conditionValue, ctx *Context) bool {
	if !pv.ok {
		return false
	}
	switch c.op.Family() {
	case FamilyString:
		switch c.op.base.cmp {
		case cmpEqualsIgnoreCase:
			if pv.pattern.hasVars {
				return matchResolvedFold(&pv.pattern, rv, ctx)
			}
			// The pattern's literal, not the raw text: ${*} ${?} ${$} stand
			// for the characters themselves.
			return strings.EqualFold(pv.pattern.literal, rv)
		default:
			return pv.pattern.match(rv, false, ctx)
		}
	case FamilyARN:
		if !pv.arnOK {
			return pv.pattern.match(rv, false, ctx)
		}
		parts, ok := arn.Split(rv)
		if !ok {
			return false
		}
		for i := range parts {
			if !pv.arnPat[i].match(parts[i], false, ctx) {
				return false
			}
		}
		return true
	case FamilyNumeric:
		n, ok := parseNumber(rv)
		if !ok {
			return false
		}
		return ordered(c.op.base.cmp, compareFloat(n, pv.number))
	case FamilyDate:
		t, ok := parseDate(rv)
		if !ok {
			return false
		}
		return ordered(c.op.base.cmp, t.Compare(pv.date))
	case FamilyBool:
		switch {
		case strings.EqualFold(rv, "true"):
			return pv.boolean
		case strings.EqualFold(rv, "false"):
			return !pv.boolean
		}
		return false
	case FamilyBinary:
		b, err := base64.StdEncoding.DecodeString(rv)
		if err != nil {
			return rv == string(pv.bytes)
		}
		return bytes.Equal(b, pv.bytes)
	case FamilyIP:
		a, err := netip.ParseAddr(rv)
		if err != nil {
			p, ok := parseIPRange(rv)
			if !ok {
				return false
			}
			a = p.Addr()
		}
		return pv.prefix.Contains(a)
	}
	return false
}

// matchResolvedFold compares case-insensitively with a value holding
// variables. Variable values are short; resolving them into a string is
// the simple, rare path.
func matchResolvedFold(p *pattern, rv string, ctx *Context) bool {
	var b strings.Builder
	for _, u := range p.units {
		if u.kind == unitVariable {
			v, ok := resolveVariable(u, ctx)
			if !ok {
				return false
			}
			b.WriteString(v)
			continue
		}
		b.WriteString(u.text)
	}
	return strings.EqualFold(b.String(), rv)
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func ordered(cmp comparison, order int) bool {
	switch cmp {
	case cmpEquals:
		return order == 0
	case cmpLess:
		return order < 0
	case cmpLessEquals:
		return order <= 0
	case cmpGreater:
		return order > 0
	case cmpGreaterEquals:
		return order >= 0
	}
	return false
}
