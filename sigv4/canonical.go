package sigv4

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// This file builds the canonical request of "Create a canonical request for
// Signature Version 4" from the request as it arrived: the raw path and query
// the client sent, and exactly the headers its SignedHeaders names.

// appendCanonicalRequest writes the canonical request: method, canonical
// URI, canonical query, canonical headers, signed header list and payload
// hash, one per line.
func appendCanonicalRequest(buf []byte, r *http.Request, params []queryParam, presigned bool, signedHeaders, escapedPath, payloadHash string) []byte {
	buf = append(buf, r.Method...)
	buf = append(buf, '\n')
	buf = appendCanonicalURI(buf, escapedPath)
	return appendCanonicalAfterURI(buf, r, params, presigned, signedHeaders, payloadHash)
}

// appendCanonicalAfterURI writes what follows the canonical URI in a
// canonical request, which S3 builds alike.
func appendCanonicalAfterURI(buf []byte, r *http.Request, params []queryParam, presigned bool, signedHeaders, payloadHash string) []byte {
	buf = append(buf, '\n')
	buf = appendCanonicalQuery(buf, params, presigned)
	buf = append(buf, '\n')
	buf = appendCanonicalHeaders(buf, r, signedHeaders)
	buf = append(buf, '\n')
	buf = append(buf, signedHeaders...)
	buf = append(buf, '\n')
	return append(buf, payloadHash...)
}

// rawPath returns the path exactly as the client sent it, still escaped.
// RequestURI is the request target unmodified, so it is used when it holds
// an origin-form path; requests built in code (RequestURI empty) fall back to
// the URL's own escaped path.
func rawPath(r *http.Request) string {
	if uri := r.RequestURI; uri != "" && uri[0] == '/' {
		path, _, _ := strings.Cut(uri, "?")
		return path
	}
	if p := r.URL.EscapedPath(); p != "" {
		return p
	}
	return "/"
}

// normalizePath removes "." and ".." segments (RFC 3986 §5.2.4) and empty
// segments from an escaped path, as AWS does for every service but S3. A
// trailing slash survives when anything is left before it. The path is
// returned unchanged, without allocating, when there is nothing to remove.
func normalizePath(path string) string {
	if !needsNormalizing(path) {
		return path
	}
	var segments []string
	for segment := range strings.SplitSeq(path, "/") {
		switch segment {
		case "", ".":
		case "..":
			if len(segments) > 0 {
				segments = segments[:len(segments)-1]
			}
		default:
			segments = append(segments, segment)
		}
	}
	var b strings.Builder
	b.Grow(len(path))
	if strings.HasPrefix(path, "/") {
		b.WriteByte('/')
	}
	b.WriteString(strings.Join(segments, "/"))
	if len(segments) > 0 && strings.HasSuffix(path, "/") {
		b.WriteByte('/')
	}
	return b.String()
}

func needsNormalizing(path string) bool {
	if strings.Contains(path, "//") {
		return true
	}
	for segment := range strings.SplitSeq(path, "/") {
		if segment == "." || segment == ".." {
			return true
		}
	}
	return false
}

// appendCanonicalURI writes the canonical URI of an escaped path. Every
// service but S3 URI-encodes each segment twice: once by the client building
// the request, once more here, so "%3A" becomes "%253A". The slash between
// segments is the only character left as it is.
func appendCanonicalURI(buf []byte, escapedPath string) []byte {
	if escapedPath == "" {
		return append(buf, '/')
	}
	for i := range len(escapedPath) {
		c := escapedPath[i]
		if c == '/' || isUnreserved(c) {
			buf = append(buf, c)
		} else {
			buf = appendPercent(buf, c)
		}
	}
	return buf
}

// appendCanonicalQuery writes the canonical query string: every parameter
// name and value URI-encoded (RFC 3986, a space is "%20"), the pairs sorted
// by encoded name and then encoded value, joined by '&'. The sort runs on the
// encoded forms, as the specification requires. A presigned URL's own
// X-Amz-Signature is left out, since it cannot sign itself.
func appendCanonicalQuery(buf []byte, params []queryParam, presigned bool) []byte {
	if len(params) == 0 {
		return buf
	}
	encoded := make([]queryParam, 0, len(params))
	for _, p := range params {
		if presigned && p.key == paramSignature {
			continue
		}
		encoded = append(encoded, queryParam{key: uriEncode(p.key), value: uriEncode(p.value)})
	}
	slices.SortFunc(encoded, func(a, b queryParam) int {
		return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.value, b.value))
	})
	for i, p := range encoded {
		if i > 0 {
			buf = append(buf, '&')
		}
		buf = append(buf, p.key...)
		buf = append(buf, '=')
		buf = append(buf, p.value...)
	}
	return buf
}

// appendCanonicalHeaders writes one "name:value\n" line for each header the
// client listed in SignedHeaders (already checked to be sorted lowercase
// names). Headers that Go's server takes out of the header map are read from
// where it puts them.
func appendCanonicalHeaders(buf []byte, r *http.Request, signedHeaders string) []byte {
	for rest := signedHeaders; rest != ""; {
		var name string
		name, rest, _ = strings.Cut(rest, ";")
		buf = append(buf, name...)
		buf = append(buf, ':')
		buf = appendHeaderValue(buf, r, name)
		buf = append(buf, '\n')
	}
	return buf
}

func appendHeaderValue(buf []byte, r *http.Request, name string) []byte {
	switch name {
	case "host":
		// The server moves Host (or HTTP/2's :authority) to r.Host.
		host := r.Host
		if host == "" {
			host = r.URL.Host
		}
		return appendTrimmedValue(buf, host)
	case "content-length":
		if r.ContentLength >= 0 {
			return strconv.AppendInt(buf, r.ContentLength, 10)
		}
	case "transfer-encoding":
		// The server moves Transfer-Encoding to r.TransferEncoding.
		if len(r.TransferEncoding) > 0 {
			for i, coding := range r.TransferEncoding {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = appendTrimmedValue(buf, coding)
			}
			return buf
		}
	}
	values := headerValues(r.Header, name)
	if len(values) == 0 && name == "expect" {
		// A server or proxy that answers "100 Continue" itself may drop the
		// header; 100-continue is the only expectation HTTP defines.
		return append(buf, "100-continue"...)
	}
	for i, v := range values {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendTrimmedValue(buf, v)
	}
	return buf
}

// headerValues returns the values of the header with the lowercase name,
// joined in the order received. The key is put in canonical MIME form on the
// stack, so the lookup does not allocate.
func headerValues(h http.Header, name string) []string {
	var key [64]byte
	if len(name) <= len(key) {
		upper := true
		for i := range len(name) {
			c := name[i]
			if upper && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			key[i] = c
			upper = c == '-'
		}
		if v, ok := h[string(key[:len(name)])]; ok {
			return v
		}
	}
	// A header map filled by hand rather than by the server may hold keys
	// that are not in canonical form.
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// appendTrimmedValue writes a header value with leading and trailing blanks
// removed and each run of spaces inside it collapsed to one, as "Create a
// canonical request" specifies (and the AWS SDKs implement: tabs inside a
// value are kept).
func appendTrimmedValue(buf []byte, v string) []byte {
	v = trimBlank(v)
	space := false
	for i := range len(v) {
		c := v[i]
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		buf = append(buf, c)
	}
	return buf
}

// uriEncode percent-encodes every byte outside RFC 3986's unreserved set,
// with uppercase hex digits. It returns s itself when nothing needs encoding.
func uriEncode(s string) string {
	n := 0
	for i := range len(s) {
		if !isUnreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	buf := make([]byte, 0, len(s)+2*n)
	for i := range len(s) {
		if c := s[i]; isUnreserved(c) {
			buf = append(buf, c)
		} else {
			buf = appendPercent(buf, c)
		}
	}
	return string(buf)
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

func appendPercent(buf []byte, c byte) []byte {
	const upperHex = "0123456789ABCDEF"
	return append(buf, '%', upperHex[c>>4], upperHex[c&0xF])
}
