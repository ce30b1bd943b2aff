package policy

import (
	"strings"
	"testing"
)

func compileNamed(t *testing.T, name string, srcs ...string) *Set {
	t.Helper()
	docs := make([]Document, len(srcs))
	for i, src := range srcs {
		pol, err := Parse([]byte(src))
		if err != nil {
			t.Fatalf("Parse(%s): %v", src, err)
		}
		docs[i] = Document{Name: name, Policy: pol}
	}
	s, diags := Compile(docs...)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return s
}

var explainUser = RequestPrincipal{Type: PrincipalUser, ARN: "arn:aws:iam::111122223333:user/alice", Account: "111122223333"}

func TestExplainExplicitDeny(t *testing.T) {
	l := &Layers{
		Identity: compileNamed(t, "inline:admin", `{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"NoDelete","Effect":"Deny","Action":"health-agent:Delete*","Resource":"*"}]}`),
		SCPs:     []*Set{compileNamed(t, "FullAWSAccess", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)},
	}
	req := &Request{Principal: explainUser, Action: "health-agent:DeleteDomain", Resource: "arn:aws:health-agent:us-east-1:111122223333:domain/d"}
	e := Explain(l, req)
	if e.Decision != ExplicitDeny || e.Reason != ReasonExplicitDenyIdentity {
		t.Fatalf("decision %v, reason %v", e.Decision, e.Reason)
	}
	if len(e.Deciding) != 1 || e.Deciding[0].Sid != "NoDelete" || e.Deciding[0].Policy != "inline:admin" || e.Deciding[0].Layer != "identity" || e.Deciding[0].Index != 1 {
		t.Errorf("deciding = %+v", e.Deciding)
	}
	if got := e.Reason.Phrase(req.Action); got != "with an explicit deny in an identity-based policy" {
		t.Errorf("phrase = %q", got)
	}
	layers := map[string]LayerExplanation{}
	for _, le := range e.Layers {
		layers[le.Layer] = le
	}
	if le := layers["scp[0]"]; !le.Applies || !le.Allowed || len(le.Matched) != 1 {
		t.Errorf("scp layer = %+v", le)
	}
	if le := layers["boundary"]; le.Applies {
		t.Errorf("absent boundary explained as applying: %+v", le)
	}
}

func TestExplainImplicitDenyDetails(t *testing.T) {
	l := &Layers{Identity: compileNamed(t, "p", `{"Version":"2012-10-17","Statement":[`+
		`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"},`+
		`{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::bucket/*"},`+
		`{"Effect":"Allow","Action":"s3:Get*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},`+
		`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]}`)}
	req := &Request{Principal: explainUser, Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/key"}
	req.Context.Set("aws:SourceIp", "192.0.2.1")
	e := Explain(l, req)
	if e.Decision != ImplicitDeny || e.Reason != ReasonNoIdentityAllows || len(e.Deciding) != 0 {
		t.Fatalf("decision %v, reason %v, deciding %v", e.Decision, e.Reason, e.Deciding)
	}
	if got := e.Reason.Phrase("s3:GetObject"); got != "because no identity-based policy allows the s3:GetObject action" {
		t.Errorf("phrase = %q", got)
	}
	var identity LayerExplanation
	for _, le := range e.Layers {
		if le.Layer == LayerIdentity {
			identity = le
		}
	}
	if len(identity.Failed) != 4 || len(identity.Matched) != 0 {
		t.Fatalf("identity layer = %+v", identity)
	}
	want := []struct{ element, path string }{
		{"Resource", "Statement[0].Resource"},
		{"NotResource", "Statement[1].NotResource"},
		{"Condition", "Statement[2].Condition.IpAddress.aws:SourceIp"},
		{"Condition", "Statement[3].Condition.StringEquals.aws:PrincipalTag/team"},
	}
	for i, w := range want {
		f := identity.Failed[i]
		if f.Index != i || f.Element != w.element || f.Path != w.path || f.Detail == "" {
			t.Errorf("failed[%d] = %+v, want %s at %s", i, f, w.element, w.path)
		}
	}
	if c := identity.Failed[2].Condition; c == nil || !c.KeyPresent || c.RequestValues[0] != "192.0.2.1" || c.PolicyValues[0] != "10.0.0.0/8" {
		t.Errorf("condition miss = %+v", c)
	}
	if c := identity.Failed[3].Condition; c == nil || c.KeyPresent || len(c.RequestValues) != 0 || !strings.Contains(identity.Failed[3].Detail, "has no") {
		t.Errorf("missing-key condition miss = %+v (%s)", c, identity.Failed[3].Detail)
	}
}

func TestExplainAllowNamesTheGrants(t *testing.T) {
	session := RequestPrincipal{Type: PrincipalAssumedRole, ARN: "arn:aws:sts::111122223333:assumed-role/R/S", Account: "111122223333", Parent: "arn:aws:iam::111122223333:role/R"}
	l := &Layers{
		Identity: compileNamed(t, "id", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`),
		Boundary: compileNamed(t, "bd", `{"Version":"2012-10-17","Statement":{"Sid":"B","Effect":"Allow","Action":"s3:Get*","Resource":"*"}}`),
		Resource: compileNamed(t, "bucket", `{"Version":"2012-10-17","Statement":{"Sid":"R","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/R"},"Action":"s3:GetObject","Resource":"*"}}`),
	}
	req := &Request{Principal: session, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", ResourceAccount: "111122223333"}
	e := Explain(l, req)
	if e.Decision != Allowed {
		t.Fatalf("decision %v", e.Decision)
	}
	var layers []string
	for _, d := range e.Deciding {
		layers = append(layers, d.Layer)
	}
	if strings.Join(layers, ",") != "resource,identity,boundary" {
		t.Errorf("deciding layers = %v", layers)
	}
	for _, le := range e.Layers {
		if le.Layer == LayerResource && le.Grant != "parent" {
			t.Errorf("resource grant = %q, want parent", le.Grant)
		}
	}
	// Naming the session itself grants alone: only the resource policy decides.
	l.Resource = compileNamed(t, "bucket", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/R/S"},"Action":"s3:PutObject","Resource":"*"}}`)
	req.Action = "s3:PutObject"
	e = Explain(l, req)
	if e.Decision != Allowed || len(e.Deciding) != 1 || e.Deciding[0].Layer != LayerResource {
		t.Errorf("session grant: %v, deciding %+v", e.Decision, e.Deciding)
	}
}

// TestExplainResourceLayerWithoutPrincipals: a set that skipped Check
// (statements with no Principal) used as a resource layer explains instead
// of panicking, and such statements never apply.
func TestExplainResourceLayerWithoutPrincipals(t *testing.T) {
	set := compileNamed(t, "p", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)
	l := &Layers{Identity: MustCompile(), Resource: set}
	req := &Request{Principal: explainUser, Action: "s3:GetObject", Resource: "*"}
	e := Explain(l, req)
	if e.Decision != ImplicitDeny || Evaluate(l, req) != ImplicitDeny {
		t.Fatalf("decision %v", e.Decision)
	}
	for _, le := range e.Layers {
		if le.Layer == LayerResource && (len(le.Failed) != 1 || le.Failed[0].Element != "Principal" || le.Failed[0].Path != "Statement") {
			t.Errorf("resource layer = %+v", le)
		}
	}
}

func TestReasonPhrases(t *testing.T) {
	for r := ReasonExplicitDenyIdentity; r <= ReasonNoResourceAllows; r++ {
		if r.Phrase("s3:GetObject") == "" {
			t.Errorf("reason %d has no phrase", r)
		}
	}
	if ReasonAllowed.Phrase("x") != "" {
		t.Error("Allow has a denial phrase")
	}
	// The words of AWS's access-denied messages.
	if got := ReasonNoSCPAllows.Phrase("s3:GetObject"); got != "because no service control policy allows the s3:GetObject action" {
		t.Errorf("SCP phrase = %q", got)
	}
	if got := ReasonExplicitDenyRCP.Phrase("s3:GetObject"); got != "with an explicit deny in a resource control policy" {
		t.Errorf("RCP phrase = %q", got)
	}
}

func TestDecisionNames(t *testing.T) {
	for _, d := range []Decision{ImplicitDeny, ExplicitDeny, Allowed} {
		got, ok := ParseDecision(d.String())
		if !ok || got != d {
			t.Errorf("ParseDecision(%q) = %v, %v", d.String(), got, ok)
		}
	}
	if _, ok := ParseDecision("Deny"); ok {
		t.Error(`ParseDecision("Deny") succeeded`)
	}
	if Allow.String() != "Allow" || Deny.String() != "Deny" || Effect(0).String() != "Invalid" {
		t.Error("Effect names")
	}
}
