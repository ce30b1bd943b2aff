package warden

// S3 error codes ("Amazon S3 API Reference", "Error responses": "List of
// error codes"). Like the IAM codes in error.go they are AWS's own, so the
// S3 error writer puts them on the wire as <Code> unchanged; S3Status gives
// each its HTTP status.
const (
	ENoSuchBucket                  = "NoSuchBucket"
	ENoSuchKey                     = "NoSuchKey"
	EBucketAlreadyExists           = "BucketAlreadyExists"
	EBucketAlreadyOwnedByYou       = "BucketAlreadyOwnedByYou"
	EBucketNotEmpty                = "BucketNotEmpty"
	EInvalidBucketName             = "InvalidBucketName"
	ENoSuchBucketPolicy            = "NoSuchBucketPolicy"
	EMalformedPolicy               = "MalformedPolicy"
	ENoSuchTagSet                  = "NoSuchTagSet"
	EInvalidTag                    = "InvalidTag"
	EInvalidArgument               = "InvalidArgument"
	EInvalidRequest                = "InvalidRequest"
	EInvalidRange                  = "InvalidRange"
	EEntityTooLarge                = "EntityTooLarge"
	EKeyTooLong                    = "KeyTooLongError"
	EBadDigest                     = "BadDigest"
	EInvalidDigest                 = "InvalidDigest"
	EIncompleteBody                = "IncompleteBody"
	EMissingContentLength          = "MissingContentLength"
	EMalformedXML                  = "MalformedXML"
	EMethodNotAllowed              = "MethodNotAllowed"
	EIllegalLocationConstraint     = "IllegalLocationConstraintException"
	EInvalidLocationConstraint     = "InvalidLocationConstraint"
	EXAmzContentSHA256Mismatch     = "XAmzContentSHA256Mismatch"
	EInvalidAccessKeyID            = "InvalidAccessKeyId"
	EInvalidToken                  = "InvalidToken"
	ERequestTimeTooSkewed          = "RequestTimeTooSkewed"
	EAuthorizationHeaderMalformed  = "AuthorizationHeaderMalformed"
	EAuthorizationQueryParamsError = "AuthorizationQueryParametersError"
	EPreconditionFailed            = "PreconditionFailed"
	EInvalidChunkSizeError         = "InvalidChunkSizeError"
	EUnexpectedContent             = "UnexpectedContent"
	EMalformedTrailerError         = "MalformedTrailerError"
	EMetadataTooLarge              = "MetadataTooLarge"
	ENoSuchUpload                  = "NoSuchUpload"
	EInvalidPart                   = "InvalidPart"
	EInvalidPartOrder              = "InvalidPartOrder"
	EEntityTooSmall                = "EntityTooSmall"
)

// s3Statuses are the HTTP statuses of the S3 error codes, from "List of
// error codes"; codes shared with every service (AccessDenied,
// SignatureDoesNotMatch, …) are included with the status S3 gives them.
var s3Statuses = map[string]int{
	ENoSuchBucket:                  404,
	ENoSuchKey:                     404,
	ENoSuchBucketPolicy:            404,
	ENoSuchTagSet:                  404,
	EBucketAlreadyExists:           409,
	EBucketAlreadyOwnedByYou:       409,
	EBucketNotEmpty:                409,
	EInvalidBucketName:             400,
	EMalformedPolicy:               400,
	EInvalidTag:                    400,
	EInvalidArgument:               400,
	EInvalidRequest:                400,
	EInvalidRange:                  416,
	EEntityTooLarge:                400,
	EKeyTooLong:                    400,
	EBadDigest:                     400,
	EInvalidDigest:                 400,
	EIncompleteBody:                400,
	EMissingContentLength:          411,
	EMalformedXML:                  400,
	EMethodNotAllowed:              405,
	EIllegalLocationConstraint:     400,
	EInvalidLocationConstraint:     400,
	EXAmzContentSHA256Mismatch:     400,
	EInvalidAccessKeyID:            403,
	EInvalidToken:                  400,
	ERequestTimeTooSkewed:          403,
	EAuthorizationHeaderMalformed:  400,
	EAuthorizationQueryParamsError: 400,
	EPreconditionFailed:            412,
	EInvalidChunkSizeError:         403,
	EUnexpectedContent:             400,
	EMalformedTrailerError:         400,
	EMetadataTooLarge:              400,
	ENoSuchUpload:                  404,
	EInvalidPart:                   400,
	EInvalidPartOrder:              400,
	EEntityTooSmall:                400,
	EAccessDenied:                  403,
	ESignatureDoesNotMatch:         403,
	EExpiredToken:                  400,
	ENotImplemented:                501,
	EInternalFailure:               500,
}

// S3Status returns the HTTP status S3 answers an error code with: 500 for
// a code it does not know, which is then an internal error.
func S3Status(code string) int {
	if status, ok := s3Statuses[code]; ok {
		return status
	}
	return 500
}
