package warden

import (
	"slices"
	"strings"
	"testing"
)

func TestSessionPrincipal(t *testing.T) {
	role := Principal{Kind: PrincipalRole, AccountID: "111122223333", ARN: "arn:aws:iam::111122223333:role/ops/reader", ID: "AROAEXAMPLEROLEID0001", Name: "reader", Path: "/ops/"}
	user := Principal{Kind: PrincipalUser, AccountID: "111122223333", ARN: "arn:aws:iam::111122223333:user/bob", ID: "AIDAEXAMPLEUSERID0001", Name: "bob", Path: "/"}
	tests := []struct {
		name                   string
		session                Session
		kind                   PrincipalKind
		arn, id, principalName string
	}{
		{"role session names the role without its path", Session{Kind: SessionAssumedRole, AccountID: role.AccountID, Parent: role, Name: "alice"},
			PrincipalAssumedRole, "arn:aws:sts::111122223333:assumed-role/reader/alice", "AROAEXAMPLEROLEID0001:alice", "alice"},
		{"federated user", Session{Kind: SessionFederatedUser, AccountID: user.AccountID, Parent: user, Name: "fed"},
			PrincipalFederatedUser, "arn:aws:sts::111122223333:federated-user/fed", "111122223333:fed", "fed"},
		{"GetSessionToken is the user itself", Session{Kind: SessionToken, AccountID: user.AccountID, Parent: user},
			PrincipalUser, user.ARN, user.ID, "bob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.session.Principal()
			if p.Kind != tt.kind || p.ARN != tt.arn || p.ID != tt.id || p.Name != tt.principalName || p.AccountID != "111122223333" {
				t.Errorf("principal = %+v", p)
			}
			if p.Session != &tt.session || p.PolicyARN() != tt.session.Parent.ARN {
				t.Errorf("session %p, PolicyARN %s", p.Session, p.PolicyARN())
			}
		})
	}
	if (&user).PolicyARN() != user.ARN {
		t.Error("a long-term principal's policies are its own")
	}
}

func TestTransitiveTags(t *testing.T) {
	s := Session{Tags: []Tag{{"Team", "care"}, {"shift", "night"}, {"dept", "x"}}, TransitiveTagKeys: []string{"team", "DEPT"}}
	if got := s.TransitiveTags(); !slices.Equal(got, []Tag{{"Team", "care"}, {"dept", "x"}}) {
		t.Errorf("TransitiveTags = %v", got)
	}
}

func TestTemporaryCredentialsAreFresh(t *testing.T) {
	ids, tokens := map[string]bool{}, map[string]bool{}
	for range 1000 {
		id, token := NewTemporaryAccessKeyID(), NewSessionToken()
		if len(id) != 20 || !IsTemporaryAccessKeyID(id) || strings.Trim(id[4:], uniqueIDAlphabet) != "" {
			t.Fatalf("key ID %q", id)
		}
		if len(token) != sessionTokenLength || strings.Trim(token, secretAlphabet) != "" {
			t.Fatalf("token %q", token)
		}
		if ids[id] || tokens[token] {
			t.Fatal("a repeated key ID or token")
		}
		ids[id], tokens[token] = true, true
	}
	if IsTemporaryAccessKeyID(NewAccessKeyID()) {
		t.Error("a long-term key ID taken for a temporary one")
	}
}
