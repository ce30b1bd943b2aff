package main

import (
	"bytes"
	"cmp"
	"fmt"
	"go/format"
	"maps"
	"slices"
	"strings"
)

// Smithy traits the generator reads.
const (
	traitRequired   = "smithy.api#required"
	traitDefault    = "smithy.api#default"
	traitLength     = "smithy.api#length"
	traitRange      = "smithy.api#range"
	traitPattern    = "smithy.api#pattern"
	traitSensitive  = "smithy.api#sensitive"
	traitEnumValue  = "smithy.api#enumValue"
	traitError      = "smithy.api#error"
	traitHTTPError  = "smithy.api#httpError"
	traitFlattened  = "smithy.api#xmlFlattened"
	traitXMLNS      = "smithy.api#xmlNamespace"
	traitTitle      = "smithy.api#title"
	traitAWSQuery   = "aws.protocols#awsQuery"
	traitQueryError = "aws.protocols#awsQueryError"
	traitAWSService = "aws.api#service"
	traitSigV4      = "aws.auth#sigv4"
)

// The Query protocol's default element names for list members and map
// entries, which xmlName traits may override.
const (
	elementListName = "member"
	elementMapEntry = "entry"
	elementMapKey   = "key"
	elementMapValue = "value"
)

const (
	runtimeImport   = "github.com/warden-iam/warden/awsquery"
	generatedSuffix = "_gen.go"
)

// generator turns one Query service model into Go source.
type generator struct {
	model     *model
	modelFile string // base name, for the generated-code header
	pkg       string

	service   *shape
	serviceID string
	sdkID     string
	ops       []operation

	// typeNames maps each structure and enum shape the service reaches to
	// its Go type name.
	typeNames map[string]string
	// inputs and outputs hold the shapes reachable from operation inputs
	// and outputs: the first get DecodeQuery methods, the second
	// EncodeQueryXML methods.
	inputs, outputs map[string]bool
	// urlEncoded holds the string shapes written URL-encoded in outputs.
	urlEncoded map[string]bool
	// rules collects, while decoders are generated, the constraint rules
	// they refer to, by Go variable name.
	rules map[string]rule
}

type operation struct {
	name          string
	input, output string // shape ids; "" for smithy.api#Unit
}

// rule is a generated awsquery.Rule: the constraint traits of a shape, or
// of a member that narrows its target.
type rule struct {
	traits  map[string]any
	enum    []string
	pattern goPattern
}

func newGenerator(m *model, modelFile, pkg string, urlEncoded []string) (*generator, error) {
	g := &generator{
		model:      m,
		modelFile:  modelFile,
		pkg:        pkg,
		typeNames:  map[string]string{},
		inputs:     map[string]bool{},
		outputs:    map[string]bool{},
		urlEncoded: map[string]bool{},
		rules:      map[string]rule{},
	}
	for id, s := range m.Shapes {
		if s.Type == "service" && s.has(traitAWSQuery) {
			if g.service != nil {
				return nil, fmt.Errorf("model has more than one awsQuery service")
			}
			g.service, g.serviceID = s, id
		}
	}
	if g.service == nil {
		return nil, fmt.Errorf("model has no service with the %s trait", traitAWSQuery)
	}
	if len(g.service.Resources) > 0 {
		return nil, fmt.Errorf("service %s has resources, which the generator does not walk", g.serviceID)
	}
	g.sdkID, _ = traitObject(g.service.Traits, traitAWSService)["sdkId"].(string)
	namespace, _, _ := strings.Cut(g.serviceID, "#")
	for _, name := range urlEncoded {
		id := namespace + "#" + name
		if s, ok := m.Shapes[id]; !ok || s.Type != "string" {
			return nil, fmt.Errorf("-url-encoded %s: no string shape %s", name, id)
		}
		g.urlEncoded[id] = true
	}
	for _, r := range g.service.Operations {
		op, err := m.shape(r.Target)
		if err != nil {
			return nil, err
		}
		o := operation{name: localName(r.Target)}
		if op.Input != nil && op.Input.Target != unitShape {
			o.input = op.Input.Target
		}
		if op.Output != nil && op.Output.Target != unitShape {
			o.output = op.Output.Target
		}
		g.ops = append(g.ops, o)
	}
	slices.SortFunc(g.ops, func(a, b operation) int { return cmp.Compare(a.name, b.name) })
	if err := g.name(); err != nil {
		return nil, err
	}
	return g, nil
}

// name finds the shapes the operations reach and gives each structure and
// enum its Go name: operation inputs and outputs are <Operation>Input and
// <Operation>Output, as in the AWS SDK for Go; the rest keep their model
// name, exported.
func (g *generator) name() error {
	for _, op := range g.ops {
		if op.input != "" {
			g.typeNames[op.input] = op.name + "Input"
			if err := g.reach(op.input, g.inputs); err != nil {
				return err
			}
		}
		if op.output != "" {
			g.typeNames[op.output] = op.name + "Output"
			if err := g.reach(op.output, g.outputs); err != nil {
				return err
			}
		}
	}
	for id := range g.reached() {
		if s := g.model.Shapes[id]; (s.Type == "structure" || s.Type == "enum") && g.typeNames[id] == "" {
			g.typeNames[id] = exported(localName(id))
		}
	}
	owners := map[string]string{}
	for _, op := range g.ops {
		if op.input == "" {
			owners[op.name+"Input"] = op.name + " (no input)"
		}
	}
	for id, name := range g.typeNames {
		if other, ok := owners[name]; ok {
			return fmt.Errorf("shapes %s and %s would both be Go type %s", id, other, name)
		}
		owners[name] = id
	}
	return nil
}

func (g *generator) reached() map[string]bool {
	all := maps.Clone(g.inputs)
	maps.Copy(all, g.outputs)
	return all
}

func (g *generator) reach(id string, seen map[string]bool) error {
	if seen[id] {
		return nil
	}
	s, err := g.model.shape(id)
	if err != nil {
		return err
	}
	seen[id] = true
	for _, m := range s.Members {
		if s.Type == "structure" {
			if err := g.reach(m.Target, seen); err != nil {
				return err
			}
		}
	}
	for _, m := range []*member{s.Member, s.Key, s.Value} {
		if m != nil {
			if err := g.reach(m.Target, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// goType is the Go type of a value of shape id.
func (g *generator) goType(id string) (string, error) {
	s, err := g.model.shape(id)
	if err != nil {
		return "", err
	}
	switch s.Type {
	case "string":
		return "string", nil
	case "enum", "structure":
		return g.typeNames[id], nil
	case "integer":
		return "int32", nil
	case "long":
		return "int64", nil
	case "boolean":
		return "bool", nil
	case "timestamp":
		return "time.Time", nil
	case "blob":
		return "[]byte", nil
	case "list":
		elem, err := g.goType(s.Member.Target)
		return "[]" + elem, err
	case "map":
		key, err := g.goType(s.Key.Target)
		if err != nil {
			return "", err
		}
		value, err := g.goType(s.Value.Target)
		return "map[" + key + "]" + value, err
	}
	return "", fmt.Errorf("shape %s: type %s is not supported by the Query generator", id, s.Type)
}

// nullable reports whether a member is a pointer in Go. Smithy makes a
// member non-null when it is required or has a default; lists, maps and
// blobs are nil-able as they are.
func (g *generator) nullable(m *member) bool {
	switch g.model.Shapes[m.Target].Type {
	case "list", "map", "blob":
		return false
	}
	return !m.has(traitRequired) && !m.has(traitDefault)
}

// memberType is the Go type of a structure member.
func (g *generator) memberType(m *member) (string, error) {
	t, err := g.goType(m.Target)
	if g.nullable(m) {
		t = "*" + t
	}
	return t, err
}

// file is one generated Go file being written.
type file struct {
	bytes.Buffer
	imports map[string]bool
}

func (g *generator) newFile() *file {
	return &file{imports: map[string]bool{}}
}

func (f *file) p(format string, args ...any) {
	fmt.Fprintf(f, format, args...)
	f.WriteByte('\n')
}

// source returns the file's formatted Go source, with its header and the
// imports its body used.
func (g *generator) source(f *file) ([]byte, error) {
	var out bytes.Buffer
	fmt.Fprintf(&out, "// Code generated by queryapi from %s. DO NOT EDIT.\n\npackage %s\n\n", g.modelFile, g.pkg)
	if len(f.imports) > 0 {
		// Standard library first, then the rest, as goimports groups them.
		var std, other []string
		for _, path := range slices.Sorted(maps.Keys(f.imports)) {
			if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
				other = append(other, path)
			} else {
				std = append(std, path)
			}
		}
		out.WriteString("import (\n")
		for _, path := range std {
			fmt.Fprintf(&out, "%q\n", path)
		}
		if len(std) > 0 && len(other) > 0 {
			out.WriteString("\n")
		}
		for _, path := range other {
			fmt.Fprintf(&out, "%q\n", path)
		}
		out.WriteString(")\n\n")
	}
	out.Write(f.Bytes())
	src, err := format.Source(out.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting generated code: %w\n%s", err, out.Bytes())
	}
	return src, nil
}

// files returns the generated files by name.
func (g *generator) files() (map[string][]byte, error) {
	out := map[string][]byte{}
	for name, build := range map[string]func(*file) error{
		"shapes":  g.shapes,
		"decode":  g.decoders,
		"encode":  g.encoders,
		"service": g.serviceTable,
	} {
		f := g.newFile()
		if err := build(f); err != nil {
			return nil, err
		}
		src, err := g.source(f)
		if err != nil {
			return nil, err
		}
		out[name+generatedSuffix] = src
	}
	return out, nil
}

// sortedTypes returns the shapes with Go types, ordered by type name.
func (g *generator) sortedTypes() []string {
	ids := slices.Collect(maps.Keys(g.typeNames))
	slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(g.typeNames[a], g.typeNames[b]) })
	return ids
}
