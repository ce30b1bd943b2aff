package policy

import (
	"errors"
	"strings"
	"testing"
)

// stmt wraps statement members into a 2012-10-17 policy whose Statement is
// a single object.
func stmt(members string) string {
	return `{"Version":"2012-10-17","Statement":{` + members + `}}`
}

const okMembers = `"Effect":"Allow","Action":"s3:GetObject","Resource":"*"`

// wantDiag is an expected diagnostic. Its position is given by at: the
// place in the source marked by ^ inside a snippet that occurs exactly once
// (or the snippet's start when it has no ^); or by atEnd, the end of the
// input; or by line and column; nowhere is for a missing element, which has
// no position.
type wantDiag struct {
	code, path string
	at         string
	atEnd      bool
	line, col  int
	nowhere    bool
}

func (w wantDiag) position(t *testing.T, src string) Position {
	t.Helper()
	li := newLineIndex([]byte(src))
	switch {
	case w.nowhere:
		return Position{}
	case w.atEnd:
		return li.position(len(src))
	case w.at == "":
		return Position{Offset: li.starts[w.line-1] + w.col - 1, Line: w.line, Column: w.col}
	}
	snippet, caret := strings.ReplaceAll(w.at, "^", ""), max(strings.Index(w.at, "^"), 0)
	if n := strings.Count(src, snippet); n != 1 {
		t.Fatalf("marker %q occurs %d times in the source; it must occur once", w.at, n)
	}
	return li.position(strings.Index(src, snippet) + caret)
}

func checkDiagnostics(t *testing.T, src string, got []Diagnostic, want []wantDiag) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d diagnostics, want %d:\n%s", len(got), len(want), formatDiagnostics(got))
	}
	for i, w := range want {
		g, pos := got[i], w.position(t, src)
		if g.Code != w.code || g.Path != w.path || g.Pos != pos {
			t.Errorf("diagnostic %d = %s %q at %v (%s), want %s %q at %v", i, g.Code, g.Path, g.Pos, g.Message, w.code, w.path, pos)
		}
		if g.Message == "" {
			t.Errorf("diagnostic %d has no message", i)
		}
	}
}

func formatDiagnostics(ds []Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("  " + d.Code + " " + d.String() + "\n")
	}
	return b.String()
}

func TestParseErrors(t *testing.T) {
	deep := strings.Repeat("[", 70) + strings.Repeat("]", 70)
	tests := []struct {
		name string
		src  string
		want []wantDiag
	}{
		// Text that is not JSON.
		{"trailing comma in array", stmt(`"Effect":"Allow","Action":["s3:GetObject",],"Resource":"*"`),
			[]wantDiag{{code: "JSON_SYNTAX_ERROR", path: "Statement.Action", at: `"s3:GetObject"^,]`}}},
		{"trailing comma in object", stmt(okMembers + `,`),
			[]wantDiag{{code: "JSON_SYNTAX_ERROR", path: "Statement", at: `"*"^,}`}}},
		{"missing closing brace", `{"Version":"2012-10-17","Statement":{` + okMembers + `}`,
			[]wantDiag{{code: "JSON_SYNTAX_ERROR", atEnd: true}}},
		{"missing closing brace on a later line", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {" + okMembers + "}\n",
			[]wantDiag{{code: "JSON_SYNTAX_ERROR", line: 4, col: 1}}},
		{"missing comma", `{"Version":"2012-10-17" "Statement":{` + okMembers + `}}`,
			[]wantDiag{{code: "JSON_SYNTAX_ERROR", at: `"2012-10-17" ^"Statement"`}}},
		{"empty input", ``, []wantDiag{{code: "JSON_SYNTAX_ERROR", line: 1, col: 1}}},
		{"whitespace only", "  \n ", []wantDiag{{code: "JSON_SYNTAX_ERROR", atEnd: true}}},
		{"line comment", "{\"Version\":\"2012-10-17\", // why\n\"Statement\":{" + okMembers + "}}",
			[]wantDiag{{code: "JSON_SYNTAX_ERROR", at: `// why`}}},
		{"block comment", `{"Version":"2012-10-17",/* why */"Statement":{` + okMembers + `}}`,
			[]wantDiag{{code: "JSON_SYNTAX_ERROR", at: `/* why */`}}},
		{"unquoted name", `{Version:"2012-10-17"}`, []wantDiag{{code: "JSON_SYNTAX_ERROR", at: `Version:`}}},
		{"single quotes", `{'Version':'2012-10-17'}`, []wantDiag{{code: "JSON_SYNTAX_ERROR", at: `'Version'`}}},
		{"NaN literal", stmt(okMembers + `,"Condition":{"NumericEquals":{"s3:max-keys":NaN}}`),
			[]wantDiag{{code: "JSON_SYNTAX_ERROR", path: "Statement.Condition.NumericEquals.s3:max-keys", at: `NaN`}}},
		{"data after the document", stmt(okMembers) + `{}`, []wantDiag{{code: "JSON_SYNTAX_ERROR", at: `}}^{}`}}},
		{"duplicate element", stmt(okMembers + `,"Effect":"Deny"`),
			[]wantDiag{{code: "JSON_SYNTAX_ERROR", path: "Statement.Effect", at: `"Effect":"Deny"`}}},
		{"duplicate condition key", stmt(okMembers + `,"Condition":{"StringEquals":{"aws:username":"a","aws:username":"b"}}`),
			[]wantDiag{{code: "JSON_SYNTAX_ERROR", path: "Statement.Condition.StringEquals.aws:username", at: `"aws:username":"b"`}}},
		{"nesting too deep", deep, []wantDiag{{code: "JSON_SYNTAX_ERROR", line: 1, col: 66}}},
		{"byte order mark", "\ufeff" + stmt(okMembers), []wantDiag{{code: "JSON_SYNTAX_ERROR", line: 1, col: 1}}},
		{"character above U+00FF", stmt(`"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/Ā"`),
			[]wantDiag{{code: "JSON_SYNTAX_ERROR", at: `Ā`}}},
		{"control character", stmt(`"Effect":"Allow","Action":"s3:Get` + "\x01" + `","Resource":"*"`),
			[]wantDiag{{code: "JSON_SYNTAX_ERROR", at: "\x01"}}},
		{"invalid UTF-8", stmt(`"Effect":"Allow","Action":"s3:Get` + "\xff" + `","Resource":"*"`),
			[]wantDiag{{code: "JSON_SYNTAX_ERROR", at: "\xff"}}},
		{"raw tab inside a string", stmt(`"Effect":"Allow","Action":"s3:Get` + "\t" + `","Resource":"*"`),
			[]wantDiag{{code: "JSON_SYNTAX_ERROR", path: "Statement.Action", at: "\t"}}},

		// JSON of the wrong shape.
		{"document is an array", `[]`, []wantDiag{{code: "DATA_TYPE_MISMATCH", line: 1, col: 1}}},
		{"document is a string", ` "policy"`, []wantDiag{{code: "DATA_TYPE_MISMATCH", line: 1, col: 2}}},
		{"document is null", `null`, []wantDiag{{code: "DATA_TYPE_MISMATCH", line: 1, col: 1}}},
		{"Version is a number", `{"Version":2012,"Statement":{` + okMembers + `}}`,
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Version", at: `2012,`}}},
		{"Id is a number", `{"Version":"2012-10-17","Id":7,"Statement":{` + okMembers + `}}`,
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Id", at: `7,`}}},
		{"Statement is a string", `{"Version":"2012-10-17","Statement":"Allow everything"}`,
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement", at: `"Allow everything"`}}},
		{"statement is a number", `{"Version":"2012-10-17","Statement":[{` + okMembers + `},1]}`,
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement[1]", at: `},^1]`}}},
		{"Sid is a number", stmt(`"Sid":1,` + okMembers), []wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement.Sid", at: `1,`}}},
		{"Effect is a number", stmt(`"Effect":1,"Action":"s3:GetObject","Resource":"*"`),
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement.Effect", at: `1,`}}},
		{"Effect is null", stmt(`"Effect":null,"Action":"s3:GetObject","Resource":"*"`),
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement.Effect", at: `null`}}},
		{"Action is an object", stmt(`"Effect":"Allow","Action":{"s3":"GetObject"},"Resource":"*"`),
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement.Action", at: `{"s3"`}}},
		{"action list holds a number", stmt(`"Effect":"Allow","Action":["s3:GetObject",5],"Resource":"*"`),
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement.Action[1]", at: `5]`}}},
		{"Resource is a number", stmt(`"Effect":"Allow","Action":"s3:GetObject","Resource":5`),
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement.Resource", at: `5}`}}},
		{"Condition is an array", stmt(okMembers + `,"Condition":[]`),
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement.Condition", at: `[]`}}},
		{"operator maps to a string", stmt(okMembers + `,"Condition":{"StringEquals":"x"}`),
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement.Condition.StringEquals", at: `"x"`}}},
		{"condition value is an object", stmt(okMembers + `,"Condition":{"StringEquals":{"aws:username":{"v":1}}}`),
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement.Condition.StringEquals.aws:username", at: `{"v":1}`}}},
		{"condition value is null", stmt(okMembers + `,"Condition":{"StringEquals":{"aws:username":null}}`),
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement.Condition.StringEquals.aws:username", at: `null`}}},
		{"condition list holds an array", stmt(okMembers + `,"Condition":{"StringEquals":{"aws:username":["a",["b"]]}}`),
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement.Condition.StringEquals.aws:username[1]", at: `["b"]`}}},
		{"Principal is a number", stmt(okMembers + `,"Principal":5`),
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement.Principal", at: `5}`}}},
		{"principal list holds a number", stmt(okMembers + `,"Principal":{"AWS":["111122223333",5]}`),
			[]wantDiag{{code: "DATA_TYPE_MISMATCH", path: "Statement.Principal.AWS[1]", at: `5]`}}},

		// Elements IAM does not know.
		{"unknown top-level element", `{"Version":"2012-10-17","Comment":"x","Statement":{` + okMembers + `}}`,
			[]wantDiag{{code: "INVALID_POLICY_ELEMENT", path: "Comment", at: `"Comment"`}}},
		{"unknown statement element", stmt(okMembers + `,"Comment":"x"`),
			[]wantDiag{{code: "INVALID_POLICY_ELEMENT", path: "Statement.Comment", at: `"Comment"`}}},
		{"top-level element in the wrong case", `{"version":"2012-10-17","Statement":{` + okMembers + `}}`,
			[]wantDiag{{code: "INVALID_POLICY_ELEMENT", path: "version", at: `"version"`}}},
		{"Statement in the wrong case", `{"Version":"2012-10-17","statement":{` + okMembers + `}}`,
			[]wantDiag{
				{code: "INVALID_POLICY_ELEMENT", path: "statement", at: `"statement"`},
				{code: "MISSING_STATEMENT", line: 1, col: 1},
			}},
		{"statement element in the wrong case", stmt(`"effect":"Allow","Action":"s3:GetObject","Resource":"*"`),
			[]wantDiag{
				{code: "INVALID_POLICY_ELEMENT", path: "Statement.effect", at: `"effect"`},
				{code: "MISSING_EFFECT", path: "Statement", at: `{"effect"`},
			}},

		// Alternatives that exclude each other.
		{"Action with NotAction", stmt(okMembers + `,"NotAction":"iam:*"`),
			[]wantDiag{{code: "UNSUPPORTED_ELEMENT_COMBINATION", path: "Statement.NotAction", at: `"NotAction"`}}},
		{"Resource with NotResource", stmt(okMembers + `,"NotResource":"*"`),
			[]wantDiag{{code: "UNSUPPORTED_ELEMENT_COMBINATION", path: "Statement.NotResource", at: `"NotResource"`}}},
		{"Principal with NotPrincipal", stmt(okMembers + `,"Principal":"*","NotPrincipal":"*"`),
			[]wantDiag{{code: "UNSUPPORTED_ELEMENT_COMBINATION", path: "Statement.NotPrincipal", at: `"NotPrincipal"`}}},

		// Required elements.
		{"no Statement", `{"Version":"2012-10-17"}`, []wantDiag{{code: "MISSING_STATEMENT", line: 1, col: 1}}},
		{"empty Statement list", `{"Version":"2012-10-17","Statement":[]}`,
			[]wantDiag{{code: "MISSING_STATEMENT", path: "Statement", at: `[]`}}},
		{"no Effect", stmt(`"Action":"s3:GetObject","Resource":"*"`),
			[]wantDiag{{code: "MISSING_EFFECT", path: "Statement", at: `{"Action"`}}},
		{"no Action", `{"Version":"2012-10-17","Statement":[{` + okMembers + `},{"Effect":"Allow","Resource":"*"}]}`,
			[]wantDiag{{code: "MISSING_ACTION", path: "Statement[1]", at: `{"Effect":"Allow","Resource"`}}},
		{"empty statement", stmt(``),
			[]wantDiag{
				{code: "MISSING_EFFECT", path: "Statement", at: `{}`},
				{code: "MISSING_ACTION", path: "Statement", at: `{}`},
			}},

		// Values IAM refuses.
		{"Effect in lower case", stmt(`"Effect":"allow","Action":"s3:GetObject","Resource":"*"`),
			[]wantDiag{{code: "INVALID_EFFECT", path: "Statement.Effect", at: `"allow"`}}},
		{"Effect not a decision", stmt(`"Effect":"Permit","Action":"s3:GetObject","Resource":"*"`),
			[]wantDiag{{code: "INVALID_EFFECT", path: "Statement.Effect", at: `"Permit"`}}},
		{"Version placeholder", `{"Version":"{POLICY_VERSION}","Statement":{` + okMembers + `}}`,
			[]wantDiag{{code: "INVALID_VERSION", path: "Version", at: `"{POLICY_VERSION}"`}}},
		{"Version not a policy version", `{"Version":"2012-10-18","Statement":{` + okMembers + `}}`,
			[]wantDiag{{code: "INVALID_VERSION", path: "Version", at: `"2012-10-18"`}}},
		{"Version empty", `{"Version":"","Statement":{` + okMembers + `}}`,
			[]wantDiag{{code: "INVALID_VERSION", path: "Version", at: `""`}}},
		{"operator misspelled", stmt(okMembers + `,"Condition":{"StringEqual":{"aws:username":"a"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_OPERATOR", path: "Statement.Condition.StringEqual", at: `"StringEqual"`}}},
		{"operator in the wrong case", stmt(okMembers + `,"Condition":{"stringEquals":{"aws:username":"a"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_OPERATOR", path: "Statement.Condition.stringEquals", at: `"stringEquals"`}}},
		{"unknown set qualifier", stmt(okMembers + `,"Condition":{"ForSomeValue:StringEquals":{"aws:TagKeys":"a"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_OPERATOR", path: "Statement.Condition.ForSomeValue:StringEquals", at: `"ForSomeValue:`}}},
		{"two set qualifiers", stmt(okMembers + `,"Condition":{"ForAllValues:ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_OPERATOR", path: "Statement.Condition.ForAllValues:ForAnyValue:StringEquals", at: `"ForAllValues:`}}},
		{"NullIfExists", stmt(okMembers + `,"Condition":{"NullIfExists":{"aws:TagKeys":"true"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_OPERATOR", path: "Statement.Condition.NullIfExists", at: `"NullIfExists"`}}},
		{"IfExists twice", stmt(okMembers + `,"Condition":{"StringEqualsIfExistsIfExists":{"aws:username":"a"}}`),
			[]wantDiag{{code: "INVALID_CONDITION_OPERATOR", path: "Statement.Condition.StringEqualsIfExistsIfExists", at: `"StringEqualsIfExistsIfExists"`}}},
		{"action without service", stmt(`"Effect":"Allow","Action":"iam","Resource":"*"`),
			[]wantDiag{{code: "INVALID_ACTION", path: "Statement.Action", at: `"iam"`}}},
		{"action with two colons", stmt(`"Effect":"Allow","Action":["s3:GetObject","a::b"],"Resource":"*"`),
			[]wantDiag{{code: "INVALID_ACTION", path: "Statement.Action[1]", at: `"a::b"`}}},
		{"action with empty name", stmt(`"Effect":"Allow","Action":"s3:","Resource":"*"`),
			[]wantDiag{{code: "INVALID_ACTION", path: "Statement.Action", at: `"s3:"`}}},
		{"action with empty service", stmt(`"Effect":"Allow","Action":":GetObject","Resource":"*"`),
			[]wantDiag{{code: "INVALID_ACTION", path: "Statement.Action", at: `":GetObject"`}}},
		{"wildcard in service", stmt(`"Effect":"Allow","Action":"*:Get*","Resource":"*"`),
			[]wantDiag{{code: "INVALID_SERVICE_IN_ACTION", path: "Statement.Action", at: `"*:Get*"`}}},
		{"space in service", stmt(`"Effect":"Allow","Action":"s 3:GetObject","Resource":"*"`),
			[]wantDiag{{code: "INVALID_SERVICE_IN_ACTION", path: "Statement.Action", at: `"s 3:GetObject"`}}},
		{"variable in action", stmt(`"Effect":"Allow","Action":"s3:${aws:username}","Resource":"*"`),
			[]wantDiag{{code: "INVALID_ACTION", path: "Statement.Action", at: `"s3:${aws:username}"`}}},
		{"NotAction is checked too", stmt(`"Effect":"Deny","NotAction":"iam","Resource":"*"`),
			[]wantDiag{{code: "INVALID_ACTION", path: "Statement.NotAction", at: `"iam"`}}},
		{"resource not an ARN", stmt(`"Effect":"Allow","Action":"s3:GetObject","Resource":"bucket/key"`),
			[]wantDiag{{code: "INVALID_ARN_PREFIX", path: "Statement.Resource", at: `"bucket/key"`}}},
		{"resource with too few ARN fields", stmt(`"Effect":"Allow","Action":"s3:GetObject","Resource":["*","arn:aws:s3"]`),
			[]wantDiag{{code: "MISSING_ARN_FIELD", path: "Statement.Resource[1]", at: `"arn:aws:s3"`}}},
		{"resource without partition", stmt(`"Effect":"Allow","Action":"s3:GetObject","Resource":"arn::s3:::bucket"`),
			[]wantDiag{{code: "MISSING_ARN_FIELD", path: "Statement.Resource", at: `"arn::s3:::bucket"`}}},
		{"NotResource not an ARN", stmt(`"Effect":"Deny","Action":"s3:GetObject","NotResource":"bucket/*"`),
			[]wantDiag{{code: "INVALID_ARN_PREFIX", path: "Statement.NotResource", at: `"bucket/*"`}}},
		{"unterminated variable in resource", stmt(`"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username"`),
			[]wantDiag{{code: "MISSING_BRACE_IN_VARIABLE", path: "Statement.Resource", at: `"arn:aws:s3:::b/`}}},
		{"unterminated variable in condition", stmt(okMembers + `,"Condition":{"StringLike":{"s3:prefix":["home/","home/${aws:username/*"]}}`),
			[]wantDiag{{code: "MISSING_BRACE_IN_VARIABLE", path: "Statement.Condition.StringLike.s3:prefix[1]", at: `"home/$`}}},
		{"principal string other than *", stmt(okMembers + `,"Principal":"arn:aws:iam::111122223333:root"`),
			[]wantDiag{{code: "INVALID_PRINCIPAL_FORMAT", path: "Statement.Principal", at: `"arn:aws:iam::111122223333:root"`}}},
		{"principal type in the wrong case", stmt(okMembers + `,"Principal":{"aws":"111122223333"}`),
			[]wantDiag{{code: "INVALID_PRINCIPAL_KEY", path: "Statement.Principal.aws", at: `"aws"`}}},

		// Every problem is reported, in document order within a statement's reading.
		{"several problems", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},` +
			`{"Effect":"allow","Action":"iam","Resource":"bucket","Extra":1}]}`,
			[]wantDiag{
				{code: "INVALID_EFFECT", path: "Statement[1].Effect", at: `"allow"`},
				{code: "INVALID_POLICY_ELEMENT", path: "Statement[1].Extra", at: `"Extra"`},
				{code: "INVALID_ACTION", path: "Statement[1].Action", at: `"iam"`},
				{code: "INVALID_ARN_PREFIX", path: "Statement[1].Resource", at: `"bucket"`},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src))
			perr, ok := errors.AsType[*Error](err)
			if !ok {
				t.Fatalf("Parse(%q) error = %v, want diagnostics", tt.src, err)
			}
			checkDiagnostics(t, tt.src, perr.Diagnostics, tt.want)
		})
	}
}

// TestParseAccepts lists documents IAM stores as written: the grammar is
// satisfied even where a validator would have findings.
func TestParseAccepts(t *testing.T) {
	for _, tt := range []struct{ name, src string }{
		{"minimal", stmt(okMembers)},
		{"statement list", `{"Version":"2012-10-17","Statement":[{` + okMembers + `},{"Effect":"Deny","NotAction":"iam:*","NotResource":"*"}]}`},
		{"2008 version", `{"Version":"2008-10-17","Statement":{` + okMembers + `}}`},
		{"no version", `{"Statement":{` + okMembers + `}}`},
		{"Id", `{"Id":"policy-1","Version":"2012-10-17","Statement":{` + okMembers + `}}`},
		{"elements in any order", `{"Statement":{"Resource":"*","Action":"s3:GetObject","Effect":"Allow"},"Version":"2012-10-17"}`},
		{"whitespace and tabs", "{\r\n\t\"Version\" : \"2012-10-17\" ,\n\t\"Statement\" : { " + okMembers + " }\n}\n"},
		{"Latin-1 characters", stmt(`"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/café"`)},
		{"unknown service and action", stmt(`"Effect":"Allow","Action":"app-integartions:DeleteEventIntegration","Resource":"*"`)},
		{"comma inside an action", stmt(`"Effect":"Allow","Action":"s3:GetObject,PutObject","Resource":"*"`)},
		{"empty lists", stmt(`"Effect":"Allow","Action":[],"Resource":[]`)},
		{"numbers and booleans as condition values", stmt(okMembers + `,"Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true},"StringEquals":{"k":[1,false,"x"]}}`)},
		{"keys differing only in case", stmt(okMembers + `,"Condition":{"StringEquals":{"aws:username":"a","AWS:UserName":"a"}}`)},
		{"empty condition", stmt(okMembers + `,"Condition":{}`)},
		{"every operator form", stmt(okMembers + `,"Condition":{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":"a*"},"ForAnyValue:ArnNotEquals":{"aws:SourceArn":"arn:aws:s3:::b"},"Null":{"aws:TokenIssueTime":"true"},"NotIpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"},"BinaryEquals":{"k":"QQ=="},"DateLessThanEquals":{"aws:CurrentTime":"2026-01-01"}}`)},
		{"unterminated variable under 2008", `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username"}}`},
		{"unterminated variable in a numeric condition", stmt(okMembers + `,"Condition":{"NumericEquals":{"s3:max-keys":"${x"}}`)},
		{"principal forms", stmt(okMembers + `,"Principal":{"AWS":["*","111122223333","arn:aws:iam::111122223333:role/R"],"Service":"s3.amazonaws.com","Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}`)},
		{"wildcard principal", stmt(okMembers + `,"Principal":"*"`)},
		{"NotPrincipal", stmt(`"Effect":"Deny","Action":"s3:*","Resource":"*","NotPrincipal":{"AWS":"111122223333"}`)},
		{"no resource (trust policy shape)", stmt(`"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}`)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.src)); err != nil {
				t.Fatalf("Parse: %v", err)
			}
		})
	}
}

// TestParseStructure checks what Parse records of a valid policy.
func TestParseStructure(t *testing.T) {
	src := "{\n" +
		"  \"Version\": \"2012-10-17\",\n" +
		"  \"Id\": \"p1\",\n" +
		"  \"Statement\": [\n" +
		"    {\"Sid\": \"Read\", \"Effect\": \"Allow\", \"Action\": [\"s3:Get*\", \"s3:List*\"], \"Resource\": \"arn:aws:s3:::b/*\"},\n" +
		"    {\"Effect\": \"Deny\", \"NotAction\": \"iam:*\", \"NotResource\": [\"*\"],\n" +
		"     \"Principal\": \"*\", \"Condition\": {\"ForAnyValue:StringNotEqualsIfExists\": {\"aws:TagKeys\": [\"a\", 1]}, \"Bool\": {\"aws:SecureTransport\": false}}}\n" +
		"  ]\n" +
		"}\n"
	pol, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if pol.Version != Version2012 || !pol.HasVersion || pol.VersionPos != (Position{Offset: 15, Line: 2, Column: 14}) || !pol.VariablesEnabled() {
		t.Errorf("version = %q %v %v", pol.Version, pol.HasVersion, pol.VersionPos)
	}
	if pol.ID != "p1" || !pol.HasID || pol.IDPos.Line != 3 {
		t.Errorf("id = %q %v %v", pol.ID, pol.HasID, pol.IDPos)
	}
	if len(pol.Statements) != 2 || pol.StatementPos.Line != 4 {
		t.Fatalf("statements = %d at %v", len(pol.Statements), pol.StatementPos)
	}
	s0, s1 := pol.Statements[0], pol.Statements[1]
	if s0.Sid != "Read" || !s0.HasSid || s0.Effect != Allow || s0.Path != "Statement[0]" || s0.Pos != (Position{Offset: 64, Line: 5, Column: 5}) {
		t.Errorf("statement 0 = %+v", s0)
	}
	if s0.NotAction || len(s0.Actions) != 2 || s0.Actions[1].Text != "s3:List*" || s0.Actions[1].Path != "Statement[0].Action[1]" || s0.Actions[1].Pos.Line != 5 {
		t.Errorf("statement 0 actions = %+v", s0.Actions)
	}
	if !s0.HasResource || s0.NotResource || s0.ResourcePath != "Statement[0].Resource" || s0.Resources[0].Text != "arn:aws:s3:::b/*" || s0.Principal != nil {
		t.Errorf("statement 0 resource = %+v", s0)
	}
	if s1.Effect != Deny || !s1.NotAction || !s1.NotResource || s1.ActionPath != "Statement[1].NotAction" || s1.Principal == nil || !s1.Principal.Wildcard || s1.NotPrincipal {
		t.Errorf("statement 1 = %+v", s1)
	}
	if len(s1.Conditions) != 2 || !s1.HasCondition {
		t.Fatalf("conditions = %+v", s1.Conditions)
	}
	c0, c1 := s1.Conditions[0], s1.Conditions[1]
	if c0.Operator.Qualifier != ForAnyValue || c0.Operator.Base != "StringNotEquals" || !c0.Operator.IfExists || !c0.Operator.Negated() ||
		c0.Key != "aws:TagKeys" || !c0.ValuesIsList || len(c0.Values) != 2 || c0.Values[1].Text != "1" ||
		c0.Path != "Statement[1].Condition.ForAnyValue:StringNotEqualsIfExists.aws:TagKeys" || c0.Values[1].Path != c0.Path+"[1]" || c0.KeyPos.Line != 7 {
		t.Errorf("condition 0 = %+v", c0)
	}
	if c1.Operator.Family() != FamilyBool || c1.ValuesIsList || c1.Values[0].Text != "false" {
		t.Errorf("condition 1 = %+v", c1)
	}
	if !strings.HasPrefix(src[pol.VersionPos.Offset:], `"2012-10-17"`) || !strings.HasPrefix(src[s1.Conditions[0].KeyPos.Offset:], `"aws:TagKeys"`) {
		t.Errorf("positions do not point at their elements")
	}
}

// TestParseStatementObject: a single statement object has the path
// "Statement", without an index.
func TestParseStatementObject(t *testing.T) {
	pol, err := Parse([]byte(stmt(okMembers)))
	if err != nil {
		t.Fatal(err)
	}
	if len(pol.Statements) != 1 || pol.Statements[0].Path != "Statement" || pol.Statements[0].ActionPath != "Statement.Action" {
		t.Errorf("statement = %+v", pol.Statements[0])
	}
}

// TestParseKeepsPartialPolicy: grammar errors still return what could be
// read, so a validator can report further findings.
func TestParseKeepsPartialPolicy(t *testing.T) {
	pol, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:GetObject","Resource":"*"},{` + okMembers + `}]}`))
	if err == nil || pol == nil || len(pol.Statements) != 2 || pol.Statements[1].Effect != Allow {
		t.Fatalf("Parse = %+v, %v; want both statements and an error", pol, err)
	}
	if pol, err := Parse([]byte(`{`)); pol != nil || err == nil {
		t.Errorf("Parse of broken JSON = %+v, %v; want no policy", pol, err)
	}
}

func TestPolicySize(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want int
	}{
		{`{"a":"b"}`, 9},
		{"{ \"a\" :\n\t\"b\" }", 9},
		{`{"a":"b c"}`, 11},
		{`{"a":"b\" c"}`, 13},
		{`{"a":"é"}`, 9},
	} {
		if got := policySize([]byte(tt.src)); got != tt.want {
			t.Errorf("policySize(%q) = %d, want %d", tt.src, got, tt.want)
		}
	}
}

func TestMustParsePanicsOnInvalid(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse accepted an invalid policy")
		}
	}()
	MustParse(`{"Statement":[]}`)
}

func TestErrorMessage(t *testing.T) {
	_, err := Parse([]byte(stmt(`"Effect":"allow","Action":"iam","Resource":"*"`)))
	if got := err.Error(); !strings.HasPrefix(got, "1:47 Statement.Effect: ") || !strings.HasSuffix(got, "(and 1 more)") {
		t.Errorf("Error() = %q", got)
	}
}
