package s3api

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/warden-iam/warden"
)

// This file serves the operations on objects and object listings.

// defaultContentType is what S3 stores for an object uploaded without a
// Content-Type.
const defaultContentType = "binary/octet-stream"

// maxMetadataSize bounds the user metadata of an object: the names and
// values of its x-amz-meta-* headers ("Working with object metadata":
// "the user-defined metadata is limited to 2 KB in size").
const maxMetadataSize = 2 << 10

func (h *Handler) putObject(req *request) error {
	b, err := h.bucketFor(req)
	if err != nil {
		return err
	}
	r := req.r
	if err := h.authorize(req, "s3:PutObject", warden.ObjectARN(b.Name, req.key), b, putKeys(r)); err != nil {
		return err
	}
	if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Match") != "" {
		return notImplemented("conditional writes")
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
	metadata, err := userMetadata(r.Header)
	if err != nil {
		return err
	}
	contentType := r.Header.Get("Content-Type")
	if contentType == "" {
		contentType = defaultContentType
	}
	body, err := newCheckedBody(req, req.auth.VerifiedBody(r.Body), false)
	if err != nil {
		return err
	}
	info, err := h.store.PutObject(r.Context(), &warden.PutObjectInput{
		Bucket: b.Name, Key: req.key, Body: body, Size: size,
		ContentType: contentType, Metadata: metadata, ContentMD5: md5sum,
	})
	if err != nil {
		return err
	}
	header := req.w.Header()
	header.Set("ETag", info.ETag)
	if name, value := body.Checksum(); name != "" {
		header.Set(name, value)
	}
	h.ok(req, http.StatusOK, nil)
	return nil
}

// userMetadata collects the x-amz-meta-* headers, names lower-cased
// without the prefix.
func userMetadata(header http.Header) (map[string]string, error) {
	var metadata map[string]string
	size := 0
	for name, values := range header {
		lower := strings.ToLower(name)
		if !strings.HasPrefix(lower, "x-amz-meta-") {
			continue
		}
		if metadata == nil {
			metadata = map[string]string{}
		}
		value := strings.Join(values, ",")
		metadata[lower[len("x-amz-meta-"):]] = value
		size += len(lower) - len("x-amz-meta-") + len(value)
	}
	if size > maxMetadataSize {
		return nil, warden.Errorf(warden.EMetadataTooLarge, "Your metadata headers exceed the maximum allowed metadata size.")
	}
	return metadata, nil
}

func (h *Handler) getObject(req *request) error { return h.readObject(req, true) }

func (h *Handler) headObject(req *request) error { return h.readObject(req, false) }

// readObject serves GetObject and HeadObject, which S3 authorizes alike
// (s3:GetObject) and answers with the same headers.
func (h *Handler) readObject(req *request, withBody bool) error {
	b, err := h.bucketFor(req)
	if err != nil {
		return err
	}
	if err := h.authorize(req, "s3:GetObject", warden.ObjectARN(b.Name, req.key), b, nil); err != nil {
		return err
	}
	var rng *warden.ByteRange
	var obj *warden.Object
	if withBody {
		rng = parseRange(req.r.Header.Get("Range"))
		obj, err = h.store.GetObject(req.r.Context(), b.Name, req.key, rng)
	} else {
		var info *warden.ObjectInfo
		if info, err = h.store.HeadObject(req.r.Context(), b.Name, req.key); err == nil {
			obj = &warden.Object{Info: *info, Range: warden.ByteSpan{Length: info.Size}}
		}
	}
	if warden.ErrorCode(err) == warden.ENoSuchKey {
		return h.missingKey(req, b, err)
	}
	if err != nil {
		return err
	}
	if obj.Body != nil {
		defer obj.Body.Close()
	}
	info := &obj.Info
	if status, err := checkPreconditions(req.r, info); err != nil || status != 0 {
		if status == http.StatusNotModified {
			req.w.Header().Set("ETag", info.ETag)
			req.w.Header().Set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
			h.ok(req, status, nil)
			return nil
		}
		return err
	}

	header := req.w.Header()
	header.Set("Accept-Ranges", "bytes")
	header.Set("ETag", info.ETag)
	header.Set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
	header.Set("Content-Type", info.ContentType)
	for name, value := range info.Metadata {
		header["X-Amz-Meta-"+name] = []string{value}
	}
	// The response-* parameters override response headers of a signed
	// request ("GetObject": Overriding response header values).
	for param, name := range responseOverrides {
		if v := req.query.Get(param); v != "" {
			header.Set(name, v)
		}
	}
	header.Set("Content-Length", strconv.FormatInt(obj.Range.Length, 10))
	status := http.StatusOK
	if rng != nil {
		status = http.StatusPartialContent
		header.Set("Content-Range", "bytes "+strconv.FormatInt(obj.Range.Offset, 10)+"-"+
			strconv.FormatInt(obj.Range.Offset+obj.Range.Length-1, 10)+"/"+strconv.FormatInt(info.Size, 10))
	}
	h.ok(req, status, nil)
	if withBody {
		if _, err := io.Copy(req.w, obj.Body); err != nil {
			// The status is sent; the client sees a short body.
			req.rec.Err = err
		}
	}
	return nil
}

// responseOverrides maps the response-* query parameters to the headers
// they set.
var responseOverrides = map[string]string{
	"response-content-type":        "Content-Type",
	"response-content-language":    "Content-Language",
	"response-expires":             "Expires",
	"response-cache-control":       "Cache-Control",
	"response-content-disposition": "Content-Disposition",
	"response-content-encoding":    "Content-Encoding",
}

// missingKey answers a read of a key that does not exist as S3 does: 404
// NoSuchKey to a caller who may list the bucket, and 403 to one who may
// not, so that keys cannot be probed without permission to list them
// ("GetObject", Permissions).
func (h *Handler) missingKey(req *request, b *warden.Bucket, notFound error) error {
	err := h.authorize(req, "s3:ListBucket", warden.BucketARN(b.Name), b, nil)
	if warden.ErrorCode(err) == warden.EAccessDenied {
		return &warden.Error{Code: warden.EAccessDenied, Message: "Access Denied", Err: notFound}
	}
	if err != nil {
		return err
	}
	return notFound
}

// parseRange reads a Range header for one span of bytes. S3 serves the
// whole object for a header it cannot use (several ranges, bad syntax),
// so such a header gives nil.
func parseRange(header string) *warden.ByteRange {
	spec, ok := strings.CutPrefix(header, "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return nil
	}
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return nil
	}
	number := func(s string) (int64, bool) {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil && n >= 0 && s != "" && s[0] != '+'
	}
	if first == "" {
		n, ok := number(last)
		if !ok || n == 0 {
			return nil
		}
		return &warden.ByteRange{Suffix: n}
	}
	start, ok := number(first)
	if !ok {
		return nil
	}
	if last == "" {
		return &warden.ByteRange{First: start, Last: -1}
	}
	end, ok := number(last)
	if !ok || end < start {
		return nil
	}
	return &warden.ByteRange{First: start, Last: end}
}

// checkPreconditions applies If-Match, If-None-Match, If-Modified-Since
// and If-Unmodified-Since (RFC 9110 §13.2.2 order). It returns 304 for a
// Not Modified answer, or PreconditionFailed.
func checkPreconditions(r *http.Request, info *warden.ObjectInfo) (int, error) {
	failed := warden.Errorf(warden.EPreconditionFailed, "At least one of the pre-conditions you specified did not hold")
	modified := info.LastModified.Truncate(time.Second)
	if v := r.Header.Get("If-Match"); v != "" {
		if !etagMatches(v, info.ETag) {
			return 0, failed
		}
	} else if v := r.Header.Get("If-Unmodified-Since"); v != "" {
		if t, err := http.ParseTime(v); err == nil && modified.After(t) {
			return 0, failed
		}
	}
	if v := r.Header.Get("If-None-Match"); v != "" {
		if etagMatches(v, info.ETag) {
			return http.StatusNotModified, nil
		}
	} else if v := r.Header.Get("If-Modified-Since"); v != "" {
		if t, err := http.ParseTime(v); err == nil && !modified.After(t) {
			return http.StatusNotModified, nil
		}
	}
	return 0, nil
}

func etagMatches(list, etag string) bool {
	for candidate := range strings.SplitSeq(list, ",") {
		candidate = strings.TrimSpace(candidate)
		if candidate == "*" || candidate == etag || `"`+candidate+`"` == etag {
			return true
		}
	}
	return false
}

func (h *Handler) deleteObject(req *request) error {
	b, err := h.bucketFor(req)
	if err != nil {
		return err
	}
	if err := h.authorize(req, "s3:DeleteObject", warden.ObjectARN(b.Name, req.key), b, nil); err != nil {
		return err
	}
	if err := h.store.DeleteObject(req.r.Context(), b.Name, req.key); err != nil {
		return err
	}
	h.ok(req, http.StatusNoContent, nil)
	return nil
}

// maxDeleteObjects is the most keys one DeleteObjects request may name.
const maxDeleteObjects = 1000

func (h *Handler) deleteObjects(req *request) error {
	b, err := h.bucketFor(req)
	if err != nil {
		return err
	}
	body, err := h.readBody(req, maxXMLBody, true)
	if err != nil {
		return err
	}
	var in deleteRequest
	if err := readXML(strings.NewReader(string(body)), &in); err != nil {
		return err
	}
	if len(in.Objects) == 0 || len(in.Objects) > maxDeleteObjects {
		return warden.Errorf(warden.EMalformedXML, "The XML you provided was not well-formed or did not validate against our published schema")
	}
	// Each key is authorized on its own, as S3 does: a denial fails that
	// key, not the request.
	out := deleteResult{Xmlns: s3Namespace}
	for _, o := range in.Objects {
		err := h.authorize(req, "s3:DeleteObject", warden.ObjectARN(b.Name, o.Key), b, nil)
		if err == nil {
			err = h.store.DeleteObject(req.r.Context(), b.Name, o.Key)
		}
		switch code := warden.ErrorCode(err); {
		case err == nil:
			if !in.Quiet {
				out.Deleted = append(out.Deleted, deletedResult{Key: o.Key})
			}
		case code == warden.EInternalFailure || code == warden.EServiceFailure:
			return err
		default:
			out.Errors = append(out.Errors, deleteError{Key: o.Key, Code: code, Message: warden.ErrorMessage(err)})
		}
	}
	h.ok(req, http.StatusOK, out)
	return nil
}

// listParams are the parameters both listing versions share.
type listParams struct {
	prefix, delimiter string
	maxKeys           int
	url               bool // encoding-type=url
	keys              map[string]string
}

func readListParams(req *request) (*listParams, error) {
	q := req.query
	p := &listParams{prefix: q.Get("prefix"), delimiter: q.Get("delimiter"), maxKeys: warden.MaxListKeys, keys: map[string]string{}}
	if v, ok := q["max-keys"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 0 {
			return nil, &warden.Error{Code: warden.EInvalidArgument, Message: "Provided max-keys not an integer or within integer range",
				Err: &argument{"max-keys", v[0]}}
		}
		p.maxKeys = min(n, warden.MaxListKeys)
		p.keys["s3:max-keys"] = v[0]
	}
	switch enc := q.Get("encoding-type"); enc {
	case "":
	case "url":
		p.url = true
	default:
		return nil, &warden.Error{Code: warden.EInvalidArgument, Message: "Invalid Encoding Method specified in Request", Err: &argument{"encoding-type", enc}}
	}
	if _, ok := q["prefix"]; ok {
		p.keys["s3:prefix"] = p.prefix
	}
	if _, ok := q["delimiter"]; ok {
		p.keys["s3:delimiter"] = p.delimiter
	}
	if !utf8.ValidString(p.prefix) || !utf8.ValidString(p.delimiter) {
		return nil, warden.Errorf(warden.EInvalidArgument, "The prefix and delimiter must be valid UTF-8.")
	}
	return p, nil
}

// list authorizes and runs a listing.
func (h *Handler) list(req *request, p *listParams, token, startAfter string) (*warden.Bucket, *warden.ListObjectsPage, error) {
	b, err := h.bucketFor(req)
	if err != nil {
		return nil, nil, err
	}
	if err := h.authorize(req, "s3:ListBucket", warden.BucketARN(b.Name), b, p.keys); err != nil {
		return nil, nil, err
	}
	page, err := h.store.ListObjectsV2(req.r.Context(), &warden.ListObjectsInput{
		Bucket: b.Name, Prefix: p.prefix, Delimiter: p.delimiter, ContinuationToken: token, StartAfter: startAfter, MaxKeys: p.maxKeys,
	})
	if err != nil {
		if warden.ErrorCode(err) == warden.EInvalidArgument && token != "" {
			err = &warden.Error{Code: warden.EInvalidArgument, Message: "The continuation token provided is incorrect", Err: &argument{"continuation-token", token}}
		}
		return nil, nil, err
	}
	return b, page, nil
}

func (h *Handler) listObjectsV2(req *request) error {
	p, err := readListParams(req)
	if err != nil {
		return err
	}
	q := req.query
	token, startAfter := q.Get("continuation-token"), q.Get("start-after")
	if _, ok := q["continuation-token"]; ok && token == "" {
		return &warden.Error{Code: warden.EInvalidArgument, Message: "The continuation token provided is incorrect", Err: &argument{"continuation-token", ""}}
	}
	b, page, err := h.list(req, p, token, startAfter)
	if err != nil {
		return err
	}
	fetchOwner := q.Get("fetch-owner") == "true"
	out := h.listResult(b, page, p, fetchOwner)
	count := len(page.Contents) + len(page.CommonPrefixes)
	out.KeyCount = &count
	out.ContinuationToken = token
	out.NextContinuationToken = page.NextContinuationToken
	out.StartAfter = encodeKey(startAfter, p.url)
	h.ok(req, http.StatusOK, out)
	return nil
}

func (h *Handler) listObjects(req *request) error {
	p, err := readListParams(req)
	if err != nil {
		return err
	}
	marker := req.query.Get("marker")
	b, page, err := h.list(req, p, "", marker)
	if err != nil {
		return err
	}
	out := h.listResult(b, page, p, true)
	encodedMarker := encodeKey(marker, p.url)
	out.Marker = &encodedMarker
	if page.IsTruncated && p.delimiter != "" {
		// Version 1 returns NextMarker only with a delimiter; without one
		// the client continues from the last key listed.
		out.NextMarker = encodeKey(page.NextMarker, p.url)
	}
	h.ok(req, http.StatusOK, out)
	return nil
}

func (h *Handler) listResult(b *warden.Bucket, page *warden.ListObjectsPage, p *listParams, withOwner bool) *listBucketResult {
	out := &listBucketResult{
		Xmlns: s3Namespace, Name: b.Name, Prefix: encodeKey(p.prefix, p.url), MaxKeys: p.maxKeys,
		Delimiter: encodeKey(p.delimiter, p.url), IsTruncated: page.IsTruncated,
	}
	if p.url {
		out.EncodingType = "url"
	}
	var bucketOwner *owner
	if withOwner {
		bucketOwner = ownerOf(b.AccountID)
	}
	for _, o := range page.Contents {
		out.Contents = append(out.Contents, objectResult{
			Key: encodeKey(o.Key, p.url), LastModified: xmlTime(o.LastModified), ETag: o.ETag, Size: o.Size,
			Owner: bucketOwner, StorageClass: "STANDARD",
		})
	}
	for _, prefix := range page.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, prefixResult{Prefix: encodeKey(prefix, p.url)})
	}
	return out
}
