package main

import (
	"fmt"
	"strconv"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

// encoders writes an EncodeHTTP method for every operation output and an
// EncodeJSON method for every structure and union an output reaches.
func (g *generator) encoders(f *smithy.File) error {
	f.Imports[runtimeImport] = true
	opOutputs := map[string]bool{}
	for _, op := range g.ops {
		if op.output != "" {
			opOutputs[op.output] = true
		}
	}
	for _, id := range g.sortedTypes() {
		s := g.model.Shapes[id]
		if !g.outputs[id] || s.Type != "structure" && s.Type != "union" {
			continue
		}
		var err error
		if opOutputs[id] {
			err = g.encodeOutput(f, id, s)
		} else {
			err = g.encodeStructure(f, id, s)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// encodeOutput writes the EncodeHTTP method of an operation output: its
// header members, then its payload member or the JSON object of its other
// members.
func (g *generator) encodeOutput(f *smithy.File, id string, s *smithy.Shape) error {
	name := g.typeNames[id]
	f.P("// EncodeHTTP implements restjson.Output.")
	f.P("func (v *%s) EncodeHTTP(e *restjson.Encoder) {", name)
	var body []*smithy.Member
	var payload *smithy.Member
	for _, m := range s.Members {
		switch {
		case m.Has(traitHTTPLabel) || m.Has(traitHTTPQuery):
			return fmt.Errorf("%s member %s: an output member cannot be bound to the URI", id, m.Name)
		case m.Has(traitHTTPHeader):
			if err := g.encodeHeader(f, s, m); err != nil {
				return fmt.Errorf("%s member %s: %w", id, m.Name, err)
			}
		case m.Has(traitHTTPPayload):
			if g.isEventStream(m) {
				f.P("// %s, an event stream, is the operation handler's.", m.Name)
				continue
			}
			payload = m
		default:
			body = append(body, m)
		}
	}
	switch {
	case payload != nil:
		if err := g.encodePayload(f, s, payload); err != nil {
			return fmt.Errorf("%s member %s: %w", id, payload.Name, err)
		}
	case len(body) > 0:
		if err := g.encodeObject(f, s, body); err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
	}
	f.P("}\n")
	return nil
}

// encodeStructure writes the EncodeJSON method of a structure or union
// within a body.
func (g *generator) encodeStructure(f *smithy.File, id string, s *smithy.Shape) error {
	name := g.typeNames[id]
	f.P("// EncodeJSON writes the %s as a JSON object.", name)
	f.P("func (v *%s) EncodeJSON(e *restjson.Encoder) {", name)
	if err := g.encodeObject(f, s, s.Members); err != nil {
		return fmt.Errorf("%s: %w", id, err)
	}
	f.P("}\n")
	return nil
}

// encodeObject writes the members of s as one JSON object. Absent
// optional members are left out; required lists and maps are written
// even when empty.
func (g *generator) encodeObject(f *smithy.File, s *smithy.Shape, ms []*smithy.Member) error {
	f.P("e.BeginObject()")
	for _, m := range ms {
		lhs := "v." + smithy.Exported(m.Name)
		guarded := g.nullable(s, m) || !m.Has(smithy.TraitRequired) && g.isCollection(m.Target)
		if guarded {
			f.P("if %s != nil {", lhs)
		}
		f.P("e.Key(%q)", jsonName(m))
		if g.nullable(s, m) {
			lhs = "*" + lhs
		}
		if err := g.encodeValue(f, lhs, m.Target, g.timestampFormat(m), 0); err != nil {
			return fmt.Errorf("member %s: %w", m.Name, err)
		}
		if guarded {
			f.P("}")
		}
	}
	f.P("e.EndObject()")
	return nil
}

func (g *generator) isCollection(id string) bool {
	switch g.model.Shapes[id].Type {
	case "list", "map", "blob":
		return true
	}
	return false
}

// encodeValue writes the statements that encode the Go expression x, a
// value of shape id.
func (g *generator) encodeValue(f *smithy.File, x, id, format string, depth int) error {
	s, err := g.model.Shape(id)
	if err != nil {
		return err
	}
	suffix := ""
	if depth > 0 {
		suffix = strconv.Itoa(depth)
	}
	switch s.Type {
	case "string":
		f.P("e.String(%s)", x)
	case "enum":
		f.P("e.String(string(%s))", x)
	case "integer", "long":
		f.P("e.Int64(int64(%s))", x)
	case "float", "double":
		f.P("e.Float64(float64(%s))", x)
	case "boolean":
		f.P("e.Bool(%s)", x)
	case "timestamp":
		f.P("e.Time(%s, %s)", x, format)
	case "blob":
		f.P("e.Blob(%s)", x)
	case "structure", "union":
		f.P("%s.EncodeJSON(e)", trimDeref(x))
	case "list":
		i := "i" + suffix
		f.P("e.BeginArray()")
		f.P("for %s := range %s {", i, x)
		if err := g.encodeValue(f, index(x, i), s.Member.Target, g.timestampFormat(s.Member), depth+1); err != nil {
			return err
		}
		f.P("}")
		f.P("e.EndArray()")
	case "map":
		f.Imports["maps"], f.Imports["slices"] = true, true
		k, val := "k"+suffix, "val"+suffix
		f.P("e.BeginObject()")
		f.P("for _, %s := range slices.Sorted(maps.Keys(%s)) {", k, x)
		if g.model.Shapes[s.Key.Target].Type == "enum" {
			f.P("e.Key(string(%s))", k)
		} else {
			f.P("e.Key(%s)", k)
		}
		f.P("%s := %s", val, index(x, k))
		if err := g.encodeValue(f, val, s.Value.Target, g.timestampFormat(s.Value), depth+1); err != nil {
			return err
		}
		f.P("}")
		f.P("e.EndObject()")
	default:
		return fmt.Errorf("shape %s: type %s is not supported by the restJson1 generator", id, s.Type)
	}
	return nil
}

// index is the Go expression of element i of the list or map x.
func index(x, i string) string {
	if len(x) > 0 && x[0] == '*' {
		x = "(" + x + ")"
	}
	return x + "[" + i + "]"
}

// trimDeref turns "*v.X" into "v.X": EncodeJSON has a pointer receiver,
// which the pointer itself serves; an element or value is addressable or
// a local copy.
func trimDeref(x string) string {
	if len(x) > 0 && x[0] == '*' {
		return x[1:]
	}
	return x
}

// encodeHeader writes the setting of the response header an output member
// is bound to.
func (g *generator) encodeHeader(f *smithy.File, s *smithy.Shape, m *smithy.Member) error {
	name := smithy.TraitString(m.Traits, traitHTTPHeader)
	lhs := "v." + smithy.Exported(m.Name)
	target := g.model.Shapes[m.Target]
	guarded := g.nullable(s, m) || g.isCollection(m.Target)
	if guarded {
		f.P("if %s != nil {", lhs)
	}
	x := lhs
	if g.nullable(s, m) {
		x = "*" + lhs
	}
	switch target.Type {
	case "string":
		f.P("e.Header(%q, %s)", name, x)
	case "enum":
		f.P("e.Header(%q, string(%s))", name, x)
	case "integer", "long":
		f.P("e.HeaderInt64(%q, int64(%s))", name, x)
	case "float", "double":
		f.P("e.HeaderFloat64(%q, float64(%s))", name, x)
	case "boolean":
		f.P("e.HeaderBool(%q, %s)", name, x)
	case "timestamp":
		f.P("e.HeaderTime(%q, %s, %s)", name, x, g.timestampFormat(m))
	case "blob":
		f.P("e.HeaderBlob(%q, %s)", name, x)
	case "list":
		switch g.model.Shapes[target.Member.Target].Type {
		case "string":
			f.P("e.HeaderList(%q, %s)", name, x)
		case "enum":
			f.P("items := make([]string, len(%s))", x)
			f.P("for i, item := range %s {", x)
			f.P("items[i] = string(item)")
			f.P("}")
			f.P("e.HeaderList(%q, items)", name)
		default:
			return fmt.Errorf("a header list of %s is not supported", g.model.Shapes[target.Member.Target].Type)
		}
	default:
		return fmt.Errorf("a header cannot carry a %s", target.Type)
	}
	if guarded {
		f.P("}")
	}
	return nil
}

// encodePayload writes the payload member of an output as the whole
// response body.
func (g *generator) encodePayload(f *smithy.File, s *smithy.Shape, m *smithy.Member) error {
	lhs := "v." + smithy.Exported(m.Name)
	switch g.model.Shapes[m.Target].Type {
	case "blob":
		f.P("e.Payload(%s, \"application/octet-stream\")", lhs)
		return nil
	case "string":
		if g.nullable(s, m) {
			f.P("if %s != nil {", lhs)
			f.P("e.Payload([]byte(*%s), \"text/plain\")", lhs)
			f.P("}")
		} else {
			f.P("e.Payload([]byte(%s), \"text/plain\")", lhs)
		}
		return nil
	}
	guarded := g.nullable(s, m) || g.isCollection(m.Target)
	if guarded {
		f.P("if %s != nil {", lhs)
	}
	x := lhs
	if g.nullable(s, m) {
		x = "*" + lhs
	}
	if err := g.encodeValue(f, x, m.Target, g.timestampFormat(m), 0); err != nil {
		return err
	}
	if guarded {
		f.P("}")
	}
	return nil
}
