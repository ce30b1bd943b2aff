package restjson

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/warden-iam/warden"
)

// Object is a JSON object of the request: the body, or a structure or
// union within it.
type Object struct {
	path   Path
	fields map[string]any
}

// Member returns the value of an optional member of the object: key is
// its JSON name, field its name in validation messages.
func (o Object) Member(key, field string) Value { return o.value(key, o.path.Member(field)) }

// Required returns the value of a member the model marks required.
func (o Object) Required(key, field string) Value { return o.value(key, o.path.Required(field)) }

func (o Object) value(key string, p Path) Value {
	node := o.fields[key]
	// A member given as null is a member not given (Smithy, "Structure
	// member optionality").
	return Value{path: p, loc: inBody, present: node != nil, node: node}
}

// Struct decodes a structure member: a JSON object whose members the
// caller then decodes from the returned Object.
func (d *Decoder) Struct(v Value) (Object, bool) {
	if !v.present {
		d.absent(v)
		return Object{}, false
	}
	fields, ok := v.node.(map[string]any)
	if !ok {
		d.mismatch(v, "Structure")
		return Object{}, false
	}
	return Object{path: v.path, fields: fields}, true
}

// Union decodes a union member: a JSON object with exactly one member
// set, which must be one of keys, the union's members.
func (d *Decoder) Union(v Value, keys ...string) (Object, bool) {
	o, ok := d.Struct(v)
	if !ok {
		return Object{}, false
	}
	var set []string
	for key, node := range o.fields {
		if node != nil {
			set = append(set, key)
		}
	}
	switch {
	case len(set) != 1:
		d.fail(warden.Errorf(CodeSerialization, "The union at '%s' must have exactly one member set, not %d.", v.path.field, len(set)))
		return Object{}, false
	case !slices.Contains(keys, set[0]):
		d.fail(warden.Errorf(CodeSerialization, "The union at '%s' has no member %q.", v.path.field, set[0]))
		return Object{}, false
	}
	return o, true
}

// Elements are the elements of a list member.
type Elements struct {
	path  Path
	loc   location
	texts []string // elements from a query parameter or header
	nodes []any    // elements from JSON
	group *group
}

// Len returns the number of elements.
func (l Elements) Len() int { return max(len(l.texts), len(l.nodes)) }

// Element returns element i (0-based). Its path is AWS's:
// "channelDefinitions.1.member" for the first.
func (l Elements) Element(i int) Value {
	v := Value{
		path:  Path{field: l.path.field + "." + strconv.Itoa(i+1) + ".member", required: true},
		loc:   l.loc,
		group: l.group,
	}
	if l.texts != nil {
		v.text, v.present = l.texts[i], true
	} else {
		v.node, v.present = l.nodes[i], l.nodes[i] != nil
	}
	return v
}

// List decodes a list member: a JSON array, or the values of a repeated
// query parameter or of a comma-separated header. The caller decodes each
// element at l.Element(i).
func (d *Decoder) List(v Value, r *Rule) (Elements, bool) {
	if !v.present {
		d.absent(v)
		return Elements{}, false
	}
	l := Elements{path: v.path, loc: v.loc}
	if v.isList {
		l.texts = v.texts
		if l.texts == nil {
			l.texts = []string{}
		}
		l.group = &group{path: v.path, constraint: listElements, render: func() string { return renderTexts(l.texts) }}
	} else {
		nodes, ok := v.node.([]any)
		if !ok {
			d.mismatch(v, "List")
			return Elements{}, false
		}
		l.nodes = nodes
		l.group = &group{path: v.path, constraint: listElements, render: func() string { return renderNode(nodes) }}
	}
	if failed := r.lengthFailures(int64(l.Len())); len(failed) > 0 {
		d.violate(Value{path: v.path}, r, l.group.render(), failed)
	}
	return l, true
}

// Entries are the entries of a map member, in key order.
type Entries struct {
	path                 Path
	keys                 []string
	fields               map[string]any
	keyGroup, valueGroup *group
}

// Len returns the number of entries.
func (m Entries) Len() int { return len(m.keys) }

// Key returns the key of entry i (0-based).
func (m Entries) Key(i int) Value {
	return Value{path: Path{field: m.path.field, required: true}, loc: inMapKey, present: true, text: m.keys[i], group: m.keyGroup}
}

// Value returns the value of entry i (0-based); a structure value's
// members are named under "tags.<key>".
func (m Entries) Value(i int) Value {
	node := m.fields[m.keys[i]]
	return Value{
		path:    Path{field: m.path.field + "." + m.keys[i], required: true},
		loc:     inBody,
		present: node != nil,
		node:    node,
		group:   m.valueGroup,
	}
}

// Map decodes a map member: a JSON object. The caller decodes each entry
// at m.Key(i) and m.Value(i).
func (d *Decoder) Map(v Value, r *Rule) (Entries, bool) {
	if !v.present {
		d.absent(v)
		return Entries{}, false
	}
	fields, ok := v.node.(map[string]any)
	if !ok {
		d.mismatch(v, "Map")
		return Entries{}, false
	}
	render := func() string { return renderNode(fields) }
	m := Entries{
		path:       v.path,
		keys:       slices.Sorted(maps.Keys(fields)),
		fields:     fields,
		keyGroup:   &group{path: v.path, constraint: mapKeys, render: render},
		valueGroup: &group{path: v.path, constraint: mapValues, render: render},
	}
	if failed := r.lengthFailures(int64(m.Len())); len(failed) > 0 {
		d.violate(Value{path: v.path}, r, render(), failed)
	}
	return m, true
}

// group is a list or map whose scalar elements AWS reports as one
// violation of the collection: "Value '[a, ]' at 'tagKeys' failed to
// satisfy constraint: Member must satisfy constraint: [Member must have
// length greater than or equal to 1]".
type group struct {
	path       Path
	constraint string
	render     func() string
	reported   bool
}

func (g *group) shown(r *Rule) valueShown {
	if r.sensitive() {
		return valueHidden
	}
	return valueQuoted
}

// renderTexts writes a list of strings as AWS quotes a collection in
// messages, which is Java's toString: "[a, b]".
func renderTexts(texts []string) string {
	return "[" + strings.Join(texts, ", ") + "]"
}

// renderNode writes a JSON value as Java's toString would write the value
// decoded from it: strings bare, lists "[a, b]", maps "{k=v}" in key
// order.
func renderNode(node any) string {
	var b strings.Builder
	writeNode(&b, node)
	return b.String()
}

func writeNode(b *strings.Builder, node any) {
	switch n := node.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(n)
	case json.Number:
		b.WriteString(string(n))
	case bool:
		b.WriteString(strconv.FormatBool(n))
	case []any:
		b.WriteByte('[')
		for i, e := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			writeNode(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range slices.Sorted(maps.Keys(n)) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			writeNode(b, n[k])
		}
		b.WriteByte('}')
	}
}
