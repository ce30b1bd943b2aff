package s3api

import (
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

// Internal is S3 access from inside Warden: a service (a Connect Health job
// acting as the customer's role) reading and writing objects as a caller,
// authorized exactly as a signed request for s3:GetObject or s3:PutObject
// would be — the caller's policies and the bucket policy, across accounts —
// but without HTTP.
type Internal struct {
	h *Handler
}

// Internal returns the handler's in-process access.
func (h *Handler) Internal() *Internal { return &Internal{h: h} }

// GetObject reads the object at an s3://BUCKET/KEY URI as the caller,
// failing for an object larger than limit bytes.
//
// Returns AccessDenied, NoSuchBucket, NoSuchKey, InvalidArgument for a
// malformed URI, and EntityTooLarge.
func (i *Internal) GetObject(ctx context.Context, as *authz.Caller, uri string, limit int64) ([]byte, error) {
	bucket, key, err := splitS3URI(uri)
	if err != nil {
		return nil, err
	}
	if err := i.authorize(ctx, as, "s3:GetObject", bucket, key); err != nil {
		return nil, err
	}
	obj, err := i.h.store.GetObject(ctx, bucket, key, nil)
	if err != nil {
		return nil, err
	}
	defer obj.Body.Close()
	if obj.Info.Size > limit {
		return nil, warden.Errorf(warden.EEntityTooLarge, "The object %s is larger than %d bytes.", uri, limit)
	}
	return io.ReadAll(io.LimitReader(obj.Body, limit))
}

// PutObject writes an object at an s3://BUCKET/KEY URI as the caller.
//
// Returns AccessDenied, NoSuchBucket and InvalidArgument for a malformed
// URI.
func (i *Internal) PutObject(ctx context.Context, as *authz.Caller, uri, contentType string, body []byte) error {
	bucket, key, err := splitS3URI(uri)
	if err != nil {
		return err
	}
	if err := i.authorize(ctx, as, "s3:PutObject", bucket, key); err != nil {
		return err
	}
	_, err = i.h.store.PutObject(ctx, &warden.PutObjectInput{Bucket: bucket, Key: key, Body: bytes.NewReader(body), Size: int64(len(body)), ContentType: contentType})
	return err
}

// authorize decides an object action with the bucket's policy as the
// resource-based policy, as serving the same request over HTTP does.
func (i *Internal) authorize(ctx context.Context, as *authz.Caller, action, bucket, key string) error {
	b, err := i.h.store.Bucket(ctx, bucket)
	if err != nil {
		return err
	}
	set, err := i.h.bucketPolicy(b)
	if err != nil {
		return err
	}
	call := &authz.Call{
		Action: action, Resource: warden.ObjectARN(bucket, key), ResourceAccount: b.AccountID, ResourcePolicy: set,
		Keys: map[string]string{"s3:ResourceAccount": b.AccountID},
	}
	d, err := i.h.authz.Authorize(ctx, as, call)
	if err != nil {
		return err
	}
	return d.Err()
}

// splitS3URI splits an s3://BUCKET/KEY URI.
func splitS3URI(uri string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	bucket, key, hasKey := strings.Cut(rest, "/")
	if !ok || bucket == "" || !hasKey || key == "" {
		return "", "", warden.Errorf(warden.EInvalidArgument, "%s is not an s3://BUCKET/KEY URI.", uri)
	}
	return bucket, key, nil
}
