package policy

import (
	"encoding/json"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// This file holds a second, deliberately naive evaluator written from the
// IAM User Guide ("Policy evaluation logic", "Cross-account policy
// evaluation logic", "Principal", "NotPrincipal", "Condition operators",
// "Variables and tags") without any of the engine's compiled structures: it
// loops over parsed statements, matches wildcards with regular expressions,
// and applies the decision procedure as one formula. Random policies and requests must get the same decision from it,
// from Evaluate and from Explain.

const (
	refAccountA = "111122223333"
	refAccountB = "444455556666"
)

// refPrincipals are the callers random requests come from.
var refPrincipals = []RequestPrincipal{
	{Type: PrincipalUser, ARN: "arn:aws:iam::" + refAccountA + ":user/alice", Account: refAccountA},
	{Type: PrincipalAssumedRole, ARN: "arn:aws:sts::" + refAccountA + ":assumed-role/R/S", Account: refAccountA, Parent: "arn:aws:iam::" + refAccountA + ":role/R"},
	{Type: PrincipalFederatedUser, ARN: "arn:aws:sts::" + refAccountA + ":federated-user/fed", Account: refAccountA, Parent: "arn:aws:iam::" + refAccountA + ":user/alice"},
	{Type: PrincipalRoot, ARN: "arn:aws:iam::" + refAccountA + ":root", Account: refAccountA},
	{Type: PrincipalUser, ARN: "arn:aws:iam::" + refAccountB + ":user/carlos", Account: refAccountB},
	{Type: PrincipalAssumedRole, ARN: "arn:aws:sts::" + refAccountB + ":assumed-role/X/S", Account: refAccountB, Parent: "arn:aws:iam::" + refAccountB + ":role/X"},
	{Type: PrincipalServiceType, ARN: "logs.amazonaws.com"},
	{Type: PrincipalAnonymous},
}

var (
	refActions = []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "iam:CreateUser", "iam:GetUser",
		"health-agent:GetDomain", "kms:Decrypt", "sts:AssumeRole"}
	refActionPatterns = []string{"*", "s3:*", "s3:Get*", "s3:?etObject", "S3:GETOBJECT", "iam:*User", "iam:Get*",
		"health-agent:GetDomain", "kms:*", "sts:AssumeRole", "s3:GetObject,PutObject"}
	refResources = []string{"arn:aws:s3:::bucket/key", "arn:aws:s3:::bucket", "arn:aws:s3:::other/key", "*",
		"arn:aws:iam::" + refAccountA + ":user/alice", "arn:aws:health-agent:us-east-1:" + refAccountA + ":domain/d-1",
		"arn:aws:kms:us-east-1:" + refAccountA + ":key/k-1", "arn:aws:iam::" + refAccountA + ":role/Target"}
	refResourcePatterns = []string{"*", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket*", "arn:aws:s3:::*",
		"arn:aws:iam::*:user/${aws:username}", "arn:aws:health-agent:*:" + refAccountA + ":domain/*", "arn:aws:*:*:*:*",
		"arn:aws:s3:::other/?ey", "arn:aws:s3:::${aws:username}/*", "arn:aws:kms:*:*:key/*", "arn:aws:iam::" + refAccountA + ":role/*"}
	refPrincipalValues = []any{"*", map[string]any{"AWS": "*"}, awsPrincipal(refAccountA), awsPrincipal(refAccountB), awsPrincipal("arn:aws:iam::" + refAccountA + ":root"),
		awsPrincipal("arn:aws:iam::" + refAccountA + ":user/alice"), awsPrincipal("arn:aws:iam::" + refAccountA + ":user/bob"),
		awsPrincipal("arn:aws:iam::" + refAccountA + ":role/R"), awsPrincipal("arn:aws:sts::" + refAccountA + ":assumed-role/R/S"),
		awsPrincipal("arn:aws:sts::" + refAccountA + ":federated-user/fed"), awsPrincipal("arn:aws:iam::" + refAccountB + ":user/carlos"),
		awsPrincipal("arn:aws:iam::" + refAccountB + ":role/X"), map[string]any{"Service": "logs.amazonaws.com"},
		map[string]any{"Service": "s3.amazonaws.com"},
		map[string]any{"AWS": []any{"arn:aws:iam::" + refAccountA + ":role/R", "arn:aws:sts::" + refAccountA + ":assumed-role/R/S", refAccountA}},
		map[string]any{"AWS": []any{"arn:aws:iam::" + refAccountA + ":user/alice", refAccountA}}}
)

func awsPrincipal(v string) map[string]any { return map[string]any{"AWS": v} }

// refCondition is one generated key test: operator, key and policy values.
type refCondition struct {
	op, key string
	values  []string
}

var refConditionChoices = []refCondition{
	{"StringEquals", "aws:ResourceTag/owner", []string{"alice"}},
	{"StringEquals", "aws:ResourceTag/owner", []string{"bob", "${aws:username}"}},
	{"StringNotEquals", "aws:ResourceTag/owner", []string{"${aws:username}"}},
	{"StringNotEquals", "AWS:RESOURCETAG/OWNER", []string{"alice", "bob"}},
	{"StringLike", "aws:ResourceTag/owner", []string{"a*"}},
	{"StringLike", "aws:ResourceTag/owner", []string{"${aws:username}*"}},
	{"IpAddress", "aws:SourceIp", []string{"10.0.0.0/8", "2001:db8::/32"}},
	{"NotIpAddress", "aws:SourceIp", []string{"192.0.2.1"}},
	{"Bool", "aws:SecureTransport", []string{"true"}},
	{"Bool", "aws:SecureTransport", []string{"false"}},
	{"NumericLessThan", "n", []string{"10"}},
	{"ForAllValues:StringEquals", "aws:TagKeys", []string{"team", "project"}},
	{"ForAnyValue:StringEquals", "aws:TagKeys", []string{"team"}},
	{"ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"team"}},
}

func genConditions(t *rapid.T) map[string]any {
	block := map[string]any{}
	// Most statements have no condition, so that layers often allow.
	for range rapid.SampledFrom([]int{0, 0, 0, 1, 1, 2}).Draw(t, "conditions") {
		c := rapid.SampledFrom(refConditionChoices).Draw(t, "condition")
		op := c.op
		if rapid.IntRange(0, 3).Draw(t, "ifexists") == 0 {
			op += "IfExists"
		}
		keys, _ := block[op].(map[string]any)
		if keys == nil {
			keys = map[string]any{}
			block[op] = keys
		}
		if _, dup := keys[c.key]; dup {
			continue
		}
		vals := make([]any, len(c.values))
		for i, v := range c.values {
			vals[i] = v
		}
		keys[c.key] = vals
	}
	return block
}

type stmtShape struct {
	principal bool // resource-based statements name principals
	rcp       bool // RCP statements: Principal "*", Deny (plus the full-access Allow)
	// req, when set, lets statements favour the request's action, resource
	// and caller, so that layers often allow and the interesting boundary
	// between Allow and ImplicitDeny is explored.
	req *refRequest
}

// relatedPrincipalValues names the caller in each way a Principal element
// can: its own ARN, the identity behind its session, its account.
func relatedPrincipalValues(p RequestPrincipal) []any {
	vals := []any{"*"}
	switch p.Type {
	case PrincipalServiceType:
		return append(vals, map[string]any{"Service": p.ARN})
	case PrincipalAnonymous:
		return vals
	}
	vals = append(vals, awsPrincipal(p.ARN), awsPrincipal(p.Account), awsPrincipal("arn:aws:iam::"+p.Account+":root"))
	if p.Parent != "" {
		vals = append(vals, awsPrincipal(p.Parent), map[string]any{"AWS": []any{p.Account, p.Parent, p.ARN}})
	}
	return vals
}

func genStatement(t *rapid.T, shape stmtShape) map[string]any {
	st := map[string]any{"Effect": rapid.SampledFrom([]string{"Allow", "Allow", "Allow", "Deny"}).Draw(t, "effect")}
	if shape.rcp {
		st["Effect"] = "Deny"
	}
	distinct := func(s string) string { return s }
	actions := rapid.SliceOfNDistinct(rapid.SampledFrom(refActionPatterns), 1, 2, distinct).Draw(t, "actions")
	if shape.req != nil && rapid.Bool().Draw(t, "request-action") && !slices.Contains(actions, shape.req.action) {
		actions = append(actions, shape.req.action)
	}
	resources := rapid.SliceOfNDistinct(rapid.SampledFrom(refResourcePatterns), 1, 2, distinct).Draw(t, "resources")
	if shape.req != nil && rapid.Bool().Draw(t, "request-resource") && !slices.Contains(resources, shape.req.resource) {
		resources = append(resources, shape.req.resource)
	}
	if rapid.IntRange(0, 4).Draw(t, "notaction") == 0 {
		st["NotAction"] = actions
	} else {
		st["Action"] = actions
	}
	switch rapid.IntRange(0, 6).Draw(t, "resource") {
	case 0:
		if shape.principal && !shape.rcp {
			break // no Resource element: matches every resource, as in trust policies
		}
		fallthrough
	case 1:
		st["NotResource"] = resources
	default:
		st["Resource"] = resources
	}
	if c := genConditions(t); len(c) > 0 {
		st["Condition"] = c
	}
	switch {
	case shape.rcp:
		st["Principal"] = "*"
	case shape.principal:
		choices := refPrincipalValues
		if shape.req != nil && rapid.Bool().Draw(t, "related-principal") {
			choices = relatedPrincipalValues(shape.req.principal)
		}
		p := rapid.SampledFrom(choices).Draw(t, "principal")
		if rapid.IntRange(0, 4).Draw(t, "notprincipal") == 0 {
			st["NotPrincipal"] = p
		} else {
			st["Principal"] = p
		}
	}
	return st
}

func genPolicy(t *rapid.T, shape stmtShape) *Policy {
	doc := map[string]any{}
	if v := rapid.SampledFrom([]string{Version2012, Version2012, Version2008, ""}).Draw(t, "version"); v != "" {
		doc["Version"] = v
	}
	if shape.rcp {
		doc["Version"] = Version2012
	}
	var stmts []any
	n := rapid.IntRange(1, 3).Draw(t, "statements")
	if shape.rcp {
		n = 1 // RCPs only deny; one statement keeps most requests through
	}
	for range n {
		stmts = append(stmts, genStatement(t, shape))
	}
	if shape.rcp && rapid.IntRange(0, 5).Draw(t, "rcp-full") != 0 {
		stmts = append(stmts, map[string]any{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"})
	}
	doc["Statement"] = stmts
	return mustParseJSON(t, doc)
}

func mustParseJSON(t *rapid.T, doc any) *Policy {
	src, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	pol, err := Parse(src)
	if err != nil {
		t.Fatalf("generated policy does not parse: %v\n%s", err, src)
	}
	return pol
}

// refLayers is one generated scenario in parsed form; nil slices are absent
// layers.
type refLayers struct {
	identity, boundary, session, resource []*Policy
	hasBoundary, hasSession, hasResource  bool
	scps, rcps                            [][]*Policy
}

func genLayers(t *rapid.T, r *refRequest) *refLayers {
	l, p := &refLayers{}, r.principal
	shape := stmtShape{req: r}
	hasIdentity := p.Type != PrincipalAnonymous && p.Type != PrincipalServiceType && p.Type != PrincipalRoot
	if hasIdentity {
		for range rapid.SampledFrom([]int{0, 1, 1, 2}).Draw(t, "identity") {
			l.identity = append(l.identity, genPolicy(t, shape))
		}
		if l.hasBoundary = rapid.IntRange(0, 3).Draw(t, "boundary") == 0; l.hasBoundary {
			l.boundary = []*Policy{genPolicy(t, shape)}
		}
		if p.IsSession() {
			if l.hasSession = rapid.IntRange(0, 2).Draw(t, "session") == 0; l.hasSession {
				l.session = []*Policy{genPolicy(t, shape)}
			}
		}
	}
	if l.hasResource = rapid.Bool().Draw(t, "resource"); l.hasResource {
		l.resource = []*Policy{genPolicy(t, stmtShape{principal: true, req: r})}
	}
	for range rapid.SampledFrom([]int{0, 0, 1, 2}).Draw(t, "scp-levels") {
		level := []*Policy{mustParseJSON(t, map[string]any{"Version": Version2012, "Statement": map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}})}
		if rapid.Bool().Draw(t, "scp-custom") {
			level = []*Policy{genPolicy(t, shape)}
		}
		l.scps = append(l.scps, level)
	}
	for range rapid.SampledFrom([]int{0, 0, 1, 2}).Draw(t, "rcp-levels") {
		l.rcps = append(l.rcps, []*Policy{genPolicy(t, stmtShape{rcp: true})})
	}
	return l
}

func compileRefLayer(t *rapid.T, name string, pols []*Policy, present bool) *Set {
	if !present {
		return nil
	}
	docs := make([]Document, len(pols))
	for i, p := range pols {
		docs[i] = Document{Name: fmt.Sprintf("%s[%d]", name, i), Policy: p}
	}
	s, diags := Compile(docs...)
	if len(diags) > 0 {
		t.Fatalf("Compile(%s): %v", name, diags)
	}
	return s
}

func (l *refLayers) compile(t *rapid.T) *Layers {
	out := &Layers{
		Identity: compileRefLayer(t, "identity", l.identity, true),
		Boundary: compileRefLayer(t, "boundary", l.boundary, l.hasBoundary),
		Session:  compileRefLayer(t, "session", l.session, l.hasSession),
		Resource: compileRefLayer(t, "resource", l.resource, l.hasResource),
	}
	for i, level := range l.scps {
		out.SCPs = append(out.SCPs, compileRefLayer(t, fmt.Sprintf("scp%d", i), level, true))
	}
	for i, level := range l.rcps {
		out.RCPs = append(out.RCPs, compileRefLayer(t, fmt.Sprintf("rcp%d", i), level, true))
	}
	return out
}

// refRequest is a request with its context as plain maps, the reference
// evaluator's own representation.
type refRequest struct {
	principal       RequestPrincipal
	action          string
	resource        string
	resourceAccount string
	single          map[string]string   // lower-cased key → value
	multi           map[string][]string // lower-cased key → values
}

func genRequest(t *rapid.T) *refRequest {
	r := &refRequest{
		principal:       rapid.SampledFrom(refPrincipals).Draw(t, "principal"),
		action:          rapid.SampledFrom(refActions).Draw(t, "action"),
		resource:        rapid.SampledFrom(refResources).Draw(t, "request-resource"),
		resourceAccount: rapid.SampledFrom([]string{"", refAccountA, refAccountB}).Draw(t, "resource-account"),
		single:          map[string]string{},
		multi:           map[string][]string{},
	}
	if rapid.Bool().Draw(t, "has-username") {
		r.single["aws:username"] = rapid.SampledFrom([]string{"alice", "bob", "a*"}).Draw(t, "username")
	}
	if rapid.Bool().Draw(t, "has-owner") {
		r.single["aws:resourcetag/owner"] = rapid.SampledFrom([]string{"alice", "bob", "a*"}).Draw(t, "owner")
	}
	if rapid.Bool().Draw(t, "has-ip") {
		r.single["aws:sourceip"] = rapid.SampledFrom([]string{"10.1.2.3", "192.0.2.1", "2001:db8::1"}).Draw(t, "ip")
	}
	if rapid.Bool().Draw(t, "has-secure") {
		r.single["aws:securetransport"] = rapid.SampledFrom([]string{"true", "false"}).Draw(t, "secure")
	}
	if rapid.Bool().Draw(t, "has-n") {
		r.single["n"] = rapid.SampledFrom([]string{"5", "10", "10.0", "11"}).Draw(t, "n")
	}
	if rapid.Bool().Draw(t, "has-tagkeys") {
		r.multi["aws:tagkeys"] = rapid.SliceOfN(rapid.SampledFrom([]string{"team", "project", "owner"}), 0, 3).Draw(t, "tagkeys")
	}
	return r
}

func (r *refRequest) build() *Request {
	req := &Request{Principal: r.principal, Action: r.action, Resource: r.resource, ResourceAccount: r.resourceAccount}
	for k, v := range r.single {
		req.Context.Set(k, v)
	}
	for k, v := range r.multi {
		req.Context.SetMulti(k, v)
	}
	return req
}

// ---- the reference evaluator ----

// refGlob translates an IAM wildcard pattern into a regular expression
// fragment; variable, when non-empty, is a literal substituted for
// ${aws:username}, and ok is false when the variable is used but missing.
func refGlob(pattern string, substitute bool, username string, hasUsername bool) (string, bool) {
	const v = "${aws:username}"
	var b strings.Builder
	pieces := []string{pattern}
	if substitute {
		pieces = strings.Split(pattern, v)
		if len(pieces) > 1 && !hasUsername {
			return "", false
		}
	}
	for i, piece := range pieces {
		if i > 0 {
			b.WriteString(regexp.QuoteMeta(username))
		}
		for _, r := range piece {
			switch r {
			case '*':
				b.WriteString(".*")
			case '?':
				b.WriteString(".")
			default:
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
	}
	return b.String(), true
}

func refWholeMatch(fragment, s string, fold bool) bool {
	flags := "(?s)"
	if fold {
		flags = "(?si)"
	}
	return regexp.MustCompile("^" + flags + fragment + "$").MatchString(s)
}

func refActionMatches(st *Statement, action string) bool {
	for _, a := range st.Actions {
		f, _ := refGlob(a.Text, false, "", false)
		if refWholeMatch(f, action, true) {
			return !st.NotAction
		}
	}
	return st.NotAction
}

func refResourceMatches(pol *Policy, st *Statement, r *refRequest) bool {
	if !st.HasResource {
		return true
	}
	username, hasUsername := r.single["aws:username"]
	vars := pol.Version == Version2012
	for _, res := range st.Resources {
		matched := false
		if res.Text == "*" {
			matched = true
		} else {
			pp, rp := strings.SplitN(res.Text, ":", 6), strings.SplitN(r.resource, ":", 6)
			if len(rp) == 6 {
				matched = true
				for i := range 6 {
					f, ok := refGlob(pp[i], vars && i == 5, username, hasUsername)
					if !ok || !refWholeMatch(f, rp[i], false) {
						matched = false
						break
					}
				}
			}
		}
		if matched {
			return !st.NotResource
		}
	}
	return st.NotResource
}

// refConditionHolds implements the operators the generator uses.
func refConditionHolds(pol *Policy, c *Condition, r *refRequest) bool {
	name := c.Operator.Name
	qualifier, base := "", name
	if q, rest, ok := strings.Cut(name, ":"); ok {
		qualifier, base = q, rest
	}
	base, ifExists := strings.CutSuffix(base, "IfExists")
	negated := base == "StringNotEquals" || base == "NotIpAddress"
	key := strings.ToLower(c.Key)
	var values []string
	present := false
	if v, ok := r.single[key]; ok {
		values, present = []string{v}, true
	} else if vs, ok := r.multi[key]; ok && len(vs) > 0 {
		values, present = vs, true
	}
	if !present {
		switch {
		case ifExists, qualifier == "ForAllValues":
			return true
		case qualifier == "ForAnyValue":
			return false
		}
		return negated
	}
	username, hasUsername := r.single["aws:username"]
	vars := pol.Version == Version2012
	// one decides whether a single request value satisfies the operator.
	one := func(rv string) bool {
		matchesSome := false
		for _, pv := range c.Values {
			var m bool
			switch base {
			case "StringEquals", "StringNotEquals":
				text := pv.Text
				if vars && strings.Contains(text, "${aws:username}") {
					if !hasUsername {
						continue
					}
					text = strings.ReplaceAll(text, "${aws:username}", username)
				}
				m = text == rv
			case "StringLike":
				f, ok := refGlob(pv.Text, vars, username, hasUsername)
				m = ok && refWholeMatch(f, rv, false)
			case "Bool":
				m = strings.EqualFold(pv.Text, rv)
			case "NumericLessThan":
				a, errA := strconv.ParseFloat(rv, 64)
				b, errB := strconv.ParseFloat(pv.Text, 64)
				m = errA == nil && errB == nil && a < b
			case "IpAddress", "NotIpAddress":
				cidr := pv.Text
				if !strings.Contains(cidr, "/") {
					cidr += map[bool]string{true: "/128", false: "/32"}[strings.Contains(cidr, ":")]
				}
				_, network, err := net.ParseCIDR(cidr)
				ip := net.ParseIP(rv)
				m = err == nil && ip != nil && (ip.To4() == nil) == (network.IP.To4() == nil) && network.Contains(ip)
			default:
				panic("reference evaluator: operator " + base)
			}
			if m {
				matchesSome = true
				break
			}
		}
		return matchesSome != negated
	}
	switch qualifier {
	case "ForAllValues":
		return !slices.ContainsFunc(values, func(v string) bool { return !one(v) })
	case "ForAnyValue":
		return slices.ContainsFunc(values, one)
	}
	return len(values) == 1 && one(values[0])
}

type refGrant int

const (
	refNone refGrant = iota
	refAccount
	refParent
	refDirect
)

func refPrincipalEntries(p *Principal) (everyone bool, aws, services []string) {
	everyone = p.Wildcard
	for _, e := range p.Entries {
		switch {
		case e.Type == PrincipalAWS && e.Value.Text == "*":
			everyone = true
		case e.Type == PrincipalAWS:
			v := e.Value.Text
			if strings.HasPrefix(v, "arn:aws:iam::") && strings.HasSuffix(v, ":root") {
				v = strings.TrimSuffix(strings.TrimPrefix(v, "arn:aws:iam::"), ":root")
			}
			aws = append(aws, v)
		case e.Type == PrincipalService:
			services = append(services, e.Value.Text)
		}
	}
	return everyone, aws, services
}

// refGrantOf says how a resource-based statement's Principal or
// NotPrincipal covers the caller ("Principal", "NotPrincipal", and the
// same-account rules of "Policy evaluation logic").
func refGrantOf(st *Statement, p RequestPrincipal, hasBoundary bool) refGrant {
	if st.Principal == nil {
		return refNone
	}
	everyone, listed, services := refPrincipalEntries(st.Principal)
	if st.NotPrincipal {
		exempt := everyone
		if !exempt && !hasBoundary {
			switch p.Type {
			case PrincipalAnonymous:
			case PrincipalServiceType:
				exempt = slices.Contains(services, p.ARN)
			case PrincipalRoot:
				exempt = slices.Contains(listed, p.Account)
			case PrincipalAssumedRole:
				exempt = slices.Contains(listed, p.Account) && slices.Contains(listed, p.Parent) && slices.Contains(listed, p.ARN)
			default:
				exempt = slices.Contains(listed, p.Account) && slices.Contains(listed, p.ARN)
			}
		}
		if exempt {
			return refNone
		}
		return refDirect
	}
	switch {
	case everyone:
		return refDirect
	case p.Type == PrincipalAnonymous:
		return refNone
	case p.Type == PrincipalServiceType:
		if slices.Contains(services, p.ARN) {
			return refDirect
		}
		return refNone
	case slices.Contains(listed, p.ARN):
		return refDirect
	case p.Parent != "" && slices.Contains(listed, p.Parent):
		return refParent
	case slices.Contains(listed, p.Account):
		return refAccount
	}
	return refNone
}

// refLayerResult is what one layer says: whether some Allow and some Deny
// statement applies, and the strongest grant among the applying Allows.
type refLayerResult struct {
	allow, deny bool
	grant       refGrant
}

func refEvalLayer(pols []*Policy, r *refRequest, principals, hasBoundary bool) refLayerResult {
	var out refLayerResult
	for _, pol := range pols {
		for _, st := range pol.Statements {
			g := refNone
			if principals {
				if g = refGrantOf(st, r.principal, hasBoundary); g == refNone {
					continue
				}
			}
			if !refActionMatches(st, r.action) || !refResourceMatches(pol, st, r) {
				continue
			}
			holds := true
			for _, c := range st.Conditions {
				holds = holds && refConditionHolds(pol, c, r)
			}
			if !holds {
				continue
			}
			if st.Effect == Deny {
				out.deny = true
			} else {
				out.allow = true
				out.grant = max(out.grant, g)
			}
		}
	}
	return out
}

// refDecide is the decision procedure of "Policy evaluation logic" and
// "Cross-account policy evaluation logic" as one formula.
func refDecide(l *refLayers, r *refRequest) Decision {
	p := r.principal
	id := refEvalLayer(l.identity, r, false, l.hasBoundary)
	bd := refEvalLayer(l.boundary, r, false, l.hasBoundary)
	ss := refEvalLayer(l.session, r, false, l.hasBoundary)
	rb := refEvalLayer(l.resource, r, true, l.hasBoundary)
	scpApplies := p.Type != PrincipalServiceType && p.Type != PrincipalAnonymous
	var scps, rcps []refLayerResult
	for _, level := range l.scps {
		if scpApplies {
			scps = append(scps, refEvalLayer(level, r, false, l.hasBoundary))
		}
	}
	for _, level := range l.rcps {
		rcps = append(rcps, refEvalLayer(level, r, true, l.hasBoundary))
	}

	anyDeny := id.deny || bd.deny || ss.deny || rb.deny
	orgAllows := true
	for _, lv := range append(slices.Clone(scps), rcps...) {
		anyDeny = anyDeny || lv.deny
		orgAllows = orgAllows && lv.allow
	}
	if anyDeny {
		return ExplicitDeny
	}
	allow := func(b bool) Decision {
		if b && orgAllows {
			return Allowed
		}
		return ImplicitDeny
	}

	service := strings.ToLower(strings.SplitN(r.action, ":", 2)[0])
	// Only a KMS key has a key policy; "kms:Decrypt on an S3 object" has none.
	strict := service == "sts" || (service == "kms" && strings.Contains(r.resource, ":key/"))
	rbpAllows := l.hasResource && rb.allow
	sameAccount := r.resourceAccount == "" || r.resourceAccount == p.Account
	switch p.Type {
	case PrincipalAnonymous, PrincipalServiceType:
		return allow(rbpAllows)
	case PrincipalRoot:
		return allow((sameAccount && !strict) || rbpAllows)
	}
	boundaryOK := !l.hasBoundary || bd.allow
	sessionOK := !p.IsSession() || (l.hasSession && ss.allow) || (!l.hasSession && p.Type == PrincipalAssumedRole)
	if !sameAccount {
		return allow(id.allow && boundaryOK && sessionOK && rbpAllows)
	}
	directRBP := rbpAllows && rb.grant == refDirect
	parentRBP := rbpAllows && rb.grant == refParent
	explicitOK := !strict || rbpAllows
	return allow(directRBP || (explicitOK && (id.allow || parentRBP) && boundaryOK && sessionOK))
}

// checkMany runs a property over ten times rapid's case count (1,000 by
// default): the scenarios that separate the decision rules — a boundary
// beside a grant to the role behind a session, a NotPrincipal list — are a
// small share of random ones.
func checkMany(t *testing.T, prop func(*rapid.T)) {
	t.Helper()
	for range 10 {
		if t.Failed() {
			return
		}
		rapid.Check(t, prop)
	}
}

func TestReferenceEvaluatorAgrees(t *testing.T) {
	checkMany(t, func(t *rapid.T) {
		r := genRequest(t)
		l := genLayers(t, r)
		want := refDecide(l, r)
		layers, req := l.compile(t), r.build()
		if got := Evaluate(layers, req); got != want {
			t.Fatalf("Evaluate = %v, reference = %v\n%s", got, want, describeScenario(l, r))
		}
		if got := Explain(layers, req).Decision; got != want {
			t.Fatalf("Explain = %v, reference = %v\n%s", got, want, describeScenario(l, r))
		}
	})
}

// TestReferenceEvaluatorCoversOutcomes guards the generator: a property
// that only ever sees one outcome would prove little.
func TestReferenceEvaluatorCoversOutcomes(t *testing.T) {
	seen := map[Decision]int{}
	rapid.Check(t, func(t *rapid.T) {
		r := genRequest(t)
		seen[refDecide(genLayers(t, r), r)]++
	})
	for _, d := range []Decision{Allowed, ImplicitDeny, ExplicitDeny} {
		if seen[d] == 0 {
			t.Errorf("no generated scenario was decided %v: %v", d, seen)
		}
	}
}

// denyAll is an explicit Deny of everything; resourceDenyAll names every
// principal, as resource-based and resource control policies must.
var (
	denyAllDoc         = map[string]any{"Version": Version2012, "Statement": map[string]any{"Effect": "Deny", "Action": "*", "Resource": "*"}}
	resourceDenyAllDoc = map[string]any{"Version": Version2012, "Statement": map[string]any{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}}
)

// TestExplicitDenyAnywhereWins: a Deny added to any layer that applies to
// the request always yields ExplicitDeny.
func TestExplicitDenyAnywhereWins(t *testing.T) {
	checkMany(t, func(t *rapid.T) {
		r := genRequest(t)
		l := genLayers(t, r)
		p := r.principal
		var targets []string
		if p.Type != PrincipalAnonymous && p.Type != PrincipalServiceType && p.Type != PrincipalRoot {
			targets = append(targets, "identity")
		}
		if l.hasBoundary {
			targets = append(targets, "boundary")
		}
		if l.hasSession {
			targets = append(targets, "session")
		}
		if len(l.scps) > 0 && p.Type != PrincipalAnonymous && p.Type != PrincipalServiceType {
			targets = append(targets, "scp")
		}
		targets = append(targets, "resource", "rcp")
		switch target := rapid.SampledFrom(targets).Draw(t, "target"); target {
		case "identity":
			l.identity = append(l.identity, mustParseJSON(t, denyAllDoc))
		case "boundary":
			l.boundary = append(l.boundary, mustParseJSON(t, denyAllDoc))
		case "session":
			l.session = append(l.session, mustParseJSON(t, denyAllDoc))
		case "scp":
			i := rapid.IntRange(0, len(l.scps)-1).Draw(t, "level")
			l.scps[i] = append(l.scps[i], mustParseJSON(t, denyAllDoc))
		case "resource":
			l.hasResource = true
			l.resource = append(l.resource, mustParseJSON(t, resourceDenyAllDoc))
		case "rcp":
			l.rcps = append(l.rcps, []*Policy{mustParseJSON(t, resourceDenyAllDoc)})
		}
		layers, req := l.compile(t), r.build()
		if got := Evaluate(layers, req); got != ExplicitDeny {
			t.Fatalf("Evaluate = %v after adding a Deny of everything\n%s", got, describeScenario(l, r))
		}
		if got := refDecide(l, r); got != ExplicitDeny {
			t.Fatalf("reference = %v after adding a Deny of everything", got)
		}
	})
}

// TestUnrelatedAllowChangesNothing: an Allow for an action the request does
// not perform, added to any layer, never changes the decision; and no Allow
// at all turns an explicit deny into anything else.
func TestUnrelatedAllowChangesNothing(t *testing.T) {
	unrelated := map[string]any{"Version": Version2012, "Statement": map[string]any{"Effect": "Allow", "Action": "unrelated:Action", "Resource": "*"}}
	unrelatedRBP := map[string]any{"Version": Version2012, "Statement": map[string]any{"Effect": "Allow", "Principal": "*", "Action": "unrelated:Action", "Resource": "*"}}
	checkMany(t, func(t *rapid.T) {
		r := genRequest(t)
		l := genLayers(t, r)
		before := Evaluate(l.compile(t), r.build())
		related := rapid.Bool().Draw(t, "related")
		doc, rbp := unrelated, unrelatedRBP
		if related {
			// Any Allow at all, even one that covers the request.
			doc = map[string]any{"Version": Version2012, "Statement": genStatement(t, stmtShape{})}
			doc["Statement"].(map[string]any)["Effect"] = "Allow"
			rbp = map[string]any{"Version": Version2012, "Statement": genStatement(t, stmtShape{principal: true})}
			rbp["Statement"].(map[string]any)["Effect"] = "Allow"
		}
		switch rapid.IntRange(0, 4).Draw(t, "layer") {
		case 0:
			l.identity = append(l.identity, mustParseJSON(t, doc))
		case 1:
			l.boundary = append(l.boundary, mustParseJSON(t, doc))
		case 2:
			l.session = append(l.session, mustParseJSON(t, doc))
		case 3:
			l.resource = append(l.resource, mustParseJSON(t, rbp))
		case 4:
			for i := range l.scps {
				l.scps[i] = append(l.scps[i], mustParseJSON(t, doc))
			}
		}
		after := Evaluate(l.compile(t), r.build())
		switch {
		case !related && after != before:
			t.Fatalf("an unrelated Allow changed %v into %v\n%s", before, after, describeScenario(l, r))
		case before == ExplicitDeny && after != ExplicitDeny:
			t.Fatalf("an Allow turned ExplicitDeny into %v\n%s", after, describeScenario(l, r))
		}
	})
}

func describeScenario(l *refLayers, r *refRequest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "request: %+v %s on %s (resource account %q) single=%v multi=%v\n", r.principal, r.action, r.resource, r.resourceAccount, r.single, r.multi)
	dump := func(name string, pols []*Policy, present bool) {
		if !present {
			return
		}
		fmt.Fprintf(&b, "%s:\n", name)
		for _, p := range pols {
			fmt.Fprintf(&b, "  version %q\n", p.Version)
			for _, st := range p.Statements {
				fmt.Fprintf(&b, "    %v notAction=%v %v notResource=%v %v", st.Effect, st.NotAction, quoteList(st.Actions), st.NotResource, quoteList(st.Resources))
				if st.Principal != nil {
					fmt.Fprintf(&b, " notPrincipal=%v %+v", st.NotPrincipal, *st.Principal)
				}
				for _, c := range st.Conditions {
					fmt.Fprintf(&b, " [%s %s %v]", c.Operator.Name, c.Key, quoteList(c.Values))
				}
				b.WriteString("\n")
			}
		}
	}
	dump("identity", l.identity, true)
	dump("boundary", l.boundary, l.hasBoundary)
	dump("session", l.session, l.hasSession)
	dump("resource", l.resource, l.hasResource)
	for i, level := range l.scps {
		dump(fmt.Sprintf("scp[%d]", i), level, true)
	}
	for i, level := range l.rcps {
		dump(fmt.Sprintf("rcp[%d]", i), level, true)
	}
	return b.String()
}
