package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

// goPattern is a Smithy pattern made ready for Go's RE2 engine.
type goPattern struct {
	display string   // the model's text, as validation messages quote it
	expr    string   // what a value must match
	require []string // what it must also match
	reject  []string // what it must not match
}

// patternRewrites holds the model patterns that do not say what they mean,
// each with the RE2 expressions that do. The test of this file checks
// each rewrite against examples.
var patternRewrites = map[string]goPattern{
	// Amazon Connect's user password: a JavaScript regular expression
	// literal (/…/) wrapped in ^…$, which as written matches nothing. Its
	// body asks for 8 to 64 characters with a lowercase letter, an
	// uppercase letter and a digit.
	`^/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[a-zA-Z\d\S]{8,64}$/$`: {
		expr:    `^(?:[a-zA-Z\d\S]{8,64})$`,
		require: []string{`[a-z]`, `[A-Z]`, `\d`},
	},
}

// translatePattern turns a Smithy pattern, an ECMA-262 regular expression,
// into RE2 syntax and checks that the result compiles.
//
// A pattern anchored at both ends is matched whole: "^(a)|(b)$" means
// "a or b", as the services that wrote these patterns (in Java, with
// Pattern.matches) mean it, not "starts with a or ends with b". A pattern
// without anchors matches anywhere in the value, as Smithy specifies.
//
// ECMA-262 differs from RE2 in two ways the models use: code points are
// written \uXXXX, which RE2 spells \x{XXXX}, and some patterns open with
// lookaheads, "^(?!aws:)[…]*$", which RE2 lacks. A lookahead at the start
// of an anchored pattern tests a prefix of the value, so it becomes an
// expression the value must (?=) or must not (?!) match at its start; a
// lookaround anywhere else fails the generation.
func translatePattern(pattern string) (goPattern, error) {
	if p, ok := patternRewrites[pattern]; ok {
		p.display = pattern
		return p, nil
	}
	p := goPattern{display: pattern}
	body := undoubleEscapes(pattern)
	anchored := len(body) >= 2 && strings.HasPrefix(body, "^") && strings.HasSuffix(body, "$") && !strings.HasSuffix(body, `\$`)
	if anchored {
		body = body[1 : len(body)-1]
		for strings.HasPrefix(body, "(?=") || strings.HasPrefix(body, "(?!") {
			end := closingParen(body)
			if end < 0 {
				return goPattern{}, fmt.Errorf("pattern %q: unbalanced lookahead", pattern)
			}
			look, err := smithy.TranslateEscapes(body[3:end])
			if err != nil {
				return goPattern{}, fmt.Errorf("pattern %q: %w", pattern, err)
			}
			if body[2] == '=' {
				p.require = append(p.require, "^(?:"+look+")")
			} else {
				p.reject = append(p.reject, "^(?:"+look+")")
			}
			body = body[end+1:]
		}
	}
	if strings.Contains(body, "(?=") || strings.Contains(body, "(?!") || strings.Contains(body, "(?<") {
		return goPattern{}, fmt.Errorf("pattern %q uses a lookaround RE2 cannot run", pattern)
	}
	expr, err := smithy.TranslateEscapes(body)
	if err != nil {
		return goPattern{}, fmt.Errorf("pattern %q: %w", pattern, err)
	}
	if expr, err = splitLargeRepeats(expr); err != nil {
		return goPattern{}, fmt.Errorf("pattern %q: %w", pattern, err)
	}
	if anchored {
		expr = "^(?:" + expr + ")$"
	}
	p.expr = expr
	for _, e := range append(append([]string{p.expr}, p.require...), p.reject...) {
		if _, err := regexp.Compile(e); err != nil {
			return goPattern{}, fmt.Errorf("pattern %q: %w", pattern, err)
		}
	}
	return p, nil
}

// doubledEscape is a backslash escaped once too often before a character
// that only an escape makes meaningful: \\+ or \\d where \+ or \d is
// meant.
var doubledEscape = regexp.MustCompile(`\\\\([+.dDsSwWpPnrt*?(){}\[\]|-])`)

// undoubleEscapes repairs patterns some AWS models carry escaped twice, as
// written for a Java string (Amazon Connect's PhoneNumber is
// ^\\+[1-9]\\d{1,14}$): taken literally they demand backslashes in the
// value and refuse every phone number, which the service accepts. No model
// means a literal backslash before these characters.
func undoubleEscapes(pattern string) string {
	return doubledEscape.ReplaceAllString(pattern, `\$1`)
}

// closingParen returns the index of the parenthesis that closes the group
// s opens, skipping escapes and character classes, or -1.
func closingParen(s string) int {
	depth, inClass := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// maxRepeat is the largest count RE2 accepts in a repetition.
const maxRepeat = 1000

// splitLargeRepeats rewrites repetitions whose counts RE2 refuses, as
// "[a-z]{0,1023}", into a run of repetitions it accepts,
// "[a-z]{0,1000}[a-z]{0,23}", which match the same strings: the sums of
// the parts' counts cover the original range exactly.
func splitLargeRepeats(expr string) (string, error) {
	var out []byte
	atom := -1 // where the last atom starts in out, or -1 after an operator
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		if c == '{' && atom >= 0 {
			if end := strings.IndexByte(expr[i:], '}'); end > 0 {
				if lo, hi, ok := parseRepeat(expr[i+1 : i+end]); ok && (lo > maxRepeat || hi > maxRepeat) {
					a := string(out[atom:])
					out = append(out[:atom], splitRepeat(a, lo, hi)...)
					i += end
					atom = -1
					continue
				}
			}
		}
		start := len(out)
		switch c {
		case '\\':
			n := escapeLen(expr[i:])
			out = append(out, expr[i:i+n]...)
			i += n - 1
		case '[':
			n := classLen(expr[i:])
			out = append(out, expr[i:i+n]...)
			i += n - 1
		case '(':
			end := closingParen(expr[i:])
			if end < 0 {
				return "", fmt.Errorf("unbalanced group at offset %d", i)
			}
			inner, err := splitLargeRepeats(expr[i+1 : i+end])
			if err != nil {
				return "", err
			}
			out = append(append(append(out, '('), inner...), ')')
			i += end
		default:
			out = append(out, c)
			if strings.IndexByte("|^$*+?{}", c) >= 0 {
				start = -1
			}
		}
		atom = start
	}
	return string(out), nil
}

// escapeLen is the length of the escape s starts with: "\\d", "\\x{41}",
// "\\p{L}".
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	if strings.IndexByte("xpP", s[1]) >= 0 && len(s) > 2 && s[2] == '{' {
		if end := strings.IndexByte(s, '}'); end > 0 {
			return end + 1
		}
	}
	return 2
}

// classLen is the length of the character class s starts with, escapes
// and a leading "]" or "^]" included, or len(s) if it is not closed.
func classLen(s string) int {
	i := 1
	if i < len(s) && s[i] == '^' {
		i++
	}
	if i < len(s) && s[i] == ']' {
		i++
	}
	for i < len(s) {
		switch s[i] {
		case '\\':
			i += escapeLen(s[i:])
			continue
		case ']':
			return i + 1
		}
		i++
	}
	return len(s)
}

// parseRepeat reads the counts of "m", "m," or "m,n"; hi is -1 for no
// upper bound.
func parseRepeat(s string) (lo, hi int, ok bool) {
	loText, hiText, hasComma := strings.Cut(s, ",")
	lo, err := strconv.Atoi(loText)
	if err != nil || lo < 0 {
		return 0, 0, false
	}
	switch {
	case !hasComma:
		return lo, lo, true
	case hiText == "":
		return lo, -1, true
	}
	hi, err = strconv.Atoi(hiText)
	if err != nil || hi < lo {
		return 0, 0, false
	}
	return lo, hi, true
}

// splitRepeat writes atom repeated lo to hi times (hi -1: unbounded) as
// repetitions of at most maxRepeat each.
func splitRepeat(atom string, lo, hi int) string {
	var b strings.Builder
	for lo > maxRepeat || hi > maxRepeat {
		n := maxRepeat
		partLo := min(lo, n)
		fmt.Fprintf(&b, "%s{%d,%d}", atom, partLo, n)
		lo -= partLo
		if hi > 0 {
			hi -= n
		}
	}
	switch {
	case hi < 0:
		fmt.Fprintf(&b, "%s{%d,}", atom, lo)
	default:
		fmt.Fprintf(&b, "%s{%d,%d}", atom, lo, hi)
	}
	return b.String()
}
