package s3api

import (
	"crypto/tls"
	"strconv"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/policy"
)

// authorize asks whether the caller may take action on resource, which
// belongs to bucket b (nil while the bucket is being created: the caller's
// own account then owns it). The bucket policy is the resource-based
// policy of the decision, so a cross-account caller needs it to allow as
// well as its own identity policies ("How Amazon S3 authorizes a request").
// keys are the action's own condition keys; the ones every S3 request
// carries are added here.
func (h *Handler) authorize(req *request, action, resource string, b *warden.Bucket, keys map[string]string) error {
	call := &authz.Call{Action: action, Resource: resource, Keys: h.conditionKeys(req, b, keys)}
	if b != nil {
		call.ResourceAccount = b.AccountID
		set, err := h.bucketPolicy(b)
		if err != nil {
			return err
		}
		call.ResourcePolicy = set
	}
	d, err := h.authz.Authorize(req.r.Context(), req.caller, call)
	if err != nil {
		return err
	}
	return d.Err()
}

// conditionKeys adds the condition keys S3 sets on every request ("Actions,
// resources, and condition keys for Amazon S3") to the action's own.
func (h *Handler) conditionKeys(req *request, b *warden.Bucket, keys map[string]string) map[string]string {
	out := make(map[string]string, len(keys)+6)
	for k, v := range keys {
		out[k] = v
	}
	out["s3:signatureversion"] = "AWS4-HMAC-SHA256"
	if req.auth.Presigned {
		out["s3:authType"] = "REST-QUERY-STRING"
	} else {
		out["s3:authType"] = "REST-HEADER"
		out["s3:x-amz-content-sha256"] = req.auth.PayloadHash
	}
	out["s3:signatureAge"] = strconv.FormatInt(max(h.now().Sub(req.auth.SignedAt).Milliseconds(), 0), 10)
	if b != nil {
		out["s3:ResourceAccount"] = b.AccountID
	} else {
		out["s3:ResourceAccount"] = req.caller.Principal.AccountID
	}
	if cs := req.r.TLS; cs != nil {
		switch cs.Version {
		case tls.VersionTLS12:
			out["s3:TlsVersion"] = "1.2"
		case tls.VersionTLS13:
			out["s3:TlsVersion"] = "1.3"
		}
	}
	return out
}

// bucketPolicy returns the bucket's policy compiled, from the cache while
// its text is unchanged. A stored policy that no longer compiles fails the
// request closed.
func (h *Handler) bucketPolicy(b *warden.Bucket) (*policy.Set, error) {
	if b.Policy == "" {
		return nil, nil
	}
	h.mu.Lock()
	cached, ok := h.policies[b.Name]
	h.mu.Unlock()
	if ok && cached.doc == b.Policy {
		return cached.set, nil
	}
	pol, err := policy.Parse([]byte(b.Policy))
	if err != nil {
		return nil, &warden.Error{Code: warden.EServiceFailure, Message: "The bucket policy could not be read.", Err: err}
	}
	set, diags := policy.Compile(policy.Document{Name: warden.BucketARN(b.Name), Policy: pol})
	if len(diags) > 0 {
		return nil, &warden.Error{Code: warden.EServiceFailure, Message: "The bucket policy could not be read.", Err: &policy.Error{Diagnostics: diags}}
	}
	h.mu.Lock()
	h.policies[b.Name] = compiledPolicy{doc: b.Policy, set: set}
	h.mu.Unlock()
	return set, nil
}

// bucketFor looks up the bucket a request addresses and checks that the
// request was signed for the bucket's region. S3 answers a request signed
// for another region with AuthorizationHeaderMalformed naming the right
// one, and the SDKs sign again for it.
func (h *Handler) bucketFor(req *request) (*warden.Bucket, error) {
	b, err := h.store.Bucket(req.r.Context(), req.bucket)
	if err != nil {
		return nil, err
	}
	req.w.Header().Set("x-amz-bucket-region", b.Region)
	if req.auth.Region != b.Region {
		return nil, &warden.Error{Code: warden.EAuthorizationHeaderMalformed,
			Message: "The authorization header is malformed; the region '" + req.auth.Region + "' is wrong; expecting '" + b.Region + "'",
			Err:     &wrongRegion{region: b.Region}}
	}
	return b, nil
}
