package main

import (
	"fmt"
	"strconv"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

// encoders writes an EncodeQueryXML method for every structure an
// operation output reaches.
func (g *generator) encoders(f *smithy.File) error {
	f.Imports[runtimeImport] = true
	for _, id := range g.sortedTypes() {
		s := g.model.Shapes[id]
		if !g.outputs[id] || s.Type != "structure" {
			continue
		}
		name := g.typeNames[id]
		f.P("// EncodeQueryXML implements awsquery.Output.")
		if len(s.Members) == 0 {
			f.P("func (*%s) EncodeQueryXML(*awsquery.Encoder) {}\n", name)
			continue
		}
		f.P("func (v *%s) EncodeQueryXML(e *awsquery.Encoder) {", name)
		for _, m := range s.Members {
			out := element{
				expr:      "v." + smithy.Exported(m.Name),
				name:      xmlName(m.Traits, m.Name),
				target:    m.Target,
				nullable:  g.nullable(m),
				always:    m.Has(smithy.TraitRequired),
				flattened: m.Has(traitFlattened),
			}
			if err := g.encodeValue(f, out, 0); err != nil {
				return fmt.Errorf("%s member %s: %w", id, m.Name, err)
			}
		}
		f.P("}\n")
	}
	return nil
}

// element is one value a generated encoder writes.
type element struct {
	expr      string // Go expression of the value
	name      string // its element name
	target    string // its shape id
	nullable  bool   // whether expr is a pointer, written only when set
	always    bool   // for a list, map or blob: written even when nil, because the model requires it
	flattened bool   // for a list or map, whether it is xmlFlattened
}

// encodeValue writes the statements that encode o. depth numbers the
// variables of nested lists and maps.
func (g *generator) encodeValue(f *smithy.File, o element, depth int) error {
	s, err := g.model.Shape(o.target)
	if err != nil {
		return err
	}
	suffix := ""
	if depth > 0 {
		suffix = strconv.Itoa(depth)
	}
	val := o.expr
	if o.nullable {
		val = "*" + o.expr
	}
	guard := o.nullable
	switch s.Type {
	case "list", "map":
		// A flattened list or map has no element of its own, so an empty
		// one writes nothing either way.
		guard = !o.always && !o.flattened
	case "blob":
		guard = !o.always
	}
	if guard {
		f.P("if %s != nil {", o.expr)
		defer f.P("}")
	}
	switch s.Type {
	case "string":
		method := "String"
		if g.urlEncoded[o.target] {
			method = "URLEncoded"
		}
		f.P("e.%s(%q, %s)", method, o.name, val)
	case "enum":
		f.P("e.String(%q, string(%s))", o.name, val)
	case "integer":
		f.P("e.Int32(%q, %s)", o.name, val)
	case "long":
		f.P("e.Int64(%q, %s)", o.name, val)
	case "boolean":
		f.P("e.Bool(%q, %s)", o.name, val)
	case "timestamp":
		f.P("e.Time(%q, %s)", o.name, val)
	case "blob":
		f.P("e.Blob(%q, %s)", o.name, val)
	case "structure":
		f.P("e.Start(%q)", o.name)
		f.P("%s.EncodeQueryXML(e)", o.expr)
		f.P("e.End(%q)", o.name)
	case "list":
		elemName := xmlName(s.Member.Traits, elementListName)
		if o.flattened {
			elemName = o.name
		} else {
			f.P("e.Start(%q)", o.name)
		}
		i := "i" + suffix
		f.P("for %s := range %s {", i, o.expr)
		elem := element{expr: o.expr + "[" + i + "]", name: elemName, target: s.Member.Target, always: true}
		if err := g.encodeValue(f, elem, depth+1); err != nil {
			return err
		}
		f.P("}")
		if !o.flattened {
			f.P("e.End(%q)", o.name)
		}
	case "map":
		// Entries are written in key order so that responses are stable.
		f.Imports["maps"], f.Imports["slices"] = true, true
		entryName := elementMapEntry
		if o.flattened {
			entryName = o.name
		} else {
			f.P("e.Start(%q)", o.name)
		}
		k, x := "k"+suffix, "x"+suffix
		f.P("for _, %s := range slices.Sorted(maps.Keys(%s)) {", k, o.expr)
		f.P("%s := %s[%s]", x, o.expr, k)
		f.P("e.Start(%q)", entryName)
		key := element{expr: k, name: xmlName(s.Key.Traits, elementMapKey), target: s.Key.Target, always: true}
		if err := g.encodeValue(f, key, depth+1); err != nil {
			return err
		}
		value := element{expr: x, name: xmlName(s.Value.Traits, elementMapValue), target: s.Value.Target, always: true}
		if err := g.encodeValue(f, value, depth+1); err != nil {
			return err
		}
		f.P("e.End(%q)", entryName)
		f.P("}")
		if !o.flattened {
			f.P("e.End(%q)", o.name)
		}
	default:
		return fmt.Errorf("shape %s: type %s is not supported by the Query generator", o.target, s.Type)
	}
	return nil
}
