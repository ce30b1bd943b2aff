package policy

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warden-iam/warden/arn"
)

// Document is a parsed policy with the name explanations use for it: a
// managed policy ARN, "inline:NAME", "identity[0]", ….
type Document struct {
	Name   string
	Policy *Policy
}

// Set is a compiled group of policies that play the same role in a decision
// (a principal's identity policies, one SCP level, a resource policy, …).
// Statements are indexed by service and action so that evaluating a request
// touches only statements that can match its action. A Set is immutable and
// safe for concurrent use.
type Set struct {
	docs  []Document
	stmts []*statement
	// exact maps a hash of a lower-cased "service:action" to the statements
	// that name that action without wildcards.
	exact map[uint64][]exactEntry
	// byService maps a hash of a lower-cased service prefix to statements
	// with a wildcard action of that service (s3:Get*).
	byService map[uint64][]*statement
	// global holds statements that can match any service: "*", NotAction.
	global []*statement
}

type exactEntry struct {
	action string // lower-cased service:action, to rule out hash collisions
	stmt   *statement
}

// StatementRef identifies a statement for explanations.
type StatementRef struct {
	Policy string `json:"policy"`
	Index  int    `json:"index"`
	Sid    string `json:"sid,omitempty"`
	Effect string `json:"effect"`
}

type statement struct {
	ref       StatementRef
	effect    Effect
	src       *Statement
	vars      bool
	notAction bool
	// lowerActions are the Action values lower-cased, and actions their
	// patterns, matched with ASCII folding.
	lowerActions []string
	actions      []pattern
	// resources is nil when the statement has no Resource element (trust
	// policies), which matches every resource.
	resources    []resourcePattern
	hasResource  bool
	notResource  bool
	principal    *principalMatcher
	notPrincipal bool
	conditions   []*condition
}

// Compile compiles documents into a Set. Documents must have parsed without
// error. The diagnostics returned are values the engine cannot interpret
// (an unparseable date, number, IP range or base64 value): such a value
// never matches, as IAM treats it, and callers decide whether to refuse the
// policy (the CLI does) or accept it (IAM stores it).
func Compile(docs ...Document) (*Set, []Diagnostic) {
	s := &Set{docs: docs, exact: map[uint64][]exactEntry{}, byService: map[uint64][]*statement{}}
	var diags []Diagnostic
	for _, d := range docs {
		for _, st := range d.Policy.Statements {
			cs, ds := compileStatement(d, st)
			diags = append(diags, ds...)
			s.stmts = append(s.stmts, cs)
			s.index(cs)
		}
	}
	return s, diags
}

// MustCompile compiles documents and panics on any diagnostic.
func MustCompile(docs ...Document) *Set {
	s, diags := Compile(docs...)
	if len(diags) > 0 {
		panic(fmt.Sprintf("policy.MustCompile: %v", diags[0]))
	}
	return s
}

// Documents returns the documents the set was compiled from.
func (s *Set) Documents() []Document { return s.docs }

// Len returns the number of statements in the set.
func (s *Set) Len() int { return len(s.stmts) }

func (s *Set) index(st *statement) {
	if st.notAction {
		s.global = append(s.global, st)
		return
	}
	// A statement goes, per service, either into that service's wildcard
	// bucket or into the exact buckets of its actions, never both, so no
	// statement is visited twice for one request.
	var wildServices []string
	for _, lower := range st.lowerActions {
		if lower == "*" {
			s.global = append(s.global, st)
			return
		}
		svc, name, _ := strings.Cut(lower, ":")
		if strings.ContainsAny(name, "*?") && !slices.Contains(wildServices, svc) {
			wildServices = append(wildServices, svc)
			h := hashFold(svc)
			s.byService[h] = append(s.byService[h], st)
		}
	}
	seen := make(map[string]bool, len(st.lowerActions))
	for _, lower := range st.lowerActions {
		svc, _, _ := strings.Cut(lower, ":")
		if seen[lower] || slices.Contains(wildServices, svc) {
			continue
		}
		seen[lower] = true
		h := hashFold(lower)
		s.exact[h] = append(s.exact[h], exactEntry{action: lower, stmt: st})
	}
}

// hashFold is FNV-1a over the ASCII-lower-cased bytes of s, so the index can
// be probed with the request's action as written, without allocating.
func hashFold(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(lowerASCII(s[i]))
		h *= 1099511628211
	}
	return h
}

func compileStatement(d Document, st *Statement) (*statement, []Diagnostic) {
	cs := &statement{
		ref:          StatementRef{Policy: d.Name, Index: st.Index, Sid: st.Sid, Effect: st.Effect.String()},
		effect:       st.Effect,
		src:          st,
		vars:         d.Policy.VariablesEnabled(),
		notAction:    st.NotAction,
		hasResource:  st.HasResource,
		notResource:  st.NotResource,
		notPrincipal: st.NotPrincipal,
	}
	cs.lowerActions = make([]string, len(st.Actions))
	cs.actions = make([]pattern, len(st.Actions))
	for i, a := range st.Actions {
		// Variables are never substituted in actions: ${…} is literal text.
		cs.lowerActions[i] = strings.ToLower(a.Text)
		cs.actions[i] = compilePattern(cs.lowerActions[i], true, false)
	}
	for _, r := range st.Resources {
		cs.resources = append(cs.resources, compileResource(r.Text, cs.vars))
	}
	if st.Principal != nil {
		cs.principal = compilePrincipal(st.Principal)
	}
	var diags []Diagnostic
	for _, c := range st.Conditions {
		cc, ds := compileCondition(c, cs.vars)
		diags = append(diags, ds...)
		cs.conditions = append(cs.conditions, cc)
	}
	return cs, diags
}

// resourcePattern matches ARNs component by component: a wildcard never
// crosses one of the first five colons, but inside the resource part it
// matches anything, slashes and colons included ("IAM JSON policy elements:
// Resource").
type resourcePattern struct {
	text       string
	all        bool // "*"
	isARN      bool
	components [6]pattern
	whole      pattern // for values that are not ARNs
}

func compileResource(text string, vars bool) resourcePattern {
	rp := resourcePattern{text: text}
	if text == "*" {
		rp.all = true
		return rp
	}
	if parts, ok := arn.Split(text); ok {
		rp.isARN = true
		for i, part := range parts {
			// Variables are substituted only in the resource part.
			rp.components[i] = compilePattern(part, true, vars && i == 5)
		}
		return rp
	}
	rp.whole = compilePattern(text, true, vars)
	return rp
}

func (rp *resourcePattern) match(resource string, vars variables) bool {
	if rp.all {
		return true
	}
	if !rp.isARN {
		return rp.whole.match(resource, false, vars)
	}
	parts, ok := arn.Split(resource)
	if !ok {
		return false
	}
	for i := range parts {
		if !rp.components[i].match(parts[i], false, vars) {
			return false
		}
	}
	return true
}

// principalMatcher is a compiled Principal or NotPrincipal element.
type principalMatcher struct {
	everyone      bool     // "*" or {"AWS": "*"}
	accounts      []string // account ids, from "123456789012" or arn:aws:iam::123456789012:root
	arns          []string // user, role, session, federated user ARNs (exact, case-sensitive)
	services      []string
	federated     []string
	canonicalUser []string
}

func compilePrincipal(p *Principal) *principalMatcher {
	m := &principalMatcher{everyone: p.Wildcard}
	for _, e := range p.Entries {
		v := e.Value.Text
		switch e.Type {
		case PrincipalAWS:
			switch {
			case v == "*":
				m.everyone = true
			case isAccountID(v):
				m.accounts = append(m.accounts, v)
			default:
				if a, err := arn.Parse(v); err == nil && a.Service == "iam" && a.Resource == "root" {
					m.accounts = append(m.accounts, a.Account)
				} else {
					m.arns = append(m.arns, v)
				}
			}
		case PrincipalService:
			m.services = append(m.services, v)
		case PrincipalFederated:
			m.federated = append(m.federated, v)
		case PrincipalCanonicalUser:
			m.canonicalUser = append(m.canonicalUser, v)
		}
	}
	return m
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// condition is one compiled key test.
type condition struct {
	src      *Condition
	op       Operator
	lowerKey string
	values   []conditionValue
}

// conditionValue is one policy value parsed for its operator's family. ok is
// false when the text could not be parsed; such a value matches nothing.
type conditionValue struct {
	text    string
	ok      bool
	pattern pattern    // String (with variables or wildcards)
	arnPat  [6]pattern // ARN
	arnOK   bool
	number  float64
	date    time.Time
	prefix  netip.Prefix
	bytes   []byte
	boolean bool
}

func compileCondition(c *Condition, vars bool) (*condition, []Diagnostic) {
	cc := &condition{src: c, op: c.Operator, lowerKey: strings.ToLower(c.Key)}
	var diags []Diagnostic
	bad := func(v Value, format string, args ...any) {
		diags = append(diags, Diagnostic{Code: "INVALID_CONDITION_DATA_TYPE", Message: fmt.Sprintf(format, args...), Path: v.Path, Pos: v.Pos})
	}
	for _, v := range c.Values {
		cv := conditionValue{text: v.Text, ok: true}
		switch c.Operator.Family() {
		case FamilyString:
			cv.pattern = compilePattern(v.Text, c.Operator.base.cmp == cmpLike, vars)
		case FamilyARN:
			if parts, ok := arn.Split(v.Text); ok {
				cv.arnOK = true
				for i, part := range parts {
					cv.arnPat[i] = compilePattern(part, true, vars)
				}
			} else {
				// Not an ARN: it can still match a request value compared whole.
				cv.pattern = compilePattern(v.Text, true, vars)
			}
		case FamilyNumeric:
			n, ok := parseNumber(v.Text)
			if !ok {
				cv.ok = false
				bad(v, "%s needs a number; %q is not one", c.Operator.Name, v.Text)
			}
			cv.number = n
		case FamilyDate:
			t, ok := parseDate(v.Text)
			if !ok {
				cv.ok = false
				bad(v, "%s needs a date such as 2026-01-31T12:00:00Z or epoch seconds; %q is not one", c.Operator.Name, v.Text)
			}
			cv.date = t
		case FamilyBool, FamilyNull:
			switch strings.ToLower(v.Text) {
			case "true":
				cv.boolean = true
			case "false":
			default:
				cv.ok = false
				bad(v, "%s needs true or false; %q is neither", c.Operator.Name, v.Text)
			}
		case FamilyBinary:
			b, err := base64.StdEncoding.DecodeString(v.Text)
			if err != nil {
				cv.ok = false
				bad(v, "BinaryEquals needs a base64-encoded value; %q is not valid base64", v.Text)
			}
			cv.bytes = b
		case FamilyIP:
			p, ok := parseIPRange(v.Text)
			if !ok {
				cv.ok = false
				bad(v, "%s needs an IP address or CIDR range such as 203.0.113.0/24 or 2001:db8::/32; %q is not one", c.Operator.Name, v.Text)
			}
			cv.prefix = p
		}
		cc.values = append(cc.values, cv)
	}
	return cc, diags
}

// parseIPRange reads a CIDR range, or a bare address as a single-host range
// (/32 for IPv4, /128 for IPv6).
func parseIPRange(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// dateLayouts are the W3C profile of ISO 8601 forms IAM accepts in Date
// conditions.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01",
}

// parseNumber reads the integer or decimal numbers Numeric conditions
// compare ("IAM JSON policy elements: Condition operators"). It refuses what
// strconv.ParseFloat alone would also take: NaN, which compares equal to
// every number here, infinities, and hexadecimal forms.
func parseNumber(s string) (float64, bool) {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool { return !strings.ContainsRune("0123456789+-.eE", r) }) {
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil
}

// parseDate reads an ISO 8601 date or time, or epoch seconds.
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if n, ok := parseNumber(s); ok && !strings.ContainsAny(s, "-:") {
		sec := int64(n)
		return time.Unix(sec, int64((n-float64(sec))*1e9)).UTC(), true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// ParseDate reads a value as Date condition operators do: the W3C profile
// of ISO 8601, or epoch seconds.
func ParseDate(s string) (time.Time, bool) { return parseDate(s) }

// ParseNumber reads a value as Numeric condition operators do: an integer or
// a decimal, never NaN, infinities or hexadecimal forms.
func ParseNumber(s string) (float64, bool) { return parseNumber(s) }
