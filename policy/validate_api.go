package policy

import "fmt"

// EmptyContainer is an empty JSON array or object in a policy document,
// such as "Action": [] or "Condition": {}. IAM stores such elements, but they
// name nothing, which Access Analyzer reports (EMPTY_ARRAY_ACTION,
// EMPTY_OBJECT_CONDITION, …); the parsed Policy cannot tell them apart from
// elements whose values were all rejected.
type EmptyContainer struct {
	Path  string // element path in the notation of Diagnostic.Path
	Pos   Position
	Array bool // [] rather than {}
}

// EmptyContainers returns the empty arrays and objects of a policy document
// in document order, or nil if src is not JSON.
func EmptyContainers(src []byte) []EmptyContainer {
	root, d := readTree(src, newLineIndex(src))
	if d != nil {
		return nil
	}
	var out []EmptyContainer
	var walk func(n *node, path string)
	walk = func(n *node, path string) {
		switch n.kind {
		case '{':
			if len(n.members) == 0 {
				out = append(out, EmptyContainer{Path: path, Pos: n.pos})
			}
			for _, m := range n.members {
				walk(m.value, joinPath(path, m.name))
			}
		case '[':
			if len(n.elems) == 0 {
				out = append(out, EmptyContainer{Path: path, Pos: n.pos, Array: true})
			}
			for i, e := range n.elems {
				walk(e, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(root, "")
	return out
}
