package policy

import (
	"fmt"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	const (
		principalStar = `"Principal":"*"`
		full          = `"Effect":"Allow","Action":"*","Resource":"*"`
	)
	tests := []struct {
		name string
		kind Kind
		src  string
		want []wantDiag
	}{
		// Identity-like kinds apply to the principal they are attached to.
		{"identity with Principal", KindIdentity, stmt(okMembers + `,` + principalStar),
			[]wantDiag{{code: "UNSUPPORTED_PRINCIPAL", path: "Statement.Principal", at: `"*"}`}}},
		{"identity with NotPrincipal", KindIdentity, stmt(okMembers + `,"NotPrincipal":{"AWS":"111122223333"}`),
			[]wantDiag{{code: "UNSUPPORTED_PRINCIPAL", path: "Statement.NotPrincipal", at: `{"AWS"`}}},
		{"identity without Resource", KindIdentity, stmt(`"Effect":"Allow","Action":"s3:GetObject"`),
			[]wantDiag{{code: "MISSING_RESOURCE", path: "Statement", at: `{"Effect"`}}},
		{"identity with NotResource", KindIdentity, stmt(`"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"`), nil},
		{"boundary with Principal", KindBoundary, stmt(okMembers + `,` + principalStar),
			[]wantDiag{{code: "UNSUPPORTED_PRINCIPAL", path: "Statement.Principal", at: `"*"}`}}},
		{"boundary without Resource", KindBoundary, stmt(`"Effect":"Allow","Action":"s3:GetObject"`),
			[]wantDiag{{code: "MISSING_RESOURCE", path: "Statement", at: `{"Effect"`}}},
		{"session with Principal", KindSession, stmt(okMembers + `,` + principalStar),
			[]wantDiag{{code: "UNSUPPORTED_PRINCIPAL", path: "Statement.Principal", at: `"*"}`}}},
		{"identity valid", KindIdentity, stmt(okMembers), nil},

		// Role trust policies.
		{"trust valid", KindTrust, stmt(`"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}`), nil},
		{"trust with Resource", KindTrust, stmt(`"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"111122223333"},"Resource":"*"`),
			[]wantDiag{{code: "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", path: "Statement.Resource", at: `"*"}`}}},
		{"trust with NotResource", KindTrust, stmt(`"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"111122223333"},"NotResource":"*"`),
			[]wantDiag{{code: "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", path: "Statement.NotResource", at: `"*"}`}}},
		{"trust with NotPrincipal", KindTrust, stmt(`"Effect":"Deny","Action":"sts:AssumeRole","NotPrincipal":{"AWS":"111122223333"}`),
			[]wantDiag{{code: "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL", path: "Statement.NotPrincipal", at: `{"AWS"`}}},
		{"trust without Principal", KindTrust, stmt(`"Effect":"Allow","Action":"sts:AssumeRole"`),
			[]wantDiag{{code: "MISSING_PRINCIPAL", path: "Statement", at: `{"Effect"`}}},

		// Resource-based policies name principals; their Sids follow the service's rules.
		{"resource valid", KindResource, stmt(okMembers + `,"Principal":{"AWS":"111122223333"}`), nil},
		{"resource without Principal", KindResource, stmt(okMembers),
			[]wantDiag{{code: "MISSING_PRINCIPAL", path: "Statement", at: `{"Effect"`}}},
		{"resource Sid with punctuation", KindResource, stmt(`"Sid":"allow-read.1",` + okMembers + `,"Principal":"*"`), nil},
		{"resource duplicate Sids", KindResource, `{"Version":"2012-10-17","Statement":[{"Sid":"A",` + okMembers + `,"Principal":"*"},{"Sid":"A",` + okMembers + `,"Principal":"*"}]}`, nil},

		// SCPs: IAM language without principals, Version 2012-10-17 only.
		{"scp valid with 2025 language", KindSCP, stmt(`"Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}`), nil},
		{"scp with Principal", KindSCP, stmt(okMembers + `,` + principalStar),
			[]wantDiag{{code: "UNSUPPORTED_PRINCIPAL", path: "Statement.Principal", at: `"*"}`}}},
		{"scp with 2008 version", KindSCP, `{"Version":"2008-10-17","Statement":{` + okMembers + `}}`,
			[]wantDiag{{code: "INVALID_VERSION", path: "Version", at: `"2008-10-17"`}}},
		{"scp without version", KindSCP, `{"Statement":{` + okMembers + `}}`,
			[]wantDiag{{code: "INVALID_VERSION", path: "Version", nowhere: true}}},

		// RCPs: Deny statements for Principal "*", plus RCPFullAWSAccess.
		{"rcp full access", KindRCP, stmt(full + `,` + principalStar), nil},
		{"rcp full access with AWS wildcard", KindRCP, stmt(full + `,"Principal":{"AWS":"*"}`), nil},
		{"rcp deny with condition", KindRCP, stmt(`"Effect":"Deny","Action":"s3:*","Resource":"*",` + principalStar + `,"Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`), nil},
		{"rcp allow other than full access", KindRCP, stmt(`"Effect":"Allow","Action":"s3:*","Resource":"*",` + principalStar),
			[]wantDiag{{code: "RCP_SYNTAX_ERROR_ALLOW", path: "Statement.Effect", at: `"Allow"`}}},
		{"rcp allow with condition", KindRCP, stmt(full + `,` + principalStar + `,"Condition":{"Bool":{"aws:SecureTransport":"true"}}`),
			[]wantDiag{{code: "RCP_SYNTAX_ERROR_ALLOW", path: "Statement.Effect", at: `"Allow"`}}},
		{"rcp with a named principal", KindRCP, stmt(`"Effect":"Deny","Action":"s3:*","Resource":"*","Principal":{"AWS":"111122223333"}`),
			[]wantDiag{{code: "RCP_SYNTAX_ERROR_PRINCIPAL", path: "Statement.Principal", at: `{"AWS"`}}},
		{"rcp without Principal", KindRCP, stmt(`"Effect":"Deny","Action":"s3:*","Resource":"*"`),
			[]wantDiag{{code: "RCP_SYNTAX_ERROR_PRINCIPAL", path: "Statement.Principal", at: `{"Effect"`}}},
		{"rcp with NotPrincipal", KindRCP, stmt(`"Effect":"Deny","Action":"s3:*","Resource":"*","NotPrincipal":{"AWS":"111122223333"}`),
			[]wantDiag{{code: "RCP_SYNTAX_ERROR_NOTPRINCIPAL", path: "Statement.NotPrincipal", at: `{"AWS"`}}},
		{"rcp with 2008 version", KindRCP, `{"Version":"2008-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*",` + principalStar + `}}`,
			[]wantDiag{{code: "INVALID_VERSION", path: "Version", at: `"2008-10-17"`}}},

		// IAM's Sid rules: letters and digits, unique within the policy.
		{"Sid with a hyphen", KindIdentity, stmt(`"Sid":"Allow-Read",` + okMembers),
			[]wantDiag{{code: "UNSUPPORTED_SID", path: "Statement.Sid", at: `"Allow-Read"`}}},
		{"Sid with a space", KindTrust, stmt(`"Sid":"Trust EC2","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}`),
			[]wantDiag{{code: "UNSUPPORTED_SID", path: "Statement.Sid", at: `"Trust EC2"`}}},
		{"Sid with Latin-1 letter", KindSCP, stmt(`"Sid":"Café",` + okMembers),
			[]wantDiag{{code: "UNSUPPORTED_SID", path: "Statement.Sid", at: `"Café"`}}},
		{"duplicate Sid", KindIdentity, `{"Version":"2012-10-17","Statement":[{"Sid":"Read",` + okMembers + `},{"Sid":"Write",` + okMembers + `},{"Sid":"Read",` + okMembers + `}]}`,
			[]wantDiag{{code: "UNIQUE_SIDS_REQUIRED", path: "Statement[2].Sid", at: `},{"Sid":^"Read"`}}},
		{"Sids differing in case", KindIdentity, `{"Version":"2012-10-17","Statement":[{"Sid":"Read",` + okMembers + `},{"Sid":"READ",` + okMembers + `}]}`, nil},
		{"empty Sids", KindIdentity, `{"Version":"2012-10-17","Statement":[{"Sid":"",` + okMembers + `},{"Sid":"",` + okMembers + `}]}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol, err := Parse([]byte(tt.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkDiagnostics(t, tt.src, pol.Check(tt.kind), tt.want)
			_, perr := ParseAs([]byte(tt.src), tt.kind)
			if (perr == nil) != (len(tt.want) == 0) {
				t.Errorf("ParseAs error = %v, want an error exactly when Check reports", perr)
			}
		})
	}
}

// sizedPolicy builds an identity policy of exactly n counted characters,
// with generous whitespace that must not count.
func sizedPolicy(t *testing.T, n int) []byte {
	t.Helper()
	head := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\n    \"Effect\": \"Allow\",\n    \"Action\": \"s3:GetObject\",\n    \"Resource\": \"arn:aws:s3:::"
	tail := "\"\n  }\n}\n"
	fixed := policySize([]byte(head + tail))
	if n < fixed+1 {
		t.Fatalf("cannot build a policy of %d characters", n)
	}
	src := []byte(head + strings.Repeat("x", n-fixed) + tail)
	if got := policySize(src); got != n {
		t.Fatalf("built a policy of %d characters, want %d", got, n)
	}
	return src
}

func TestCheckSizeLimits(t *testing.T) {
	for _, tt := range []struct {
		kind  Kind
		limit int
		code  string
	}{
		{KindIdentity, 6144, "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"},
		{KindBoundary, 6144, "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"},
		{KindSession, 2048, "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"},
		{KindSCP, 5120, "POLICY_SIZE_EXCEEDS_SCP_QUOTA"},
	} {
		t.Run(tt.kind.String(), func(t *testing.T) {
			if got := tt.kind.SizeLimit(); got != tt.limit {
				t.Fatalf("SizeLimit = %d, want %d", got, tt.limit)
			}
			at, err := Parse(sizedPolicy(t, tt.limit))
			if err != nil {
				t.Fatal(err)
			}
			if ds := at.Check(tt.kind); len(ds) != 0 {
				t.Errorf("a policy of exactly %d characters: %v", tt.limit, ds)
			}
			over, err := Parse(sizedPolicy(t, tt.limit+1))
			if err != nil {
				t.Fatal(err)
			}
			ds := over.Check(tt.kind)
			if len(ds) != 1 || ds[0].Code != tt.code || ds[0].Pos != (Position{Line: 1, Column: 1}) {
				t.Errorf("a policy of %d characters: %v, want one %s at 1:1", tt.limit+1, ds, tt.code)
			}
		})
	}
	// Trust and resource control policies carry Principal, so they are
	// built separately.
	for _, tt := range []struct {
		kind   Kind
		limit  int
		code   string
		prefix string
	}{
		{KindTrust, 2048, "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::111122223333:role/`},
		{KindRCP, 5120, "POLICY_SIZE_EXCEEDS_RCP_QUOTA", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Principal":"*","Resource":"arn:aws:s3:::`},
		{KindResource, 6144, "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Principal":"*","Resource":"arn:aws:s3:::`},
	} {
		t.Run(tt.kind.String(), func(t *testing.T) {
			suffix := `"}}`
			if tt.kind == KindTrust {
				suffix = `"}}}`
			}
			build := func(n int) *Policy {
				src := tt.prefix + strings.Repeat("x", n-len(tt.prefix)-len(suffix)) + suffix
				pol, err := Parse([]byte(src))
				if err != nil || pol.Size != n {
					t.Fatalf("built %d characters (%v), want %d", pol.Size, err, n)
				}
				return pol
			}
			if ds := build(tt.limit).Check(tt.kind); len(ds) != 0 {
				t.Errorf("at the limit: %v", ds)
			}
			if ds := build(tt.limit + 1).Check(tt.kind); len(ds) != 1 || ds[0].Code != tt.code {
				t.Errorf("over the limit: %v, want %s", ds, tt.code)
			}
		})
	}
}

func TestKindNames(t *testing.T) {
	for _, k := range []Kind{KindIdentity, KindResource, KindTrust, KindBoundary, KindSession, KindSCP, KindRCP} {
		got, ok := ParseKind(strings.ToUpper(k.String()))
		if !ok || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", strings.ToUpper(k.String()), got, ok)
		}
	}
	if _, ok := ParseKind("bucket"); ok {
		t.Error(`ParseKind("bucket") succeeded`)
	}
}

// TestCheckEveryKindNeverPanics runs Check for every kind over policies of
// every shape Parse returns, including partial ones.
func TestCheckEveryKindNeverPanics(t *testing.T) {
	srcs := []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"allow"}}`,
		`{"Statement":[1,{"NotPrincipal":"*"}]}`,
		`{"Version":5}`,
		stmt(okMembers + `,"Principal":5`),
	}
	for _, src := range srcs {
		pol, _ := Parse([]byte(src))
		if pol == nil {
			continue
		}
		for k := KindIdentity; k <= KindRCP; k++ {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("Check(%s) of %s panicked: %v", k, src, r)
					}
				}()
				_ = fmt.Sprint(pol.Check(k))
			}()
		}
	}
}
