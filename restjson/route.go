package restjson

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/warden-iam/warden"
)

// Match is the operation a request is routed to and the values of its URI
// labels, percent-decoded.
type Match struct {
	Operation *Operation
	labels    []labelValue
}

type labelValue struct{ name, value string }

// Label returns the decoded value of the named URI label.
func (m *Match) Label(name string) (string, bool) {
	for _, l := range m.labels {
		if l.name == name {
			return l.value, true
		}
	}
	return "", false
}

// Route returns the operation whose HTTP binding matches the request: its
// method, its path segment by segment, and the query literals its URI
// requires. Label values are taken from the path as the client encoded it
// (r.URL.EscapedPath), split at "/" and only then percent-decoded, so that
// an ARN sent as one label ("arn%3Aaws%3A…%3Adomain%2Fdom-1") stays one
// value. Where several operations match, the one whose URI is most literal
// from the left wins: "/tags/list" before "/tags/{arn}".
//
// Returns UnknownOperationException (HTTP 404) for a request no operation
// matches, whether its path is unknown or only its method.
func (s *Service) Route(r *http.Request) (*Match, error) {
	s.routerOnce.Do(func() { s.router, s.routerErr = newRouter(s.Operations) })
	if s.routerErr != nil {
		// The generator checks the routes (CheckRoutes) before it writes
		// a table, so this is a hand-made Service's mistake.
		return nil, &warden.Error{Code: warden.EInternalFailure, Message: "An internal error occurred.", Err: s.routerErr}
	}
	if m := s.router.match(r.Method, r.URL.EscapedPath(), r.URL.RawQuery); m != nil {
		return m, nil
	}
	return nil, warden.Errorf(CodeUnknownOperation, "%s has no operation at %s %s.", s.Name, r.Method, r.URL.EscapedPath())
}

// CheckRoutes reports an operation whose URI pattern does not parse, and
// two operations that would answer the same requests: the same method and
// the same pattern up to the names of its labels.
func CheckRoutes(ops map[string]*Operation) error {
	_, err := newRouter(ops)
	return err
}

// router holds the routes of a service, most specific first.
type router struct {
	routes []route
}

type route struct {
	op      *Operation
	pattern uriPattern
}

func newRouter(ops map[string]*Operation) (*router, error) {
	rt := &router{}
	for _, name := range slices.Sorted(maps.Keys(ops)) {
		op := ops[name]
		p, err := parseURI(op.URI)
		if err != nil {
			return nil, fmt.Errorf("operation %s: %w", name, err)
		}
		rt.routes = append(rt.routes, route{op: op, pattern: p})
	}
	slices.SortStableFunc(rt.routes, func(a, b route) int { return a.pattern.compare(b.pattern) })
	// Equal patterns sort next to each other, but routes of other methods
	// may lie between two of the same method.
	for i, a := range rt.routes {
		for _, b := range rt.routes[i+1:] {
			if a.pattern.compare(b.pattern) != 0 {
				break
			}
			if a.op.Method == b.op.Method {
				return nil, fmt.Errorf("operations %s and %s both route %s %s", a.op.Name, b.op.Name, b.op.Method, b.op.URI)
			}
		}
	}
	return rt, nil
}

// match returns the most specific route for the request, or nil.
func (rt *router) match(method, escapedPath, rawQuery string) *Match {
	segments, ok := splitPath(escapedPath)
	if !ok {
		return nil
	}
	var query url.Values // parsed when a route first needs it
	for i := range rt.routes {
		r := &rt.routes[i]
		if r.op.Method != method {
			continue
		}
		labels, ok := r.pattern.matchPath(segments)
		if !ok {
			continue
		}
		if len(r.pattern.query) > 0 {
			if query == nil {
				// A malformed pair is skipped; the rest still count.
				query, _ = url.ParseQuery(rawQuery)
			}
			if !r.pattern.matchQuery(query) {
				continue
			}
		}
		return &Match{Operation: r.op, labels: labels}
	}
	return nil
}

// splitPath splits an escaped request path into its percent-decoded
// segments: "/tags/arn%3Aaws%2Fx" → ["tags", "arn:aws/x"]. It fails on a
// path without its leading slash or with a malformed escape.
func splitPath(escaped string) ([]string, bool) {
	rest, ok := strings.CutPrefix(escaped, "/")
	if !ok {
		return nil, false
	}
	segments := strings.Split(rest, "/")
	for i, s := range segments {
		if !strings.Contains(s, "%") {
			continue
		}
		decoded, err := url.PathUnescape(s)
		if err != nil {
			return nil, false
		}
		segments[i] = decoded
	}
	return segments, true
}

// uriPattern is a parsed smithy.api#http URI ("Smithy HTTP binding traits",
// http trait: "uri"): path segments that are literals, labels spanning a
// whole segment or one greedy label spanning one or more, then optional
// query literals that must be present.
type uriPattern struct {
	segments []segment
	greedy   int // index of the greedy label segment, or -1
	query    []queryLiteral
}

type segmentKind uint8

// The kinds sort from most to least specific.
const (
	literalSegment segmentKind = iota
	labelSegment
	greedySegment
)

type segment struct {
	kind segmentKind
	text string // the literal, or the label's name
}

type queryLiteral struct {
	key, value string
	hasValue   bool // "?k=v" rather than "?k"
}

func parseURI(uri string) (uriPattern, error) {
	path, query, hasQuery := strings.Cut(uri, "?")
	rest, ok := strings.CutPrefix(path, "/")
	if !ok {
		return uriPattern{}, fmt.Errorf("URI %q does not start with /", uri)
	}
	p := uriPattern{greedy: -1}
	names := map[string]bool{}
	for text := range strings.SplitSeq(rest, "/") {
		s := segment{kind: literalSegment, text: text}
		if name, ok := strings.CutPrefix(text, "{"); ok {
			name, ok = strings.CutSuffix(name, "}")
			if !ok {
				return uriPattern{}, fmt.Errorf("URI %q: label %q does not span its segment", uri, text)
			}
			s.kind, s.text = labelSegment, name
			if n, ok := strings.CutSuffix(name, "+"); ok {
				if p.greedy >= 0 {
					return uriPattern{}, fmt.Errorf("URI %q has more than one greedy label", uri)
				}
				s.kind, s.text, p.greedy = greedySegment, n, len(p.segments)
			}
			if s.text == "" || strings.ContainsAny(s.text, "{}+") || names[s.text] {
				return uriPattern{}, fmt.Errorf("URI %q: bad or repeated label name %q", uri, text)
			}
			names[s.text] = true
		} else if strings.ContainsAny(text, "{}") {
			return uriPattern{}, fmt.Errorf("URI %q: label %q does not span its segment", uri, text)
		}
		p.segments = append(p.segments, s)
	}
	if hasQuery {
		for pair := range strings.SplitSeq(query, "&") {
			key, value, hasValue := strings.Cut(pair, "=")
			if key == "" || strings.ContainsAny(pair, "{}") {
				return uriPattern{}, fmt.Errorf("URI %q: bad query literal %q", uri, pair)
			}
			p.query = append(p.query, queryLiteral{key: key, value: value, hasValue: hasValue})
		}
	}
	return p, nil
}

// compare orders patterns from most to least specific: segment by segment
// a literal before a label before a greedy label, then the pattern with
// more query literals first. Patterns that compare equal match the same
// requests.
func (p uriPattern) compare(q uriPattern) int {
	for i := range min(len(p.segments), len(q.segments)) {
		a, b := p.segments[i], q.segments[i]
		if c := cmp.Compare(a.kind, b.kind); c != 0 {
			return c
		}
		if a.kind == literalSegment {
			if c := cmp.Compare(a.text, b.text); c != 0 {
				return c
			}
		}
	}
	if c := cmp.Compare(len(q.segments), len(p.segments)); c != 0 {
		return c
	}
	if c := cmp.Compare(len(q.query), len(p.query)); c != 0 {
		return c
	}
	return slices.CompareFunc(p.query, q.query, func(a, b queryLiteral) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.value, b.value), compareBool(a.hasValue, b.hasValue))
	})
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// matchPath matches decoded path segments, returning the label values.
// A label matches one non-empty segment; a greedy label matches one or
// more segments, rejoined with "/", and leaves the pattern's remaining
// segments to match the end of the path.
func (p uriPattern) matchPath(segments []string) ([]labelValue, bool) {
	if p.greedy < 0 && len(segments) != len(p.segments) || len(segments) < len(p.segments) {
		return nil, false
	}
	var labels []labelValue
	matchOne := func(s segment, value string) bool {
		switch s.kind {
		case literalSegment:
			return value == s.text
		case labelSegment:
			if value == "" {
				return false
			}
			labels = append(labels, labelValue{name: s.text, value: value})
		}
		return true
	}
	if p.greedy < 0 {
		for i, s := range p.segments {
			if !matchOne(s, segments[i]) {
				return nil, false
			}
		}
		return labels, true
	}
	tail := len(p.segments) - p.greedy - 1 // segments after the greedy label
	for i, s := range p.segments[:p.greedy] {
		if !matchOne(s, segments[i]) {
			return nil, false
		}
	}
	value := strings.Join(segments[p.greedy:len(segments)-tail], "/")
	if value == "" {
		return nil, false
	}
	labels = append(labels, labelValue{name: p.segments[p.greedy].text, value: value})
	for i, s := range p.segments[p.greedy+1:] {
		if !matchOne(s, segments[len(segments)-tail+i]) {
			return nil, false
		}
	}
	return labels, true
}

func (p uriPattern) matchQuery(query url.Values) bool {
	for _, q := range p.query {
		values, ok := query[q.key]
		if !ok || q.hasValue && !slices.Contains(values, q.value) {
			return false
		}
	}
	return true
}
