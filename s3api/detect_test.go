package s3api

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestIsS3Request(t *testing.T) {
	const s3Auth = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"
	const iamAuth = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"
	tests := []struct {
		name   string
		method string
		target string
		header map[string]string
		body   string
		want   bool
	}{
		{"ListBuckets", "GET", "/", map[string]string{"Authorization": s3Auth}, "", true},
		{"GetObject", "GET", "/bucket/key", map[string]string{"Authorization": s3Auth}, "", true},
		{"IAM Query POST", "POST", "/", map[string]string{"Authorization": iamAuth, "Content-Type": "application/x-www-form-urlencoded"}, "Action=ListUsers&Version=2010-05-08", false},
		{"IAM Query GET", "GET", "/?Action=ListUsers&Version=2010-05-08", map[string]string{"Authorization": iamAuth}, "", false},
		{"presigned S3", "GET", "/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261122%2Fus-east-1%2Fs3%2Faws4_request", nil, "", true},
		{"presigned STS", "GET", "/?Action=GetCallerIdentity&X-Amz-Credential=AKID%2F20261122%2Fus-east-1%2Fsts%2Faws4_request", nil, "", false},
		{"JSON protocol", "POST", "/", map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20261122/us-east-1/health-agent/aws4_request", "X-Amz-Target": "X.Y"}, "{}", false},
		{"unsigned object path", "GET", "/bucket/key", nil, "", true},
		{"unsigned Query", "POST", "/", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "Action=AssumeRoleWithWebIdentity", false},
		{"unsigned JSON", "POST", "/", map[string]string{"X-Amz-Target": "X.Y"}, "{}", false},
		{"unsigned GET /", "GET", "/", nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			if got := IsS3Request(r); got != tt.want {
				t.Errorf("IsS3Request = %v, want %v", got, tt.want)
			}
		})
	}
}
