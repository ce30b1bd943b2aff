package s3api

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/warden-iam/warden"
)

func createBucket(t *testing.T, c *s3.Client, name string) {
	t.Helper()
	if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("CreateBucket %s: %v", name, err)
	}
}

func putString(t *testing.T, c *s3.Client, bucket, key, body string) *s3.PutObjectOutput {
	t.Helper()
	out, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatalf("PutObject %s/%s: %v", bucket, key, err)
	}
	return out
}

func getString(t *testing.T, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject %s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestSDKBucketsAndObjects(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	alice := ts.client("alice", "us-east-1")
	createBucket(t, alice, "inputs")
	createBucket(t, alice, "outputs")

	list, err := alice.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range list.Buckets {
		names = append(names, aws.ToString(b.Name))
	}
	if !slices.Equal(names, []string{"inputs", "outputs"}) || list.Owner == nil || len(aws.ToString(list.Owner.ID)) != 64 {
		t.Errorf("ListBuckets: %v owner %+v", names, list.Owner)
	}
	// Buckets are listed to their owner's account only.
	if list, err := ts.client("bob", "us-east-1").ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil || len(list.Buckets) != 0 {
		t.Errorf("bob's ListBuckets: %v, %v", list, err)
	}

	body := "patient notes, encounter 42"
	out, err := alice.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("inputs"), Key: aws.String("notes/encounter 42.txt"), Body: strings.NewReader(body),
		ContentType: aws.String("text/plain"), Metadata: map[string]string{"Source": "scribe"},
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum([]byte(body))
	if aws.ToString(out.ETag) != `"`+hex.EncodeToString(sum[:])+`"` {
		t.Errorf("ETag %s", aws.ToString(out.ETag))
	}
	if got := getString(t, alice, "inputs", "notes/encounter 42.txt"); got != body {
		t.Errorf("GetObject %q", got)
	}
	head, err := alice.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("inputs"), Key: aws.String("notes/encounter 42.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(head.ContentLength) != int64(len(body)) || aws.ToString(head.ContentType) != "text/plain" || head.Metadata["source"] != "scribe" {
		t.Errorf("HeadObject %+v", head)
	}
	part, err := alice.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("inputs"), Key: aws.String("notes/encounter 42.txt"), Range: aws.String("bytes=15-")})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(part.Body)
	part.Body.Close()
	if string(data) != "encounter 42" || aws.ToString(part.ContentRange) != fmt.Sprintf("bytes 15-%d/%d", len(body)-1, len(body)) {
		t.Errorf("ranged GetObject %q, %s", data, aws.ToString(part.ContentRange))
	}

	// A 10 MiB object, in one PUT.
	big := bytes.Repeat([]byte("0123456789abcdef"), 640<<10)
	if _, err := alice.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("outputs"), Key: aws.String("big.bin"), Body: bytes.NewReader(big)}); err != nil {
		t.Fatal(err)
	}
	if got := getString(t, alice, "outputs", "big.bin"); got != string(big) {
		t.Errorf("big object: %d bytes back", len(got))
	}

	_, err = alice.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("inputs"), Key: aws.String("missing")})
	wantErrorCode(t, err, warden.ENoSuchKey)
	_, err = alice.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("nosuchbucket"), Key: aws.String("k")})
	wantErrorCode(t, err, warden.ENoSuchBucket)
	_, err = alice.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("inputs"), Key: aws.String("missing")})
	wantErrorCode(t, err, "NotFound") // HEAD answers carry no error document
	_, err = ts.client("bob", "us-east-1").CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("inputs")})
	wantErrorCode(t, err, warden.EBucketAlreadyExists)
	_, err = alice.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("Invalid_Name")})
	wantErrorCode(t, err, warden.EInvalidBucketName)

	_, err = alice.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("outputs")})
	wantErrorCode(t, err, warden.EBucketNotEmpty)
	if _, err := alice.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("outputs"), Key: aws.String("big.bin")}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("outputs")}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("inputs")}); err != nil {
		t.Errorf("HeadBucket: %v", err)
	}
	_, err = alice.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("outputs")})
	wantErrorCode(t, err, "NotFound")
}

func TestSDKListObjectsV2(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	alice := ts.client("alice", "us-east-1")
	createBucket(t, alice, "jobs")
	var keys []string
	for i := range 7 {
		keys = append(keys, fmt.Sprintf("job-%d/input.json", i), fmt.Sprintf("job-%d/output/result.json", i))
	}
	keys = append(keys, "readme.txt", "weird key & <xml> ✓")
	for _, k := range keys {
		putString(t, alice, "jobs", k, k)
	}
	ts.authz.reset()

	var got []string
	var prefixes []string
	pages := 0
	paginator := s3.NewListObjectsV2Paginator(alice, &s3.ListObjectsV2Input{Bucket: aws.String("jobs"), MaxKeys: aws.Int32(3)})
	for paginator.HasMorePages() {
		page, err := paginator.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, o := range page.Contents {
			got = append(got, aws.ToString(o.Key))
		}
	}
	slices.Sort(keys)
	if !slices.Equal(got, keys) || pages != 6 {
		t.Errorf("%d pages listed %q", pages, got)
	}

	page, err := alice.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("jobs"), Prefix: aws.String("job-3/"), Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, o := range page.Contents {
		got = append(got, aws.ToString(o.Key))
	}
	for _, p := range page.CommonPrefixes {
		prefixes = append(prefixes, aws.ToString(p.Prefix))
	}
	if !slices.Equal(got, []string{"job-3/input.json"}) || !slices.Equal(prefixes, []string{"job-3/output/"}) || aws.ToInt32(page.KeyCount) != 2 {
		t.Errorf("prefix and delimiter: keys %q prefixes %q count %d", got, prefixes, aws.ToInt32(page.KeyCount))
	}

	// ListBucket is authorized with the listing's condition keys.
	var listCalls int
	for _, c := range ts.authz.calls() {
		if c.Action != "s3:ListBucket" {
			continue
		}
		listCalls++
		if c.Resource != "arn:aws:s3:::jobs" || c.ResourceAccount != accountA {
			t.Errorf("ListBucket call %+v", c)
		}
		if c.Keys["s3:prefix"] == "job-3/" && c.Keys["s3:delimiter"] != "/" {
			t.Errorf("ListBucket keys %v", c.Keys)
		}
		if c.Keys["s3:authType"] != "REST-HEADER" || c.Keys["s3:signatureversion"] != "AWS4-HMAC-SHA256" || c.Keys["s3:ResourceAccount"] != accountA {
			t.Errorf("ListBucket keys %v", c.Keys)
		}
	}
	if listCalls != 7 {
		t.Errorf("%d ListBucket authorizations, want 7", listCalls)
	}

	_, err = alice.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("jobs"), ContinuationToken: aws.String("bm90IGEgdG9rZW4")})
	wantErrorCode(t, err, warden.EInvalidArgument)
}

func TestSDKBucketPolicyAndTagging(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	alice := ts.client("alice", "us-east-1")
	createBucket(t, alice, "shared-bucket")

	_, err := alice.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("shared-bucket")})
	wantErrorCode(t, err, warden.ENoSuchBucketPolicy)
	_, err = alice.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared-bucket"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-bucket/*"}]}`)})
	wantErrorCode(t, err, warden.EMalformedPolicy)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + accountB + `:root"},"Action":["s3:GetObject","s3:GetBucketPolicy"],"Resource":["arn:aws:s3:::shared-bucket","arn:aws:s3:::shared-bucket/*"]}]}`
	if _, err := alice.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared-bucket"), Policy: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	got, err := alice.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("shared-bucket")})
	if err != nil || aws.ToString(got.Policy) != doc {
		t.Fatalf("GetBucketPolicy %v, %v", got, err)
	}
	// Only the owner's account may manage the policy, whatever it grants.
	_, err = ts.client("bob", "us-east-1").GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("shared-bucket")})
	wantErrorCode(t, err, warden.EMethodNotAllowed)
	_, err = ts.client("bob", "us-east-1").DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("shared-bucket")})
	wantErrorCode(t, err, warden.EAccessDenied)
	if _, err := alice.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("shared-bucket")}); err != nil {
		t.Fatal(err)
	}
	_, err = alice.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("shared-bucket")})
	wantErrorCode(t, err, warden.ENoSuchBucketPolicy)

	_, err = alice.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("shared-bucket")})
	wantErrorCode(t, err, warden.ENoSuchTagSet)
	tags := []types.Tag{{Key: aws.String("project"), Value: aws.String("connect-health")}, {Key: aws.String("env"), Value: aws.String("test")}}
	if _, err := alice.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("shared-bucket"), Tagging: &types.Tagging{TagSet: tags}}); err != nil {
		t.Fatal(err)
	}
	tagOut, err := alice.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("shared-bucket")})
	if err != nil || len(tagOut.TagSet) != 2 || aws.ToString(tagOut.TagSet[0].Value) != "connect-health" {
		t.Fatalf("GetBucketTagging %+v, %v", tagOut, err)
	}
	_, err = alice.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("shared-bucket"), Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("aws:reserved"), Value: aws.String("x")}}}})
	wantErrorCode(t, err, warden.EInvalidTag)
	if _, err := alice.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: aws.String("shared-bucket")}); err != nil {
		t.Fatal(err)
	}
	_, err = alice.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("shared-bucket")})
	wantErrorCode(t, err, warden.ENoSuchTagSet)
	var deleteTagging bool
	for _, c := range ts.authz.calls() {
		deleteTagging = deleteTagging || c.Action == "s3:PutBucketTagging" && c.Resource == "arn:aws:s3:::shared-bucket"
	}
	if !deleteTagging {
		t.Error("tagging calls were not authorized as s3:PutBucketTagging")
	}

	loc, err := alice.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("shared-bucket")})
	if err != nil || loc.LocationConstraint != "" {
		t.Errorf("GetBucketLocation %+v, %v", loc, err)
	}
	ver, err := alice.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("shared-bucket")})
	if err != nil || ver.Status != "" {
		t.Errorf("GetBucketVersioning %+v, %v", ver, err)
	}
}

// Bucket policies decide with the caller's identity policies exactly as
// the IAM evaluation logic says, across accounts too.
func TestSDKAuthorization(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	alice, bob, carol, root := ts.client("alice", "us-east-1"), ts.client("bob", "us-east-1"), ts.client("carol", "us-east-1"), ts.client("rootA", "us-east-1")
	createBucket(t, alice, "clinic-data")
	putString(t, alice, "clinic-data", "in/a.json", "{}")
	putBucketPolicy := func(doc string) {
		t.Helper()
		if _, err := alice.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("clinic-data"), Policy: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	get := func(c *s3.Client, key string) error {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("clinic-data"), Key: aws.String(key)})
		if err == nil {
			out.Body.Close()
		}
		return err
	}

	// No bucket policy: the owner's account decides alone.
	if err := get(alice, "in/a.json"); err != nil {
		t.Errorf("alice: %v", err)
	}
	if err := get(root, "in/a.json"); err != nil {
		t.Errorf("root: %v", err)
	}
	wantErrorCode(t, get(carol, "in/a.json"), warden.EAccessDenied)
	wantErrorCode(t, get(bob, "in/a.json"), warden.EAccessDenied)

	// Cross-account: the bucket policy grants bob's account, and bob's own
	// policy allows; both are needed.
	putBucketPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + accountB + `"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::clinic-data/in/*"}]}`)
	if err := get(bob, "in/a.json"); err != nil {
		t.Errorf("bob with the bucket policy: %v", err)
	}
	if _, err := bob.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("clinic-data"), Key: aws.String("out/b.json"), Body: strings.NewReader("{}")}); errorCode(err) != warden.EAccessDenied {
		t.Errorf("bob writing outside the granted prefix: %v", err)
	}
	_, err := bob.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("clinic-data")})
	wantErrorCode(t, err, warden.EAccessDenied)
	// A key bob may read but that does not exist: 403, since bob may not
	// list the bucket; alice, who may, gets 404.
	wantErrorCode(t, get(bob, "in/missing.json"), warden.EAccessDenied)
	wantErrorCode(t, get(alice, "in/missing.json"), warden.ENoSuchKey)

	// Same account: a bucket policy naming carol grants her without any
	// identity policy.
	putBucketPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + accountA + `:user/carol"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::clinic-data/*"}]}`)
	if err := get(carol, "in/a.json"); err != nil {
		t.Errorf("carol named by the bucket policy: %v", err)
	}
	wantErrorCode(t, get(bob, "in/a.json"), warden.EAccessDenied)

	// An explicit deny in the bucket policy wins over alice's Allow.
	putBucketPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::clinic-data/in/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)
	wantErrorCode(t, get(alice, "in/a.json"), warden.EAccessDenied)
	if err := get(alice, "in/missing.json"); errorCode(err) != warden.EAccessDenied {
		t.Errorf("a denied read of a missing key: %v", err)
	}
	if _, err := alice.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("clinic-data")}); err != nil {
		t.Fatal(err)
	}
	if err := get(alice, "in/a.json"); err != nil {
		t.Errorf("alice after the deny was removed: %v", err)
	}
}

func TestSDKDenialMessage(t *testing.T) {
	ts := startServer(t)
	alice := ts.client("alice", "us-east-1")
	createBucket(t, alice, "bucket1")
	_, err := ts.client("carol", "us-east-1").PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("bucket1"), Key: aws.String("k"), Body: strings.NewReader("x")})
	wantErrorCode(t, err, warden.EAccessDenied)
	want := "User: arn:aws:iam::" + accountA + ":user/carol is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::bucket1/k because no identity-based policy allows the s3:PutObject action"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("denial %v\nwant message %q", err, want)
	}
}

func TestSDKRegions(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	eu := ts.client("alice", "eu-west-1")
	us := ts.client("alice", "us-east-1")
	if _, err := eu.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("eu-bucket"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}}); err != nil {
		t.Fatal(err)
	}
	_, err := eu.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("no-constraint")})
	wantErrorCode(t, err, warden.EIllegalLocationConstraint)
	_, err = eu.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("eu-bucket")})
	wantErrorCode(t, err, warden.EIllegalLocationConstraint)
	// Re-creating one's own bucket: an error everywhere but in us-east-1.
	if _, err := us.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("us-bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := us.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("us-bucket")}); err != nil {
		t.Errorf("re-creating in us-east-1: %v", err)
	}
	_, err = eu.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("eu-bucket"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}})
	wantErrorCode(t, err, warden.EBucketAlreadyOwnedByYou)

	loc, err := us.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("eu-bucket")})
	if err != nil || loc.LocationConstraint != types.BucketLocationConstraintEuWest1 {
		t.Errorf("GetBucketLocation %+v, %v", loc, err)
	}
	putString(t, eu, "eu-bucket", "k", "v")
	_, err = us.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("eu-bucket"), Key: aws.String("k")})
	wantErrorCode(t, err, warden.EAuthorizationHeaderMalformed)
}

func TestSDKDeleteObjects(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	alice := ts.client("alice", "us-east-1")
	createBucket(t, alice, "batch")
	for _, k := range []string{"a", "b", "keep/c"} {
		putString(t, alice, "batch", k, k)
	}
	out, err := alice.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("batch"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("a")}, {Key: aws.String("b")}, {Key: aws.String("never-existed")},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Deleted) != 3 || len(out.Errors) != 0 {
		t.Errorf("DeleteObjects: %d deleted, errors %+v", len(out.Deleted), out.Errors)
	}
	page, _ := alice.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("batch")})
	if len(page.Contents) != 1 || aws.ToString(page.Contents[0].Key) != "keep/c" {
		t.Errorf("left: %+v", page.Contents)
	}
}

func TestSDKPresignedGet(t *testing.T) {
	ts := startServer(t)
	alice := ts.client("alice", "us-east-1")
	createBucket(t, alice, "reports")
	putString(t, alice, "reports", "2026/summary.pdf", "summary")
	presigner := s3.NewPresignClient(alice)
	req, err := presigner.PresignGetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("reports"), Key: aws.String("2026/summary.pdf")},
		s3.WithPresignExpires(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := ts.Client().Get(req.URL)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(data) != "summary" {
		t.Errorf("presigned GET: %d %q", resp.StatusCode, data)
	}
	// Tampering with the URL breaks the signature.
	resp, err = ts.Client().Get(strings.Replace(req.URL, "summary.pdf", "other.pdf", 1))
	if err != nil {
		t.Fatal(err)
	}
	data, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(data), "<Code>SignatureDoesNotMatch</Code>") {
		t.Errorf("tampered presigned GET: %d %s", resp.StatusCode, data)
	}
}

// Over TLS the SDK sends PutObject bodies aws-chunked with an unsigned
// payload and a CRC32 checksum in the trailer.
func TestSDKTrailingChecksumOverTLS(t *testing.T) {
	ts := startServerTLS(t, true)
	ctx := t.Context()
	alice := ts.client("alice", "us-east-1")
	createBucket(t, alice, "secure")
	body := strings.Repeat("chunked and checksummed ", 10000)
	out, err := alice.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("secure"), Key: aws.String("k"), Body: strings.NewReader(body),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ChecksumCRC32) == "" {
		t.Error("the verified checksum was not echoed")
	}
	if seen := ts.seenPayloads(); !slices.Contains(seen, "STREAMING-UNSIGNED-PAYLOAD-TRAILER") {
		t.Errorf("the SDK sent no aws-chunked body with a trailer: %q", seen)
	}
	if got := getString(t, alice, "secure", "k"); got != body {
		t.Errorf("read back %d bytes", len(got))
	}
	for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256, types.ChecksumAlgorithmCrc64nvme} {
		if _, err := alice.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("secure"), Key: aws.String("k-" + string(alg)), Body: strings.NewReader(body),
			ChecksumAlgorithm: alg}); err != nil {
			t.Errorf("%s: %v", alg, err)
		}
	}
}
