package s3api

import (
	"mime"
	"net/http"
	"strings"
)

// IsS3Request reports whether a request that arrives at an endpoint shared
// with the Query and JSON APIs is meant for S3. A signed request says so
// itself: its credential scope names the service "s3". An unsigned one is
// S3's unless it carries the marks of the other protocols: an X-Amz-Target
// header (JSON), an Action parameter or a form body at "/" (Query). Paths
// other than "/" belong to S3 alone.
func IsS3Request(r *http.Request) bool {
	credential := r.URL.Query().Get("X-Amz-Credential")
	if auth := r.Header.Get("Authorization"); auth != "" {
		_, credential, _ = strings.Cut(auth, "Credential=")
		credential, _, _ = strings.Cut(credential, ",")
	}
	if credential != "" {
		// AKID/date/region/service/aws4_request
		parts := strings.Split(strings.TrimSpace(credential), "/")
		return len(parts) == 5 && parts[3] == "s3"
	}
	if r.Header.Get("X-Amz-Target") != "" {
		return false
	}
	if r.URL.Path != "/" {
		return true
	}
	if r.URL.Query().Has("Action") {
		return false
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return r.Method == http.MethodGet && mediaType != "application/x-www-form-urlencoded"
}
