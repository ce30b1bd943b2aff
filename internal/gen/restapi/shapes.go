package main

import (
	"fmt"
	"strings"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

// shapes writes the Go types: one struct per structure and union the
// operations reach, one string type with constants per enum.
func (g *generator) shapes(f *smithy.File) error {
	roles := map[string]string{}
	for _, op := range g.ops {
		if op.input == "" {
			f.P("// %sInput is the input of %s, which takes no parameters.", op.name, op.name)
			f.P("type %sInput struct{}\n", op.name)
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
			role = fmt.Sprintf("the %s %s %s", g.sdkID, smithy.LocalName(id), s.Type)
		}
		f.P("// %s is %s.", name, role)
		switch s.Type {
		case "enum":
			g.enumType(f, name, s)
		case "union":
			if s.Has(traitStreaming) {
				f.P("// It is an event stream: each event is one of its members.")
			} else {
				f.P("// Exactly one of its members is set.")
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

func (g *generator) enumType(f *smithy.File, name string, s *smithy.Shape) {
	f.P("type %s string\n", name)
	f.P("const (")
	for _, m := range s.Members {
		f.P("%s %s = %q", smithy.EnumConstName(name, m.Name), name, m.EnumValue())
	}
	f.P(")\n")
}

// structType writes a structure or union. Members bound to an event
// stream are left out: the stream is the operation handler's, not a value
// of the input or output (restjson.Operation.InputEventStream).
func (g *generator) structType(f *smithy.File, id, name string, s *smithy.Shape) error {
	f.P("type %s struct {", name)
	wireNames, goNames := map[string]string{}, map[string]string{}
	for _, m := range s.Members {
		for _, trait := range unsupportedBindings {
			if m.Has(trait) {
				return fmt.Errorf("%s member %s: %s is not supported by the restJson1 runtime", id, m.Name, trait)
			}
		}
		if g.isEventStream(m) && m.Has(traitHTTPPayload) {
			f.P("// %s, an event stream, is the operation handler's.", m.Name)
			continue
		}
		wire := jsonName(m)
		if other, ok := wireNames[wire]; ok {
			return fmt.Errorf("%s members %s and %s are both named %s in JSON", id, other, m.Name, wire)
		}
		wireNames[wire] = m.Name
		if other, ok := goNames[smithy.Exported(m.Name)]; ok {
			return fmt.Errorf("%s members %s and %s would both be Go field %s", id, other, m.Name, smithy.Exported(m.Name))
		}
		goNames[smithy.Exported(m.Name)] = m.Name
		t, err := g.memberType(s, m)
		if err != nil {
			return fmt.Errorf("%s member %s: %w", id, m.Name, err)
		}
		if strings.Contains(t, "time.") {
			f.Imports["time"] = true
		}
		tag := wire
		if g.nullable(s, m) || strings.HasPrefix(t, "[]") || strings.HasPrefix(t, "map[") {
			tag += ",omitempty"
		}
		f.P("%s %s `json:%q`", smithy.Exported(m.Name), t, tag)
	}
	f.P("}\n")
	return nil
}
