package sqlstore_test

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sqlstore"
)

// policySummary renders the identity policies of pp as
// "holder:name[@version]" items, in order.
func policySummary(pp *warden.PrincipalPolicies) string {
	var out []string
	for _, p := range pp.Policies {
		holder := p.AttachedTo[strings.LastIndexByte(p.AttachedTo, ':')+1:]
		item := holder + ":" + p.Name
		if !p.Inline() {
			item += "@" + p.VersionID
		}
		out = append(out, item)
	}
	return strings.Join(out, ",")
}

func TestPrincipalPolicies(t *testing.T) {
	RunWithStore(t, "User", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		boundary := createPolicy(t, s, acct, "Boundary")
		u, err := s.CreateUser(ctx, acct, warden.CreateUserInput{Name: "alice", Path: "/eng/", PermissionsBoundary: boundary.ARN,
			Tags: []warden.Tag{{Key: "team", Value: "core"}}})
		noErr(t, err)
		custom := createPolicy(t, s, acct, "Custom")
		_, err = s.CreatePolicyVersion(ctx, acct, custom.ARN, doc("s3:PutObject"), true)
		noErr(t, err)
		createGroup(t, s, acct, "zeta")
		createGroup(t, s, acct, "Alpha")
		createGroup(t, s, acct, "unrelated")
		for _, g := range []string{"zeta", "alpha"} {
			noErr(t, s.AddUserToGroup(ctx, acct, g, "alice"))
		}
		user := warden.UserIdentity("alice")
		noErr(t, s.PutInlinePolicy(ctx, acct, user, "b-inline", doc("sqs:*")))
		noErr(t, s.PutInlinePolicy(ctx, acct, user, "A-inline", doc("sns:*")))
		noErr(t, s.AttachPolicy(ctx, acct, user, custom.ARN))
		noErr(t, s.AttachPolicy(ctx, acct, user, readOnlyARN))
		noErr(t, s.PutInlinePolicy(ctx, acct, warden.GroupIdentity("zeta"), "zeta-inline", doc("ec2:*")))
		noErr(t, s.AttachPolicy(ctx, acct, warden.GroupIdentity("alpha"), denyAllARN))
		noErr(t, s.AttachPolicy(ctx, acct, warden.GroupIdentity("unrelated"), lambdaARN))

		pp, err := s.PrincipalPolicies(ctx, u.ARN)
		noErr(t, err)
		want := warden.Principal{Kind: warden.PrincipalUser, AccountID: acct, ARN: u.ARN, ID: u.ID, Name: "alice", Path: "/eng/"}
		if pp.Principal != want {
			t.Fatalf("Principal = %+v, want %+v", pp.Principal, want)
		}
		if got := policySummary(pp); got != "user/eng/alice:A-inline,user/eng/alice:b-inline,user/eng/alice:Custom@v2,"+
			"user/eng/alice:ReadOnlyAccess@v7,group/Alpha:AWSDenyAll@v7,group/zeta:zeta-inline" {
			t.Fatalf("policies = %s", got)
		}
		if pp.Policies[2].Document != doc("s3:PutObject") || pp.Policies[2].ARN != custom.ARN || pp.Policies[0].Document != doc("sns:*") {
			t.Fatalf("documents: %+v", pp.Policies[:3])
		}
		if pp.Policies[4].Document != testCatalogue[denyAllARN].Document {
			t.Fatalf("AWS managed document = %q", pp.Policies[4].Document)
		}
		if strings.Join(pp.GroupARNs, ",") != "arn:aws:iam::"+acct+":group/Alpha,arn:aws:iam::"+acct+":group/zeta" {
			t.Fatalf("GroupARNs = %v", pp.GroupARNs)
		}
		if pp.PermissionsBoundary == nil || pp.PermissionsBoundary.ARN != boundary.ARN || pp.PermissionsBoundary.VersionID != "v1" ||
			pp.PermissionsBoundary.Document != doc("s3:GetObject") {
			t.Fatalf("boundary = %+v", pp.PermissionsBoundary)
		}
		if names(pp.Tags, tagString) != "team=core" || pp.AssumeRolePolicyDocument != "" {
			t.Fatalf("tags = %v, trust = %q", pp.Tags, pp.AssumeRolePolicyDocument)
		}
	})

	RunWithStore(t, "Role", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		r, err := s.CreateRole(ctx, acct, warden.CreateRoleInput{Name: "worker", Path: "/svc/", AssumeRolePolicyDocument: trustEC2,
			MaxSessionDuration: 7200, PermissionsBoundary: readOnlyARN, Tags: []warden.Tag{{Key: "env", Value: "prod"}}})
		noErr(t, err)
		id := warden.RoleIdentity("worker")
		noErr(t, s.PutInlinePolicy(ctx, acct, id, "inline", doc("sqs:*")))
		noErr(t, s.AttachPolicy(ctx, acct, id, lambdaARN))
		pp, err := s.PrincipalPolicies(ctx, r.ARN)
		noErr(t, err)
		if pp.Principal.Kind != warden.PrincipalRole || pp.Principal.ID != r.ID || pp.AssumeRolePolicyDocument != trustEC2 ||
			pp.MaxSessionDuration != 7200 || names(pp.Tags, tagString) != "env=prod" || pp.GroupARNs != nil {
			t.Fatalf("PrincipalPolicies = %+v", pp)
		}
		if got := policySummary(pp); got != "role/svc/worker:inline,role/svc/worker:AWSLambdaRole@v7" {
			t.Fatalf("policies = %s", got)
		}
		if pp.PermissionsBoundary == nil || pp.PermissionsBoundary.Name != "ReadOnlyAccess" {
			t.Fatalf("boundary = %+v", pp.PermissionsBoundary)
		}
	})

	RunWithStore(t, "Root", func(t *testing.T, s warden.Store) {
		acct := newAccount(t, s)
		pp, err := s.PrincipalPolicies(t.Context(), "arn:aws:iam::"+acct+":root")
		noErr(t, err)
		if pp.Principal.Kind != warden.PrincipalRoot || pp.Principal.ID != acct || len(pp.Policies) != 0 {
			t.Fatalf("root = %+v", pp)
		}
	})

	RunWithStore(t, "ErrNoSuchEntity", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, "alice")
		createGroup(t, s, acct, "devs")
		for _, arn := range []string{
			"arn:aws:iam::" + acct + ":user/bob",
			"arn:aws:iam::" + acct + ":user/wrong-path/alice", // the path is part of the identity
			"arn:aws:iam::" + acct + ":role/alice",
			"arn:aws:iam::" + acct + ":group/devs", // groups are not principals
			"arn:aws:iam::000000000000:root",
			"arn:aws:iam::" + acct + ":user/ALICE", // ARNs are exact
			"arn:aws:sts::" + acct + ":assumed-role/r/s",
			"arn:aws:iam::aws:policy/ReadOnlyAccess",
			"not an arn",
		} {
			_, err := s.PrincipalPolicies(ctx, arn)
			wantErr(t, err, warden.ENoSuchEntity, "The principal "+arn+" cannot be found.")
		}
		_, _, err := s.AccessKey(ctx, "AKIAAAAAAAAAAAAAAAAA")
		wantErr(t, err, warden.ENoSuchEntity, "The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.")
		_, _, err = s.AccessKey(ctx, "")
		wantErr(t, err, warden.ENoSuchEntity, "")
	})

	RunWithStore(t, "AccessKeyPrincipal", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		u, err := s.CreateUser(ctx, acct, warden.CreateUserInput{Name: "alice", Path: "/eng/"})
		noErr(t, err)
		k, err := s.CreateAccessKey(ctx, acct, "alice")
		noErr(t, err)
		got, p, err := s.AccessKey(ctx, k.ID)
		noErr(t, err)
		if got.SecretAccessKey != k.SecretAccessKey || got.UserName != "alice" || got.Status != warden.AccessKeyActive || !got.CreateDate.Equal(k.CreateDate) {
			t.Fatalf("AccessKey = %+v, created %+v", got, k)
		}
		want := warden.Principal{Kind: warden.PrincipalUser, AccountID: acct, ARN: u.ARN, ID: u.ID, Name: "alice", Path: "/eng/"}
		if *p != want {
			t.Fatalf("principal = %+v, want %+v", *p, want)
		}
	})
}

// TestCacheInvalidation checks that every kind of write that changes an
// authorization answer is visible to the very next lookup, and that
// lookups between writes are answered from the cache.
func TestCacheInvalidation(t *testing.T) {
	RunWithStore(t, "PrincipalPolicies", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		u := createUser(t, s, acct, "alice")
		createGroup(t, s, acct, "devs")
		p := createPolicy(t, s, acct, "p")
		user := warden.UserIdentity("alice")

		prev, err := s.PrincipalPolicies(ctx, u.ARN)
		noErr(t, err)
		again, err := s.PrincipalPolicies(ctx, u.ARN)
		noErr(t, err)
		if again != prev {
			t.Fatal("a repeated lookup with no write between was not answered from the cache")
		}

		steps := []struct {
			name  string
			write func() error
			check func(pp *warden.PrincipalPolicies) bool
		}{
			{"put inline", func() error { return s.PutInlinePolicy(ctx, acct, user, "i", doc("a:b")) },
				func(pp *warden.PrincipalPolicies) bool { return policySummary(pp) == "user/alice:i" }},
			{"replace inline", func() error { return s.PutInlinePolicy(ctx, acct, user, "i", doc("c:d")) },
				func(pp *warden.PrincipalPolicies) bool { return pp.Policies[0].Document == doc("c:d") }},
			{"attach", func() error { return s.AttachPolicy(ctx, acct, user, p.ARN) },
				func(pp *warden.PrincipalPolicies) bool { return policySummary(pp) == "user/alice:i,user/alice:p@v1" }},
			{"new default version", func() error {
				_, err := s.CreatePolicyVersion(ctx, acct, p.ARN, doc("e:f"), true)
				return err
			}, func(pp *warden.PrincipalPolicies) bool {
				return pp.Policies[1].VersionID == "v2" && pp.Policies[1].Document == doc("e:f")
			}},
			{"set default version", func() error { return s.SetDefaultPolicyVersion(ctx, acct, p.ARN, "v1") },
				func(pp *warden.PrincipalPolicies) bool { return pp.Policies[1].VersionID == "v1" }},
			{"join group", func() error { return s.AddUserToGroup(ctx, acct, "devs", "alice") },
				func(pp *warden.PrincipalPolicies) bool { return len(pp.GroupARNs) == 1 }},
			{"group inline", func() error { return s.PutInlinePolicy(ctx, acct, warden.GroupIdentity("devs"), "g", doc("g:h")) },
				func(pp *warden.PrincipalPolicies) bool { return strings.HasSuffix(policySummary(pp), "group/devs:g") }},
			{"group attach", func() error { return s.AttachPolicy(ctx, acct, warden.GroupIdentity("devs"), denyAllARN) },
				func(pp *warden.PrincipalPolicies) bool {
					return strings.HasSuffix(policySummary(pp), "group/devs:g,group/devs:AWSDenyAll@v7")
				}},
			{"leave group", func() error { return s.RemoveUserFromGroup(ctx, acct, "devs", "alice") },
				func(pp *warden.PrincipalPolicies) bool { return len(pp.GroupARNs) == 0 && len(pp.Policies) == 2 }},
			{"boundary", func() error { return s.PutUserPermissionsBoundary(ctx, acct, "alice", readOnlyARN) },
				func(pp *warden.PrincipalPolicies) bool { return pp.PermissionsBoundary != nil }},
			{"remove boundary", func() error { return s.DeleteUserPermissionsBoundary(ctx, acct, "alice") },
				func(pp *warden.PrincipalPolicies) bool { return pp.PermissionsBoundary == nil }},
			{"tag", func() error { return s.TagUser(ctx, acct, "alice", []warden.Tag{{Key: "k", Value: "v"}}) },
				func(pp *warden.PrincipalPolicies) bool { return len(pp.Tags) == 1 }},
			{"untag", func() error { return s.UntagUser(ctx, acct, "alice", []string{"k"}) },
				func(pp *warden.PrincipalPolicies) bool { return len(pp.Tags) == 0 }},
			{"detach", func() error { return s.DetachPolicy(ctx, acct, user, p.ARN) },
				func(pp *warden.PrincipalPolicies) bool { return policySummary(pp) == "user/alice:i" }},
			{"delete inline", func() error { return s.DeleteInlinePolicy(ctx, acct, user, "i") },
				func(pp *warden.PrincipalPolicies) bool { return len(pp.Policies) == 0 }},
		}
		for _, step := range steps {
			noErr(t, step.write())
			pp, err := s.PrincipalPolicies(ctx, u.ARN)
			noErr(t, err)
			if pp == prev || !step.check(pp) {
				t.Fatalf("after %s: stale answer %s", step.name, policySummary(pp))
			}
			prev = pp
		}

		// Renaming the user retires its old ARN at once.
		_, err = s.UpdateUser(ctx, acct, "alice", warden.UpdateUserInput{NewName: new("alice2")})
		noErr(t, err)
		_, err = s.PrincipalPolicies(ctx, u.ARN)
		wantErr(t, err, warden.ENoSuchEntity, "")
	})

	RunWithStore(t, "Role", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		r := createRole(t, s, acct, "r")
		_, err := s.PrincipalPolicies(ctx, r.ARN)
		noErr(t, err)
		trust := strings.Replace(trustEC2, "ec2", "lambda", 1)
		noErr(t, s.UpdateAssumeRolePolicy(ctx, acct, "r", trust))
		pp, err := s.PrincipalPolicies(ctx, r.ARN)
		noErr(t, err)
		if pp.AssumeRolePolicyDocument != trust {
			t.Fatal("stale trust policy")
		}
		_, err = s.UpdateRole(ctx, acct, "r", warden.UpdateRoleInput{MaxSessionDuration: new(7200)})
		noErr(t, err)
		pp, err = s.PrincipalPolicies(ctx, r.ARN)
		noErr(t, err)
		if pp.MaxSessionDuration != 7200 {
			t.Fatal("stale MaxSessionDuration")
		}
		noErr(t, s.DeleteRole(ctx, acct, "r"))
		_, err = s.PrincipalPolicies(ctx, r.ARN)
		wantErr(t, err, warden.ENoSuchEntity, "")
	})

	RunWithStore(t, "AccessKey", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, "alice")
		k, err := s.CreateAccessKey(ctx, acct, "alice")
		noErr(t, err)
		first, _, err := s.AccessKey(ctx, k.ID)
		noErr(t, err)
		second, _, err := s.AccessKey(ctx, k.ID)
		noErr(t, err)
		if first != second {
			t.Fatal("a repeated key lookup was not answered from the cache")
		}
		// Last-used bookkeeping does not drop the cache.
		noErr(t, s.RecordAccessKeyUse(ctx, k.ID, "iam", "us-east-1", first.CreateDate))
		if third, _, _ := s.AccessKey(ctx, k.ID); third != first {
			t.Fatal("recording key use invalidated the cache")
		}
		noErr(t, s.UpdateAccessKey(ctx, acct, "alice", k.ID, warden.AccessKeyInactive))
		got, _, err := s.AccessKey(ctx, k.ID)
		noErr(t, err)
		if got.Status != warden.AccessKeyInactive {
			t.Fatal("stale key status after UpdateAccessKey")
		}
		_, err = s.UpdateUser(ctx, acct, "alice", warden.UpdateUserInput{NewPath: new("/moved/")})
		noErr(t, err)
		_, p, err := s.AccessKey(ctx, k.ID)
		noErr(t, err)
		if p.ARN != "arn:aws:iam::"+acct+":user/moved/alice" {
			t.Fatalf("stale principal ARN %s", p.ARN)
		}
		noErr(t, s.DeleteAccessKey(ctx, acct, "alice", k.ID))
		_, _, err = s.AccessKey(ctx, k.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")
	})

	RunWithStoreOptions(t, "Disabled", sqlstore.Options{DisableCache: true, AWSManagedPolicies: testCatalogue}, func(t *testing.T, s warden.Store) {
		u := createUser(t, s, newAccount(t, s), "alice")
		a, err := s.PrincipalPolicies(t.Context(), u.ARN)
		noErr(t, err)
		b, err := s.PrincipalPolicies(t.Context(), u.ARN)
		noErr(t, err)
		if a == b || !reflect.DeepEqual(a, b) {
			t.Fatal("with the cache disabled each lookup must read afresh and agree")
		}
	})
}

// TestConcurrentLookupsDuringWrites runs request-path lookups while
// another goroutine keeps writing, and checks that every answer is one the
// store could have given: a policy set that some write produced.
func TestConcurrentLookupsDuringWrites(t *testing.T) {
	RunWithStore(t, "OK", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		u := createUser(t, s, acct, "alice")
		k, err := s.CreateAccessKey(ctx, acct, "alice")
		noErr(t, err)
		const writes = 60
		var wg sync.WaitGroup
		stop := make(chan struct{})
		errs := make(chan error, 16)
		for range 8 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					pp, err := s.PrincipalPolicies(ctx, u.ARN)
					if err != nil {
						errs <- err
						return
					}
					// Policies are written in order p000, p001, …; a
					// consistent snapshot holds a gap-free prefix.
					for i, p := range pp.Policies {
						if p.Name != fmt.Sprintf("p%03d", i) {
							errs <- fmt.Errorf("inconsistent snapshot: %s", policySummary(pp))
							return
						}
					}
					if _, _, err := s.AccessKey(ctx, k.ID); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		for i := range writes {
			noErr(t, s.PutInlinePolicy(ctx, acct, warden.UserIdentity("alice"), fmt.Sprintf("p%03d", i), "{}"))
			// Read-your-writes: the writer sees its own write at once.
			pp, err := s.PrincipalPolicies(ctx, u.ARN)
			noErr(t, err)
			if len(pp.Policies) != i+1 {
				t.Fatalf("after write %d the lookup shows %d policies", i, len(pp.Policies))
			}
		}
		close(stop)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	})
}
