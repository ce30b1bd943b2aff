package policy

import (
	"testing"
)

func compileSource(t *testing.T, src string) (*Set, []Diagnostic) {
	t.Helper()
	pol, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return Compile(Document{Name: "p", Policy: pol})
}

// TestCompileDiagnostics: condition values the engine cannot read for their
// operator are reported with their position; IAM stores such policies, and
// the values match nothing.
func TestCompileDiagnostics(t *testing.T) {
	cond := func(c string) string { return stmt(okMembers + `,"Condition":` + c) }
	const p = "Statement.Condition."
	tests := []struct {
		name string
		src  string
		want []wantDiag
	}{
		{"date", cond(`{"DateGreaterThan":{"aws:CurrentTime":"yesterday"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "DateGreaterThan.aws:CurrentTime", at: `"yesterday"`}}},
		{"date in a list", cond(`{"DateLessThan":{"aws:CurrentTime":["2026-01-01","2026-13-01"]}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "DateLessThan.aws:CurrentTime[1]", at: `"2026-13-01"`}}},
		{"date with a variable", cond(`{"DateLessThan":{"aws:CurrentTime":"${aws:TokenIssueTime}"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "DateLessThan.aws:CurrentTime", at: `"${aws:TokenIssueTime}"`}}},
		{"number", cond(`{"NumericLessThan":{"s3:max-keys":"ten"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "NumericLessThan.s3:max-keys", at: `"ten"`}}},
		{"number NaN", cond(`{"NumericEquals":{"s3:max-keys":"NaN"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "NumericEquals.s3:max-keys", at: `"NaN"`}}},
		{"number infinity", cond(`{"NumericLessThan":{"s3:max-keys":"Inf"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "NumericLessThan.s3:max-keys", at: `"Inf"`}}},
		{"number hexadecimal", cond(`{"NumericEquals":{"s3:max-keys":"0x1p4"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "NumericEquals.s3:max-keys", at: `"0x1p4"`}}},
		{"number with a variable", cond(`{"NumericEquals":{"s3:max-keys":"${x"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "NumericEquals.s3:max-keys", at: `"${x"`}}},
		{"number empty", cond(`{"NumericEquals":{"s3:max-keys":""}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "NumericEquals.s3:max-keys", at: `""`}}},
		{"ip address", cond(`{"IpAddress":{"aws:SourceIp":"300.1.1.1"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "IpAddress.aws:SourceIp", at: `"300.1.1.1"`}}},
		{"ip prefix too long", cond(`{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","10.0.0.0/33"]}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "NotIpAddress.aws:SourceIp[1]", at: `"10.0.0.0/33"`}}},
		{"ip host name", cond(`{"IpAddress":{"aws:SourceIp":"example.com"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "IpAddress.aws:SourceIp", at: `"example.com"`}}},
		{"base64", cond(`{"BinaryEquals":{"k":"not base64!"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "BinaryEquals.k", at: `"not base64!"`}}},
		{"bool", cond(`{"Bool":{"aws:SecureTransport":"yes"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "Bool.aws:SecureTransport", at: `"yes"`}}},
		{"bool number", cond(`{"BoolIfExists":{"aws:MultiFactorAuthPresent":1}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "BoolIfExists.aws:MultiFactorAuthPresent", at: `1}`}}},
		// The variables page excludes Bool from substitution (the operators page
		// says otherwise); IAM Access Analyzer follows the variables page.
		{"bool with a variable", cond(`{"Bool":{"aws:SecureTransport":"${aws:MultiFactorAuthPresent}"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "Bool.aws:SecureTransport", at: `"${aws:MultiFactorAuthPresent}"`}}},
		{"null", cond(`{"Null":{"aws:TokenIssueTime":"maybe"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_DATA_TYPE", path: p + "Null.aws:TokenIssueTime", at: `"maybe"`}}},
		{"several, in order", `{"Version":"2012-10-17","Statement":[{` + okMembers + `,"Condition":{"Bool":{"k":"no"}}},{` + okMembers + `,"Condition":{"NumericEquals":{"n":["1","one"]}}}]}`,
			[]wantDiag{
				{code: "INVALID_CONDITION_DATA_TYPE", path: "Statement[0].Condition.Bool.k", at: `"no"`},
				{code: "INVALID_CONDITION_DATA_TYPE", path: "Statement[1].Condition.NumericEquals.n[1]", at: `"one"`},
			}},
		{"readable values", cond(`{"NumericEquals":{"n":["10","10.0","-3",".5","1e3",7]},"DateEquals":{"d":["2026-01-01","2026-01","2026-01-01T10:00Z","2026-01-01T10:00:00+01:00","2026-01-01T10:00:00.123Z","2026-01-01T10:00:00","1767225600"]},` +
			`"IpAddress":{"i":["10.0.0.0/8","10.0.0.1","2001:DB8::/32","2001:db8::1"]},"BinaryEquals":{"b":"QmluYXJ5"},"Bool":{"t":[true,"false","TRUE"]},"Null":{"x":false},"StringLike":{"s":"any thing"},"ArnLike":{"a":["arn:aws:s3:::b","not-an-arn"]}}`),
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := compileSource(t, tt.src)
			checkDiagnostics(t, tt.src, diags, tt.want)
		})
	}
}

func TestCompileSet(t *testing.T) {
	a := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:Get*","S3:GETOBJECT"],"Resource":"*"},{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}]}`)
	b := MustParse(stmt(okMembers))
	s := MustCompile(Document{Name: "a", Policy: a}, Document{Name: "b", Policy: b})
	if s.Len() != 3 || len(s.Documents()) != 2 || s.Documents()[1].Name != "b" {
		t.Fatalf("Len = %d, Documents = %v", s.Len(), s.Documents())
	}
	// Every statement whose action element covers the action is visited
	// exactly once, however its actions overlap.
	visits := map[string]int{}
	s.each("s3:getobject", func(st *statement) bool {
		visits[st.ref.Policy+"/"+st.ref.Effect]++
		return true
	})
	want := map[string]int{"a/Allow": 1, "a/Deny": 1, "b/Allow": 1}
	if len(visits) != len(want) {
		t.Errorf("visits = %v, want %v", visits, want)
	}
	for k, n := range want {
		if visits[k] != n {
			t.Errorf("visits = %v, want %v", visits, want)
		}
	}
	// NotAction iam:* does not cover iam actions; nothing else does either.
	s.each("iam:CreateUser", func(st *statement) bool {
		t.Errorf("statement %v visited for iam:CreateUser", st.ref)
		return true
	})
}

func TestMustCompilePanicsOnDiagnostics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustCompile accepted an unreadable condition value")
		}
	}()
	MustCompile(Document{Name: "p", Policy: MustParse(stmt(okMembers + `,"Condition":{"Bool":{"k":"maybe"}}`))})
}

// TestUnreadableValueMatchesNothing: a value that failed to compile never
// matches, so a Deny guarded by it never fires and an Allow never grants.
func TestUnreadableValueMatchesNothing(t *testing.T) {
	set, diags := compileSource(t, `{"Version":"2012-10-17","Statement":[`+
		`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericEquals":{"n":"NaN"}}},`+
		`{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"},`+
		`{"Effect":"Deny","Action":"s3:PutObject","Resource":"*","Condition":{"DateLessThan":{"d":"soon"}}}]}`)
	if len(diags) != 2 {
		t.Fatalf("diagnostics = %v, want 2", diags)
	}
	req := &Request{Principal: RequestPrincipal{Type: PrincipalUser, ARN: "arn:aws:iam::111122223333:user/a", Account: "111122223333"}, Resource: "*"}
	req.Context.Set("n", "5")
	req.Context.Set("d", "2026-01-01T00:00:00Z")
	for action, want := range map[string]Decision{"s3:GetObject": ImplicitDeny, "s3:PutObject": Allowed} {
		req.Action = action
		if got := Evaluate(&Layers{Identity: set}, req); got != want {
			t.Errorf("%s = %v, want %v", action, got, want)
		}
	}
}
