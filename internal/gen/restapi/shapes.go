package main

import (
	"fmt"
	"strings"
)

// shapes writes the Go types: one struct per structure and union the
// operations reach, one string type with constants per enum.
func (g *generator) shapes(f *file) error {
	roles := map[string]string{}
	for _, op := range g.ops {
		if op.input == "" {
			f.p("// %sInput is the input of %s, which takes no parameters.", op.name, op.name)
			f.p("type %sInput struct{}\n", op.name)
			continue
		}
		roles[op.input] = "the input of " + op.name
		if op.output != "" {
			roles[op.output] = "the result of " + op.name
		}
	}
	for _, id := range g.sortedTypes() {
		s, name := g.model.Shapes[id], g.typeNames[id]
		role := roles[id]
		if role == "" {
			role = fmt.Sprintf("the %s %s %s", g.sdkID, localName(id), s.Type)
		}
		f.p("// %s is %s.", name, role)
		switch s.Type {
		case "enum":
			g.enumType(f, name, s)
		case "union":
			if s.has(traitStreaming) {
				f.p("// It is an event stream: each event is one of its members.")
			} else {
				f.p("// Exactly one of its members is set.")
			}
			fallthrough
		case "structure":
			if err := g.structType(f, id, name, s); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *generator) enumType(f *file, name string, s *shape) {
	f.p("type %s string\n", name)
	f.p("const (")
	for _, m := range s.Members {
		f.p("%s %s = %q", enumConstName(name, m.Name), name, enumValue(m))
	}
	f.p(")\n")
}

// enumValue is the wire value of an enum member: its enumValue trait, or
// its name.
func enumValue(m *member) string {
	if v := traitString(m.Traits, traitEnumValue); v != "" {
		return v
	}
	return m.Name
}

// structType writes a structure or union. Members bound to an event
// stream are left out: the stream is the operation handler's, not a value
// of the input or output (restjson.Operation.InputEventStream).
func (g *generator) structType(f *file, id, name string, s *shape) error {
	f.p("type %s struct {", name)
	wireNames, goNames := map[string]string{}, map[string]string{}
	for _, m := range s.Members {
		for _, trait := range unsupportedBindings {
			if m.has(trait) {
				return fmt.Errorf("%s member %s: %s is not supported by the restJson1 runtime", id, m.Name, trait)
			}
		}
		if g.isEventStream(m) && m.has(traitHTTPPayload) {
			f.p("// %s, an event stream, is the operation handler's.", m.Name)
			continue
		}
		wire := jsonName(m)
		if other, ok := wireNames[wire]; ok {
			return fmt.Errorf("%s members %s and %s are both named %s in JSON", id, other, m.Name, wire)
		}
		wireNames[wire] = m.Name
		if other, ok := goNames[exported(m.Name)]; ok {
			return fmt.Errorf("%s members %s and %s would both be Go field %s", id, other, m.Name, exported(m.Name))
		}
		goNames[exported(m.Name)] = m.Name
		t, err := g.memberType(s, m)
		if err != nil {
			return fmt.Errorf("%s member %s: %w", id, m.Name, err)
		}
		if strings.Contains(t, "time.") {
			f.imports["time"] = true
		}
		tag := wire
		if g.nullable(s, m) || strings.HasPrefix(t, "[]") || strings.HasPrefix(t, "map[") {
			tag += ",omitempty"
		}
		f.p("%s %s `json:%q`", exported(m.Name), t, tag)
	}
	f.p("}\n")
	return nil
}
