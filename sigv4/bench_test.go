package sigv4

import (
	"strconv"
	"testing"
)

// benchmarkRequest is an AWS CLI iam create-user as it arrives, signed with
// the long-term test key at testTime.
func benchmarkRequest(b *testing.B) signed {
	b.Helper()
	const body = "Action=CreateUser&Version=2010-05-08&UserName=alice&Tags.member.1.Key=team&Tags.member.1.Value=x"
	canonical := "POST\n/\n\n" +
		"content-type:application/x-www-form-urlencoded; charset=utf-8\n" +
		"host:127.0.0.1:18080\n" +
		"x-amz-date:20261122T101500Z\n\n" +
		"content-type;host;x-amz-date\n" + sha256Hex(body)
	signature := independentSignature(testSecret, "20261122T101500Z", "20261122/us-east-1/iam/aws4_request", canonical)
	r, got := readRequest(b, "POST / HTTP/1.1\r\n"+
		"Host: 127.0.0.1:18080\r\n"+
		"Accept-Encoding: identity\r\n"+
		"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"+
		"User-Agent: aws-cli/1.45.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.1 md/arch#x86_64 lang/python#3.13.5\r\n"+
		"X-Amz-Date: 20261122T101500Z\r\n"+
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="+signature+"\r\n"+
		"Content-Length: "+strconv.Itoa(len(body))+"\r\n"+
		"\r\n"+body)
	return signed{r: r, body: got, signature: signature}
}

func BenchmarkVerifyCachedKey(b *testing.B) {
	req := benchmarkRequest(b)
	v := newTestVerifier(testTime)
	if _, err := v.Verify(req.r, req.body); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(req.r, req.body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyColdKey(b *testing.B) {
	req := benchmarkRequest(b)
	v := newTestVerifier(testTime)
	b.ReportAllocs()
	for b.Loop() {
		v.keys.entries = nil // as on a key's first request of the day
		if _, err := v.Verify(req.r, req.body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyPresigned(b *testing.B) {
	r, body := sdkRequest{
		method: "GET", service: "sts",
		url:   "http://127.0.0.1:18080/?Action=GetCallerIdentity&Version=2011-06-15",
		keyID: testTempKeyID, secret: testTempSecret, token: testSessionToken,
	}.presign(b, sha256Hex(""))
	v := newTestVerifier(testTime)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(r, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyMismatch(b *testing.B) {
	req := benchmarkRequest(b)
	req.r.Header.Set("Content-Type", "application/json")
	v := newTestVerifier(testTime)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(req.r, req.body); err == nil {
			b.Fatal("a tampered request verified")
		}
	}
}
