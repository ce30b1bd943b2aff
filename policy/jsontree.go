package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// node is one JSON value with the position where it starts. Policies are
// first read into nodes, so that every later diagnostic can point at the
// exact element, and so that grammar errors never depend on Go struct
// decoding rules.
type node struct {
	kind    jsontext.Kind // '{', '[', '"', '0', 't', 'f', 'n'
	text    string        // string value, or the raw literal of numbers and booleans
	members []member      // objects, in document order
	elems   []*node       // arrays
	pos     Position
}

type member struct {
	name    string
	namePos Position
	value   *node
}

func (n *node) kindName() string {
	switch n.kind {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	default:
		return "null"
	}
}

// isScalar reports whether n is a string, number or boolean: the values IAM
// accepts where it expects a single text value in conditions.
func (n *node) isScalar() bool {
	return n.kind == '"' || n.kind == '0' || n.kind == 't' || n.kind == 'f'
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack; no valid
// policy nests deeper than a handful of levels.
const maxDepth = 64

// readTree parses src into a node tree. Errors carry the position and the
// element path of the failure.
func readTree(src []byte, li lineIndex) (*node, *Diagnostic) {
	if d := checkCharacters(src, li); d != nil {
		return nil, d
	}
	dec := jsontext.NewDecoder(bytes.NewReader(src))
	r := treeReader{src: src, li: li, dec: dec}
	root, err := r.value(0)
	if err != nil {
		return nil, r.diagnostic(err)
	}
	trailing := r.start()
	if _, err := dec.ReadToken(); err != io.EOF {
		if err == nil {
			// A valid token after the document: point at its start, not past it.
			return nil, &Diagnostic{Code: "JSON_SYNTAX_ERROR", Message: "invalid JSON: unexpected data after the policy document", Pos: trailing}
		}
		return nil, r.diagnostic(err)
	}
	return root, nil
}

type treeReader struct {
	src []byte
	li  lineIndex
	dec *jsontext.Decoder
}

// start returns the position of the token about to be read: the first byte
// after the previous token that is not whitespace or a separator.
func (r *treeReader) start() Position {
	off := int(r.dec.InputOffset())
	for off < len(r.src) {
		switch r.src[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return r.li.position(off)
}

func (r *treeReader) value(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nesting deeper than %d levels", maxDepth)
	}
	pos := r.start()
	tok, err := r.dec.ReadToken()
	if err != nil {
		return nil, err
	}
	n := &node{kind: tok.Kind(), pos: pos}
	switch n.kind {
	case '{':
		for r.dec.PeekKind() != '}' {
			namePos := r.start()
			tok, err := r.dec.ReadToken()
			if err != nil {
				return nil, err
			}
			name := tok.String() // a token is valid only until the next read
			v, err := r.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.members = append(n.members, member{name: name, namePos: namePos, value: v})
		}
		if _, err := r.dec.ReadToken(); err != nil {
			return nil, err
		}
	case '[':
		for r.dec.PeekKind() != ']' {
			v, err := r.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.elems = append(n.elems, v)
		}
		if _, err := r.dec.ReadToken(); err != nil {
			return nil, err
		}
	default:
		n.text = tok.String()
	}
	return n, nil
}

func (r *treeReader) diagnostic(err error) *Diagnostic {
	off := int(r.dec.InputOffset())
	path := ""
	if se, ok := errors.AsType[*jsontext.SyntacticError](err); ok {
		off = int(se.ByteOffset)
		path = pointerToPath(se.JSONPointer)
		err = se.Err
	} else if err == io.ErrUnexpectedEOF || err == io.EOF {
		off = len(r.src)
		err = errors.New("unexpected end of input")
	}
	msg := err.Error()
	if len(r.src) == 0 || len(bytes.TrimSpace(r.src)) == 0 {
		msg = "the policy document is empty"
	}
	return &Diagnostic{
		Code:    "JSON_SYNTAX_ERROR",
		Message: "invalid JSON: " + msg,
		Path:    path,
		Pos:     r.li.position(min(off, len(r.src))),
	}
}

// pointerToPath turns a JSON Pointer (/Statement/0/Action) into the element
// path notation used in every diagnostic (Statement[0].Action).
func pointerToPath(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if tok != "" && strings.Trim(tok, "0123456789") == "" {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// checkCharacters enforces IAM's character set for policy documents: TAB,
// LF, CR and U+0020 through U+00FF ("IAM and AWS STS quotas", policy
// character limits).
func checkCharacters(src []byte, li lineIndex) *Diagnostic {
	for i, r := range string(src) {
		if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xFF) {
			continue
		}
		what := fmt.Sprintf("character %U", r)
		if r == 0xFFFD {
			what = "byte sequence that is not UTF-8"
		}
		return &Diagnostic{
			Code:    "JSON_SYNTAX_ERROR",
			Message: "a policy may contain only tab, line feed, carriage return and characters U+0020 through U+00FF; found " + what,
			Pos:     li.position(i),
		}
	}
	return nil
}
