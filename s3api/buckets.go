package s3api

import (
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/warden-iam/warden"
)

// This file serves the operations on buckets.

func (h *Handler) listBuckets(req *request) error {
	if err := h.authorize(req, "s3:ListAllMyBuckets", "*", nil, nil); err != nil {
		return err
	}
	account := req.caller.Principal.AccountID
	buckets, err := h.store.ListBuckets(req.r.Context(), account)
	if err != nil {
		return err
	}
	q := req.query
	prefix, region := q.Get("prefix"), q.Get("bucket-region")
	maxBuckets := 10000
	if v, ok := q["max-buckets"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > 10000 {
			return &warden.Error{Code: warden.EInvalidArgument, Message: "Argument max-buckets must be an integer between 1 and 10000.",
				Err: &argument{"max-buckets", v[0]}}
		}
		maxBuckets = n
	}
	after := ""
	if token := q.Get("continuation-token"); token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return &warden.Error{Code: warden.EInvalidArgument, Message: "The continuation token provided is incorrect", Err: &argument{"continuation-token", token}}
		}
		after = string(raw)
	}
	out := listAllMyBucketsResult{Xmlns: s3Namespace, Owner: ownerOf(account), Prefix: prefix}
	out.Buckets = []bucketResult{}
	for _, b := range buckets {
		if b.Name <= after || !strings.HasPrefix(b.Name, prefix) || (region != "" && b.Region != region) {
			continue
		}
		if len(out.Buckets) == maxBuckets {
			out.ContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(out.Buckets[len(out.Buckets)-1].Name))
			break
		}
		out.Buckets = append(out.Buckets, bucketResult{Name: b.Name, CreationDate: xmlTime(b.CreateDate), BucketRegion: b.Region})
	}
	h.ok(req, http.StatusOK, out)
	return nil
}

func (h *Handler) createBucket(req *request) error {
	if err := warden.ValidateBucketName(req.bucket); err != nil {
		return err
	}
	region, err := locationOf(req)
	if err != nil {
		return err
	}
	keys := map[string]string{}
	if region != "us-east-1" {
		keys["s3:locationconstraint"] = region
	}
	if err := h.authorize(req, "s3:CreateBucket", warden.BucketARN(req.bucket), nil, keys); err != nil {
		return err
	}
	err = h.store.CreateBucket(req.r.Context(), &warden.Bucket{Name: req.bucket, AccountID: req.caller.Principal.AccountID, Region: region})
	// For compatibility with its oldest clients, S3 in us-east-1 answers
	// the owner re-creating a bucket with success ("CreateBucket":
	// BucketAlreadyOwnedByYou).
	if warden.ErrorCode(err) == warden.EBucketAlreadyOwnedByYou && region == "us-east-1" {
		err = nil
	}
	if err != nil {
		return err
	}
	req.w.Header().Set("Location", "/"+req.bucket)
	h.ok(req, http.StatusOK, nil)
	return nil
}

// locationOf reads the region a new bucket goes to: the LocationConstraint
// of the request body, or us-east-1 when it names none. Outside us-east-1
// the constraint must be the region the request was signed for ("Regions
// and endpoints": a regional endpoint creates buckets in its own region).
func locationOf(req *request) (string, error) {
	var cfg createBucketConfiguration
	body, err := io.ReadAll(io.LimitReader(req.auth.VerifiedBody(req.r.Body), maxXMLBody))
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(string(body)) != "" {
		if err := readXML(strings.NewReader(string(body)), &cfg); err != nil {
			return "", err
		}
	}
	constraint, signed := cfg.LocationConstraint, req.auth.Region
	switch {
	case constraint == "" && signed != "us-east-1":
		return "", warden.Errorf(warden.EIllegalLocationConstraint, "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case constraint == "":
		return "us-east-1", nil
	case constraint == "EU":
		// The legacy name of eu-west-1.
		constraint = "eu-west-1"
	case constraint == "us-east-1" || !isRegionName(constraint):
		return "", warden.Errorf(warden.EInvalidLocationConstraint, "The specified location-constraint is not valid")
	}
	if signed != "us-east-1" && constraint != signed {
		return "", warden.Errorf(warden.EIllegalLocationConstraint, "The %s location constraint is incompatible for the region specific endpoint this request was sent to.", constraint)
	}
	return constraint, nil
}

// isRegionName accepts names shaped like AWS regions: lowercase letters,
// digits and '-', as in eu-west-1.
func isRegionName(s string) bool {
	if len(s) < 4 || len(s) > 32 || strings.Count(s, "-") < 2 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func (h *Handler) headBucket(req *request) error {
	b, err := h.bucketFor(req)
	if err != nil {
		return err
	}
	if err := h.authorize(req, "s3:ListBucket", warden.BucketARN(b.Name), b, nil); err != nil {
		return err
	}
	req.w.Header().Set("x-amz-access-point-alias", "false")
	h.ok(req, http.StatusOK, nil)
	return nil
}

func (h *Handler) deleteBucket(req *request) error {
	b, err := h.bucketFor(req)
	if err != nil {
		return err
	}
	if err := h.authorize(req, "s3:DeleteBucket", warden.BucketARN(b.Name), b, nil); err != nil {
		return err
	}
	if err := h.store.DeleteBucket(req.r.Context(), b.Name); err != nil {
		return err
	}
	h.mu.Lock()
	delete(h.policies, b.Name)
	h.mu.Unlock()
	h.ok(req, http.StatusNoContent, nil)
	return nil
}

func (h *Handler) getBucketLocation(req *request) error {
	// Any region's endpoint answers GetBucketLocation: it is how clients
	// find the region to sign for.
	b, err := h.store.Bucket(req.r.Context(), req.bucket)
	if err != nil {
		return err
	}
	if err := h.authorize(req, "s3:GetBucketLocation", warden.BucketARN(b.Name), b, nil); err != nil {
		return err
	}
	out := locationConstraint{Xmlns: s3Namespace}
	if b.Region != "us-east-1" {
		// us-east-1 is answered with an empty constraint, as S3 does.
		out.Region = b.Region
	}
	h.ok(req, http.StatusOK, out)
	return nil
}

func (h *Handler) getBucketVersioning(req *request) error {
	b, err := h.bucketFor(req)
	if err != nil {
		return err
	}
	if err := h.authorize(req, "s3:GetBucketVersioning", warden.BucketARN(b.Name), b, nil); err != nil {
		return err
	}
	// Versioning was never enabled: the configuration is empty.
	h.ok(req, http.StatusOK, versioningConfiguration{Xmlns: s3Namespace})
	return nil
}

// ownerOnly applies S3's rule for bucket policy operations: only
// identities of the bucket owner's account may call them, whatever a
// bucket policy grants; others get MethodNotAllowed ("PutBucketPolicy":
// "If you don't have PutBucketPolicy permissions, Amazon S3 returns a 403
// Access Denied error. If you have the correct permissions, but you're not
// using an identity that belongs to the bucket owner's account, Amazon S3
// returns a 405 Method Not Allowed error").
func ownerOnly(req *request, b *warden.Bucket) error {
	if req.caller.Principal.AccountID != b.AccountID {
		return warden.Errorf(warden.EMethodNotAllowed, "The specified method is not allowed against this resource.")
	}
	return nil
}

func (h *Handler) getBucketPolicy(req *request) error {
	b, err := h.bucketFor(req)
	if err != nil {
		return err
	}
	if err := h.authorize(req, "s3:GetBucketPolicy", warden.BucketARN(b.Name), b, nil); err != nil {
		return err
	}
	if err := ownerOnly(req, b); err != nil {
		return err
	}
	doc, err := h.store.BucketPolicy(req.r.Context(), b.Name)
	if err != nil {
		return err
	}
	req.w.Header().Set("Content-Type", "application/json")
	req.w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	h.ok(req, http.StatusOK, nil)
	_, _ = io.WriteString(req.w, doc)
	return nil
}

func (h *Handler) putBucketPolicy(req *request) error {
	b, err := h.bucketFor(req)
	if err != nil {
		return err
	}
	if err := h.authorize(req, "s3:PutBucketPolicy", warden.BucketARN(b.Name), b, nil); err != nil {
		return err
	}
	if err := ownerOnly(req, b); err != nil {
		return err
	}
	body, err := h.readBody(req, maxXMLBody, false)
	if err != nil {
		return err
	}
	if err := h.store.PutBucketPolicy(req.r.Context(), b.Name, string(body)); err != nil {
		return err
	}
	h.ok(req, http.StatusNoContent, nil)
	return nil
}

func (h *Handler) deleteBucketPolicy(req *request) error {
	b, err := h.bucketFor(req)
	if err != nil {
		return err
	}
	if err := h.authorize(req, "s3:DeleteBucketPolicy", warden.BucketARN(b.Name), b, nil); err != nil {
		return err
	}
	if err := ownerOnly(req, b); err != nil {
		return err
	}
	if err := h.store.DeleteBucketPolicy(req.r.Context(), b.Name); err != nil {
		return err
	}
	h.ok(req, http.StatusNoContent, nil)
	return nil
}

func (h *Handler) getBucketTagging(req *request) error {
	b, err := h.bucketFor(req)
	if err != nil {
		return err
	}
	if err := h.authorize(req, "s3:GetBucketTagging", warden.BucketARN(b.Name), b, nil); err != nil {
		return err
	}
	tags, err := h.store.BucketTagging(req.r.Context(), b.Name)
	if err != nil {
		return err
	}
	out := tagging{Xmlns: s3Namespace, TagSet: []tagXML{}}
	for _, t := range tags {
		out.TagSet = append(out.TagSet, tagXML(t))
	}
	h.ok(req, http.StatusOK, out)
	return nil
}

func (h *Handler) putBucketTagging(req *request) error {
	b, err := h.bucketFor(req)
	if err != nil {
		return err
	}
	if err := h.authorize(req, "s3:PutBucketTagging", warden.BucketARN(b.Name), b, nil); err != nil {
		return err
	}
	body, err := h.readBody(req, maxXMLBody, true)
	if err != nil {
		return err
	}
	var in tagging
	if err := readXML(strings.NewReader(string(body)), &in); err != nil {
		return err
	}
	tags := make([]warden.Tag, 0, len(in.TagSet))
	for _, t := range in.TagSet {
		tags = append(tags, warden.Tag(t))
	}
	if err := h.store.PutBucketTagging(req.r.Context(), b.Name, tags); err != nil {
		return err
	}
	h.ok(req, http.StatusNoContent, nil)
	return nil
}

func (h *Handler) deleteBucketTagging(req *request) error {
	b, err := h.bucketFor(req)
	if err != nil {
		return err
	}
	// DeleteBucketTagging is authorized as s3:PutBucketTagging: the
	// catalog has no action of its own for it ("DeleteBucketTagging",
	// Permissions).
	if err := h.authorize(req, "s3:PutBucketTagging", warden.BucketARN(b.Name), b, nil); err != nil {
		return err
	}
	if err := h.store.DeleteBucketTagging(req.r.Context(), b.Name); err != nil {
		return err
	}
	h.ok(req, http.StatusNoContent, nil)
	return nil
}

// ok writes a success status and, when doc is not nil, its XML document.
func (h *Handler) ok(req *request, status int, doc any) {
	req.rec.Status = status
	if doc != nil {
		writeXML(req.w, status, doc)
		return
	}
	req.w.WriteHeader(status)
}
