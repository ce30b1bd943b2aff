package policy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var parseFuzzSeeds = []string{
	``,
	`{}`,
	`[]`,
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
	`{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","NotAction":["iam:*","s3:Get*"],"NotResource":"arn:aws:s3:::b/${aws:username}/*"}]}`,
	`{"Version":"2008-10-17","Id":"x","Statement":{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:role/R"],"Service":"s3.amazonaws.com"},"Action":"*","Resource":"*"}}`,
	`{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*","Condition":{"ForAnyValue:StringNotEqualsIfExists":{"aws:TagKeys":["a",1,true]},"Null":{"k":"true"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2026-01-01"},"NumericEquals":{"n":"10.0"},"BinaryEquals":{"b":"QQ=="},"ArnLike":{"a":"arn:aws:s3:::*"}}}}`,
	`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","NotPrincipal":{"AWS":"*"},"Action":"a::b","Resource":"bucket"}}`,
	`{"Version":"{POLICY_VERSION}","Statement":[{"Effect":"allow","Action":["x",],"Resource":"*"}]}`,
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username","Condition":{"StringLike":{"k":"${a, 'b'}${*}${?}${$}${}"},"Bool":{"k":"maybe"}}}}`,
	"{\"Version\":\"2012-10-17\",\n\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}} // trailing",
	"\ufeff{\"Statement\":[]}",
	strings.Repeat("[", 100),
	`{"a":1,"a":2}`,
}

func addSeedPolicies(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "seeds", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed policies in testdata/seeds: %v", err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
		f.Add([]byte(fillSeed(string(src))))
	}
}

// checkPositions verifies that every diagnostic points into the input (a
// JSON error may point just past its end) and that its line and column
// agree with its offset.
func checkPositions(t *testing.T, src []byte, what string, ds []Diagnostic) {
	t.Helper()
	li := newLineIndex(src)
	for _, d := range ds {
		if d.Code == "" || d.Message == "" {
			t.Errorf("%s: diagnostic without code or message: %+v", what, d)
		}
		if !d.Pos.IsValid() {
			if d.Pos != (Position{}) {
				t.Errorf("%s: %s has a malformed position %+v", what, d.Code, d.Pos)
			}
			continue // an absent element has no position
		}
		if d.Pos.Offset < 0 || d.Pos.Offset > len(src) || li.position(d.Pos.Offset) != d.Pos {
			t.Errorf("%s: %s at %+v is not a position in the %d-byte input", what, d.Code, d.Pos, len(src))
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range parseFuzzSeeds {
		f.Add([]byte(s))
	}
	addSeedPolicies(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		pol, err := Parse(src)
		if err != nil {
			perr, ok := errors.AsType[*Error](err)
			if !ok || len(perr.Diagnostics) == 0 {
				t.Fatalf("Parse error %v carries no diagnostics", err)
			}
			checkPositions(t, src, "Parse", perr.Diagnostics)
			return
		}
		if pol == nil {
			t.Fatal("Parse returned neither a policy nor an error")
		}
		for k := KindIdentity; k <= KindRCP; k++ {
			checkPositions(t, src, "Check("+k.String()+")", pol.Check(k))
		}
		set, diags := Compile(Document{Name: "fuzz", Policy: pol})
		checkPositions(t, src, "Compile", diags)
		// Whatever was compiled can be evaluated, and both evaluators agree.
		req := &Request{
			Principal: RequestPrincipal{Type: PrincipalAssumedRole, ARN: "arn:aws:sts::111122223333:assumed-role/R/S", Account: "111122223333", Parent: "arn:aws:iam::111122223333:role/R"},
			Action:    "s3:GetObject", Resource: "arn:aws:s3:::b/k",
		}
		req.Context.Set("aws:username", "alice")
		req.Context.SetMulti("aws:TagKeys", []string{"a", "b"})
		for _, l := range []*Layers{{Identity: set}, {Identity: set, Resource: set, Boundary: set, Session: set, SCPs: []*Set{set}, RCPs: []*Set{set}}} {
			if d, e := Evaluate(l, req), Explain(l, req).Decision; d != e {
				t.Fatalf("Evaluate = %v, Explain = %v", d, e)
			}
		}
	})
}

var matchFuzzSeeds = []struct {
	pattern, s string
	fold       bool
}{
	{"", "", false},
	{"*", "", false},
	{"s3:Get*", "s3:GetObject", true},
	{"iam:*AccessKey*", "iam:ListAccessKeys", false},
	{"ec2:Describe????", "ec2:DescribeTags", true},
	{"bucket/*/test/*", "bucket//test/x", false},
	{"a*b*c*d", "aXbXcXbXcXd", false},
	{"?é*", "xé", false},
	{"**?*", "ab", false},
}

func FuzzMatch(f *testing.F) {
	for _, s := range matchFuzzSeeds {
		f.Add(s.pattern, s.s, s.fold)
	}
	f.Fuzz(func(t *testing.T, pattern, s string, fold bool) {
		// The oracle reads runes; invalid UTF-8 decodes to U+FFFD there,
		// which would make distinct bytes equal.
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) || len(pattern) > 64 || len(s) > 256 {
			t.Skip()
		}
		oraclePattern, oracleInput := pattern, s
		if fold {
			// The matcher folds ASCII letters only.
			oraclePattern, oracleInput = asciiLower(pattern), asciiLower(s)
		}
		want := globRegexp(oraclePattern, false).MatchString(oracleInput)
		if got := Match(pattern, s, fold); got != want {
			t.Fatalf("Match(%q, %q, %v) = %v, regexp says %v", pattern, s, fold, got, want)
		}
	})
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lowerASCII(c)
	}
	return string(b)
}
