package catalog

import (
	"cmp"
	"iter"
	"slices"
	"strings"
)

// maxSuggestions bounds every "did you mean" list: more than three
// alternatives stop being a hint.
const maxSuggestions = 3

// SuggestServices returns the service prefixes closest to a prefix that is
// not in the catalog ("app-integartions" → app-integrations), best first, or
// none if nothing is close.
func (c *Catalog) SuggestServices(prefix string) []string {
	return closest(prefix, func(yield func(string) bool) {
		for _, s := range c.services {
			if !yield(s.Prefix) {
				return
			}
		}
	}, editDistance)
}

// SuggestActions returns full action names close to a "prefix:Name" that is
// not in the catalog, best first. For an API operation that is authorized
// by a differently named action (s3:GetService) that action comes first;
// under a misspelled prefix the same action name is looked up in the
// services the prefix is close to.
func (c *Catalog) SuggestActions(full string) []string {
	prefix, name, ok := strings.Cut(full, ":")
	if !ok {
		return c.SuggestServices(full)
	}
	if s, ok := c.Service(prefix); ok {
		var out []string
		if a, ok := c.ActionForOperation(full); ok {
			out = append(out, a.FullName())
		}
		for _, n := range closestActions(s, name) {
			if !slices.Contains(out, s.Prefix+":"+n) {
				out = append(out, s.Prefix+":"+n)
			}
		}
		return out[:min(len(out), maxSuggestions)]
	}
	var out []string
	for _, p := range c.SuggestServices(prefix) {
		s, _ := c.Service(p)
		if a, ok := s.Action(name); ok {
			out = append(out, a.FullName())
		} else if near := closestActions(s, name); len(near) > 0 {
			out = append(out, s.Prefix+":"+near[0])
		}
	}
	return out[:min(len(out), maxSuggestions)]
}

func closestActions(s *Service, name string) []string {
	return closest(name, func(yield func(string) bool) {
		for _, a := range s.Actions {
			if !yield(a.Name) {
				return
			}
		}
	}, editDistance)
}

// SuggestConditionKeys returns the condition key names closest to one that
// is not in the catalog ("aws:SourceIP4" → aws:SourceIp), preferring keys
// with the same prefix. A templated key is compared with its variable part
// free ("aws:PrincipalTags/dept" → aws:PrincipalTag/${TagKey}).
func (c *Catalog) SuggestConditionKeys(name string) []string {
	distance := func(input, key string) int {
		if p := keyTemplatePattern(key); p != "" {
			return globDistance(p, input)
		}
		return editDistance(input, key)
	}
	prefix, _, _ := strings.Cut(name, ":")
	samePrefix := func(yield func(string) bool) {
		for _, k := range c.keyList {
			if hasPrefixFold(k.Name, prefix+":") && !yield(k.Name) {
				return
			}
		}
	}
	if out := closest(name, samePrefix, distance); len(out) > 0 {
		return out
	}
	return closest(name, func(yield func(string) bool) {
		for _, k := range c.keyList {
			if !yield(k.Name) {
				return
			}
		}
	}, distance)
}

// closest ranks candidates by edit distance to input (case-insensitive,
// a transposition counting as one edit) and returns the best few within a
// length-dependent bound. A candidate that is a prefix of the input, or has
// it as a prefix, is kept whatever its distance (ListKeysForService →
// ListKeys), ranked after the close ones.
func closest(input string, candidates iter.Seq[string], distance func(input, candidate string) int) []string {
	if input == "" {
		return nil
	}
	bound := max(2, len(input)/3)
	type scored struct {
		name string
		dist int
	}
	var found []scored
	for name := range candidates {
		d := distance(input, name)
		switch {
		case d == 0:
			continue // the same name, differently cased, is not a suggestion
		case d <= bound:
		case min(len(input), len(name)) >= 4 && (hasPrefixFold(name, input) || hasPrefixFold(input, name)):
		default:
			continue
		}
		found = append(found, scored{name, d})
	}
	slices.SortFunc(found, func(a, b scored) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), compareFold(a.name, b.name))
	})
	out := make([]string, 0, min(len(found), maxSuggestions))
	for _, f := range found[:min(len(found), maxSuggestions)] {
		out = append(out, f.name)
	}
	return out
}

// editDistance is the optimal string alignment distance between a and b,
// ignoring ASCII case: insertions, deletions, substitutions and swaps of
// adjacent characters each cost one.
func editDistance(a, b string) int {
	// Three rows suffice: the swap looks two rows back.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if lowerASCII(a[i-1]) == lowerASCII(b[j-1]) {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && lowerASCII(a[i-1]) == lowerASCII(b[j-2]) && lowerASCII(a[i-2]) == lowerASCII(b[j-1]) {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// globDistance is the least number of edits that make s match the glob
// pattern, where "*" matches any run and "?" any one character for free.
func globDistance(pattern, s string) int {
	prev := make([]int, len(s)+1)
	cur := make([]int, len(s)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(pattern); i++ {
		pc := pattern[i-1]
		if pc == '*' {
			cur[0] = prev[0]
		} else {
			cur[0] = prev[0] + 1
		}
		for j := 1; j <= len(s); j++ {
			switch pc {
			case '*':
				cur[j] = min(prev[j], cur[j-1])
			default:
				cost := 1
				if pc == '?' || lowerASCII(pc) == lowerASCII(s[j-1]) {
					cost = 0
				}
				cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(s)]
}
