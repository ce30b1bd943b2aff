package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestTranslatePattern(t *testing.T) {
	tests := []struct {
		name, pattern       string
		wantDisplay, wantRE string
		match, noMatch      []string
	}{{
		name:        "AnchoredMatchedWhole",
		pattern:     `^[\w+=,.@-]+$`,
		wantDisplay: `[\w+=,.@-]+`,
		wantRE:      `^(?:[\w+=,.@-]+)$`,
		match:       []string{"alice", "a.b@c"},
		noMatch:     []string{"", "a b"},
	}, {
		// IAM pathType: AWS matches the whole alternation, so a value
		// must both start and end with a slash.
		name:        "TopLevelAlternation",
		pattern:     `^(\u002F)|(\u002F[\u0021-\u007E]+\u002F)$`,
		wantDisplay: `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`,
		wantRE:      `^(?:(\x{002F})|(\x{002F}[\x{0021}-\x{007E}]+\x{002F}))$`,
		match:       []string{"/", "/a/b/"},
		noMatch:     []string{"/a", "a/", "x/a/"},
	}, {
		name:        "SupplementaryPlanes",
		pattern:     `^[\u0020-\u007E\uE000-\uFFFD\u10000-\u10FFFF]+$`,
		wantDisplay: `[\u0020-\u007E\uE000-\uFFFD\u10000-\u10FFFF]+`,
		wantRE:      `^(?:[\x{0020}-\x{007E}\x{E000}-\x{FFFD}\x{10000}-\x{10FFFF}]+)$`,
		match:       []string{"a 😀", "\uFFFD"},
		noMatch:     []string{"\u1000", "é"},
	}, {
		name:        "FourDigitsThenHexLetters",
		pattern:     `\u0041BC`,
		wantDisplay: `\u0041BC`,
		wantRE:      `\x{0041}BC`,
		match:       []string{"xABCx"},
		noMatch:     []string{"AB"},
	}, {
		name:        "EscapedBackslashIsNoEscape",
		pattern:     `^a\\u0041$`,
		wantDisplay: `a\\u0041`,
		wantRE:      `^(?:a\\u0041)$`,
		match:       []string{`a\u0041`},
		noMatch:     []string{"aA"},
	}, {
		name:        "EscapedDollarIsNoAnchor",
		pattern:     `^a\$`,
		wantDisplay: `^a\$`,
		wantRE:      `^a\$`,
		match:       []string{"a$b"},
		noMatch:     []string{"a"},
	}, {
		name:        "LookaheadRewritten",
		pattern:     `^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`,
		wantDisplay: `[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]`,
		wantRE:      `^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`,
		match:       []string{"my-alias", "abc"},
		noMatch:     []string{"my--alias", "-ab", "ab"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := translatePattern(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if p.display != tt.wantDisplay || p.expr != tt.wantRE {
				t.Errorf("translatePattern(%q) = display %q, expr %q; want %q, %q", tt.pattern, p.display, p.expr, tt.wantDisplay, tt.wantRE)
			}
			for _, s := range tt.match {
				if !p.matches(s) {
					t.Errorf("%q does not match", s)
				}
			}
			for _, s := range tt.noMatch {
				if p.matches(s) {
					t.Errorf("%q matches", s)
				}
			}
		})
	}
}

// matches applies a translated pattern as awsquery.Pattern does.
func (p goPattern) matches(s string) bool {
	return regexp.MustCompile(p.expr).MatchString(s) && (p.reject == "" || !regexp.MustCompile(p.reject).MatchString(s))
}

func TestTranslatePatternErrors(t *testing.T) {
	tests := []struct{ name, pattern, want string }{
		{"UnknownLookahead", `^(?=a)b$`, "lookaround"},
		{"NegativeLookbehind", `^a(?<!b)$`, "lookaround"},
		{"ShortEscape", `^\u12$`, "malformed"},
		{"InvalidRE2", `^[a$`, "missing closing ]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := translatePattern(tt.pattern); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("translatePattern(%q) error = %v, want one mentioning %q", tt.pattern, err, tt.want)
			}
		})
	}
}

// lookaheadOracles implement each pattern of lookaheadRewrites directly,
// as an ECMA-262 engine would read it.
var lookaheadOracles = map[string]func(string) bool{
	`^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`: func(s string) bool {
		alnum := func(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
		if len(s) < 3 || len(s) > 63 || !alnum(s[0]) || !alnum(s[len(s)-1]) {
			return false
		}
		for i := 1; i < len(s)-1; i++ {
			if !alnum(s[i]) && (s[i] != '-' || s[i+1] == '-') {
				return false
			}
		}
		return true
	},
}

func TestLookaheadRewrites(t *testing.T) {
	for pattern := range lookaheadRewrites {
		t.Run(pattern, func(t *testing.T) {
			oracle, ok := lookaheadOracles[pattern]
			if !ok {
				t.Fatal("no oracle for this rewrite: add one to lookaheadOracles")
			}
			p, err := translatePattern(pattern)
			if err != nil {
				t.Fatal(err)
			}
			check := func(s string) {
				if got, want := p.matches(s), oracle(s); got != want {
					t.Errorf("%q: rewrite says %t, pattern says %t", s, got, want)
				}
			}
			// Every string of up to 7 characters over a, 0, - and an
			// outsider, plus the length bounds.
			var walk func(prefix string)
			walk = func(prefix string) {
				check(prefix)
				if len(prefix) < 7 {
					for _, c := range []string{"a", "0", "-", "A"} {
						walk(prefix + c)
					}
				}
			}
			walk("")
			for _, n := range []int{62, 63, 64} {
				check(strings.Repeat("a", n))
				check("a" + strings.Repeat("-a", (n-1)/2))
				check("a" + strings.Repeat("a", n-3) + "--a")
			}
		})
	}
}

func FuzzTranslatePattern(f *testing.F) {
	for _, seed := range []string{`^[\w+=,.@-]+$`, `^(\u002F)|(\u002F[\u0021-\u007E]+\u002F)$`, `\u10000\u`, `^\\u0041$`, `(?!x)`, `[\uD800]`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		p, err := translatePattern(pattern)
		if err != nil {
			return
		}
		if _, err := regexp.Compile(p.expr); err != nil {
			t.Fatalf("translated %q to %q, which does not compile: %v", pattern, p.expr, err)
		}
		// Without \u escapes, translation changes nothing but anchoring.
		if _, rewritten := lookaheadRewrites[pattern]; !rewritten && !strings.Contains(pattern, `\u`) &&
			p.expr != pattern && p.expr != "^(?:"+p.display+")$" {
			t.Fatalf("translated %q to %q", pattern, p.expr)
		}
	})
}
