package stsapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
)

// deniedError asks for a denied call and returns the AccessDenied error.
func deniedError(t *testing.T, f *fixture, c *authz.Caller, call *authz.Call) *authz.Denied {
	t.Helper()
	d, err := f.az.Authorize(t.Context(), c, call)
	mustOK(t, err)
	if d.Allowed {
		t.Fatal("the call was allowed")
	}
	denied, ok := errors.AsType[*authz.Denied](d.Err())
	if !ok {
		t.Fatalf("no explanation in %v", d.Err())
	}
	return denied
}

func TestDecodeAuthorizationMessage(t *testing.T) {
	f := newFixture(t)
	reader := f.user(t, accountA, "reader", allow("sts:DecodeAuthorizationMessage", "*"))
	nobody := f.user(t, accountA, "nobody")
	other := f.user(t, accountB, "other", allow("sts:DecodeAuthorizationMessage", "*"))
	bob := f.user(t, accountA, "bob", `{"Version":"2012-10-17","Statement":[
		{"Sid":"Scoped","Effect":"Allow","Action":"health-agent:GetDomain","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}},
		{"Sid":"NoDelete","Effect":"Deny","Action":"health-agent:DeleteDomain","Resource":"*"}]}`)

	tests := []struct {
		name         string
		action       string
		explicitDeny bool
		reason       string
		check        func(t *testing.T, m *DecodedMessage)
	}{
		{name: "implicit deny names the failed condition", action: "health-agent:GetDomain",
			reason: "because no identity-based policy allows the health-agent:GetDomain action",
			check: func(t *testing.T, m *DecodedMessage) {
				if len(m.Failures.Items) != 1 {
					t.Fatalf("failures = %+v", m.Failures.Items)
				}
				fail := m.Failures.Items[0]
				if fail.Sid != "Scoped" || fail.Layer != "identity" || fail.Element != "Condition" || fail.Condition == nil ||
					fail.Condition.Key != "aws:RequestedRegion" || fail.Condition.RequestValues[0] != "us-east-1" {
					t.Errorf("failure = %+v (condition %+v)", fail, fail.Condition)
				}
			}},
		{name: "explicit deny names the statement", action: "health-agent:DeleteDomain", explicitDeny: true,
			reason: "with an explicit deny in an identity-based policy",
			check: func(t *testing.T, m *DecodedMessage) {
				if len(m.MatchedStatements.Items) != 1 || m.MatchedStatements.Items[0].Sid != "NoDelete" || m.MatchedStatements.Items[0].Effect != "Deny" {
					t.Errorf("matched = %+v", m.MatchedStatements.Items)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			denied := deniedError(t, f, f.caller(t, bob), &authz.Call{Action: tt.action, Resource: "*"})
			encoded := EncodeAuthorizationMessage(f.store, denied)
			if encoded == "" || len(encoded) > maxEncodedMessage || strings.Contains(encoded, "health-agent") {
				t.Fatalf("encoded message %q: empty, too long or readable", encoded)
			}
			out, err := call[*s.DecodeAuthorizationMessageOutput](t, f, f.caller(t, reader), "DecodeAuthorizationMessage",
				&s.DecodeAuthorizationMessageInput{EncodedMessage: encoded})
			mustOK(t, err)
			var m DecodedMessage
			mustOK(t, json.Unmarshal([]byte(*out.DecodedMessage), &m))
			if m.Allowed || m.ExplicitDeny != tt.explicitDeny || m.Reason != tt.reason {
				t.Errorf("allowed %v explicitDeny %v reason %q", m.Allowed, m.ExplicitDeny, m.Reason)
			}
			if m.Context.Action != tt.action || m.Context.Resource != "*" || m.Context.Principal.ARN != bob || m.Context.Principal.Name != "bob" {
				t.Errorf("context = %+v", m.Context)
			}
			found := false
			for _, c := range m.Context.Conditions.Items {
				found = found || c.Key == "aws:RequestedRegion" && c.Values.Items[0].Value == "us-east-1"
			}
			if !found {
				t.Errorf("the request's keys are missing: %+v", m.Context.Conditions.Items)
			}
			tt.check(t, &m)

			_, err = call[*s.DecodeAuthorizationMessageOutput](t, f, f.caller(t, nobody), "DecodeAuthorizationMessage",
				&s.DecodeAuthorizationMessageInput{EncodedMessage: encoded})
			assertCode(t, err, warden.EAccessDenied, "sts:DecodeAuthorizationMessage")
			_, err = call[*s.DecodeAuthorizationMessageOutput](t, f, f.caller(t, other), "DecodeAuthorizationMessage",
				&s.DecodeAuthorizationMessageInput{EncodedMessage: encoded})
			assertCode(t, err, warden.EInvalidAuthorizationMessage, "")
		})
	}
	t.Run("tampered", func(t *testing.T) {
		denied := deniedError(t, f, f.caller(t, bob), &authz.Call{Action: "health-agent:GetDomain", Resource: "*"})
		raw, err := base64.RawURLEncoding.DecodeString(EncodeAuthorizationMessage(f.store, denied))
		mustOK(t, err)
		raw[len(raw)/2] ^= 1
		_, err = call[*s.DecodeAuthorizationMessageOutput](t, f, f.caller(t, reader), "DecodeAuthorizationMessage",
			&s.DecodeAuthorizationMessageInput{EncodedMessage: base64.RawURLEncoding.EncodeToString(raw)})
		assertCode(t, err, warden.EInvalidAuthorizationMessage, "")
	})
	t.Run("a large explanation is trimmed to fit", func(t *testing.T) {
		// Managed policies of random condition values, none of which
		// matches: every statement is a failure to report, and random
		// text does not compress.
		f.user(t, accountA, "wide")
		for p := range 6 {
			var stmts []string
			for range 30 {
				stmts = append(stmts, `{"Effect":"Allow","Action":"health-agent:GetDomain","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":["`+
					warden.NewSecretAccessKey()[:32]+`","`+warden.NewSecretAccessKey()[:32]+`"]}}}`)
			}
			pol, err := f.store.CreatePolicy(t.Context(), accountA, warden.CreatePolicyInput{
				Name: "wide" + string(rune('a'+p)), Document: `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`})
			mustOK(t, err)
			mustOK(t, f.store.AttachPolicy(t.Context(), accountA, warden.UserIdentity("wide"), pol.ARN))
		}
		denied := deniedError(t, f, f.caller(t, "arn:aws:iam::"+accountA+":user/wide"), &authz.Call{Action: "health-agent:GetDomain", Resource: "arn:aws:health-agent:us-east-1:111111111111:domain/d-1"})
		failed := 0
		for _, l := range denied.Explanation.Layers {
			failed += len(l.Failed)
		}
		if failed < 100 {
			t.Fatalf("the explanation is not large: %+v", denied.Explanation.Layers)
		}
		encoded := EncodeAuthorizationMessage(f.store, denied)
		if len(encoded) > maxEncodedMessage {
			t.Fatalf("encoded message of %d characters", len(encoded))
		}
		m, err := openMessage(f.store, encoded, accountA)
		mustOK(t, err)
		if !m.Trimmed || m.Context.Action != "health-agent:GetDomain" || len(m.Failures.Items) == 0 {
			t.Errorf("trimmed %v, action %q, %d failures", m.Trimmed, m.Context.Action, len(m.Failures.Items))
		}
	})
}

func FuzzOpenMessage(f *testing.F) {
	fx := newFixture(f)
	f.Add("")
	f.Add("not base64!")
	f.Add(base64.RawURLEncoding.EncodeToString([]byte{1, 2, 3}))
	f.Add(base64.RawURLEncoding.EncodeToString(fx.store.SealMessage(authorizationMessagePurpose, []byte("not deflate"))))
	f.Add(base64.RawURLEncoding.EncodeToString(fx.store.SealMessage("another purpose", []byte{})))
	f.Fuzz(func(t *testing.T, encoded string) {
		m, err := openMessage(fx.store, encoded, accountA)
		if err == nil && m == nil {
			t.Fatal("no message and no error")
		}
	})
}
