package main

import (
	"regexp"
	"strings"
	"testing"
)

// matches applies a translated pattern as restjson.Pattern does.
func (p goPattern) matches(s string) bool {
	if !regexp.MustCompile(p.expr).MatchString(s) {
		return false
	}
	for _, e := range p.require {
		if !regexp.MustCompile(e).MatchString(s) {
			return false
		}
	}
	for _, e := range p.reject {
		if regexp.MustCompile(e).MatchString(s) {
			return false
		}
	}
	return true
}

func TestTranslatePattern(t *testing.T) {
	tests := []struct {
		pattern   string
		match     []string
		noMatch   []string
		wantExpr  string
		wantSplit bool // the pattern becomes several expressions
	}{
		{pattern: `^(hai-|dom-)[a-z0-9]+$`, match: []string{"dom-a1", "hai-0"}, noMatch: []string{"dom-", "xdom-a", "dom-A"},
			wantExpr: `^(?:(hai-|dom-)[a-z0-9]+)$`},
		// Unanchored patterns match anywhere, as Smithy specifies.
		{pattern: `[\s\S]*\S[\s\S]*`, match: []string{"a", " a "}, noMatch: []string{"", " \t\n"}},
		{pattern: `(s3://|http(s*)://).+`, match: []string{"s3://b", "https://x", "see s3://b"}, noMatch: []string{"s3://", "ftp://x"}},
		// Anchored at both ends means the whole value, even across a
		// top-level alternation.
		{pattern: `^a|b$`, match: []string{"a", "b"}, noMatch: []string{"ab", "ax", "xb"}},
		{pattern: `^\u0061[\u0062-\u0063]$`, match: []string{"ab", "ac"}, noMatch: []string{"aa"}, wantExpr: `^(?:\x{0061}[\x{0062}-\x{0063}])$`},
		{pattern: `^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]+$`, match: []string{"a b\t", "é"}, noMatch: []string{"\x00", "😀"}},
		{pattern: `^[\u10000-\u10FFFF]$`, match: []string{"😀"}, noMatch: []string{"a", "0"}},
		// Leading lookaheads of an anchored pattern test its start.
		{pattern: `^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`, match: []string{"team", "my:aws:x", "Aws:x"}, noMatch: []string{"aws:x", "aws:"}, wantSplit: true},
		{pattern: `^(?!aws:|connect:)[a-z:]+$`, match: []string{"con:x"}, noMatch: []string{"aws:x", "connect:x"}, wantSplit: true},
		{pattern: `^(?=.*[0-9])(?!\.$)[a-z0-9.]+$`, match: []string{"a1", "1."}, noMatch: []string{"ab", ".", "1A"}, wantSplit: true},
		{pattern: `^(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$`, match: []string{"ab-c", "d"}, noMatch: []string{"d-x", "-a"}, wantSplit: true},
		// Repetitions beyond RE2's 1000 are split.
		{pattern: `^[a-z]{0,1200}$`, match: []string{"", strings.Repeat("a", 1200)}, noMatch: []string{strings.Repeat("a", 1201)}},
		{pattern: `^x{1001}$`, match: []string{strings.Repeat("x", 1001)}, noMatch: []string{strings.Repeat("x", 1000), strings.Repeat("x", 1002)}},
		{pattern: `^(ab){1500,}$`, match: []string{strings.Repeat("ab", 1500), strings.Repeat("ab", 2100)}, noMatch: []string{strings.Repeat("ab", 1499)}},
		{pattern: `^[\p{L}]{0,1023}:\x{41}{2000,2001}$`, match: []string{"é:" + strings.Repeat("A", 2000)}, noMatch: []string{":" + strings.Repeat("A", 1999)}},
		// Patterns escaped twice in the model mean what one escape says.
		{pattern: `^\\+[1-9]\\d{1,14}$`, match: []string{"+12065550100"}, noMatch: []string{`\+1\d`, "12065550100", "+0123"}},
		{pattern: `^s3://\S+/.+|https://\\S+\\.s3\\.\\S+\\.amazonaws\\.com/\\S+$`, match: []string{"s3://b/k", "https://b.s3.us-east-1.amazonaws.com/k"}, noMatch: []string{"https://b/k"}},
		// Connect's password pattern means what its body says.
		{pattern: `^/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[a-zA-Z\d\S]{8,64}$/$`, match: []string{"Passw0rd!"}, noMatch: []string{"password1", "PASSWORD1", "Password", "Pa1"}, wantSplit: true},
	}
	for _, tt := range tests {
		t.Run(tt.pattern[:min(len(tt.pattern), 40)], func(t *testing.T) {
			p, err := translatePattern(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if p.display != tt.pattern {
				t.Errorf("display = %q, want the model's text", p.display)
			}
			if tt.wantExpr != "" && p.expr != tt.wantExpr {
				t.Errorf("expr = %q, want %q", p.expr, tt.wantExpr)
			}
			if split := len(p.require)+len(p.reject) > 0; split != tt.wantSplit {
				t.Errorf("require %q, reject %q", p.require, p.reject)
			}
			for _, s := range tt.match {
				if !p.matches(s) {
					t.Errorf("%q does not match", s[:min(len(s), 20)])
				}
			}
			for _, s := range tt.noMatch {
				if p.matches(s) {
					t.Errorf("%q matches", s[:min(len(s), 20)])
				}
			}
		})
	}
}

func TestTranslatePatternErrors(t *testing.T) {
	for _, pattern := range []string{`^a(?!x)$`, `(?<=a)b`, `^(?!a$`, `\u12`, `^a{2,1}$`, `[`} {
		if _, err := translatePattern(pattern); err == nil {
			t.Errorf("translatePattern(%q) succeeded", pattern)
		}
	}
}

// TestSplitLargeRepeatsIdentity checks that patterns RE2 can count are
// left exactly as they are.
func TestSplitLargeRepeatsIdentity(t *testing.T) {
	for _, expr := range []string{`a{1,1000}`, `[{]{3}`, `\{1001}`, `x\p{L}{2}`, `(?:a|b){0,9}[^]{}]`, `a{,1001}`, `{1001}`} {
		got, err := splitLargeRepeats(expr)
		if err != nil || got != expr {
			t.Errorf("splitLargeRepeats(%q) = %q, %v", expr, got, err)
		}
	}
}

func FuzzTranslatePattern(f *testing.F) {
	for _, p := range []string{`^(hai-|dom-)[a-z0-9]+$`, `^(?!aws:)[\p{L}]*$`, `[\s\S]*\S`, `^[\u0061-\u10FFFF]{0,1023}$`, `^((a){1001}|b)$`, `\`, `^(?=`, `[]]{5000}`} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		p, err := translatePattern(pattern)
		if err != nil {
			return
		}
		for _, e := range append(append([]string{p.expr}, p.require...), p.reject...) {
			if _, err := regexp.Compile(e); err != nil {
				t.Fatalf("translatePattern(%q) = %q, which does not compile: %v", pattern, e, err)
			}
		}
	})
}
