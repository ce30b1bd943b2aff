package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/warden-iam/warden/oidc/oidctest"
)

// Web identity end to end: the test is the identity provider. It generates
// an RSA and an EC key pair, publishes their JWK Sets (one on a loopback
// URL, one as a file), registers the providers through IAM, and exchanges
// tokens it signs for role sessions with the SDK and the aws CLI, both of
// which send AssumeRoleWithWebIdentity unsigned.

const (
	ciIssuer   = "https://token.ci.example.test"
	ciHost     = "token.ci.example.test"
	appIssuer  = "https://login.example.test/tenant-7"
	ciSubject  = "repo:acme/scribe:ref:refs/heads/main"
	ciAudience = "sts.amazonaws.com"
)

// unsignedSTS returns an STS client without credentials, as an application
// holding only a web identity token has.
func (ts *testServer) unsignedSTS() *sts.Client {
	return sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(ts.Endpoint)})
}

// idToken signs claims for the issuer with the key, valid for ten minutes
// unless overridden; a nil override removes a claim.
func idToken(t *testing.T, key *oidctest.Key, issuer string, overrides map[string]any) string {
	t.Helper()
	now := time.Now().Unix()
	claims := map[string]any{"iss": issuer, "sub": ciSubject, "aud": ciAudience, "iat": now, "exp": now + 600}
	for k, v := range overrides {
		if v == nil {
			delete(claims, k)
		} else {
			claims[k] = v
		}
	}
	return key.Sign(t, claims)
}

func TestE2EAssumeRoleWithWebIdentity(t *testing.T) {
	rsaKey := oidctest.NewRSAKey(t, "ci-2026", "RS256")
	ecKey := oidctest.NewECKey(t, "app-1", "ES256")
	jwksServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.Write(oidctest.JWKS(rsaKey))
	}))
	t.Cleanup(jwksServer.Close)
	ts := startServer(t, "",
		"--oidc-jwks", ciIssuer+"="+jwksServer.URL+"/.well-known/jwks",
		"--oidc-jwks", appIssuer+"="+oidctest.WriteJWKS(t, ecKey))
	ctx := t.Context()
	account := serverAccount(t, ts)
	admin := ts.iam(ts.Root)

	for _, issuer := range []string{ciIssuer, appIssuer} {
		if _, err := admin.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
			Url: aws.String(issuer), ClientIDList: []string{ciAudience},
		}); err != nil {
			t.Fatalf("CreateOpenIDConnectProvider %s: %v", issuer, err)
		}
	}
	ciProvider := "arn:aws:iam::" + account + ":oidc-provider/" + ciHost
	got, err := admin.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(ciProvider)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Url) != ciHost || len(got.ClientIDList) != 1 || got.ClientIDList[0] != ciAudience {
		t.Fatalf("GetOpenIDConnectProvider = %+v", got)
	}

	// The role trusts the CI provider for one repository's main branch.
	role := createRole(t, ts, "deploy",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"`+ciProvider+`"},
		"Action":"sts:AssumeRoleWithWebIdentity",
		"Condition":{"StringEquals":{"`+ciHost+`:aud":"`+ciAudience+`","`+ciHost+`:sub":"`+ciSubject+`"}}}]}`,
		identityDoc("iam:ListRoles"))
	appRole := createRole(t, ts, "app",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::`+account+`:oidc-provider/login.example.test/tenant-7"},
		"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"ForAnyValue:StringEquals":{"login.example.test/tenant-7:amr":"mfa"}}}]}`)

	t.Run("SDK", func(t *testing.T) {
		out, err := ts.unsignedSTS().AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(role), RoleSessionName: aws.String("build-1"), WebIdentityToken: aws.String(idToken(t, rsaKey, ciIssuer, nil)),
		})
		if err != nil {
			t.Fatal(err)
		}
		sessionARN := "arn:aws:sts::" + account + ":assumed-role/deploy/build-1"
		if aws.ToString(out.AssumedRoleUser.Arn) != sessionARN || aws.ToString(out.SubjectFromWebIdentityToken) != ciSubject ||
			aws.ToString(out.Audience) != ciAudience || aws.ToString(out.Provider) != ciProvider {
			t.Errorf("AssumeRoleWithWebIdentity = %+v %+v", out, out.AssumedRoleUser)
		}
		session := sessionCredentials(out.Credentials)
		id, err := ts.sts(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(id.Arn) != sessionARN || aws.ToString(id.Account) != account {
			t.Errorf("GetCallerIdentity = %s %s", aws.ToString(id.Arn), aws.ToString(id.Account))
		}
		// The session has the role's permissions and no others.
		if _, err := ts.iam(session).ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
			t.Errorf("ListRoles: %v", err)
		}
		_, err = ts.iam(session).ListUsers(ctx, &iam.ListUsersInput{})
		wantAPIError(t, err, "AccessDenied", "")
	})

	t.Run("EC key from a file, amr condition", func(t *testing.T) {
		in := func(amr any) *sts.AssumeRoleWithWebIdentityInput {
			return &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(appRole), RoleSessionName: aws.String("alice"),
				WebIdentityToken: aws.String(idToken(t, ecKey, appIssuer, map[string]any{"amr": amr}))}
		}
		if _, err := ts.unsignedSTS().AssumeRoleWithWebIdentity(ctx, in([]string{"pwd", "mfa"})); err != nil {
			t.Fatal(err)
		}
		_, err := ts.unsignedSTS().AssumeRoleWithWebIdentity(ctx, in("pwd"))
		wantAPIError(t, err, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	})

	t.Run("refusals", func(t *testing.T) {
		otherKey := oidctest.NewRSAKey(t, "ci-2026", "RS256") // same kid, key the provider does not publish
		tests := []struct {
			name, token, code, message string
		}{
			{"wrong sub", idToken(t, rsaKey, ciIssuer, map[string]any{"sub": "repo:acme/scribe:pull_request"}),
				"AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
			{"wrong aud", idToken(t, rsaKey, ciIssuer, map[string]any{"aud": "another-client"}), "InvalidIdentityToken", "Incorrect token audience"},
			{"expired", idToken(t, rsaKey, ciIssuer, map[string]any{"iat": time.Now().Unix() - 7200, "exp": time.Now().Unix() - 3600}), "ExpiredTokenException", ""},
			{"bad signature", idToken(t, otherKey, ciIssuer, nil), "InvalidIdentityToken", ""},
			{"unknown provider", idToken(t, rsaKey, "https://unregistered.example.test", nil), "InvalidIdentityToken",
				"No OpenIDConnect provider found in your account for https://unregistered.example.test"},
			{"alg none", unsignedJWT(map[string]any{"iss": ciIssuer, "sub": ciSubject, "aud": ciAudience, "exp": time.Now().Unix() + 600}), "InvalidIdentityToken", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := ts.unsignedSTS().AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
					RoleArn: aws.String(role), RoleSessionName: aws.String("build-2"), WebIdentityToken: aws.String(tt.token),
				})
				wantAPIError(t, err, tt.code, tt.message)
			})
		}
	})

	t.Run("aws CLI", func(t *testing.T) {
		stdout, stderr, err := ts.awsCLI(t, aws.Credentials{}, "sts", "assume-role-with-web-identity",
			"--role-arn", role, "--role-session-name", "cli-build", "--web-identity-token", idToken(t, rsaKey, ciIssuer, nil))
		if err != nil {
			t.Fatalf("assume-role-with-web-identity: %v\n%s", err, stderr)
		}
		var out struct {
			Credentials                                     struct{ AccessKeyId, SecretAccessKey, SessionToken string }
			AssumedRoleUser                                 struct{ Arn string }
			SubjectFromWebIdentityToken, Audience, Provider string
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		if out.AssumedRoleUser.Arn != "arn:aws:sts::"+account+":assumed-role/deploy/cli-build" || out.SubjectFromWebIdentityToken != ciSubject ||
			out.Provider != ciProvider {
			t.Errorf("assume-role-with-web-identity printed %s", stdout)
		}
		session := aws.Credentials{AccessKeyID: out.Credentials.AccessKeyId, SecretAccessKey: out.Credentials.SecretAccessKey, SessionToken: out.Credentials.SessionToken}
		stdout, stderr, err = ts.awsCLI(t, session, "sts", "get-caller-identity")
		if err != nil || !strings.Contains(stdout, "assumed-role/deploy/cli-build") {
			t.Errorf("get-caller-identity: %v\n%s%s", err, stdout, stderr)
		}

		_, stderr, err = ts.awsCLI(t, aws.Credentials{}, "sts", "assume-role-with-web-identity",
			"--role-arn", role, "--role-session-name", "cli-build", "--web-identity-token", idToken(t, rsaKey, ciIssuer, map[string]any{"sub": "someone-else"}))
		if err == nil || !strings.Contains(stderr, "AccessDenied") {
			t.Errorf("a token for another subject: %v\n%s", err, stderr)
		}

		stdout, stderr, err = ts.awsCLI(t, ts.Root, "iam", "list-open-id-connect-providers")
		if err != nil || !strings.Contains(stdout, ciProvider) || !strings.Contains(stdout, "oidc-provider/login.example.test/tenant-7") {
			t.Errorf("list-open-id-connect-providers: %v\n%s%s", err, stdout, stderr)
		}
	})

	t.Run("other operations still need a signature", func(t *testing.T) {
		for _, form := range []url.Values{
			{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}},
			// The exemption is STS's: the same action name for IAM is not exempt.
			{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2010-05-08"}, "RoleArn": {role},
				"RoleSessionName": {"x"}, "WebIdentityToken": {idToken(t, rsaKey, ciIssuer, nil)}},
		} {
			resp, err := http.PostForm(ts.Endpoint, form)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "<Code>MissingAuthenticationToken</Code>") {
				t.Errorf("unsigned %v: status %d\n%s", form["Action"], resp.StatusCode, body)
			}
		}
	})
}

// unsignedJWT is a token with alg "none" and no signature.
func unsignedJWT(claims map[string]any) string {
	c, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + base64.RawURLEncoding.EncodeToString(c) + "."
}

func TestServeRefusesRemoteKeySets(t *testing.T) {
	_, stderr, code := runMain(t, "", "serve", "--data", t.TempDir(), "--listen", "127.0.0.1:0", "--admin-listen", "",
		"--oidc-jwks", ciIssuer+"=https://www.googleapis.com/oauth2/v3/certs")
	if code != 2 || !strings.Contains(stderr, "not on the loopback interface") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}

	// WARDEN_OIDC_JWKS takes a comma-separated list: its second source is
	// refused the same way.
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(name string) string {
		if name == "WARDEN_OIDC_JWKS" {
			return ciIssuer + "=" + oidctest.WriteJWKS(t, oidctest.NewECKey(t, "k", "ES256")) + "," + appIssuer + "=http://203.0.113.9/jwks"
		}
		return ""
	}}
	err := m.Run(t.Context(), []string{"serve", "--data", t.TempDir(), "--listen", "127.0.0.1:0", "--admin-listen", ""})
	if code := exitCode(&errb, err); code != 2 || !strings.Contains(errb.String(), "http://203.0.113.9/jwks is not on the loopback interface") {
		t.Fatalf("exit %d\n%s", code, errb.String())
	}
}
