package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

// Smithy traits only this protocol's generator reads; those both
// generators read are package smithy's.
const (
	traitHTTP          = "smithy.api#http"
	traitHTTPLabel     = "smithy.api#httpLabel"
	traitHTTPQuery     = "smithy.api#httpQuery"
	traitHTTPHeader    = "smithy.api#httpHeader"
	traitHTTPPayload   = "smithy.api#httpPayload"
	traitJSONName      = "smithy.api#jsonName"
	traitTimestampFmt  = "smithy.api#timestampFormat"
	traitStreaming     = "smithy.api#streaming"
	traitEndpoint      = "smithy.api#endpoint"
	traitReadonly      = "smithy.api#readonly"
	traitIdempotent    = "smithy.api#idempotent"
	traitIdempotency   = "smithy.api#idempotencyToken"
	traitSparse        = "smithy.api#sparse"
	traitRestJSON1     = "aws.protocols#restJson1"
	traitSigV4         = "aws.auth#sigv4"
	traitIAMAction     = "aws.iam#iamAction"
	traitRequiredActns = "aws.iam#requiredActions"
)

// HTTP binding traits the restJson1 runtime does not implement; a model
// that uses one fails the generation rather than losing the member.
var unsupportedBindings = []string{
	"smithy.api#httpPrefixHeaders",
	"smithy.api#httpQueryParams",
	"smithy.api#httpResponseCode",
}

const (
	runtimeImport = "github.com/warden-iam/warden/restjson"
	wardenImport  = "github.com/warden-iam/warden"
)

// generator turns one restJson1 service model into Go source.
type generator struct {
	model     *smithy.Model
	modelFile string // base name, for the generated-code header
	pkg       string

	service   *smithy.Shape
	serviceID string
	sdkID     string
	ops       []operation

	// typeNames maps each structure, union and enum shape the service
	// reaches to its Go type name.
	typeNames map[string]string
	// inputs and outputs hold the shapes reachable from operation inputs
	// and outputs: the first get decoders, the second encoders.
	inputs, outputs map[string]bool
	// errors holds the error shapes written into the service's table by
	// id; nil means every error shape of the model.
	errors map[string]bool
	// rules collects, while decoders are generated, the constraint rules
	// they refer to, by Go variable name.
	rules map[string]rule
}

type operation struct {
	id, name      string
	shape         *smithy.Shape
	input, output string // shape ids; "" for smithy.api#Unit
}

// rule is a generated restjson.Rule: the constraint traits of a shape, or
// of a member that narrows its target.
type rule struct {
	traits  map[string]any
	enum    []string
	pattern goPattern
}

// newGenerator prepares the generation of the service in m: of all its
// operations, or only of those named in only, with the shapes they reach
// and the errors they (or the service) declare.
func newGenerator(m *smithy.Model, modelFile, pkg string, only []string) (*generator, error) {
	g := &generator{
		model:     m,
		modelFile: modelFile,
		pkg:       pkg,
		typeNames: map[string]string{},
		inputs:    map[string]bool{},
		outputs:   map[string]bool{},
		rules:     map[string]rule{},
	}
	for id, s := range m.Shapes {
		if s.Type == "service" && s.Has(traitRestJSON1) {
			if g.service != nil {
				return nil, fmt.Errorf("model has more than one restJson1 service")
			}
			g.service, g.serviceID = s, id
		}
	}
	if g.service == nil {
		return nil, fmt.Errorf("model has no service with the %s trait", traitRestJSON1)
	}
	if len(g.service.Resources) > 0 {
		return nil, fmt.Errorf("service %s has resources, which the generator does not walk", g.serviceID)
	}
	g.sdkID, _ = smithy.TraitObject(g.service.Traits, smithy.TraitAWSService)["sdkId"].(string)
	selected, err := g.selectOperations(only)
	if err != nil {
		return nil, err
	}
	for _, r := range selected {
		op, err := m.Shape(r.Target)
		if err != nil {
			return nil, err
		}
		o := operation{id: r.Target, name: smithy.LocalName(r.Target), shape: op}
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

// selectOperations returns the service's operations named in only, or all of them
// when only is empty. A name the service does not have fails the
// generation: a misspelt operation would otherwise silently be left out.
// With a selection, the errors are those the selected operations and the
// service declare, so that the domain codes map onto the exceptions these
// operations answer with (DuplicateResourceException rather than a
// ConflictException only other operations use).
func (g *generator) selectOperations(only []string) ([]smithy.Ref, error) {
	if len(only) == 0 {
		return g.service.Operations, nil
	}
	byName := map[string]smithy.Ref{}
	for _, r := range g.service.Operations {
		byName[smithy.LocalName(r.Target)] = r
	}
	g.errors = map[string]bool{}
	for _, r := range g.service.Errors {
		g.errors[r.Target] = true
	}
	var refs []smithy.Ref
	for _, name := range only {
		r, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("service %s has no operation %s", g.serviceID, name)
		}
		refs = append(refs, r)
		op, err := g.model.Shape(r.Target)
		if err != nil {
			return nil, err
		}
		for _, e := range op.Errors {
			g.errors[e.Target] = true
		}
	}
	return refs, nil
}

// name finds the shapes the operations reach and gives each structure,
// union and enum its Go name: operation inputs and outputs are
// <Operation>Input and <Operation>Output, as in the AWS SDK for Go,
// whatever the model calls them; the rest keep their model name, exported.
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
		switch g.model.Shapes[id].Type {
		case "structure", "union", "enum":
			if g.typeNames[id] == "" {
				g.typeNames[id] = smithy.Exported(smithy.LocalName(id))
			}
		}
	}
	owners := map[string]string{}
	for _, op := range g.ops {
		if op.input == "" {
			owners[op.name+"Input"] = op.name + " (no input)"
		}
	}
	for _, id := range slices.Sorted(maps.Keys(g.typeNames)) {
		name := g.typeNames[id]
		if other, ok := owners[name]; ok {
			return fmt.Errorf("shapes %s and %s would both be Go type %s", other, id, name)
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
		if s.Type == "structure" || s.Type == "union" {
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
	case "enum", "structure", "union":
		return g.typeNames[id], nil
	case "integer":
		return "int32", nil
	case "long":
		return "int64", nil
	case "float":
		return "float32", nil
	case "double":
		return "float64", nil
	case "boolean":
		return "bool", nil
	case "timestamp":
		return "time.Time", nil
	case "blob":
		return "[]byte", nil
	case "list":
		if s.Has(traitSparse) {
			return "", fmt.Errorf("shape %s: sparse lists are not supported by the restJson1 generator", id)
		}
		elem, err := g.goType(s.Member.Target)
		return "[]" + elem, err
	case "map":
		if s.Has(traitSparse) {
			return "", fmt.Errorf("shape %s: sparse maps are not supported by the restJson1 generator", id)
		}
		key, err := g.goType(s.Key.Target)
		if err != nil {
			return "", err
		}
		value, err := g.goType(s.Value.Target)
		return "map[" + key + "]" + value, err
	}
	return "", fmt.Errorf("shape %s: type %s is not supported by the restJson1 generator", id, s.Type)
}

// nullable reports whether a member is a pointer in Go. Smithy makes a
// member non-null when it is required or has a default other than null;
// a union's members are never required; lists, maps and blobs are nil-able
// as they are.
func (g *generator) nullable(owner *smithy.Shape, m *smithy.Member) bool {
	switch g.model.Shapes[m.Target].Type {
	case "list", "map", "blob":
		return false
	}
	if owner.Type == "union" {
		return true
	}
	return !m.Has(smithy.TraitRequired) && g.defaultValue(m) == nil
}

// defaultValue returns a member's default: its own default trait, else its
// target's (the prelude's Primitive* shapes), or nil when it has none or
// its default is null.
func (g *generator) defaultValue(m *smithy.Member) any {
	if v, ok := m.Traits[smithy.TraitDefault]; ok {
		return v
	}
	return g.model.Shapes[m.Target].Traits[smithy.TraitDefault]
}

// memberType is the Go type of a structure member.
func (g *generator) memberType(owner *smithy.Shape, m *smithy.Member) (string, error) {
	t, err := g.goType(m.Target)
	if g.nullable(owner, m) {
		t = "*" + t
	}
	return t, err
}

// timestampFormat is the Go expression of a timestamp member's format: its
// timestampFormat trait or its target's, as a restjson constant, or "" for
// the protocol's default where it travels.
func (g *generator) timestampFormat(m *smithy.Member) string {
	format := smithy.TraitString(m.Traits, traitTimestampFmt)
	if format == "" {
		format = smithy.TraitString(g.model.Shapes[m.Target].Traits, traitTimestampFmt)
	}
	switch format {
	case "date-time":
		return "restjson.DateTime"
	case "http-date":
		return "restjson.HTTPDate"
	case "epoch-seconds":
		return "restjson.EpochSeconds"
	}
	return `""`
}

// isEventStream reports whether a member is an event stream: a union
// with the streaming trait.
func (g *generator) isEventStream(m *smithy.Member) bool {
	t := g.model.Shapes[m.Target]
	return t.Type == "union" && t.Has(traitStreaming)
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
		src, err := f.Source("restapi", g.modelFile, g.pkg)
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
