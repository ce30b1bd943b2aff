package healthapi

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

// JobStorage is where patient insights jobs read their input documents
// and write their output: Amazon S3, called as the session the job runs
// as, so that S3 authorizes each call against that session's policies and
// the bucket's. Implementations are safe for concurrent use.
type JobStorage interface {
	// GetObject reads the object at an s3://BUCKET/KEY URI as the caller,
	// failing for an object larger than limit bytes.
	//
	// Returns AccessDenied when the caller may not read it, NoSuchBucket,
	// NoSuchKey, and EntityTooLarge.
	GetObject(ctx context.Context, as *authz.Caller, uri string, limit int64) ([]byte, error)

	// PutObject writes an object at an s3://BUCKET/KEY URI as the caller.
	//
	// Returns AccessDenied when the caller may not write it, and
	// NoSuchBucket.
	PutObject(ctx context.Context, as *authz.Caller, uri, contentType string, body []byte) error
}

// ParseS3URI splits an s3://BUCKET/KEY URI.
//
// Returns InvalidArgument for a URI without a bucket or a key.
func ParseS3URI(uri string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	bucket, key, hasKey := strings.Cut(rest, "/")
	if !ok || bucket == "" || !hasKey || key == "" {
		return "", "", warden.Errorf(warden.EInvalidArgument, "%s is not an s3://BUCKET/KEY URI.", uri)
	}
	return bucket, key, nil
}

// MemoryJobStorage is a JobStorage that keeps objects in memory, for tests
// and for running jobs without an object store. It authorizes each call
// as S3 does a caller of the bucket owner's account when the bucket has no
// policy: s3:GetObject or s3:PutObject on the object's ARN, decided by the
// caller's own policies.
type MemoryJobStorage struct {
	authz   *authz.Authorizer
	mu      sync.Mutex
	objects map[string][]byte
	callers []string
}

// NewMemoryJobStorage returns an empty MemoryJobStorage authorizing with
// az.
func NewMemoryJobStorage(az *authz.Authorizer) *MemoryJobStorage {
	return &MemoryJobStorage{authz: az, objects: map[string][]byte{}}
}

// Put stores an object without authorization, as its owner would have.
func (m *MemoryJobStorage) Put(uri string, body []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[uri] = slices.Clone(body)
}

// Object returns a stored object.
func (m *MemoryJobStorage) Object(uri string) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[uri]
	return slices.Clone(b), ok
}

// Callers returns the ARNs of the principals that called GetObject and
// PutObject, in order, allowed or not.
func (m *MemoryJobStorage) Callers() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.callers)
}

func (m *MemoryJobStorage) authorize(ctx context.Context, as *authz.Caller, action, uri string) error {
	bucket, key, err := ParseS3URI(uri)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.callers = append(m.callers, as.Principal.ARN)
	m.mu.Unlock()
	d, err := m.authz.Authorize(ctx, as, &authz.Call{Action: action, Resource: warden.ObjectARN(bucket, key)})
	if err != nil {
		return err
	}
	return d.Err()
}

func (m *MemoryJobStorage) GetObject(ctx context.Context, as *authz.Caller, uri string, limit int64) ([]byte, error) {
	if err := m.authorize(ctx, as, "s3:GetObject", uri); err != nil {
		return nil, err
	}
	b, ok := m.Object(uri)
	switch {
	case !ok:
		return nil, warden.Errorf(warden.ENoSuchKey, "The specified key does not exist.")
	case int64(len(b)) > limit:
		return nil, warden.Errorf(warden.EEntityTooLarge, "The object is larger than the %d bytes a job reads.", limit)
	}
	return b, nil
}

func (m *MemoryJobStorage) PutObject(ctx context.Context, as *authz.Caller, uri, _ string, body []byte) error {
	if err := m.authorize(ctx, as, "s3:PutObject", uri); err != nil {
		return err
	}
	m.Put(uri, body)
	return nil
}
