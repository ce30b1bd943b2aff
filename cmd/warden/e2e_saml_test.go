package main

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/warden-iam/warden/saml"
	"github.com/warden-iam/warden/saml/samltest"
)

// SAML federation end to end: the test is the identity provider. It
// generates a key and certificate, registers its metadata with the real
// aws CLI (create-saml-provider), and exchanges responses it signs for
// role sessions with the aws CLI and the SDK, both of which send
// AssumeRoleWithSAML unsigned; the sessions then call IAM as the role.

const samlIdPEntityID = "https://sso.hospital.example.test/saml/metadata"

func TestE2EAssumeRoleWithSAML(t *testing.T) {
	idp := samltest.New(t, samlIdPEntityID)
	ts := startServer(t, "")
	ctx := t.Context()
	account := serverAccount(t, ts)

	stdout, stderr, err := ts.awsCLI(t, ts.Root, "iam", "create-saml-provider", "--name", "Hospital",
		"--saml-metadata-document", idp.Metadata(), "--tags", "Key=env,Value=prod")
	if err != nil {
		t.Fatalf("create-saml-provider: %v\n%s", err, stderr)
	}
	var created struct{ SAMLProviderArn string }
	if err := json.Unmarshal([]byte(stdout), &created); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	provider := "arn:aws:iam::" + account + ":saml-provider/Hospital"
	if created.SAMLProviderArn != provider {
		t.Fatalf("create-saml-provider printed %s", stdout)
	}
	got, err := ts.iam(ts.Root).GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String(provider)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.SAMLMetadataDocument) != idp.Metadata() || got.CreateDate == nil || len(got.Tags) != 1 {
		t.Fatalf("GetSAMLProvider = %+v", got)
	}
	stdout, stderr, err = ts.awsCLI(t, ts.Root, "iam", "list-saml-providers")
	if err != nil || !strings.Contains(stdout, provider) {
		t.Fatalf("list-saml-providers: %v\n%s%s", err, stdout, stderr)
	}

	// The clinician role trusts the provider for responses issued to the
	// global sign-in endpoint; the regional one only for its region's.
	clinician := createRole(t, ts, "clinician",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"`+provider+`"},
		"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"saml:aud":"https://signin.aws.amazon.com/saml"}}}]}`,
		identityDoc("iam:ListRoles"))
	regional := createRole(t, ts, "regional",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"`+provider+`"},
		"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"saml:aud":"https://eu-west-1.signin.aws.amazon.com/saml"}}}]}`)
	response := func(r samltest.Response, roles ...string) samltest.Response {
		if r.IssueInstant.IsZero() {
			r.IssueInstant = time.Now()
		}
		r.Attributes = append(samltest.AWSAttributes(provider, "alice@hospital.example.test", roles...), r.Attributes...)
		return r
	}

	t.Run("aws CLI", func(t *testing.T) {
		assertion := idp.Assertion(t, response(samltest.Response{}, clinician))
		stdout, stderr, err := ts.awsCLI(t, aws.Credentials{}, "sts", "assume-role-with-saml",
			"--role-arn", clinician, "--principal-arn", provider, "--saml-assertion", assertion)
		if err != nil {
			t.Fatalf("assume-role-with-saml: %v\n%s", err, stderr)
		}
		var out struct {
			Credentials                                           struct{ AccessKeyId, SecretAccessKey, SessionToken string }
			AssumedRoleUser                                       struct{ Arn string }
			Subject, SubjectType, Issuer, Audience, NameQualifier string
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		sessionARN := "arn:aws:sts::" + account + ":assumed-role/clinician/alice@hospital.example.test"
		if out.AssumedRoleUser.Arn != sessionARN || out.Subject != "alice" || out.SubjectType != "persistent" || out.Issuer != samlIdPEntityID ||
			out.Audience != samltest.SigninEndpoint || out.NameQualifier != saml.NameQualifier(samlIdPEntityID, account, "Hospital") {
			t.Errorf("assume-role-with-saml printed %s", stdout)
		}
		session := aws.Credentials{AccessKeyID: out.Credentials.AccessKeyId, SecretAccessKey: out.Credentials.SecretAccessKey, SessionToken: out.Credentials.SessionToken}
		stdout, stderr, err = ts.awsCLI(t, session, "sts", "get-caller-identity")
		if err != nil || !strings.Contains(stdout, sessionARN) {
			t.Errorf("get-caller-identity: %v\n%s%s", err, stdout, stderr)
		}
		// The session has the role's permissions and no others.
		if stdout, stderr, err = ts.awsCLI(t, session, "iam", "list-roles"); err != nil || !strings.Contains(stdout, clinician) {
			t.Errorf("list-roles: %v\n%s%s", err, stdout, stderr)
		}
		if _, stderr, err = ts.awsCLI(t, session, "iam", "list-users"); err == nil || !strings.Contains(stderr, "AccessDenied") {
			t.Errorf("list-users as the session: %v\n%s", err, stderr)
		}

		// A tampered response is refused by the CLI's request as well.
		data, _ := base64.StdEncoding.DecodeString(assertion)
		tampered := samltest.Encode(strings.Replace(string(data), "role/clinician", "role/regional", 1))
		_, stderr, err = ts.awsCLI(t, aws.Credentials{}, "sts", "assume-role-with-saml",
			"--role-arn", regional, "--principal-arn", provider, "--saml-assertion", tampered)
		if err == nil || !strings.Contains(stderr, "InvalidIdentityToken") {
			t.Errorf("a tampered response: %v\n%s", err, stderr)
		}
	})

	t.Run("SDK", func(t *testing.T) {
		out, err := ts.unsignedSTS().AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
			RoleArn: aws.String(clinician), PrincipalArn: aws.String(provider), DurationSeconds: aws.Int32(900),
			SAMLAssertion: aws.String(idp.Assertion(t, response(samltest.Response{Signing: samltest.SignBoth}, clinician))),
		})
		if err != nil {
			t.Fatal(err)
		}
		if left := time.Until(aws.ToTime(out.Credentials.Expiration)); left > 15*time.Minute || left < 14*time.Minute {
			t.Errorf("Expiration in %v, want 15 minutes", left)
		}
		if _, err := ts.iam(sessionCredentials(out.Credentials)).ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
			t.Errorf("ListRoles: %v", err)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		signed := idp.XML(t, response(samltest.Response{}, clinician))
		start, end := strings.Index(signed, "<saml:Assertion "), strings.Index(signed, "</saml:Assertion>")+len("</saml:Assertion>")
		original := signed[start:end]
		evil := strings.Replace(original, ">alice<", ">mallory<", 1)
		evil = evil[:strings.Index(evil, "<ds:Signature")] + evil[strings.Index(evil, "</ds:Signature>")+len("</ds:Signature>"):]
		tests := []struct {
			name, role, assertion, code, message string
		}{
			{"tampered assertion", clinician, samltest.Encode(strings.Replace(signed, ">alice<", ">mallory<", 1)), "InvalidIdentityToken", "Response signature invalid"},
			{"signature wrapping", clinician, samltest.Encode(signed[:start] + evil + original + signed[end:]), "InvalidIdentityToken",
				"The SAML response must hold exactly one assertion, directly in its Response."},
			{"wrong audience", clinician, idp.Assertion(t, response(samltest.Response{Audience: "https://portal.hospital.example.test"}, clinician)),
				"InvalidIdentityToken", "The SAML assertion's audience restriction does not name AWS (https://signin.aws.amazon.com/saml or urn:amazon:webservices)."},
			{"expired", clinician, idp.Assertion(t, response(samltest.Response{IssueInstant: time.Now().Add(-2 * time.Hour)}, clinician)),
				"ExpiredTokenException", ""},
			{"role not in the Role attribute", regional, idp.Assertion(t, response(samltest.Response{}, clinician)),
				"AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"},
			{"trust policy condition on saml:aud", regional, idp.Assertion(t, response(samltest.Response{}, regional)),
				"AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"},
			{"another IdP's key", clinician, samltest.New(t, samlIdPEntityID).Assertion(t, response(samltest.Response{}, clinician)),
				"InvalidIdentityToken", "Response signature invalid"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := ts.unsignedSTS().AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
					RoleArn: aws.String(tt.role), PrincipalArn: aws.String(provider), SAMLAssertion: aws.String(tt.assertion),
				})
				wantAPIError(t, err, tt.code, tt.message)
			})
		}
	})

	t.Run("deleted provider", func(t *testing.T) {
		if _, stderr, err := ts.awsCLI(t, ts.Root, "iam", "delete-saml-provider", "--saml-provider-arn", provider); err != nil {
			t.Fatalf("delete-saml-provider: %v\n%s", err, stderr)
		}
		_, err := ts.unsignedSTS().AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
			RoleArn: aws.String(clinician), PrincipalArn: aws.String(provider),
			SAMLAssertion: aws.String(idp.Assertion(t, response(samltest.Response{}, clinician))),
		})
		wantAPIError(t, err, "InvalidIdentityToken", "Specified provider doesn't exist")
	})
}
