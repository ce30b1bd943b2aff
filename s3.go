package warden

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Warden keeps a compact S3-compatible object store beside IAM, so that
// jobs run with a customer role's credentials can read inputs and write
// outputs under the same authorization as every other call. This file
// declares its domain: buckets, objects, the listing parameters, the
// ObjectStore interface and the naming rules S3 enforces.

// Bucket is a general purpose bucket. Names are global across accounts, as
// in S3; AccountID is the owner, whose account a bucket policy's
// same-account rules compare callers with.
type Bucket struct {
	Name       string
	AccountID  string
	Region     string // the LocationConstraint it was created with; us-east-1 when none
	CreateDate time.Time
	// Policy is the bucket policy as written, "" when the bucket has none.
	Policy string
	Tags   []Tag
}

// BucketARN is the ARN policies name a bucket by. S3 bucket ARNs carry no
// region or account ("Policy resources for Amazon S3").
func BucketARN(bucket string) string { return "arn:aws:s3:::" + bucket }

// ObjectARN is the ARN policies name an object by.
func ObjectARN(bucket, key string) string { return "arn:aws:s3:::" + bucket + "/" + key }

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Key  string
	Size int64
	// ETag is the object's MD5 in lowercase hex inside double quotes, as S3
	// sends it for objects uploaded in one PUT.
	ETag         string
	LastModified time.Time
	ContentType  string
	// Metadata is the user metadata (x-amz-meta-* headers) with the prefix
	// removed and names in lower case. Empty in listings.
	Metadata map[string]string
}

// Object is an object being read: its description and a reader over the
// part that was asked for.
type Object struct {
	Info ObjectInfo
	Body io.ReadCloser
	// Range is the part Body yields: the whole object unless a range was
	// requested.
	Range ByteSpan
}

// ByteSpan is a resolved part of an object: Length bytes from Offset.
type ByteSpan struct {
	Offset, Length int64
}

// ByteRange is an HTTP Range request for one span of bytes (RFC 9110,
// "Range"): First to Last inclusive, Last < 0 meaning to the end; or, when
// Suffix > 0, the last Suffix bytes. S3 serves a single range only.
type ByteRange struct {
	First, Last int64
	Suffix      int64
}

// Resolve returns the span r selects from an object of size bytes. A range
// that starts past the end, or a suffix of an empty object, is
// unsatisfiable: InvalidRange (416).
func (r ByteRange) Resolve(size int64) (ByteSpan, error) {
	if r.Suffix > 0 {
		if size == 0 {
			return ByteSpan{}, invalidRange(size)
		}
		n := min(r.Suffix, size)
		return ByteSpan{Offset: size - n, Length: n}, nil
	}
	if r.First >= size {
		return ByteSpan{}, invalidRange(size)
	}
	last := size - 1
	if r.Last >= 0 && r.Last < last {
		last = r.Last
	}
	return ByteSpan{Offset: r.First, Length: last - r.First + 1}, nil
}

func invalidRange(size int64) error {
	return &Error{Code: EInvalidRange, Message: "The requested range is not satisfiable",
		Err: fmt.Errorf("object size %d", size)}
}

// PutObjectInput is one object upload. Body is read to its end; the object
// replaces any with the same key only once Body has been read completely
// and without error, so a client that fails a signature or a digest check
// halfway leaves the previous object in place.
type PutObjectInput struct {
	Bucket, Key string
	Body        io.Reader
	// Size is the length the client announced, -1 when unknown. A body that
	// ends earlier or goes on longer fails with IncompleteBody.
	Size        int64
	ContentType string
	Metadata    map[string]string
	// ContentMD5 is the Content-MD5 the client sent, decoded; the upload
	// fails with BadDigest when the body's MD5 differs.
	ContentMD5 []byte
}

// MaxObjectSize is the largest object one PutObject may upload ("Amazon S3
// multipart upload limits": 5 GiB for a single PUT).
const MaxObjectSize = 5 << 30

// MaxListKeys is the most keys and common prefixes one listing returns.
const MaxListKeys = 1000

// ListObjectsInput holds the parameters of ListObjectsV2 (and, with
// StartAfter as its Marker, ListObjects).
type ListObjectsInput struct {
	Bucket    string
	Prefix    string
	Delimiter string
	// ContinuationToken resumes a listing where the previous page ended; it
	// takes precedence over StartAfter.
	ContinuationToken string
	StartAfter        string
	// MaxKeys bounds keys plus common prefixes in the page: 0 to
	// MaxListKeys; a negative value means MaxListKeys.
	MaxKeys int
}

// ListObjectsPage is one page of a listing, in ascending key order (UTF-8
// binary order, as S3 lists).
type ListObjectsPage struct {
	Contents []ObjectInfo
	// CommonPrefixes are the distinct key prefixes up to and including the
	// first Delimiter after Prefix, each standing for all keys under it.
	CommonPrefixes []string
	IsTruncated    bool
	// NextContinuationToken resumes the listing after this page; set when
	// IsTruncated. NextMarker is the last key or prefix of the page, which
	// ListObjects (version 1) returns instead.
	NextContinuationToken string
	NextMarker            string
}

// ObjectStore keeps buckets and objects. Errors are *Error values with the
// S3 codes listed per method; any other error is a failure of the store.
// Implementations are safe for concurrent use. The store does not
// authorize: callers decide who may do what before calling it.
type ObjectStore interface {
	// CreateBucket creates b. Returns InvalidBucketName, BucketAlreadyExists
	// (another account owns the name), BucketAlreadyOwnedByYou.
	CreateBucket(ctx context.Context, b *Bucket) error
	// Bucket returns the bucket. Returns NoSuchBucket.
	Bucket(ctx context.Context, name string) (*Bucket, error)
	// ListBuckets returns the buckets the account owns by name; an empty
	// accountID lists every bucket.
	ListBuckets(ctx context.Context, accountID string) ([]Bucket, error)
	// DeleteBucket removes an empty bucket. Returns NoSuchBucket,
	// BucketNotEmpty.
	DeleteBucket(ctx context.Context, name string) error

	// BucketPolicy returns the bucket policy. Returns NoSuchBucket,
	// NoSuchBucketPolicy.
	BucketPolicy(ctx context.Context, bucket string) (string, error)
	// PutBucketPolicy sets the bucket policy. Returns NoSuchBucket,
	// MalformedPolicy.
	PutBucketPolicy(ctx context.Context, bucket, doc string) error
	// DeleteBucketPolicy removes the bucket policy; removing none is not an
	// error. Returns NoSuchBucket.
	DeleteBucketPolicy(ctx context.Context, bucket string) error
	// BucketTagging returns the bucket's tag set. Returns NoSuchBucket,
	// NoSuchTagSet.
	BucketTagging(ctx context.Context, bucket string) ([]Tag, error)
	// PutBucketTagging replaces the tag set. Returns NoSuchBucket,
	// InvalidTag.
	PutBucketTagging(ctx context.Context, bucket string, tags []Tag) error
	// DeleteBucketTagging removes the tag set. Returns NoSuchBucket.
	DeleteBucketTagging(ctx context.Context, bucket string) error

	// PutObject stores an object read from in.Body. Returns NoSuchBucket,
	// KeyTooLongError, EntityTooLarge, IncompleteBody, BadDigest, or the
	// error Body failed with.
	PutObject(ctx context.Context, in *PutObjectInput) (*ObjectInfo, error)
	// GetObject opens an object, or the span rng selects of it; the caller
	// closes Body. Returns NoSuchBucket, NoSuchKey, InvalidRange.
	GetObject(ctx context.Context, bucket, key string, rng *ByteRange) (*Object, error)
	// HeadObject describes an object. Returns NoSuchBucket, NoSuchKey.
	HeadObject(ctx context.Context, bucket, key string) (*ObjectInfo, error)
	// DeleteObject removes an object; removing a key that does not exist is
	// not an error, as in S3. Returns NoSuchBucket.
	DeleteObject(ctx context.Context, bucket, key string) error
	// ListObjectsV2 lists keys in order. Returns NoSuchBucket,
	// InvalidArgument (a continuation token it did not issue).
	ListObjectsV2(ctx context.Context, in *ListObjectsInput) (*ListObjectsPage, error)
}

// ValidateBucketName applies "General purpose bucket naming rules":
// 3 to 63 characters of lowercase letters, digits, '.' and '-'; starting
// and ending with a letter or digit; no two adjacent periods; not shaped
// like an IPv4 address; none of the reserved prefixes and suffixes.
//
// Returns InvalidBucketName.
func ValidateBucketName(name string) error {
	invalid := func(why string) error {
		return &Error{Code: EInvalidBucketName, Message: "The specified bucket is not valid.", Err: fmt.Errorf("bucket name %q: %s", name, why)}
	}
	if len(name) < 3 || len(name) > 63 {
		return invalid("must be 3 to 63 characters long")
	}
	for i := range len(name) {
		c := name[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return invalid("may contain only lowercase letters, digits, '.' and '-'")
		}
	}
	if !isBucketEdge(name[0]) || !isBucketEdge(name[len(name)-1]) {
		return invalid("must begin and end with a letter or digit")
	}
	if strings.Contains(name, "..") {
		return invalid("must not contain two adjacent periods")
	}
	if addr, err := netip.ParseAddr(name); err == nil && addr.Is4() {
		return invalid("must not be formatted as an IP address")
	}
	for _, prefix := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, prefix) {
			return invalid("must not start with " + prefix)
		}
	}
	for _, suffix := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, suffix) {
			return invalid("must not end with " + suffix)
		}
	}
	return nil
}

func isBucketEdge(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// MaxKeyLength is the longest object key, in bytes of its UTF-8 encoding
// ("Naming Amazon S3 objects").
const MaxKeyLength = 1024

// ValidateObjectKey checks that a key is non-empty UTF-8 of at most
// MaxKeyLength bytes.
//
// Returns KeyTooLongError, InvalidArgument.
func ValidateObjectKey(key string) error {
	switch {
	case key == "":
		return Errorf(EInvalidArgument, "Object key must not be empty.")
	case len(key) > MaxKeyLength:
		return Errorf(EKeyTooLong, "Your key is too long")
	case !utf8.ValidString(key):
		return Errorf(EInvalidArgument, "Object key must be valid UTF-8.")
	}
	return nil
}

// MaxBucketTags is the most tags a bucket may carry ("Using cost
// allocation S3 bucket tags").
const MaxBucketTags = 50

// ValidateBucketTags applies the tag rules S3 enforces on PutBucketTagging:
// at most 50 tags, keys of 1 to 128 and values of up to 256 Unicode
// characters from the tag character set, keys unique and not in the aws:
// namespace.
//
// Returns InvalidTag.
func ValidateBucketTags(tags []Tag) error {
	if len(tags) > MaxBucketTags {
		return Errorf(EInvalidTag, "Object tags cannot be greater than %d", MaxBucketTags)
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		switch n := utf8.RuneCountInString(t.Key); {
		case n == 0 || n > 128 || !isTagText(t.Key):
			return Errorf(EInvalidTag, "The TagKey you have provided is invalid")
		case utf8.RuneCountInString(t.Value) > 256 || !isTagText(t.Value):
			return Errorf(EInvalidTag, "The TagValue you have provided is invalid")
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return Errorf(EInvalidTag, "System tags cannot be added/updated by requester")
		case seen[t.Key]:
			return Errorf(EInvalidTag, "Cannot provide multiple Tags with the same key")
		}
		seen[t.Key] = true
	}
	return nil
}

// isTagText accepts the characters AWS allows in tags ("Tag naming limits
// and requirements"): letters, digits and white space in any script, and
// + - = . _ : / @.
func isTagText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsSpace(r) && !strings.ContainsRune("+-=._:/@", r) {
			return false
		}
	}
	return true
}
