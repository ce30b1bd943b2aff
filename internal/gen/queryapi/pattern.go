package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

// goPattern is a Smithy pattern made ready for Go's RE2 engine.
type goPattern struct {
	display string // as AWS quotes it in validation messages
	expr    string // what a value must match
	reject  string // what a value must not match, or ""
}

// lookaheadRewrites holds the model patterns RE2 cannot run, each split
// into an RE2 expression to match and one to reject. RE2 has no lookahead;
// the test of this file checks every rewrite against a direct
// implementation of the original.
var lookaheadRewrites = map[string]goPattern{
	// IAM accountAliasType: 3 to 63 characters, lowercase letters, digits
	// and single hyphens, starting and ending with a letter or digit.
	`^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`: {
		expr:   `^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`,
		reject: `--`,
	},
}

// translatePattern turns a Smithy pattern, which is an ECMA-262 regular
// expression, into RE2 syntax and checks that the result compiles.
//
// AWS's own services hold these patterns without anchors and require the
// whole value to match (Java's Pattern.matches); the Smithy models wrap
// them in ^…$, which is not the same when the pattern has a top-level
// alternation: IAM's pathType, ^(\u002F)|(\u002F[\u0021-\u007E]+\u002F)$,
// would otherwise accept any value that merely starts with "/". So an
// anchored pattern is matched whole, as AWS does, and quoted in messages
// without its anchors, as AWS quotes it.
//
// The patterns also differ from RE2 in two ways: they write code points as
// \uXXXX, which RE2 spells \x{XXXX}, and a few use lookahead, which
// lookaheadRewrites covers. One more quirk is the models' own: STS writes
// the supplementary planes as \u10000-\u10FFFF, which ECMA-262 would read
// as \u1000 followed by "0" but which plainly means U+10000–U+10FFFF, so
// five or six hex digits naming a supplementary code point are read as one
// escape.
func translatePattern(pattern string) (goPattern, error) {
	display := pattern
	anchored := len(pattern) >= 2 && strings.HasPrefix(pattern, "^") && strings.HasSuffix(pattern, "$") && !strings.HasSuffix(pattern, `\$`)
	if anchored {
		display = pattern[1 : len(pattern)-1]
	}
	p, ok := lookaheadRewrites[pattern]
	if !ok {
		if strings.Contains(pattern, "(?=") || strings.Contains(pattern, "(?!") || strings.Contains(pattern, "(?<") {
			return goPattern{}, fmt.Errorf("pattern %q uses lookaround: add an RE2 rewrite to lookaheadRewrites", pattern)
		}
		source := pattern
		if anchored {
			source = "^(?:" + display + ")$"
		}
		expr, err := smithy.TranslateEscapes(source)
		if err != nil {
			return goPattern{}, fmt.Errorf("pattern %q: %w", pattern, err)
		}
		p = goPattern{expr: expr}
	}
	p.display = display
	for _, expr := range []string{p.expr, p.reject} {
		if _, err := regexp.Compile(expr); err != nil {
			return goPattern{}, fmt.Errorf("pattern %q: %w", pattern, err)
		}
	}
	return p, nil
}
