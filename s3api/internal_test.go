package s3api

import (
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/objstore"
)

// TestInternalAccessIsAuthorizedLikeRequests checks that in-process access
// takes the same decisions as signed requests: the caller's identity
// policies within its account, and the bucket policy across accounts.
func TestInternalAccessIsAuthorizedLikeRequests(t *testing.T) {
	ctx := t.Context()
	store, err := objstore.Open(t.TempDir(), objstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CreateBucket(ctx, &warden.Bucket{Name: "clinic-input", AccountID: accountA, Region: "us-east-1"}); err != nil {
		t.Fatal(err)
	}
	in := New(Config{Store: store, Authorizer: authz.New(source{})}).Internal()
	caller := func(name string) *authz.Caller { return &authz.Caller{Principal: identities[name].principal} }

	if err := in.PutObject(ctx, caller("alice"), "s3://clinic-input/notes/1.json", "application/json", []byte(`{"a":1}`)); err != nil {
		t.Fatalf("alice put: %v", err)
	}
	got, err := in.GetObject(ctx, caller("alice"), "s3://clinic-input/notes/1.json", 1<<20)
	if err != nil || string(got) != `{"a":1}` {
		t.Fatalf("alice get: %q, %v", got, err)
	}
	if _, err := in.GetObject(ctx, caller("alice"), "s3://clinic-input/notes/1.json", 3); warden.ErrorCode(err) != warden.EEntityTooLarge {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := in.GetObject(ctx, caller("carol"), "s3://clinic-input/notes/1.json", 1<<20); warden.ErrorCode(err) != warden.EAccessDenied {
		t.Errorf("carol has no policy: %v", err)
	}
	// bob's own policy allows s3:*, but the bucket is account A's and its
	// policy does not name him.
	if _, err := in.GetObject(ctx, caller("bob"), "s3://clinic-input/notes/1.json", 1<<20); warden.ErrorCode(err) != warden.EAccessDenied {
		t.Errorf("bob cross-account without a bucket policy: %v", err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::clinic-input/*"}]}`
	if err := store.PutBucketPolicy(ctx, "clinic-input", policy); err != nil {
		t.Fatal(err)
	}
	if _, err := in.GetObject(ctx, caller("bob"), "s3://clinic-input/notes/1.json", 1<<20); err != nil {
		t.Errorf("bob with a bucket policy: %v", err)
	}
	if _, err := in.GetObject(ctx, caller("alice"), "s3://clinic-input", 10); warden.ErrorCode(err) != warden.EInvalidArgument {
		t.Errorf("URI without a key: %v", err)
	}
	if _, err := in.GetObject(ctx, caller("alice"), "s3://no-such-bucket/k", 10); warden.ErrorCode(err) != warden.ENoSuchBucket {
		t.Errorf("missing bucket: %v", err)
	}
}
