package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sqlstore"
)

// The conformance suite is written against warden.Store only. RunWithStore
// runs a test body once per implementation in storeFactories (the
// litestream RunWithReplicaClient pattern), so that the PostgreSQL dialect
// joins by adding a factory, gated on a DSN flag, and passes the same
// suite. Tests that need SQLite itself (raw file scans, crashes) live in
// sqlite_test.go.

type storeFactory struct {
	name string
	open func(t *testing.T, opts sqlstore.Options) warden.Store
}

var storeFactories = []storeFactory{
	{name: "sqlite", open: func(t *testing.T, opts sqlstore.Options) warden.Store { return openSQLite(t, t.TempDir(), opts) }},
}

// RunWithStore runs fn as a subtest against a fresh store of every
// implementation, configured with the test catalogue of AWS managed
// policies.
func RunWithStore(t *testing.T, name string, fn func(t *testing.T, s warden.Store)) {
	t.Helper()
	RunWithStoreOptions(t, name, sqlstore.Options{AWSManagedPolicies: testCatalogue}, fn)
}

// RunWithStoreOptions is RunWithStore with explicit options.
func RunWithStoreOptions(t *testing.T, name string, opts sqlstore.Options, fn func(t *testing.T, s warden.Store)) {
	t.Helper()
	for _, f := range storeFactories {
		t.Run(f.name+"/"+name, func(t *testing.T) {
			t.Parallel()
			fn(t, f.open(t, opts))
		})
	}
}

func openSQLite(t testing.TB, dir string, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(t.Context(), dir, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// wantErr fails unless err carries the AWS error code and, when message is
// not empty, exactly that message.
func wantErr(t testing.TB, err error, code, message string) {
	t.Helper()
	if got := warden.ErrorCode(err); got != code {
		t.Fatalf("error = %v; want code %q", err, code)
	}
	if message != "" && warden.ErrorMessage(err) != message {
		t.Fatalf("message = %q\nwant      %q", warden.ErrorMessage(err), message)
	}
}

func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newAccount creates a fresh account with a random ID.
func newAccount(t testing.TB, s warden.Store) string {
	t.Helper()
	a, err := s.CreateAccount(t.Context(), "")
	noErr(t, err)
	return a.ID
}

func createUser(t testing.TB, s warden.Store, account, name string) *warden.User {
	t.Helper()
	u, err := s.CreateUser(t.Context(), account, warden.CreateUserInput{Name: name})
	noErr(t, err)
	return u
}

func createGroup(t testing.TB, s warden.Store, account, name string) *warden.Group {
	t.Helper()
	g, err := s.CreateGroup(t.Context(), account, name, "")
	noErr(t, err)
	return g
}

const trustEC2 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func createRole(t testing.TB, s warden.Store, account, name string) *warden.Role {
	t.Helper()
	r, err := s.CreateRole(t.Context(), account, warden.CreateRoleInput{Name: name, AssumeRolePolicyDocument: trustEC2})
	noErr(t, err)
	return r
}

// doc returns a small identity policy allowing action on everything.
func doc(action string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`
}

func createPolicy(t testing.TB, s warden.Store, account, name string) *warden.ManagedPolicy {
	t.Helper()
	p, err := s.CreatePolicy(t.Context(), account, warden.CreatePolicyInput{Name: name, Document: doc("s3:GetObject")})
	noErr(t, err)
	return p
}

// collect pages through a list with page size n and returns every item
// and the number of pages it took.
func collect[T any](t testing.TB, n int, list func(opts warden.ListOptions) (*warden.Page[T], error)) ([]T, int) {
	t.Helper()
	var all []T
	opts := warden.ListOptions{MaxItems: n}
	for pages := 1; ; pages++ {
		page, err := list(opts)
		noErr(t, err)
		if len(page.Items) > n {
			t.Fatalf("page %d has %d items, more than MaxItems %d", pages, len(page.Items), n)
		}
		all = append(all, page.Items...)
		if !page.IsTruncated {
			if page.Marker != "" {
				t.Fatalf("untruncated page %d has marker %q", pages, page.Marker)
			}
			return all, pages
		}
		if page.Marker == "" {
			t.Fatalf("truncated page %d has no marker", pages)
		}
		opts.Marker = page.Marker
	}
}

func names[T any](items []T, name func(T) string) string {
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = name(item)
	}
	return strings.Join(out, ",")
}

func userName(u *warden.User) string            { return u.Name }
func groupName(g *warden.Group) string          { return g.Name }
func roleName(r *warden.Role) string            { return r.Name }
func tagString(tag warden.Tag) string           { return tag.Key + "=" + tag.Value }
func policyName(p *warden.ManagedPolicy) string { return p.Name }

// recent fails unless ts is within a minute of now, in UTC.
func recent(t testing.TB, what string, ts time.Time) {
	t.Helper()
	if ts.Location() != time.UTC || time.Since(ts).Abs() > time.Minute {
		t.Fatalf("%s = %v; want about now, in UTC", what, ts)
	}
}

// catalogue is a small AWS managed policy catalogue for tests.
type catalogue map[string]*warden.AWSManagedPolicy

func (c catalogue) AWSManagedPolicy(arn string) (*warden.AWSManagedPolicy, bool) {
	p, ok := c[arn]
	return p, ok
}

func (c catalogue) AWSManagedPolicies() []*warden.AWSManagedPolicy {
	var out []*warden.AWSManagedPolicy
	for _, p := range c {
		out = append(out, p)
	}
	return out
}

func awsManaged(name, path, document string, attachable bool) *warden.AWSManagedPolicy {
	created := time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC)
	return &warden.AWSManagedPolicy{
		Policy: warden.ManagedPolicy{
			AccountID: warden.AWSAccount, ID: warden.NewUniqueID(warden.PrefixManagedPolicy), Name: name, Path: path,
			ARN: warden.IAMARN(warden.AWSAccount, "policy", path, name), DefaultVersionID: "v7", IsAttachable: attachable,
			CreateDate: created, UpdateDate: created,
		},
		Document: document,
	}
}

const (
	readOnlyARN  = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	lambdaARN    = "arn:aws:iam::aws:policy/service-role/AWSLambdaRole"
	denyAllARN   = "arn:aws:iam::aws:policy/AWSDenyAll"
	notAttachARN = "arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy"
)

var testCatalogue = catalogue{
	readOnlyARN:  awsManaged("ReadOnlyAccess", "/", doc("*:Get*"), true),
	lambdaARN:    awsManaged("AWSLambdaRole", "/service-role/", doc("lambda:InvokeFunction"), true),
	denyAllARN:   awsManaged("AWSDenyAll", "/", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`, true),
	notAttachARN: awsManaged("AWSSupportServiceRolePolicy", "/aws-service-role/", doc("support:*"), false),
}

type sqlstoreOptions = sqlstore.Options

// contextBackground is for the crash child, which runs outside any test.
func contextBackground() context.Context { return context.Background() }
