package warden

import (
	"context"
	"io"
	"time"
)

// This file declares multipart upload ("Uploading and copying objects using
// multipart upload in Amazon S3"): an object sent as numbered parts that
// becomes visible, whole, only when the upload is completed.

// Multipart limits ("Amazon S3 multipart upload limits").
const (
	// MinPartNumber and MaxPartNumber bound a part number.
	MinPartNumber = 1
	MaxPartNumber = 10000
	// MinPartSize is the smallest part a completed upload may hold, except
	// its last part.
	MinPartSize = 5 << 20
	// MaxPartSize is the largest part: the limit of a single PUT.
	MaxPartSize = MaxObjectSize
	// MaxMultipartObjectSize is the largest object an upload may complete.
	MaxMultipartObjectSize = 5 << 40
	// MaxListParts is the most parts one ListParts page returns, and
	// MaxListUploads the most uploads one ListMultipartUploads page does.
	MaxListParts   = 1000
	MaxListUploads = 1000
)

// MultipartUpload is an upload in progress.
type MultipartUpload struct {
	Bucket, Key string
	// UploadID is the store's opaque name of the upload.
	UploadID  string
	Initiated time.Time
	// Initiator is the ARN of the principal that created the upload, and
	// OwnerAccount the account that will own the object.
	Initiator    string
	OwnerAccount string
	// ContentType and Metadata are given to the object on completion.
	ContentType string
	Metadata    map[string]string
}

// PartInfo describes an uploaded part.
type PartInfo struct {
	PartNumber   int
	Size         int64
	ETag         string // the part's MD5 in lowercase hex inside double quotes
	LastModified time.Time
}

// UploadPartInput is one part upload; like PutObjectInput, a body that
// fails its checks midway leaves any earlier part of the same number in
// place.
type UploadPartInput struct {
	Bucket, Key, UploadID string
	PartNumber            int
	Body                  io.Reader
	// Size is the length the client announced, -1 when unknown.
	Size       int64
	ContentMD5 []byte
}

// CompletedPart names one part of a CompleteMultipartUpload request.
type CompletedPart struct {
	PartNumber int
	ETag       string
}

// ListPartsInput holds the parameters of ListParts.
type ListPartsInput struct {
	Bucket, Key, UploadID string
	// PartNumberMarker lists the parts numbered above it.
	PartNumberMarker int
	// MaxParts bounds the page: 0 to MaxListParts; negative means
	// MaxListParts.
	MaxParts int
}

// ListPartsPage is one page of parts in ascending part-number order.
type ListPartsPage struct {
	Upload               MultipartUpload
	Parts                []PartInfo
	IsTruncated          bool
	NextPartNumberMarker int
}

// ListUploadsInput holds the parameters of ListMultipartUploads.
type ListUploadsInput struct {
	Bucket, Prefix, Delimiter string
	// KeyMarker and UploadIDMarker resume a listing: uploads of keys after
	// KeyMarker, and of KeyMarker itself with IDs after UploadIDMarker.
	KeyMarker, UploadIDMarker string
	// MaxUploads bounds uploads plus common prefixes: 0 to MaxListUploads;
	// negative means MaxListUploads.
	MaxUploads int
}

// ListUploadsPage is one page of uploads, ordered by key and, for one key,
// by initiation time.
type ListUploadsPage struct {
	Uploads                           []MultipartUpload
	CommonPrefixes                    []string
	IsTruncated                       bool
	NextKeyMarker, NextUploadIDMarker string
}

// MultipartStore keeps multipart uploads beside an ObjectStore's objects.
// Parts are never visible as objects; completing an upload makes the
// object appear at once, whole, and removes the upload. Errors are *Error
// values with the S3 codes listed per method.
type MultipartStore interface {
	// CreateMultipartUpload starts an upload of u.Key into u.Bucket and
	// returns it with its UploadID and Initiated set. Returns NoSuchBucket,
	// KeyTooLongError, InvalidArgument.
	CreateMultipartUpload(ctx context.Context, u *MultipartUpload) (*MultipartUpload, error)
	// UploadPart stores a part, replacing any earlier part of its number.
	// Returns NoSuchBucket, NoSuchUpload, InvalidArgument (a part number
	// outside 1 to 10,000), EntityTooLarge, IncompleteBody, BadDigest, or
	// the error Body failed with.
	UploadPart(ctx context.Context, in *UploadPartInput) (*PartInfo, error)
	// CompleteMultipartUpload assembles the named parts into the object.
	// Returns NoSuchBucket, NoSuchUpload, InvalidPart (a part not uploaded,
	// or whose ETag differs), InvalidPartOrder, EntityTooSmall (a part but
	// the last under MinPartSize), EntityTooLarge, MalformedXML (no parts).
	CompleteMultipartUpload(ctx context.Context, bucket, key, uploadID string, parts []CompletedPart) (*ObjectInfo, error)
	// AbortMultipartUpload removes the upload and its parts. Returns
	// NoSuchBucket, NoSuchUpload.
	AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error
	// ListParts lists an upload's parts. Returns NoSuchBucket,
	// NoSuchUpload.
	ListParts(ctx context.Context, in *ListPartsInput) (*ListPartsPage, error)
	// ListMultipartUploads lists the uploads in progress in a bucket.
	// Returns NoSuchBucket.
	ListMultipartUploads(ctx context.Context, in *ListUploadsInput) (*ListUploadsPage, error)
}
