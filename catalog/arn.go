package catalog

import "strings"

// MatchARN reports whether a Resource entry of a policy can name a resource
// of this type: whether some ARN exists that both the entry matches and the
// type's ARN template describes. The entry may be a concrete ARN or carry
// wildcards; "*" names every resource.
//
// Matching follows the IAM User Guide ("IAM JSON policy elements: Resource"):
// an ARN has six components split on the first five colons, a wildcard in
// the entry never crosses into another of the first five, "*" and "?" in the
// resource part match anything including "/", and letters compare
// case-sensitively. In the entry, a policy variable (${aws:username}) stands
// for any value since its value is not known offline, and ${*}, ${?}, ${$}
// are the literal characters.
//
// The template's placeholders are read as the reference means them:
// ${Partition}, ${Region}, ${Account} fill one component each (never empty);
// in the resource part a placeholder followed by "/" or ":" is one piece up
// to that separator. A placeholder that ends the template takes the rest of
// the ARN, because names there may hold slashes (IAM paths, S3 object keys,
// SSM parameter names), unless another resource type of the service
// continues the template with "/": then it too is one path piece, so that
// "domain/d-1/integration/*" names an Integration and not a Domain.
func (rt *ResourceType) MatchARN(arn string) bool {
	if arn == "*" {
		return true
	}
	t := rt.template()
	if t == nil {
		return false
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return false
	}
	for i, part := range parts {
		if !intersects(parsePolicyPattern(part, i == 5), t.parts[i]) {
			return false
		}
	}
	return true
}

// arnTemplate is a resource type's ARN template compiled for MatchARN.
type arnTemplate struct {
	parts [6][]elem
}

type elemKind uint8

const (
	elemLiteral     elemKind = iota
	elemOne                  // "?" in a policy: exactly one character
	elemStar                 // "*": any run of characters, possibly empty
	elemPlaceholder          // ${Name} in a template: one or more characters, none of them stop
)

type elem struct {
	kind elemKind
	c    byte // the literal, for elemLiteral
	stop byte // for elemPlaceholder: a character it cannot contain; 0 for none
}

func (rt *ResourceType) template() *arnTemplate {
	rt.compileOnce.Do(func() { rt.compiled = compileTemplate(rt) })
	return rt.compiled
}

func compileTemplate(rt *ResourceType) *arnTemplate {
	parts := strings.SplitN(rt.ARNTemplate, ":", 6)
	if len(parts) != 6 {
		return nil
	}
	t := new(arnTemplate)
	for i, part := range parts {
		t.parts[i] = parseTemplatePart(part)
	}
	res := t.parts[5]
	for i := range res {
		if res[i].kind != elemPlaceholder {
			continue
		}
		if i+1 < len(res) {
			if next := res[i+1]; next.kind == elemLiteral && (next.c == '/' || next.c == ':') {
				res[i].stop = next.c
			}
		} else if continuedWithSlash(rt) {
			res[i].stop = '/'
		}
	}
	return t
}

// continuedWithSlash reports whether another resource type of rt's service
// has a template that is rt's followed by "/…".
func continuedWithSlash(rt *ResourceType) bool {
	if rt.Service == nil {
		return false
	}
	self := normalizePlaceholders(rt.ARNTemplate) + "/"
	for _, other := range rt.Service.ResourceTypes {
		if other != rt && strings.HasPrefix(normalizePlaceholders(other.ARNTemplate), self) {
			return true
		}
	}
	return false
}

// normalizePlaceholders blanks placeholder names, so templates that differ
// only in how they name a placeholder compare equal.
func normalizePlaceholders(tmpl string) string {
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		if strings.HasPrefix(tmpl[i:], "${") {
			if end := strings.IndexByte(tmpl[i:], '}'); end > 0 {
				b.WriteString("${}")
				i += end
				continue
			}
		}
		b.WriteByte(tmpl[i])
	}
	return b.String()
}

func parseTemplatePart(part string) []elem {
	out := make([]elem, 0, len(part))
	for i := 0; i < len(part); i++ {
		switch {
		case strings.HasPrefix(part[i:], "${"):
			if end := strings.IndexByte(part[i:], '}'); end > 0 {
				out = append(out, elem{kind: elemPlaceholder})
				i += end
				continue
			}
			out = append(out, elem{kind: elemLiteral, c: part[i]})
		case part[i] == '*':
			out = append(out, elem{kind: elemStar})
		default:
			out = append(out, elem{kind: elemLiteral, c: part[i]})
		}
	}
	return out
}

// parsePolicyPattern reads one component of a policy's Resource entry.
// Policy variables exist only in the resource part (IAM User Guide, "IAM
// policy elements: Variables and tags").
func parsePolicyPattern(part string, resourcePart bool) []elem {
	out := make([]elem, 0, len(part))
	for i := 0; i < len(part); i++ {
		if resourcePart && strings.HasPrefix(part[i:], "${") {
			if end := strings.IndexByte(part[i:], '}'); end > 0 {
				switch v := part[i+2 : i+end]; v {
				case "*", "?", "$":
					out = append(out, elem{kind: elemLiteral, c: v[0]})
				default:
					out = append(out, elem{kind: elemStar})
				}
				i += end
				continue
			}
		}
		switch part[i] {
		case '*':
			out = append(out, elem{kind: elemStar})
		case '?':
			out = append(out, elem{kind: elemOne})
		default:
			out = append(out, elem{kind: elemLiteral, c: part[i]})
		}
	}
	return out
}

// intersects reports whether some string is matched by both the policy
// pattern p and the template t. It searches the product of the two
// automata: state (i, j, k) means p[:i] and t[:j] have matched the same
// prefix, k telling whether the placeholder t[j] has taken a character yet.
func intersects(p, t []elem) bool {
	width := len(t) + 1
	seen := make([]uint64, ((len(p)+1)*width*2+63)/64)
	type state struct{ i, j, k int }
	stack := []state{{}}
	visit := func(s state) {
		n := (s.i*width+s.j)*2 + s.k
		if seen[n/64]&(1<<(n%64)) == 0 {
			seen[n/64] |= 1 << (n % 64)
			stack = append(stack, s)
		}
	}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s.i == len(p) && s.j == len(t) {
			return true
		}
		// Moves that consume nothing.
		if s.i < len(p) && p[s.i].kind == elemStar {
			visit(state{s.i + 1, s.j, s.k})
		}
		if s.j < len(t) {
			switch t[s.j].kind {
			case elemStar:
				visit(state{s.i, s.j + 1, 0})
			case elemPlaceholder:
				if s.k == 1 {
					visit(state{s.i, s.j + 1, 0})
				}
			}
		}
		// Moves that consume one character common to both.
		if s.i == len(p) || s.j == len(t) || !shareCharacter(p[s.i], t[s.j]) {
			continue
		}
		next := state{s.i + 1, s.j + 1, 0}
		if p[s.i].kind == elemStar {
			next.i = s.i
		}
		switch t[s.j].kind {
		case elemStar:
			next.j = s.j
		case elemPlaceholder:
			next.j, next.k = s.j, 1
		}
		visit(next)
	}
	return false
}

// shareCharacter reports whether some character is accepted by both the
// pattern element a and the template element b.
func shareCharacter(a, b elem) bool {
	if a.kind != elemLiteral {
		return true // "?" and "*" take any character, and b accepts at least one
	}
	switch b.kind {
	case elemLiteral:
		return a.c == b.c
	case elemPlaceholder:
		return b.stop == 0 || a.c != b.stop
	}
	return true
}
