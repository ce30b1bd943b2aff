package stsapi

import (
	"crypto/hmac"
	"crypto/sha1"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsquery"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
	"github.com/warden-iam/warden/managed"
	"github.com/warden-iam/warden/sqlstore"
)

const (
	accountA = "111111111111"
	accountB = "222222222222"
)

// fixture is the STS API over a real SQLite store with two accounts, on a
// clock the test moves.
type fixture struct {
	api   *API
	store *sqlstore.Store
	az    *authz.Authorizer
	mu    sync.Mutex
	now   time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{now: time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)}
	st, err := sqlstore.Open(t.Context(), t.TempDir(), sqlstore.Options{AWSManagedPolicies: managed.Default(), Now: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Bootstrap(t.Context(), warden.BootstrapInput{AccountID: accountA, Region: "us-east-1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateAccount(t.Context(), accountB); err != nil {
		t.Fatal(err)
	}
	f.store, f.az = st, authz.New(st)
	f.api = New(st, f.az)
	f.api.now = f.clock
	return f
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// caller returns the caller signing as the long-term principal with the
// given ARN.
func (f *fixture) caller(t testing.TB, principalARN string) *authz.Caller {
	t.Helper()
	pp, err := f.store.PrincipalPolicies(t.Context(), principalARN)
	if err != nil {
		t.Fatal(err)
	}
	p := pp.Principal
	return &authz.Caller{Principal: &p, Region: "us-east-1", Time: f.clock()}
}

// sessionCaller returns the caller signing with temporary credentials, as
// the server resolves them.
func (f *fixture) sessionCaller(t testing.TB, keyID string) *authz.Caller {
	t.Helper()
	_, p, err := f.store.AccessKey(t.Context(), keyID)
	if err != nil {
		t.Fatal(err)
	}
	return &authz.Caller{Principal: p, AccessKeyID: keyID, Temporary: true, Region: "us-east-1", Time: f.clock()}
}

func (f *fixture) user(t testing.TB, account, name string, policies ...string) string {
	t.Helper()
	u, err := f.store.CreateUser(t.Context(), account, warden.CreateUserInput{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	for i, doc := range policies {
		if err := f.store.PutInlinePolicy(t.Context(), account, warden.UserIdentity(name), fmt.Sprintf("p%d", i), doc); err != nil {
			t.Fatal(err)
		}
	}
	return u.ARN
}

func (f *fixture) role(t testing.TB, account, name, trust string, tags []warden.Tag, policies ...string) string {
	t.Helper()
	r, err := f.store.CreateRole(t.Context(), account, warden.CreateRoleInput{Name: name, AssumeRolePolicyDocument: trust, Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	for i, doc := range policies {
		if err := f.store.PutInlinePolicy(t.Context(), account, warden.RoleIdentity(name), fmt.Sprintf("p%d", i), doc); err != nil {
			t.Fatal(err)
		}
	}
	return r.ARN
}

// call runs an operation through its registered handler, as the server
// does.
func call[O awsquery.Output](t testing.TB, f *fixture, c *authz.Caller, op string, in awsquery.Input) (O, error) {
	t.Helper()
	var zero O
	out, err := f.api.Handle(t.Context(), c, s.Service.Operations[op], in)
	if err != nil {
		return zero, err
	}
	return out.(O), nil
}

func assumeRole(t testing.TB, f *fixture, c *authz.Caller, in *s.AssumeRoleInput) (*s.AssumeRoleOutput, error) {
	t.Helper()
	return call[*s.AssumeRoleOutput](t, f, c, "AssumeRole", in)
}

// allowed reports whether the caller may perform action on resource.
func (f *fixture) allowed(t testing.TB, c *authz.Caller, action, resource string) bool {
	t.Helper()
	d, err := f.az.Authorize(t.Context(), c, &authz.Call{Action: action, Resource: resource})
	if err != nil {
		t.Fatal(err)
	}
	return d.Allowed
}

// principalTag returns the aws:PrincipalTag/key the caller's requests
// carry.
func principalTag(c *authz.Caller, pp *warden.PrincipalPolicies, key string) (string, bool) {
	req := authz.Request(c, pp, &authz.Call{Action: "iam:GetUser", Resource: "*"})
	v, ok := req.Context.Get("aws:PrincipalTag/" + key)
	if !ok {
		return "", false
	}
	return v.Values[0], true
}

func contextKey(c *authz.Caller, key string) (string, bool) {
	req := authz.Request(c, nil, &authz.Call{Action: "iam:GetUser", Resource: "*"})
	v, ok := req.Context.Get(key)
	if !ok || len(v.Values) != 1 {
		return "", false
	}
	return v.Values[0], true
}

func mustOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func assertCode(t testing.TB, err error, code, messagePart string) {
	t.Helper()
	if got := warden.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
	if !strings.Contains(warden.ErrorMessage(err), messagePart) {
		t.Fatalf("message %q does not contain %q", warden.ErrorMessage(err), messagePart)
	}
}

// referenceTOTP is RFC 6238 written out independently of totpCode, so
// that tests check the server against the standard.
func referenceTOTP(secret []byte, at time.Time) string {
	counter := uint64(at.Unix()) / 30
	msg := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		msg[i] = byte(counter)
		counter >>= 8
	}
	mac := hmac.New(sha1.New, secret)
	mac.Write(msg)
	hs := mac.Sum(nil)
	o := int(hs[len(hs)-1] & 0xf)
	bin := int(hs[o]&0x7f)<<24 | int(hs[o+1])<<16 | int(hs[o+2])<<8 | int(hs[o+3])
	return fmt.Sprintf("%06d", bin%1_000_000)
}

// trust returns a trust policy allowing principal the actions.
func trust(principal string, actions string, condition string) string {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":` + actions
	if condition != "" {
		doc += `,"Condition":` + condition
	}
	return doc + `}]}`
}

func allow(action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}]}`
}
