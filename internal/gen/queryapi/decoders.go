package main

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

// decoders writes a DecodeQuery method for every structure an operation
// input reaches, then the constraint rules those methods use.
func (g *generator) decoders(f *smithy.File) error {
	f.Imports[runtimeImport] = true
	for _, op := range g.ops {
		if op.input == "" {
			f.P("// DecodeQuery implements awsquery.Input; %s takes no parameters.", op.name)
			f.P("func (*%sInput) DecodeQuery(*awsquery.Decoder, awsquery.Path) {}\n", op.name)
		}
	}
	for _, id := range g.sortedTypes() {
		s := g.model.Shapes[id]
		if !g.inputs[id] || s.Type != "structure" {
			continue
		}
		name := g.typeNames[id]
		f.P("// DecodeQuery implements awsquery.Input.")
		if len(s.Members) == 0 {
			f.P("func (*%s) DecodeQuery(*awsquery.Decoder, awsquery.Path) {}\n", name)
			continue
		}
		f.P("func (v *%s) DecodeQuery(d *awsquery.Decoder, p awsquery.Path) {", name)
		for _, m := range s.Members {
			kind := "Member"
			if m.Has(smithy.TraitRequired) {
				kind = "Required"
			}
			path := fmt.Sprintf("p.%s(%q, %q)", kind, xmlName(m.Traits, m.Name), smithy.Unexported(m.Name))
			r, err := g.ruleFor(name, m)
			if err != nil {
				return fmt.Errorf("%s member %s: %w", id, m.Name, err)
			}
			v := value{lhs: "v." + smithy.Exported(m.Name), path: path, target: m.Target, rule: r, nullable: g.nullable(m), flattened: m.Has(traitFlattened)}
			if err := g.decodeValue(f, v, 0); err != nil {
				return fmt.Errorf("%s member %s: %w", id, m.Name, err)
			}
		}
		f.P("}\n")
	}
	return g.ruleVars(f)
}

// value is one value a generated decoder reads.
type value struct {
	lhs       string // Go expression it is stored in
	path      string // Go expression of its awsquery.Path
	target    string // its shape id
	rule      string // Go expression of its *awsquery.Rule
	nullable  bool   // whether lhs is a pointer
	flattened bool   // for a list or map member, whether it is xmlFlattened
}

// decodeValue writes the statements that decode v. depth numbers the
// variables of nested lists and maps.
func (g *generator) decodeValue(f *smithy.File, v value, depth int) error {
	s, err := g.model.Shape(v.target)
	if err != nil {
		return err
	}
	suffix := ""
	if depth > 0 {
		suffix = strconv.Itoa(depth)
	}
	switch s.Type {
	case "string":
		g.decodeScalar(f, v, "String", v.path+", "+v.rule, "")
	case "enum":
		g.decodeScalar(f, v, "String", v.path+", "+v.rule, g.typeNames[v.target])
	case "integer":
		g.decodeScalar(f, v, "Int32", v.path+", "+v.rule, "")
	case "long":
		g.decodeScalar(f, v, "Int64", v.path+", "+v.rule, "")
	case "boolean":
		g.decodeScalar(f, v, "Bool", v.path, "")
	case "timestamp":
		g.decodeScalar(f, v, "Time", v.path, "")
	case "blob":
		f.P("%s, _ = d.Blob(%s, %s)", v.lhs, v.path, v.rule)
	case "structure":
		sp := "sp" + suffix
		f.P("if %s := %s; d.Struct(%s) {", sp, v.path, sp)
		if v.nullable {
			f.P("%s = new(%s)", v.lhs, g.typeNames[v.target])
		}
		f.P("%s.DecodeQuery(d, %s)", v.lhs, sp)
		f.P("}")
	case "list":
		return g.decodeList(f, v, s, suffix, depth)
	case "map":
		return g.decodeMap(f, v, s, suffix, depth)
	default:
		return fmt.Errorf("shape %s: type %s is not supported by the Query generator", v.target, s.Type)
	}
	return nil
}

// decodeScalar writes the decoding of a scalar with the Decoder method
// named method. conv, when set, is the Go type the value converts to.
func (g *generator) decodeScalar(f *smithy.File, v value, method, args, conv string) {
	if conv == "" && !v.nullable {
		f.P("%s, _ = d.%s(%s)", v.lhs, method, args)
		return
	}
	x := "x"
	if conv != "" {
		x = conv + "(x)"
	}
	if v.nullable {
		x = "new(" + x + ")"
	}
	f.P("if x, ok := d.%s(%s); ok {", method, args)
	f.P("%s = %s", v.lhs, x)
	f.P("}")
}

func (g *generator) decodeList(f *smithy.File, v value, s *smithy.Shape, suffix string, depth int) error {
	t, err := g.goType(v.target)
	if err != nil {
		return err
	}
	elemRule, err := g.ruleFor(smithy.LocalName(v.target), s.Member)
	if err != nil {
		return err
	}
	l, i := "l"+suffix, "i"+suffix
	f.P("if %s, ok := d.List(%s, %q, %t, %s); ok {", l, v.path, xmlName(s.Member.Traits, elementListName), v.flattened, v.rule)
	f.P("%s = make(%s, %s.Len())", v.lhs, t, l)
	f.P("for %s := range %s {", i, v.lhs)
	elem := value{lhs: v.lhs + "[" + i + "]", path: l + ".Element(" + i + ")", target: s.Member.Target, rule: elemRule}
	if err := g.decodeValue(f, elem, depth+1); err != nil {
		return err
	}
	f.P("}")
	f.P("}")
	return nil
}

func (g *generator) decodeMap(f *smithy.File, v value, s *smithy.Shape, suffix string, depth int) error {
	t, err := g.goType(v.target)
	if err != nil {
		return err
	}
	keyType, err := g.goType(s.Key.Target)
	if err != nil {
		return err
	}
	valueType, err := g.goType(s.Value.Target)
	if err != nil {
		return err
	}
	keyRule, err := g.ruleFor(smithy.LocalName(v.target), s.Key)
	if err != nil {
		return err
	}
	valueRule, err := g.ruleFor(smithy.LocalName(v.target), s.Value)
	if err != nil {
		return err
	}
	m, i, k, val := "m"+suffix, "i"+suffix, "k"+suffix, "val"+suffix
	f.P("if %s, ok := d.Map(%s, %q, %q, %t, %s); ok {", m, v.path,
		xmlName(s.Key.Traits, elementMapKey), xmlName(s.Value.Traits, elementMapValue), v.flattened, v.rule)
	f.P("%s = make(%s, %s.Len())", v.lhs, t, m)
	f.P("for %s := range %s.Len() {", i, m)
	f.P("var %s %s", k, keyType)
	if err := g.decodeValue(f, value{lhs: k, path: m + ".Key(" + i + ")", target: s.Key.Target, rule: keyRule}, depth+1); err != nil {
		return err
	}
	f.P("if _, dup := %s[%s]; dup {", v.lhs, k)
	f.P("continue // the first entry for a key wins, as the first of repeated parameters does")
	f.P("}")
	f.P("var %s %s", val, valueType)
	if err := g.decodeValue(f, value{lhs: val, path: m + ".Value(" + i + ")", target: s.Value.Target, rule: valueRule}, depth+1); err != nil {
		return err
	}
	f.P("%s[%s] = %s", v.lhs, k, val)
	f.P("}")
	f.P("}")
	return nil
}

// constraintTraits are the traits a rule carries.
var constraintTraits = []string{smithy.TraitLength, smithy.TraitRange, smithy.TraitPattern}

// ruleFor returns the Go expression of the rule for member m of owner (a
// Go type or shape name): the rule of its target shape or, when the member adds constraints
// of its own, a rule merging both. It is "nil" for an unconstrained value.
func (g *generator) ruleFor(owner string, m *smithy.Member) (string, error) {
	target := g.model.Shapes[m.Target]
	traits := map[string]any{}
	for _, name := range append(constraintTraits, smithy.TraitSensitive) {
		if t, ok := target.Traits[name]; ok {
			traits[name] = t
		}
	}
	var enum []string
	if target.Type == "enum" {
		for _, em := range target.Members {
			enum = append(enum, em.EnumValue())
		}
	}
	name := smithy.Unexported(smithy.LocalName(m.Target)) + "Rule"
	ownTraits := false
	for _, trait := range constraintTraits {
		if t, ok := m.Traits[trait]; ok {
			traits[trait], ownTraits = t, true
		}
	}
	if ownTraits {
		name = smithy.Unexported(owner) + smithy.Exported(m.Name) + "Rule"
	}
	if len(traits) == 0 && len(enum) == 0 {
		return "nil", nil
	}
	r := rule{traits: traits, enum: enum}
	if pattern := smithy.TraitString(traits, smithy.TraitPattern); pattern != "" {
		p, err := translatePattern(pattern)
		if err != nil {
			return "", err
		}
		r.pattern = p
	}
	g.rules[name] = r
	return name, nil
}

// ruleVars writes the rules the decoders refer to.
func (g *generator) ruleVars(f *smithy.File) error {
	if len(g.rules) == 0 {
		return nil
	}
	f.P("// Constraint rules, from the model's length, range, pattern, enum and")
	f.P("// sensitive traits.")
	f.P("var (")
	for _, name := range slices.Sorted(maps.Keys(g.rules)) {
		r := g.rules[name]
		var fields []string
		if l := limits(smithy.TraitObject(r.traits, smithy.TraitLength)); l != "" {
			fields = append(fields, "Length: "+l)
		}
		if l := limits(smithy.TraitObject(r.traits, smithy.TraitRange)); l != "" {
			fields = append(fields, "Range: "+l)
		}
		if p := r.pattern; p.expr != "" {
			pattern := fmt.Sprintf("Display: %s, Expr: %s", smithy.GoString(p.display), smithy.GoString(p.expr))
			if p.reject != "" {
				pattern += ", Reject: " + smithy.GoString(p.reject)
			}
			fields = append(fields, "Pattern: &awsquery.Pattern{"+pattern+"}")
		}
		if len(r.enum) > 0 {
			quoted := make([]string, len(r.enum))
			for i, e := range r.enum {
				quoted[i] = strconv.Quote(e)
			}
			fields = append(fields, "Enum: []string{"+strings.Join(quoted, ", ")+"}")
		}
		if _, ok := r.traits[smithy.TraitSensitive]; ok {
			fields = append(fields, "Sensitive: true")
		}
		f.P("%s = &awsquery.Rule{%s}", name, strings.Join(fields, ", "))
	}
	f.P(")")
	return nil
}

// limits is the awsquery.Limits literal of a length or range trait, or "".
func limits(trait map[string]any) string {
	if trait == nil {
		return ""
	}
	var fields []string
	if n, ok := trait["min"].(float64); ok {
		fields = append(fields, fmt.Sprintf("Min: %d, HasMin: true", int64(n)))
	}
	if n, ok := trait["max"].(float64); ok {
		fields = append(fields, fmt.Sprintf("Max: %d, HasMax: true", int64(n)))
	}
	if len(fields) == 0 {
		return ""
	}
	return "awsquery.Limits{" + strings.Join(fields, ", ") + "}"
}
