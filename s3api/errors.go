package s3api

import (
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/warden-iam/warden"
)

// errorDocument is S3's error response ("Error responses", "REST error
// responses"). The optional elements are those S3 adds for the codes that
// have them.
type errorDocument struct {
	XMLName    xml.Name `xml:"Error"`
	Code       string   `xml:"Code"`
	Message    string   `xml:"Message"`
	BucketName string   `xml:"BucketName,omitempty"`
	Key        string   `xml:"Key,omitempty"`
	Region     string   `xml:"Region,omitempty"`
	ArgName    string   `xml:"ArgumentName,omitempty"`
	ArgValue   string   `xml:"ArgumentValue,omitempty"`
	UploadID   string   `xml:"UploadId,omitempty"`
	Resource   string   `xml:"Resource"`
	RequestID  string   `xml:"RequestId"`
	HostID     string   `xml:"HostId"`
}

// internalError is S3's code for a failure of its own: Warden's
// InternalFailure and ServiceFailure become it on the S3 wire.
const internalError = "InternalError"

// wrongRegion is the cause of an AuthorizationHeaderMalformed error for a
// request signed for a region other than the bucket's; the error document
// names the right one, which the SDKs retry with.
type wrongRegion struct{ region string }

func (e *wrongRegion) Error() string { return "the bucket is in " + e.region }

// argument names the request parameter an InvalidArgument is about.
type argument struct{ name, value string }

func (e *argument) Error() string { return "argument " + e.name + "=" + e.value }

// fail answers the request with the S3 error document for err. It is the
// one place S3 errors are written.
func (h *Handler) fail(req *request, err error) {
	code, message := warden.ErrorCode(err), warden.ErrorMessage(err)
	switch code {
	case warden.EInternalFailure, warden.EServiceFailure:
		h.logger.Error("s3api: internal failure", "request_id", req.rec.RequestID, "err", err)
		code, message = internalError, "We encountered an internal error. Please try again."
	}
	if req.rec.Status != 0 {
		// The answer has begun (a GetObject whose body failed midway):
		// the client sees a short body, and the record says why.
		req.rec.Code, req.rec.Err = code, err
		return
	}
	status := warden.S3Status(code)
	req.rec.Status, req.rec.Code, req.rec.Err = status, code, err

	doc := errorDocument{Code: code, Message: message, Resource: req.r.URL.Path, RequestID: req.rec.RequestID, HostID: req.w.Header().Get("x-amz-id-2")}
	switch code {
	case warden.ENoSuchBucket, warden.EBucketAlreadyExists, warden.EBucketAlreadyOwnedByYou, warden.EBucketNotEmpty,
		warden.ENoSuchBucketPolicy, warden.ENoSuchTagSet, warden.EInvalidBucketName:
		doc.BucketName = req.bucket
	case warden.ENoSuchKey:
		doc.Key = req.key
	case warden.ENoSuchUpload:
		doc.UploadID = req.query.Get("uploadId")
	}
	if wr, ok := errors.AsType[*wrongRegion](err); ok {
		doc.Region = wr.region
		req.w.Header().Set("x-amz-bucket-region", wr.region)
	}
	if arg, ok := errors.AsType[*argument](err); ok {
		doc.ArgName, doc.ArgValue = arg.name, arg.value
	}

	header := req.w.Header()
	for _, name := range []string{"ETag", "Last-Modified", "Content-Range", "Accept-Ranges"} {
		header.Del(name)
	}
	if req.r.Method == http.MethodHead {
		// Answers to HEAD carry no body, so S3 sends only the status.
		req.w.WriteHeader(status)
		return
	}
	writeXML(req.w, status, doc)
}
