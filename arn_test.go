package warden_test

import (
	"testing"

	"github.com/warden-iam/warden"
)

func TestParseARN(t *testing.T) {
	tests := []struct {
		name, in       string
		want           warden.ARN
		typ, path, nam string
		iamOK          bool
	}{
		{name: "user at root", in: "arn:aws:iam::123456789012:user/alice",
			want: warden.ARN{Partition: "aws", Service: "iam", AccountID: "123456789012", Resource: "user/alice"},
			typ:  "user", path: "/", nam: "alice", iamOK: true},
		{name: "user with path", in: "arn:aws:iam::123456789012:user/division/team/alice",
			want: warden.ARN{Partition: "aws", Service: "iam", AccountID: "123456789012", Resource: "user/division/team/alice"},
			typ:  "user", path: "/division/team/", nam: "alice", iamOK: true},
		{name: "root", in: "arn:aws:iam::123456789012:root",
			want: warden.ARN{Partition: "aws", Service: "iam", AccountID: "123456789012", Resource: "root"},
			typ:  "root", iamOK: true},
		{name: "aws managed policy", in: "arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
			want: warden.ARN{Partition: "aws", Service: "iam", AccountID: "aws", Resource: "policy/service-role/AWSLambdaRole"},
			typ:  "policy", path: "/service-role/", nam: "AWSLambdaRole", iamOK: true},
		{name: "resource with colons", in: "arn:aws:s3:::bucket/a:b",
			want: warden.ARN{Partition: "aws", Service: "s3", Resource: "bucket/a:b"}},
		{name: "trailing slash is no IAM entity", in: "arn:aws:iam::123456789012:user/",
			want: warden.ARN{Partition: "aws", Service: "iam", AccountID: "123456789012", Resource: "user/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := warden.ParseARN(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("ParseARN = %+v, want %+v", got, tt.want)
			}
			if got.String() != tt.in {
				t.Fatalf("String() = %q, want %q", got.String(), tt.in)
			}
			typ, path, name, ok := got.IAMResource()
			if ok != tt.iamOK || typ != tt.typ || path != tt.path || name != tt.nam {
				t.Fatalf("IAMResource = %q %q %q %v, want %q %q %q %v", typ, path, name, ok, tt.typ, tt.path, tt.nam, tt.iamOK)
			}
		})
	}
}

func TestParseARNErrors(t *testing.T) {
	for _, in := range []string{"", "arn", "arn:aws:iam::123456789012", "urn:aws:iam::1:user/a", "arn::iam::1:user/a", "arn:aws:::1:x", "arn:aws:iam::1:"} {
		t.Run(in, func(t *testing.T) {
			_, err := warden.ParseARN(in)
			if warden.ErrorCode(err) != warden.EInvalidInput || warden.ErrorMessage(err) != "ARN "+in+" is not valid." {
				t.Fatalf("ParseARN(%q) error = %v, want InvalidInput", in, err)
			}
		})
	}
}

func TestIAMARN(t *testing.T) {
	if got := warden.IAMARN("123456789012", "role", "/svc/", "worker"); got != "arn:aws:iam::123456789012:role/svc/worker" {
		t.Fatalf("IAMARN = %q", got)
	}
	if !warden.IsAWSManagedPolicyARN("arn:aws:iam::aws:policy/ReadOnlyAccess") || warden.IsAWSManagedPolicyARN("arn:aws:iam::123456789012:policy/ReadOnlyAccess") {
		t.Fatal("IsAWSManagedPolicyARN misclassifies")
	}
}

func FuzzParseARN(f *testing.F) {
	f.Add("arn:aws:iam::123456789012:user/division/alice")
	f.Add("arn:aws:iam::aws:policy/ReadOnlyAccess")
	f.Add("arn:aws:iam::123456789012:root")
	f.Add("arn:aws:s3:::bucket/key:with:colons")
	f.Add("arn:aws:iam::1:user//")
	f.Add("::::::")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := warden.ParseARN(s)
		if err != nil {
			if warden.ErrorCode(err) != warden.EInvalidInput {
				t.Fatalf("error code %q", warden.ErrorCode(err))
			}
			return
		}
		if a.String() != s {
			t.Fatalf("round trip: %q became %q", s, a.String())
		}
		if typ, path, name, ok := a.IAMResource(); ok && typ != "root" {
			if typ+path+name != a.Resource || path[0] != '/' || path[len(path)-1] != '/' || name == "" {
				t.Fatalf("IAMResource(%q) = %q %q %q", a.Resource, typ, path, name)
			}
		}
	})
}
