package main

import (
	"fmt"
	"strings"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

// shapes writes the Go types: one struct per structure the operations
// reach, one string type with constants per enum.
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

func (g *generator) structType(f *smithy.File, id, name string, s *smithy.Shape) error {
	f.P("type %s struct {", name)
	wireNames := map[string]string{}
	for _, m := range s.Members {
		wire := xmlName(m.Traits, m.Name)
		if other, ok := wireNames[wire]; ok {
			return fmt.Errorf("%s members %s and %s are both named %s on the wire", id, other, m.Name, wire)
		}
		wireNames[wire] = m.Name
		t, err := g.memberType(m)
		if err != nil {
			return fmt.Errorf("%s member %s: %w", id, m.Name, err)
		}
		if strings.Contains(t, "time.") {
			f.Imports["time"] = true
		}
		f.P("%s %s `%s`", smithy.Exported(m.Name), t, g.tags(id, m))
	}
	f.P("}\n")
	return nil
}

// tags are a member's struct tags: query:"…" with its Query parameter name
// when inputs carry it, xml:"…" with its element path when outputs do, in
// encoding/xml's syntax ("Users>member" for a wrapped list).
func (g *generator) tags(owner string, m *smithy.Member) string {
	var tags []string
	wire := xmlName(m.Traits, m.Name)
	if g.inputs[owner] {
		tags = append(tags, fmt.Sprintf("query:%q", wire))
	}
	if g.outputs[owner] {
		path := wire
		if t := g.model.Shapes[m.Target]; t.Type == "list" && !m.Has(traitFlattened) {
			path += ">" + xmlName(t.Member.Traits, elementListName)
		}
		tags = append(tags, fmt.Sprintf("xml:%q", path))
	}
	return strings.Join(tags, " ")
}
