package policy

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestMatch(t *testing.T) {
	for _, tt := range []struct {
		pattern, s string
		fold, want bool
	}{
		{"", "", false, true},
		{"", "a", false, false},
		{"*", "", false, true},
		{"*", "anything:at/all", false, true},
		{"?", "", false, false},
		{"?", "é", false, true}, // one character, two bytes
		{"??", "é", false, false},
		{"s3:Get*", "s3:GetObject", false, true},
		{"s3:Get*", "s3:getobject", false, false},
		{"s3:Get*", "s3:getobject", true, true},
		{"S3:GET*", "s3:GetObject", true, true},
		{"iam:*AccessKey*", "iam:ListAccessKeys", true, true},
		{"iam:*AccessKey*", "iam:ListAccessKey", true, true},
		{"iam:*AccessKey*", "iam:ListAccesKeys", true, false},
		{"ec2:Describe????", "ec2:DescribeTags", true, true},
		{"ec2:Describe????", "ec2:DescribeVpcs1", true, false},
		{"a*b*c", "abc", false, true},
		{"a*b*c", "aXbYbZc", false, true},
		{"a*b*c", "aXbYc-", false, false},
		{"a**b", "ab", false, true},
		{"*a", "bbba", false, true},
		{"*a", "bbbab", false, false},
		{"a?c*", "abc", false, true},
		{"bucket/*/test/*", "bucket/1/2/test/3/x.jpg", false, true},
		{"bucket/*/test/*", "bucket//test/x", false, true},
		{"bucket/*/test/*", "bucket/test/x", false, false},
		{"bucket/*/test/*", "bucket/1-test/x", false, false},
		{"café*", "CAFÉ", true, false}, // only ASCII letters fold
		{"café*", "Café au lait", true, true},
		{"${*}", "${*}", false, true}, // Match has no variables: ${…} is literal text
	} {
		if got := Match(tt.pattern, tt.s, tt.fold); got != tt.want {
			t.Errorf("Match(%q, %q, %v) = %v, want %v", tt.pattern, tt.s, tt.fold, got, tt.want)
		}
	}
}

// globRegexp is the oracle: the obvious translation of an IAM wildcard
// pattern into a regular expression.
func globRegexp(pattern string, fold bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^(?s)")
	if fold {
		b.WriteString("(?i)")
	}
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// globAlphabet is small so that random patterns often match random
// strings; it has no upper-case non-ASCII letters, whose folding the
// matcher (ASCII only) and the regexp (Unicode) would treat differently.
var globAlphabet = []rune{'a', 'b', 'A', 'B', '/', ':', '-', 'é', '.', '\n'}

func genGlobText(withWildcards bool) *rapid.Generator[string] {
	alphabet := globAlphabet
	if withWildcards {
		alphabet = append(append([]rune{}, globAlphabet...), '*', '?', '*')
	}
	return rapid.Custom(func(t *rapid.T) string {
		runes := rapid.SliceOfN(rapid.SampledFrom(alphabet), 0, 12).Draw(t, "runes")
		return string(runes)
	})
}

func TestMatchAgreesWithRegexp(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pattern := genGlobText(true).Draw(t, "pattern")
		fold := rapid.Bool().Draw(t, "fold")
		var s string
		if rapid.Bool().Draw(t, "derived") {
			// Build a string from the pattern so that matches are common.
			s = strings.Map(func(r rune) rune {
				switch r {
				case '*', '?':
					return rune(rapid.SampledFrom(globAlphabet).Draw(t, "fill"))
				}
				return r
			}, pattern)
		} else {
			s = genGlobText(false).Draw(t, "s")
		}
		want := globRegexp(pattern, fold).MatchString(s)
		if got := Match(pattern, s, fold); got != want {
			t.Fatalf("Match(%q, %q, fold=%v) = %v, regexp says %v", pattern, s, fold, got, want)
		}
	})
}

// mapVariables resolves policy variables from a map of lower-cased keys.
type mapVariables map[string]string

func (m mapVariables) lookupVariable(lowerKey string) (string, bool) {
	v, ok := m[lowerKey]
	return v, ok
}

func TestPatternVariables(t *testing.T) {
	vars := mapVariables{"aws:username": "al*ce", "aws:principaltag/team": "blue"}
	for _, tt := range []struct {
		pattern, s string
		want       bool
	}{
		{"home/${aws:username}/*", "home/al*ce/x", true},
		{"home/${aws:username}/*", "home/alice/x", false}, // a value's * is literal
		{"home/${AWS:UserName}/*", "home/al*ce/x", true},
		{"${aws:PrincipalTag/team}-*", "blue-1", true},
		{"${aws:PrincipalTag/missing}", "", false},
		{"${aws:PrincipalTag/missing, 'none'}", "none", true},
		{"${aws:PrincipalTag/missing, ''}", "", true},
		{"${aws:PrincipalTag/team, 'none'}", "blue", true},
		{"a${*}b", "a*b", true},
		{"a${*}b", "axb", false},
		{"a${?}", "a?", true},
		{"a${?}", "ab", false},
		{"${$}{x}", "${x}", true},
		{"${aws:username", "${aws:username", true}, // unterminated: literal
		{"${}", "${}", true},
	} {
		p := compilePattern(tt.pattern, true, true)
		if got := p.match(tt.s, false, vars); got != tt.want {
			t.Errorf("pattern %q on %q = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
	// Without variables enabled (Version 2008-10-17) everything is literal.
	p := compilePattern("home/${aws:username}/*", true, false)
	if !p.match("home/${aws:username}/x", false, vars) || p.match("home/al*ce/x", false, vars) {
		t.Error("variables substituted although disabled")
	}
	// Without wildcards (StringEquals) * and ? are literal.
	p = compilePattern("a*?${aws:username}", false, true)
	if !p.match("a*?al*ce", false, vars) || p.match("abcal*ce", false, vars) {
		t.Error("wildcards interpreted in a StringEquals value")
	}
}

func TestPatternVariablesAgreeWithRegexp(t *testing.T) {
	keys := []string{"k1", "k2", "missing"}
	rapid.Check(t, func(t *rapid.T) {
		vars := mapVariables{
			"k1": genGlobText(true).Draw(t, "k1"),
			"k2": genGlobText(false).Draw(t, "k2"),
		}
		// A pattern of glob pieces and variables; the oracle substitutes
		// the values as quoted literals.
		var pattern, oracle strings.Builder
		resolvable := true
		for range rapid.IntRange(0, 5).Draw(t, "pieces") {
			if rapid.Bool().Draw(t, "variable") {
				key := rapid.SampledFrom(keys).Draw(t, "key")
				pattern.WriteString("${" + key + "}")
				v, ok := vars[key]
				resolvable = resolvable && ok
				oracle.WriteString(regexp.QuoteMeta(v))
				continue
			}
			piece := genGlobText(true).Draw(t, "piece")
			pattern.WriteString(piece)
			oracle.WriteString(strings.TrimSuffix(strings.TrimPrefix(globRegexp(piece, false).String(), "^(?s)"), "$"))
		}
		s := genGlobText(false).Draw(t, "s")
		if rapid.Bool().Draw(t, "s-from-values") {
			s = vars["k1"] + s + vars["k2"]
		}
		want := resolvable && regexp.MustCompile("^(?s)"+oracle.String()+"$").MatchString(s)
		p := compilePattern(pattern.String(), true, true)
		if got := p.match(s, false, vars); got != want {
			t.Fatalf("pattern %q (vars %v) on %q = %v, oracle %v", pattern.String(), vars, s, got, want)
		}
	})
}

// arnRegexps is the oracle for resource patterns: one regexp per ARN
// component, the pattern being split at its first five colons.
func resourceOracle(pattern, resource string) bool {
	if pattern == "*" {
		return true
	}
	pp, rp := strings.SplitN(pattern, ":", 6), strings.SplitN(resource, ":", 6)
	if len(pp) != 6 || pp[0] != "arn" {
		return globRegexp(pattern, false).MatchString(resource)
	}
	if len(rp) != 6 || rp[0] != "arn" {
		return false
	}
	for i := range pp {
		if !globRegexp(pp[i], false).MatchString(rp[i]) {
			return false
		}
	}
	return true
}

func TestResourcePatternAgreesWithOracle(t *testing.T) {
	segment := func(wild bool) *rapid.Generator[string] {
		alphabet := []rune{'a', 'b', '1', '-', '/'}
		if wild {
			alphabet = append(alphabet, '*', '?')
		}
		return rapid.Custom(func(t *rapid.T) string {
			return string(rapid.SliceOfN(rapid.SampledFrom(alphabet), 0, 4).Draw(t, "seg"))
		})
	}
	arnLike := func(wild bool) *rapid.Generator[string] {
		return rapid.Custom(func(t *rapid.T) string {
			parts := []string{"arn"}
			for range 4 {
				parts = append(parts, segment(wild).Draw(t, "part"))
			}
			// The resource part may itself hold colons.
			res := segment(wild).Draw(t, "res")
			if rapid.Bool().Draw(t, "colon") {
				res += ":" + segment(wild).Draw(t, "res2")
			}
			return strings.Join(append(parts, res), ":")
		})
	}
	rapid.Check(t, func(t *rapid.T) {
		pattern := rapid.OneOf(arnLike(true), rapid.Just("*")).Draw(t, "pattern")
		resource := rapid.OneOf(arnLike(false), rapid.Just("*"), rapid.Just("arn:a:b")).Draw(t, "resource")
		rp := compileResource(pattern, false)
		if got, want := rp.match(resource, nil), resourceOracle(pattern, resource); got != want {
			t.Fatalf("resource pattern %q on %q = %v, oracle %v", pattern, resource, got, want)
		}
	})
}

func TestResourcePattern(t *testing.T) {
	vars := mapVariables{"aws:username": "alice", "aws:principalaccount": "111122223333"}
	for _, tt := range []struct {
		pattern, resource string
		want              bool
	}{
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c", true},
		{"arn:aws:s3:::bucket*", "arn:aws:s3:::bucket-2/x", true},
		{"arn:aws:*:*:*:*", "arn:aws:s3:::b", true},
		{"arn:aws:*:*:*:*", "arn:aws-cn:s3:::b", false},
		{"arn:*:health-agent:*:111122223333:domain/*", "arn:aws:health-agent:us-east-1:111122223333:domain/d/agent/a", true},
		{"arn:aws:someservice:*:111122223333:finance/*", "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt", false},
		{"arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::111122223333:user/alice", true},
		{"arn:aws:iam::${aws:PrincipalAccount}:user/*", "arn:aws:iam::111122223333:user/alice", false}, // only the resource part substitutes
		{"arn:aws:s3:::bucket/*", "*", false},
		{"*", "*", true},
		{"arn:aws:s3:::bucket", "arn:aws:s3:::Bucket", false},
	} {
		rp := compileResource(tt.pattern, true)
		if got := rp.match(tt.resource, vars); got != tt.want {
			t.Errorf("resource %q on %q = %v, want %v", tt.pattern, tt.resource, got, tt.want)
		}
	}
}

// TestMatchIsNotExponential: patterns with many stars against long
// near-misses finish quickly (the matcher backtracks to one star only).
func TestMatchIsNotExponential(t *testing.T) {
	pattern := strings.Repeat("a*", 30) + "b"
	s := strings.Repeat("a", 10000)
	start := time.Now()
	if Match(pattern, s, false) {
		t.Fatal("matched")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v", d)
	}
}

func TestVariableIssues(t *testing.T) {
	for _, tt := range []struct {
		value string
		codes []string
	}{
		{"arn:aws:s3:::b/${aws:username}/*", nil},
		{"${aws:PrincipalTag/team, 'default'}", nil},
		{"${*}${?}${$}", nil},
		{"home/${aws:username", []string{"MISSING_BRACE_IN_VARIABLE"}},
		{"${}", []string{"EMPTY_VARIABLE"}},
		{"${aws:user name}", []string{"UNSUPPORTED_SPACE_IN_VARIABLE"}},
		{"${aws:PrincipalTag/team, default}", []string{"MISSING_QUOTE_IN_VARIABLE"}},
		{"${a}${}${b", []string{"EMPTY_VARIABLE", "MISSING_BRACE_IN_VARIABLE"}},
	} {
		var got []string
		for _, issue := range VariableIssues(tt.value) {
			got = append(got, issue.Code)
		}
		if strings.Join(got, ",") != strings.Join(tt.codes, ",") {
			t.Errorf("VariableIssues(%q) = %v, want %v", tt.value, got, tt.codes)
		}
	}
	if !HasVariable("a/${aws:username}") || HasVariable("a/${*}") || HasVariable("plain") {
		t.Error("HasVariable")
	}
	if got := VariableKeys("${aws:username}/${*}/${aws:PrincipalTag/team, 'x'}"); strings.Join(got, ",") != "aws:username,aws:PrincipalTag/team" {
		t.Errorf("VariableKeys = %v", got)
	}
}
