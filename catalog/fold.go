package catalog

// IAM compares service prefixes, action names and condition key names
// case-insensitively. All of them are ASCII, so folding is plain ASCII
// lower-casing, done byte by byte without allocating.

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + ('a' - 'A')
	}
	return b
}

// compareFold orders strings as their ASCII lower-case forms would sort.
func compareFold(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] == b[i] {
			continue
		}
		x, y := lowerASCII(a[i]), lowerASCII(b[i])
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && compareFold(s[:len(prefix)], prefix) == 0
}

func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if compareFold(s[i:i+len(sub)], sub) == 0 {
			return true
		}
	}
	return false
}

// matchFold reports whether s matches the IAM wildcard pattern: "*" is any
// run of characters (possibly empty), "?" exactly one, everything else
// itself, compared case-insensitively (IAM User Guide, "IAM JSON policy
// elements: Action"). It runs in O(len(pattern)·len(s)) at worst by
// backtracking only to the last star.
func matchFold(pattern, s string) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			starP, starI = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || lowerASCII(pattern[p]) == lowerASCII(s[i])):
			p++
			i++
		case starP >= 0:
			starI++
			p, i = starP+1, starI
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
