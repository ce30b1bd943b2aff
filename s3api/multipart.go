package s3api

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/warden-iam/warden"
)

// This file serves multipart uploads ("Uploading and copying objects using
// multipart upload in Amazon S3"). Creating, uploading parts and
// completing are authorized as s3:PutObject on the object, aborting as
// s3:AbortMultipartUpload, listing parts as s3:ListMultipartUploadParts,
// and listing uploads as s3:ListBucketMultipartUploads on the bucket
// ("Multipart upload API and permissions").

// multipartStore returns the store's multipart side; a store without one
// answers NotImplemented.
func (h *Handler) multipartStore() (warden.MultipartStore, error) {
	if ms, ok := h.store.(warden.MultipartStore); ok {
		return ms, nil
	}
	return nil, notImplemented("multipart uploads")
}

// multipartCall opens a multipart operation: the store's multipart side,
// the request's bucket, and the caller's authorization for action on the
// request's object (or, with onBucket, on the bucket), with keys as its
// condition keys.
func (h *Handler) multipartCall(req *request, action string, onBucket bool, keys map[string]string) (warden.MultipartStore, *warden.Bucket, error) {
	ms, err := h.multipartStore()
	if err != nil {
		return nil, nil, err
	}
	b, err := h.bucketFor(req)
	if err != nil {
		return nil, nil, err
	}
	resource := warden.ObjectARN(b.Name, req.key)
	if onBucket {
		resource = warden.BucketARN(b.Name)
	}
	if err := h.authorize(req, action, resource, b, keys); err != nil {
		return nil, nil, err
	}
	return ms, b, nil
}

// putKeys are the condition keys of s3:PutObject the request sets.
func putKeys(r *http.Request) map[string]string {
	keys := map[string]string{}
	for _, name := range []string{"x-amz-acl", "x-amz-storage-class", "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
		"x-amz-website-redirect-location", "x-amz-grant-full-control", "x-amz-grant-read", "x-amz-grant-read-acp", "x-amz-grant-write-acp"} {
		if v := r.Header.Get(name); v != "" {
			keys["s3:"+name] = v
		}
	}
	return keys
}

func (h *Handler) createMultipartUpload(req *request) error {
	r := req.r
	ms, b, err := h.multipartCall(req, "s3:PutObject", false, putKeys(req.r))
	if err != nil {
		return err
	}
	metadata, err := userMetadata(r.Header)
	if err != nil {
		return err
	}
	contentType := r.Header.Get("Content-Type")
	if contentType == "" {
		contentType = defaultContentType
	}
	u, err := ms.CreateMultipartUpload(r.Context(), &warden.MultipartUpload{
		Bucket: b.Name, Key: req.key, Initiator: req.caller.Principal.ARN, OwnerAccount: b.AccountID,
		ContentType: contentType, Metadata: metadata,
	})
	if err != nil {
		return err
	}
	h.ok(req, http.StatusOK, &initiateMultipartUploadResult{Xmlns: s3Namespace, Bucket: b.Name, Key: req.key, UploadID: u.UploadID})
	return nil
}

// partNumber reads the partNumber parameter.
func partNumber(req *request) (int, error) {
	v := req.query.Get("partNumber")
	n, err := strconv.Atoi(v)
	if err != nil || n < warden.MinPartNumber || n > warden.MaxPartNumber {
		return 0, &warden.Error{Code: warden.EInvalidArgument, Message: "Part number must be an integer between 1 and 10000, inclusive",
			Err: &argument{"partNumber", v}}
	}
	return n, nil
}

func (h *Handler) uploadPart(req *request) error {
	r := req.r
	ms, b, err := h.multipartCall(req, "s3:PutObject", false, nil)
	if err != nil {
		return err
	}
	n, err := partNumber(req)
	if err != nil {
		return err
	}
	size := r.ContentLength
	switch {
	case req.auth.DecodedContentLength >= 0:
		size = req.auth.DecodedContentLength
	case size < 0:
		return warden.Errorf(warden.EMissingContentLength, "You must provide the Content-Length HTTP header.")
	}
	md5sum, err := contentMD5(req)
	if err != nil {
		return err
	}
	body, err := newCheckedBody(req, req.auth.VerifiedBody(r.Body), false)
	if err != nil {
		return err
	}
	part, err := ms.UploadPart(r.Context(), &warden.UploadPartInput{
		Bucket: b.Name, Key: req.key, UploadID: req.query.Get("uploadId"), PartNumber: n, Body: body, Size: size, ContentMD5: md5sum,
	})
	if err != nil {
		return err
	}
	header := req.w.Header()
	header.Set("ETag", part.ETag)
	if name, value := body.Checksum(); name != "" {
		header.Set(name, value)
	}
	h.ok(req, http.StatusOK, nil)
	return nil
}

func (h *Handler) completeMultipartUpload(req *request) error {
	ms, b, err := h.multipartCall(req, "s3:PutObject", false, nil)
	if err != nil {
		return err
	}
	body, err := h.readBody(req, maxXMLBody, false)
	if err != nil {
		return err
	}
	var in completeMultipartUpload
	if err := readXML(strings.NewReader(string(body)), &in); err != nil {
		return err
	}
	parts := make([]warden.CompletedPart, len(in.Parts))
	for i, p := range in.Parts {
		parts[i] = warden.CompletedPart{PartNumber: p.PartNumber, ETag: p.ETag}
	}
	info, err := ms.CompleteMultipartUpload(req.r.Context(), b.Name, req.key, req.query.Get("uploadId"), parts)
	if err != nil {
		return err
	}
	scheme := "http"
	if req.r.TLS != nil {
		scheme = "https"
	}
	location := (&url.URL{Scheme: scheme, Host: req.r.Host, Path: "/" + b.Name + "/" + req.key}).String()
	h.ok(req, http.StatusOK, &completeMultipartUploadResult{Xmlns: s3Namespace, Location: location, Bucket: b.Name, Key: req.key, ETag: info.ETag})
	return nil
}

func (h *Handler) abortMultipartUpload(req *request) error {
	ms, b, err := h.multipartCall(req, "s3:AbortMultipartUpload", false, nil)
	if err != nil {
		return err
	}
	if err := ms.AbortMultipartUpload(req.r.Context(), b.Name, req.key, req.query.Get("uploadId")); err != nil {
		return err
	}
	h.ok(req, http.StatusNoContent, nil)
	return nil
}

// intParam reads an optional non-negative integer parameter; def when
// absent.
func intParam(req *request, name string, def int) (int, error) {
	v, ok := req.query[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < 0 {
		return 0, &warden.Error{Code: warden.EInvalidArgument, Message: "Provided " + name + " not an integer or within integer range", Err: &argument{name, v[0]}}
	}
	return n, nil
}

func (h *Handler) listParts(req *request) error {
	ms, b, err := h.multipartCall(req, "s3:ListMultipartUploadParts", false, nil)
	if err != nil {
		return err
	}
	maxParts, err := intParam(req, "max-parts", warden.MaxListParts)
	if err != nil {
		return err
	}
	marker, err := intParam(req, "part-number-marker", 0)
	if err != nil {
		return err
	}
	maxParts = min(maxParts, warden.MaxListParts)
	page, err := ms.ListParts(req.r.Context(), &warden.ListPartsInput{
		Bucket: b.Name, Key: req.key, UploadID: req.query.Get("uploadId"), PartNumberMarker: marker, MaxParts: maxParts,
	})
	if err != nil {
		return err
	}
	out := &listPartsResult{
		Xmlns: s3Namespace, Bucket: b.Name, Key: req.key, UploadID: page.Upload.UploadID,
		PartNumberMarker: marker, NextPartNumberMarker: page.NextPartNumberMarker, MaxParts: maxParts, IsTruncated: page.IsTruncated,
		Initiator: &owner{ID: page.Upload.Initiator}, Owner: ownerOf(page.Upload.OwnerAccount), StorageClass: "STANDARD",
	}
	for _, p := range page.Parts {
		out.Parts = append(out.Parts, partResult{PartNumber: p.PartNumber, LastModified: xmlTime(p.LastModified), ETag: p.ETag, Size: p.Size})
	}
	h.ok(req, http.StatusOK, out)
	return nil
}

func (h *Handler) listMultipartUploads(req *request) error {
	ms, b, err := h.multipartCall(req, "s3:ListBucketMultipartUploads", true, nil)
	if err != nil {
		return err
	}
	q := req.query
	maxUploads, err := intParam(req, "max-uploads", warden.MaxListUploads)
	if err != nil {
		return err
	}
	maxUploads = min(maxUploads, warden.MaxListUploads)
	encodeURL := false
	switch enc := q.Get("encoding-type"); enc {
	case "":
	case "url":
		encodeURL = true
	default:
		return &warden.Error{Code: warden.EInvalidArgument, Message: "Invalid Encoding Method specified in Request", Err: &argument{"encoding-type", enc}}
	}
	in := &warden.ListUploadsInput{
		Bucket: b.Name, Prefix: q.Get("prefix"), Delimiter: q.Get("delimiter"),
		KeyMarker: q.Get("key-marker"), UploadIDMarker: q.Get("upload-id-marker"), MaxUploads: maxUploads,
	}
	page, err := ms.ListMultipartUploads(req.r.Context(), in)
	if err != nil {
		return err
	}
	out := &listMultipartUploadsResult{
		Xmlns: s3Namespace, Bucket: b.Name, KeyMarker: encodeKey(in.KeyMarker, encodeURL), UploadIDMarker: in.UploadIDMarker,
		NextKeyMarker: encodeKey(page.NextKeyMarker, encodeURL), NextUploadIDMarker: page.NextUploadIDMarker,
		Prefix: encodeKey(in.Prefix, encodeURL), Delimiter: encodeKey(in.Delimiter, encodeURL), MaxUploads: maxUploads, IsTruncated: page.IsTruncated,
	}
	if encodeURL {
		out.EncodingType = "url"
	}
	for _, u := range page.Uploads {
		out.Uploads = append(out.Uploads, uploadResult{
			Key: encodeKey(u.Key, encodeURL), UploadID: u.UploadID, Initiator: &owner{ID: u.Initiator}, Owner: ownerOf(u.OwnerAccount),
			StorageClass: "STANDARD", Initiated: xmlTime(u.Initiated),
		})
	}
	for _, p := range page.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, prefixResult{Prefix: encodeKey(p, encodeURL)})
	}
	h.ok(req, http.StatusOK, out)
	return nil
}

type initiateMultipartUploadResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	Xmlns    string   `xml:"xmlns,attr"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

// completeMultipartUpload is the request body of CompleteMultipartUpload;
// the checksums a part may carry are not kept, so they are not read.
type completeMultipartUpload struct {
	XMLName xml.Name `xml:"CompleteMultipartUpload"`
	Parts   []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
	} `xml:"Part"`
}

type completeMultipartUploadResult struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	Xmlns    string   `xml:"xmlns,attr"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
}

type listPartsResult struct {
	XMLName              xml.Name     `xml:"ListPartsResult"`
	Xmlns                string       `xml:"xmlns,attr"`
	Bucket               string       `xml:"Bucket"`
	Key                  string       `xml:"Key"`
	UploadID             string       `xml:"UploadId"`
	PartNumberMarker     int          `xml:"PartNumberMarker"`
	NextPartNumberMarker int          `xml:"NextPartNumberMarker,omitempty"`
	MaxParts             int          `xml:"MaxParts"`
	IsTruncated          bool         `xml:"IsTruncated"`
	Parts                []partResult `xml:"Part"`
	Initiator            *owner       `xml:"Initiator"`
	Owner                *owner       `xml:"Owner"`
	StorageClass         string       `xml:"StorageClass"`
}

type partResult struct {
	PartNumber   int    `xml:"PartNumber"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
}

type listMultipartUploadsResult struct {
	XMLName            xml.Name       `xml:"ListMultipartUploadsResult"`
	Xmlns              string         `xml:"xmlns,attr"`
	Bucket             string         `xml:"Bucket"`
	KeyMarker          string         `xml:"KeyMarker"`
	UploadIDMarker     string         `xml:"UploadIdMarker"`
	NextKeyMarker      string         `xml:"NextKeyMarker"`
	NextUploadIDMarker string         `xml:"NextUploadIdMarker"`
	Prefix             string         `xml:"Prefix,omitempty"`
	Delimiter          string         `xml:"Delimiter,omitempty"`
	MaxUploads         int            `xml:"MaxUploads"`
	EncodingType       string         `xml:"EncodingType,omitempty"`
	IsTruncated        bool           `xml:"IsTruncated"`
	Uploads            []uploadResult `xml:"Upload"`
	CommonPrefixes     []prefixResult `xml:"CommonPrefixes"`
}

type uploadResult struct {
	Key          string `xml:"Key"`
	UploadID     string `xml:"UploadId"`
	Initiator    *owner `xml:"Initiator"`
	Owner        *owner `xml:"Owner"`
	StorageClass string `xml:"StorageClass"`
	Initiated    string `xml:"Initiated"`
}
