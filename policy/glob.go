package policy

import "unicode/utf8"

// pattern is a compiled glob: literal runs, * and ?, and policy variables
// whose values are compared as literal text. One matcher serves actions
// (case-insensitive), resources, StringLike and ArnLike (case-sensitive),
// as the IAM User Guide describes a single wildcard rule for all of them.
type pattern struct {
	units   []unit
	hasVars bool
	// literal is set when the pattern is one literal run, for a fast path.
	literal    string
	isLiteral  bool
	matchesAll bool // the pattern is a lone *
	// prefixOnly is set when every unit is literal text or a variable, save
	// perhaps a final *: the common shape of ARNs and actions
	// (arn:aws:s3:::bucket/${aws:username}/*), matched without backtracking.
	prefixOnly bool
}

func compilePattern(s string, wildcards, vars bool) pattern {
	units, _ := scanTemplate(s, wildcards, vars)
	return newPattern(units)
}

func newPattern(units []unit) pattern {
	p := pattern{units: units}
	for _, u := range units {
		if u.kind == unitVariable {
			p.hasVars = true
		}
	}
	p.prefixOnly = true
	for i, u := range units {
		if u.kind == unitQuestion || (u.kind == unitStar && i != len(units)-1) {
			p.prefixOnly = false
		}
	}
	switch {
	case len(units) == 0:
		p.isLiteral = true
	case len(units) == 1 && units[0].kind == unitLiteral:
		p.isLiteral, p.literal = true, units[0].text
	case len(units) == 1 && units[0].kind == unitStar:
		p.matchesAll = true
	}
	return p
}

// variables resolves policy variables during one evaluation.
type variables interface {
	lookupVariable(lowerKey string) (string, bool)
}

// maxInlineUnits is how many pattern units are resolved on the stack; longer
// patterns (rare) fall back to a heap slice.
const maxInlineUnits = 16

// match reports whether s matches the pattern. fold selects ASCII case
// folding. A variable that cannot be resolved (missing key, no default)
// makes the pattern match nothing, as IAM treats such a value as null.
func (p *pattern) match(s string, fold bool, vars variables) bool {
	if p.matchesAll {
		return true
	}
	if p.isLiteral {
		if fold {
			return equalFoldASCII(p.literal, s)
		}
		return p.literal == s
	}
	if p.prefixOnly {
		return p.matchPrefix(s, fold, vars)
	}
	var inline [maxInlineUnits]string
	texts := inline[:0]
	if len(p.units) > maxInlineUnits {
		texts = make([]string, 0, len(p.units))
	}
	for _, u := range p.units {
		t := u.text
		if u.kind == unitVariable {
			v, ok := resolveVariable(u, vars)
			if !ok {
				return false
			}
			t = v
		} else if u.kind != unitLiteral {
			t = ""
		}
		texts = append(texts, t)
	}
	return globUnits(p.units, texts, s, fold)
}

// matchPrefix matches a pattern of literal runs and variables, optionally
// ending in *, by consuming s run by run.
func (p *pattern) matchPrefix(s string, fold bool, vars variables) bool {
	for _, u := range p.units {
		t := u.text
		switch u.kind {
		case unitStar:
			return true
		case unitVariable:
			v, ok := resolveVariable(u, vars)
			if !ok {
				return false
			}
			t = v
		}
		if len(s) < len(t) {
			return false
		}
		if fold {
			if !equalFoldASCII(s[:len(t)], t) {
				return false
			}
		} else if s[:len(t)] != t {
			return false
		}
		s = s[len(t):]
	}
	return s == ""
}

func resolveVariable(u unit, vars variables) (string, bool) {
	if vars != nil {
		if v, ok := vars.lookupVariable(u.text); ok {
			return v, true
		}
	}
	if u.hasDefault {
		return u.dflt, true
	}
	return "", false
}

// globUnits is the classic single-backtrack wildcard matcher, run over the
// units' characters: linear in practice and never exponential.
func globUnits(units []unit, texts []string, s string, fold bool) bool {
	type cursor struct{ u, off int }
	n := len(units)
	// settle moves c past exhausted literal runs.
	settle := func(c cursor) cursor {
		for c.u < n && (units[c.u].kind == unitLiteral || units[c.u].kind == unitVariable) && c.off >= len(texts[c.u]) {
			c = cursor{c.u + 1, 0}
		}
		return c
	}
	p := settle(cursor{})
	si := 0
	starP, starS := cursor{-1, 0}, 0
	for si < len(s) {
		if p.u < n {
			switch units[p.u].kind {
			case unitStar:
				starP, starS = settle(cursor{p.u + 1, 0}), si
				p = starP
				continue
			case unitQuestion:
				_, size := utf8.DecodeRuneInString(s[si:])
				si += size
				p = settle(cursor{p.u + 1, 0})
				continue
			default:
				if byteEqual(texts[p.u][p.off], s[si], fold) {
					si++
					p = settle(cursor{p.u, p.off + 1})
					continue
				}
			}
		}
		if starP.u < 0 {
			return false
		}
		_, size := utf8.DecodeRuneInString(s[starS:])
		starS += size
		si = starS
		p = starP
	}
	for p.u < n && units[p.u].kind == unitStar {
		p = settle(cursor{p.u + 1, 0})
	}
	return p.u >= n
}

func byteEqual(a, b byte, fold bool) bool {
	if a == b {
		return true
	}
	return fold && lowerASCII(a) == lowerASCII(b)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

// Match reports whether s matches the IAM wildcard pattern (* and ?),
// optionally ignoring ASCII case. It is the matcher the engine uses for
// actions; the validator uses it to expand action patterns.
func Match(pat, s string, ignoreCase bool) bool {
	p := compilePattern(pat, true, false)
	return p.match(s, ignoreCase, nil)
}
