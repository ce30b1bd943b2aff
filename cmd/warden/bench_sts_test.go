package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// BenchmarkAssumeRole measures sts:AssumeRole through the whole server:
// SigV4, the caller's and the role's policies (cached), the trust policy
// evaluation and the session's durable write, against a bare handler
// returning the same bytes.
func BenchmarkAssumeRole(b *testing.B) {
	ts, bob, role := stsBenchServer(b)
	body := "Action=AssumeRole&Version=2011-06-15&RoleSessionName=bench&RoleArn=" + url.QueryEscape(role)
	req := signedServiceRequest(b, ts.Endpoint, body, bob, "sts")
	compareWithBare(b, ts, req, body)
}

// BenchmarkTemporaryCredentials measures iam:GetUser signed with a role
// session's temporary credentials: the session lookup (cached), the token
// digest, and the role's policies with the session policy.
func BenchmarkTemporaryCredentials(b *testing.B) {
	ts, bob, role := stsBenchServer(b)
	out, err := ts.sts(bob).AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("bench"),
		Policy: aws.String(identityDoc("iam:GetUser"))})
	if err != nil {
		b.Fatal(err)
	}
	body := "Action=GetUser&Version=2010-05-08&UserName=bob"
	req := signedServiceRequest(b, ts.Endpoint, body, sessionCredentials(out.Credentials), "iam")
	compareWithBare(b, ts, req, body)
}

// stsBenchServer starts a server with a user bob who may assume the role
// reader, which may read users.
func stsBenchServer(b *testing.B) (*testServer, aws.Credentials, string) {
	ts := startServer(b, "", "--log-format", "json")
	ctx := context.Background()
	root := ts.iam(ts.Root)
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		b.Fatal(err)
	}
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("assume"),
		PolicyDocument: aws.String(identityDoc("sts:AssumeRole"))}); err != nil {
		b.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		b.Fatal(err)
	}
	bob := aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}
	user, err := root.GetUser(ctx, &iam.GetUserInput{})
	if err != nil {
		b.Fatal(err)
	}
	account := strings.Split(aws.ToString(user.User.Arn), ":")[4]
	role, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("reader"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + account + `"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("reader"), PolicyName: aws.String("read"),
		PolicyDocument: aws.String(identityDoc("iam:GetUser", "iam:ListUsers"))}); err != nil {
		b.Fatal(err)
	}
	return ts, bob, aws.ToString(role.Role.Arn)
}

// compareWithBare runs the request against Warden and against a bare
// handler answering Warden's response, as BenchmarkGetUser does.
func compareWithBare(b *testing.B, ts *testServer, req *http.Request, body string) {
	resp, respBody := send(b, http.DefaultClient, req, body)
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("%d %s", resp.StatusCode, respBody)
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/xml")
		w.Write(respBody)
	}))
	defer bare.Close()
	for _, target := range []struct{ name, url string }{{"bare", bare.URL}, {"warden", ts.Endpoint}} {
		b.Run(target.name, func(b *testing.B) {
			b.ReportAllocs()
			r := req.Clone(context.Background())
			r.URL.Host = strings.TrimPrefix(target.url, "http://")
			runLoad(b, r, body)
		})
	}
}

// signedServiceRequest signs a Query request for a service once, with the
// session token when the credentials have one.
func signedServiceRequest(b testing.TB, endpoint, body string, creds aws.Credentials, service string) *http.Request {
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", bytes.NewReader([]byte(body)))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	return req
}
