package smithy

import (
	"fmt"
	"strconv"
	"strings"
)

// TranslateEscapes rewrites the \u escapes of an ECMA-262 pattern, the
// regular expressions of Smithy's pattern trait, as RE2's \x{…}. Five or
// six hex digits naming a supplementary code point ("\u10FFFF") are read as
// one escape: some models write the supplementary planes that way, and
// ECMA-262's reading, \u10FF followed by "FF", is plainly not what they
// mean.
func TranslateEscapes(pattern string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c != '\\' || i+1 >= len(pattern) {
			b.WriteByte(c)
			continue
		}
		next := pattern[i+1]
		if next != 'u' {
			b.WriteByte(c)
			b.WriteByte(next)
			i++
			continue
		}
		digits := hexRun(pattern[i+2:], 6)
		if len(digits) < 4 {
			return "", fmt.Errorf("malformed \\u escape at offset %d", i)
		}
		if len(digits) > 4 {
			if cp, _ := strconv.ParseUint(digits, 16, 32); cp < 0x10000 || cp > 0x10FFFF {
				digits = digits[:4]
			}
		}
		b.WriteString(`\x{` + digits + `}`)
		i += 1 + len(digits)
	}
	return b.String(), nil
}

// hexRun returns the leading hex digits of s, at most limit of them.
func hexRun(s string, limit int) string {
	n := 0
	for n < len(s) && n < limit && strings.IndexByte("0123456789abcdefABCDEF", s[n]) >= 0 {
		n++
	}
	return s[:n]
}

// GoString quotes s as a raw string literal when it can, since patterns
// are full of backslashes.
func GoString(s string) string {
	if strings.ContainsAny(s, "`\r") {
		return strconv.Quote(s)
	}
	return "`" + s + "`"
}
