package main

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

// decoders writes a DecodeHTTP method for every operation input and a
// DecodeJSON method for every structure and union an input reaches, then
// the constraint rules those methods use.
func (g *generator) decoders(f *smithy.File) error {
	f.Imports[runtimeImport] = true
	opInputs := map[string]bool{}
	for _, op := range g.ops {
		if op.input == "" {
			f.P("// DecodeHTTP implements restjson.Input; %s takes no parameters.", op.name)
			f.P("func (*%sInput) DecodeHTTP(*restjson.Decoder) {}\n", op.name)
			continue
		}
		opInputs[op.input] = true
	}
	for _, id := range g.sortedTypes() {
		s := g.model.Shapes[id]
		if !g.inputs[id] || s.Type != "structure" && s.Type != "union" {
			continue
		}
		var err error
		if opInputs[id] {
			err = g.decodeInput(f, id, s)
		} else {
			err = g.decodeStructure(f, id, s)
		}
		if err != nil {
			return err
		}
	}
	return g.ruleVars(f)
}

// decodeInput writes the DecodeHTTP method of an operation input, which
// reads each member from where the model binds it.
func (g *generator) decodeInput(f *smithy.File, id string, s *smithy.Shape) error {
	name := g.typeNames[id]
	f.P("// DecodeHTTP implements restjson.Input.")
	f.P("func (v *%s) DecodeHTTP(d *restjson.Decoder) {", name)
	var body []*smithy.Member
	for _, m := range s.Members {
		source, err := g.boundSource(id, m)
		if err != nil {
			return err
		}
		switch source {
		case "":
			body = append(body, m)
		case "-":
			f.P("// %s, an event stream, is the operation handler's.", m.Name)
		default:
			if err := g.decodeMember(f, name, s, m, source); err != nil {
				return fmt.Errorf("%s member %s: %w", id, m.Name, err)
			}
		}
	}
	if len(body) > 0 {
		f.P("b := d.Body()")
		for _, m := range body {
			if err := g.decodeMember(f, name, s, m, g.objectSource("b", m)); err != nil {
				return fmt.Errorf("%s member %s: %w", id, m.Name, err)
			}
		}
	}
	f.P("}\n")
	return nil
}

// boundSource returns the Go expression of the restjson.Value of a member
// of an operation input that the model binds to the URI, the query, a
// header or the payload; "" for a member of the JSON body; "-" for an
// event stream.
func (g *generator) boundSource(owner string, m *smithy.Member) (string, error) {
	for _, trait := range unsupportedBindings {
		if m.Has(trait) {
			return "", fmt.Errorf("%s member %s: %s is not supported by the restJson1 runtime", owner, m.Name, trait)
		}
	}
	target := g.model.Shapes[m.Target]
	path := fmt.Sprintf("restjson.Path{}.%s(%q)", pathKind(m), smithy.Unexported(m.Name))
	scalar := target.Type != "list" && target.Type != "map" && target.Type != "structure" && target.Type != "union"
	listOfScalars := target.Type == "list" && g.isScalar(target.Member.Target)
	switch {
	case m.Has(traitHTTPLabel):
		if !scalar {
			return "", fmt.Errorf("%s member %s: a label must be a scalar", owner, m.Name)
		}
		return fmt.Sprintf("d.Label(%s, %q)", path, m.Name), nil
	case m.Has(traitHTTPQuery):
		name := smithy.TraitString(m.Traits, traitHTTPQuery)
		if listOfScalars {
			return fmt.Sprintf("d.QueryList(%s, %q)", path, name), nil
		}
		if !scalar {
			return "", fmt.Errorf("%s member %s: a query parameter must be a scalar or a list of scalars", owner, m.Name)
		}
		return fmt.Sprintf("d.Query(%s, %q)", path, name), nil
	case m.Has(traitHTTPHeader):
		name := smithy.TraitString(m.Traits, traitHTTPHeader)
		if listOfScalars && g.model.Shapes[target.Member.Target].Type != "timestamp" {
			return fmt.Sprintf("d.HeaderList(%s, %q)", path, name), nil
		}
		if !scalar {
			return "", fmt.Errorf("%s member %s: a header must be a scalar or a list of scalars other than timestamps", owner, m.Name)
		}
		return fmt.Sprintf("d.Header(%s, %q)", path, name), nil
	case m.Has(traitHTTPPayload):
		if g.isEventStream(m) {
			return "-", nil
		}
		if target.Type == "blob" || target.Type == "string" || target.Type == "enum" {
			return fmt.Sprintf("d.Payload(%s)", path), nil
		}
		return fmt.Sprintf("d.PayloadJSON(%s)", path), nil
	}
	return "", nil
}

// isScalar reports whether shape id is a simple type, which a label, query
// parameter or header can carry.
func (g *generator) isScalar(id string) bool {
	switch g.model.Shapes[id].Type {
	case "list", "map", "structure", "union", "document":
		return false
	}
	return true
}

// objectSource is the Go expression of the value of a member of the JSON
// object in the variable o.
func (g *generator) objectSource(o string, m *smithy.Member) string {
	return fmt.Sprintf("%s.%s(%q, %q)", o, pathKind(m), jsonName(m), smithy.Unexported(m.Name))
}

func pathKind(m *smithy.Member) string {
	if m.Has(smithy.TraitRequired) {
		return "Required"
	}
	return "Member"
}

// decodeStructure writes the DecodeJSON method of a structure or union
// within a body.
func (g *generator) decodeStructure(f *smithy.File, id string, s *smithy.Shape) error {
	name := g.typeNames[id]
	f.P("// DecodeJSON reads the %s in the JSON object o.", name)
	if len(s.Members) == 0 {
		f.P("func (*%s) DecodeJSON(*restjson.Decoder, restjson.Object) {}\n", name)
		return nil
	}
	f.P("func (v *%s) DecodeJSON(d *restjson.Decoder, o restjson.Object) {", name)
	for _, m := range s.Members {
		if err := g.decodeMember(f, name, s, m, g.objectSource("o", m)); err != nil {
			return fmt.Errorf("%s member %s: %w", id, m.Name, err)
		}
	}
	f.P("}\n")
	return nil
}

// decodeMember writes the decoding of member m of the structure s (Go
// type owner) from the value source, setting its default first when the
// model gives one the zero value is not.
func (g *generator) decodeMember(f *smithy.File, owner string, s *smithy.Shape, m *smithy.Member, source string) error {
	r, err := g.ruleFor(owner, m)
	if err != nil {
		return err
	}
	v := value{lhs: "v." + smithy.Exported(m.Name), source: source, target: m.Target, rule: r, nullable: g.nullable(s, m), format: g.timestampFormat(m)}
	if def := g.defaultValue(m); def != nil && !m.Has(smithy.TraitRequired) {
		lit, err := g.literal(m.Target, def)
		if err != nil {
			return err
		}
		if lit != "" {
			f.P("%s = %s", v.lhs, lit)
			v.keep = true
		}
	}
	return g.decodeValue(f, v, 0)
}

// literal returns the Go literal of a default value of shape id, or "" for
// the Go zero value, which needs no assignment.
func (g *generator) literal(id string, def any) (string, error) {
	s := g.model.Shapes[id]
	switch v := def.(type) {
	case string:
		switch {
		case v == "":
			return "", nil
		case s.Type == "enum":
			for _, m := range s.Members {
				if m.EnumValue() == v {
					return smithy.EnumConstName(g.typeNames[id], m.Name), nil
				}
			}
		case s.Type == "string":
			return strconv.Quote(v), nil
		}
	case float64:
		switch s.Type {
		case "integer", "long", "float", "double":
			if v == 0 {
				return "", nil
			}
			return strconv.FormatFloat(v, 'f', -1, 64), nil
		case "timestamp":
			if v == 0 {
				return "", nil
			}
		}
	case bool:
		if s.Type == "boolean" {
			if !v {
				return "", nil
			}
			return "true", nil
		}
	case []any:
		if len(v) == 0 && s.Type == "list" {
			return "", nil
		}
	case map[string]any:
		if len(v) == 0 && s.Type == "map" {
			return "", nil
		}
	}
	return "", fmt.Errorf("default %v of shape %s is not supported", def, id)
}

// value is one value a generated decoder reads.
type value struct {
	lhs      string // Go expression it is stored in
	source   string // Go expression of its restjson.Value
	target   string // its shape id
	rule     string // Go expression of its *restjson.Rule
	nullable bool   // whether lhs is a pointer
	format   string // Go expression of its timestamp format
	// keep is set when lhs holds a default that an absent value must
	// leave in place.
	keep bool
}

// decodeValue writes the statements that decode v. depth numbers the
// variables of nested values.
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
		g.decodeScalar(f, v, "String", v.source+", "+v.rule, "")
	case "enum":
		g.decodeScalar(f, v, "String", v.source+", "+v.rule, g.typeNames[v.target])
	case "integer":
		g.decodeScalar(f, v, "Int32", v.source+", "+v.rule, "")
	case "long":
		g.decodeScalar(f, v, "Int64", v.source+", "+v.rule, "")
	case "float":
		g.decodeScalar(f, v, "Float32", v.source+", "+v.rule, "")
	case "double":
		g.decodeScalar(f, v, "Float64", v.source+", "+v.rule, "")
	case "boolean":
		g.decodeScalar(f, v, "Bool", v.source, "")
	case "timestamp":
		g.decodeScalar(f, v, "Time", v.source+", "+v.format, "")
	case "blob":
		f.P("%s, _ = d.Blob(%s, %s)", v.lhs, v.source, v.rule)
	case "structure", "union":
		// Numbered from 1 so as not to shadow the o of DecodeJSON.
		o := "o" + strconv.Itoa(depth+1)
		if s.Type == "union" {
			keys := make([]string, len(s.Members))
			for i, m := range s.Members {
				keys[i] = strconv.Quote(jsonName(m))
			}
			f.P("if %s, ok := d.Union(%s, %s); ok {", o, v.source, strings.Join(keys, ", "))
		} else {
			f.P("if %s, ok := d.Struct(%s); ok {", o, v.source)
		}
		if v.nullable {
			f.P("%s = new(%s)", v.lhs, g.typeNames[v.target])
		}
		f.P("%s.DecodeJSON(d, %s)", v.lhs, o)
		f.P("}")
	case "list":
		return g.decodeList(f, v, s, suffix, depth)
	case "map":
		return g.decodeMap(f, v, s, suffix, depth)
	default:
		return fmt.Errorf("shape %s: type %s is not supported by the restJson1 generator", v.target, s.Type)
	}
	return nil
}

// decodeScalar writes the decoding of a scalar with the Decoder method
// named method. conv, when set, is the Go type the value converts to.
func (g *generator) decodeScalar(f *smithy.File, v value, method, args, conv string) {
	if conv == "" && !v.nullable && !v.keep {
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
	elemRule, err := g.ruleFor(smithy.Exported(smithy.LocalName(v.target)), s.Member)
	if err != nil {
		return err
	}
	l, i := "l"+suffix, "i"+suffix
	f.P("if %s, ok := d.List(%s, %s); ok {", l, v.source, v.rule)
	f.P("%s = make(%s, %s.Len())", v.lhs, t, l)
	f.P("for %s := range %s {", i, v.lhs)
	elem := value{lhs: v.lhs + "[" + i + "]", source: l + ".Element(" + i + ")", target: s.Member.Target, rule: elemRule, format: g.timestampFormat(s.Member)}
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
	owner := smithy.Exported(smithy.LocalName(v.target))
	keyRule, err := g.ruleFor(owner, s.Key)
	if err != nil {
		return err
	}
	valueRule, err := g.ruleFor(owner, s.Value)
	if err != nil {
		return err
	}
	m, i, k, val := "m"+suffix, "i"+suffix, "k"+suffix, "val"+suffix
	f.P("if %s, ok := d.Map(%s, %s); ok {", m, v.source, v.rule)
	f.P("%s = make(%s, %s.Len())", v.lhs, t, m)
	f.P("for %s := range %s.Len() {", i, m)
	f.P("var %s %s", k, keyType)
	if err := g.decodeValue(f, value{lhs: k, source: m + ".Key(" + i + ")", target: s.Key.Target, rule: keyRule}, depth+1); err != nil {
		return err
	}
	f.P("var %s %s", val, valueType)
	if err := g.decodeValue(f, value{lhs: val, source: m + ".Value(" + i + ")", target: s.Value.Target, rule: valueRule, format: g.timestampFormat(s.Value)}, depth+1); err != nil {
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
// Go type name): the rule of its target shape or, when the member adds
// constraints of its own, a rule merging both. It is "nil" for an
// unconstrained value.
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
	if other, ok := g.rules[name]; ok && !reflect.DeepEqual(other, r) {
		return "", fmt.Errorf("two different rules would both be named %s", name)
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
			if len(p.require) > 0 {
				pattern += ", Require: " + goStrings(p.require)
			}
			if len(p.reject) > 0 {
				pattern += ", Reject: " + goStrings(p.reject)
			}
			fields = append(fields, "Pattern: &restjson.Pattern{"+pattern+"}")
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
		f.P("%s = &restjson.Rule{%s}", name, strings.Join(fields, ", "))
	}
	f.P(")")
	return nil
}

// limits is the restjson.Limits literal of a length or range trait, or "".
func limits(trait map[string]any) string {
	if trait == nil {
		return ""
	}
	var fields []string
	if n, ok := trait["min"].(float64); ok {
		fields = append(fields, fmt.Sprintf("Min: %s, HasMin: true", strconv.FormatFloat(n, 'f', -1, 64)))
	}
	if n, ok := trait["max"].(float64); ok {
		fields = append(fields, fmt.Sprintf("Max: %s, HasMax: true", strconv.FormatFloat(n, 'f', -1, 64)))
	}
	if len(fields) == 0 {
		return ""
	}
	return "restjson.Limits{" + strings.Join(fields, ", ") + "}"
}

func goStrings(ss []string) string {
	quoted := make([]string, len(ss))
	for i, s := range ss {
		quoted[i] = smithy.GoString(s)
	}
	return "[]string{" + strings.Join(quoted, ", ") + "}"
}
