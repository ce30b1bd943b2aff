package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

// Smithy traits only this protocol's generator reads; those both
// generators read are package smithy's.
const (
	traitFlattened  = "smithy.api#xmlFlattened"
	traitXMLNS      = "smithy.api#xmlNamespace"
	traitAWSQuery   = "aws.protocols#awsQuery"
	traitQueryError = "aws.protocols#awsQueryError"
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

const runtimeImport = "github.com/warden-iam/warden/awsquery"

// generator turns one Query service model into Go source.
type generator struct {
	model     *smithy.Model
	modelFile string // base name, for the generated-code header
	pkg       string

	service   *smithy.Shape
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

func newGenerator(m *smithy.Model, modelFile, pkg string, urlEncoded []string) (*generator, error) {
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
		if s.Type == "service" && s.Has(traitAWSQuery) {
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
	g.sdkID, _ = smithy.TraitObject(g.service.Traits, smithy.TraitAWSService)["sdkId"].(string)
	namespace, _, _ := strings.Cut(g.serviceID, "#")
	for _, name := range urlEncoded {
		id := namespace + "#" + name
		if s, ok := m.Shapes[id]; !ok || s.Type != "string" {
			return nil, fmt.Errorf("-url-encoded %s: no string shape %s", name, id)
		}
		g.urlEncoded[id] = true
	}
	for _, r := range g.service.Operations {
		op, err := m.Shape(r.Target)
		if err != nil {
			return nil, err
		}
		o := operation{name: smithy.LocalName(r.Target)}
		if op.Input != nil && op.Input.Target != smithy.UnitShape {
			o.input = op.Input.Target
		}
		if op.Output != nil && op.Output.Target != smithy.UnitShape {
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
			g.typeNames[id] = smithy.Exported(smithy.LocalName(id))
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
	s, err := g.model.Shape(id)
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
	for _, m := range []*smithy.Member{s.Member, s.Key, s.Value} {
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
	s, err := g.model.Shape(id)
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
func (g *generator) nullable(m *smithy.Member) bool {
	switch g.model.Shapes[m.Target].Type {
	case "list", "map", "blob":
		return false
	}
	return !m.Has(smithy.TraitRequired) && !m.Has(smithy.TraitDefault)
}

// memberType is the Go type of a structure member.
func (g *generator) memberType(m *smithy.Member) (string, error) {
	t, err := g.goType(m.Target)
	if g.nullable(m) {
		t = "*" + t
	}
	return t, err
}

// files returns the generated files by name.
func (g *generator) files() (map[string][]byte, error) {
	out := map[string][]byte{}
	for name, build := range map[string]func(*smithy.File) error{
		"shapes":  g.shapes,
		"decode":  g.decoders,
		"encode":  g.encoders,
		"service": g.serviceTable,
	} {
		f := smithy.NewFile()
		if err := build(f); err != nil {
			return nil, err
		}
		src, err := f.Source("queryapi", g.modelFile, g.pkg)
		if err != nil {
			return nil, err
		}
		out[name+smithy.GeneratedSuffix] = src
	}
	return out, nil
}

// sortedTypes returns the shapes with Go types, ordered by type name.
func (g *generator) sortedTypes() []string {
	ids := slices.Collect(maps.Keys(g.typeNames))
	slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(g.typeNames[a], g.typeNames[b]) })
	return ids
}
