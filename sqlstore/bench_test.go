package sqlstore_test

import (
	"fmt"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sqlstore"
)

// benchStore returns a store holding a user shaped like a real one: in two
// groups, with inline and attached policies of its own and through the
// groups, a boundary, tags and an access key.
func benchStore(b *testing.B, cached bool) (s *sqlstore.Store, userARN, keyID string) {
	s = openSQLite(b, b.TempDir(), sqlstore.Options{AWSManagedPolicies: testCatalogue, DisableCache: !cached})
	ctx := b.Context()
	acct := newAccount(b, s)
	for i := range 50 { // neighbours, so that lookups are not in a one-row table
		createUser(b, s, acct, fmt.Sprintf("other%02d", i))
	}
	boundary := createPolicy(b, s, acct, "boundary")
	u, err := s.CreateUser(ctx, acct, warden.CreateUserInput{Name: "alice", Path: "/eng/", PermissionsBoundary: boundary.ARN,
		Tags: []warden.Tag{{Key: "team", Value: "core"}, {Key: "cost-center", Value: "42"}}})
	noErr(b, err)
	user := warden.UserIdentity("alice")
	noErr(b, s.PutInlinePolicy(ctx, acct, user, "inline", doc("s3:*")))
	noErr(b, s.AttachPolicy(ctx, acct, user, createPolicy(b, s, acct, "custom").ARN))
	noErr(b, s.AttachPolicy(ctx, acct, user, readOnlyARN))
	for _, g := range []string{"devs", "ops"} {
		createGroup(b, s, acct, g)
		noErr(b, s.AddUserToGroup(ctx, acct, g, "alice"))
		noErr(b, s.PutInlinePolicy(ctx, acct, warden.GroupIdentity(g), g+"-inline", doc("ec2:*")))
		noErr(b, s.AttachPolicy(ctx, acct, warden.GroupIdentity(g), denyAllARN))
	}
	k, err := s.CreateAccessKey(ctx, acct, "alice")
	noErr(b, err)
	return s, u.ARN, k.ID
}

func BenchmarkAccessKey(b *testing.B) {
	for _, cached := range []bool{true, false} {
		b.Run(map[bool]string{true: "cached", false: "uncached"}[cached], func(b *testing.B) {
			s, _, keyID := benchStore(b, cached)
			ctx := b.Context()
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := s.AccessKey(ctx, keyID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPrincipalPolicies(b *testing.B) {
	for _, cached := range []bool{true, false} {
		b.Run(map[bool]string{true: "cached", false: "uncached"}[cached], func(b *testing.B) {
			s, userARN, _ := benchStore(b, cached)
			ctx := b.Context()
			pp, err := s.PrincipalPolicies(ctx, userARN)
			noErr(b, err)
			if len(pp.Policies) != 7 || pp.PermissionsBoundary == nil {
				b.Fatalf("unexpected fixture: %s", policySummary(pp))
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.PrincipalPolicies(ctx, userARN); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAccessKeyParallel is the request path under concurrent load.
func BenchmarkAccessKeyParallel(b *testing.B) {
	s, _, keyID := benchStore(b, true)
	ctx := b.Context()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := s.AccessKey(ctx, keyID); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkCreateUser measures an acknowledged write: one immediate
// transaction committed with synchronous=FULL.
func BenchmarkCreateUser(b *testing.B) {
	s := openSQLite(b, b.TempDir(), sqlstore.Options{})
	acct := newAccount(b, s)
	ctx := b.Context()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.CreateUser(ctx, acct, warden.CreateUserInput{Name: fmt.Sprintf("u%d", i)}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
