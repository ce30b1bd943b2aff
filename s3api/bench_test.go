package s3api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/objstore"
	"github.com/warden-iam/warden/sigv4"
)

// BenchmarkServeGetObject serves a signed GetObject of a 4 KiB object
// through the whole handler: SigV4, the authorizer with a bucket policy,
// the store and the response, without the network.
func BenchmarkServeGetObject(b *testing.B) {
	store, err := objstore.Open(b.TempDir(), objstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	if err := store.CreateBucket(ctx, &warden.Bucket{Name: "bench", AccountID: accountA}); err != nil {
		b.Fatal(err)
	}
	if err := store.PutBucketPolicy(ctx, "bench", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::bench/*"}]}`); err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat([]byte("x"), 4<<10)
	if _, err := store.PutObject(ctx, &warden.PutObjectInput{Bucket: "bench", Key: "jobs/1/output.json", Body: bytes.NewReader(data), Size: int64(len(data))}); err != nil {
		b.Fatal(err)
	}
	h := New(Config{Store: store, Verifier: &sigv4.Verifier{Credentials: keys{}}, Authorizer: authz.New(source{})})

	req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9000/bench/jobs/1/output.json", nil)
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	id := identities["alice"]
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(ctx, aws.Credentials{AccessKeyID: id.keyID, SecretAccessKey: id.secret}, req, emptySHA256, "s3", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || w.Body.Len() != len(data) {
			b.Fatalf("%d %s", w.Code, strings.TrimSpace(w.Body.String()))
		}
	}
}
