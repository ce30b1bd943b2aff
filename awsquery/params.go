package awsquery

import (
	"iter"
	"net/url"
	"slices"
	"strings"
)

// Params are the parameters of a Query request, other than Action and
// Version. They are kept sorted by name so that the members of a list or
// map ("Tags.member.1.Key", "Tags.member.2.Key", …) form one contiguous
// run a binary search finds, and each remembers whether a decoder read it,
// so that what no shape declared can be reported afterwards.
type Params struct {
	names  []string
	values []string
	read   []bool
}

// NewParams returns the parameters in values, keeping the first value of
// any parameter given more than once.
func NewParams(values url.Values) *Params {
	p := &Params{
		names:  make([]string, 0, len(values)),
		values: make([]string, len(values)),
		read:   make([]bool, len(values)),
	}
	for name := range values {
		p.names = append(p.names, name)
	}
	slices.Sort(p.names)
	for i, name := range p.names {
		if vs := values[name]; len(vs) > 0 {
			p.values[i] = vs[0]
		}
	}
	return p
}

// Len returns the number of parameters.
func (p *Params) Len() int { return len(p.names) }

// All yields every parameter in name order, without marking any read.
func (p *Params) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for i, name := range p.names {
			if !yield(name, p.values[i]) {
				return
			}
		}
	}
}

// Get returns the value of the named parameter without marking it read.
func (p *Params) Get(name string) (string, bool) {
	i, ok := slices.BinarySearch(p.names, name)
	if !ok {
		return "", false
	}
	return p.values[i], true
}

// Unread returns, sorted, the names of the parameters no decoder read:
// parameters the operation's model does not declare. AWS ignores them, so
// the caller decides whether to log them; the SigV4 query parameters of a
// presigned request are among them.
func (p *Params) Unread() []string {
	var names []string
	for i, name := range p.names {
		if !p.read[i] {
			names = append(names, name)
		}
	}
	return names
}

// take returns the value of the named parameter and marks it read.
func (p *Params) take(name string) (string, bool) {
	i, ok := slices.BinarySearch(p.names, name)
	if !ok {
		return "", false
	}
	p.read[i] = true
	return p.values[i], true
}

// withPrefix returns the index range [lo, hi) of the names that start with
// prefix.
func (p *Params) withPrefix(prefix string) (lo, hi int) {
	lo, _ = slices.BinarySearch(p.names, prefix)
	hi = lo
	for hi < len(p.names) && strings.HasPrefix(p.names[hi], prefix) {
		hi++
	}
	return lo, hi
}

// hasPrefix reports whether any name starts with prefix.
func (p *Params) hasPrefix(prefix string) bool {
	i, _ := slices.BinarySearch(p.names, prefix)
	return i < len(p.names) && strings.HasPrefix(p.names[i], prefix)
}
