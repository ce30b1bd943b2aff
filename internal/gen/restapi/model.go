package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// model is the part of a Smithy JSON AST model the generator reads.
type model struct {
	Shapes map[string]*shape `json:"shapes"`
}

// shape is one Smithy shape. Members keep their model order, which is the
// order the generated code decodes and writes them in.
type shape struct {
	Type       string         `json:"type"`
	Version    string         `json:"version"`
	Members    members        `json:"members"`
	Member     *member        `json:"member"`
	Key        *member        `json:"key"`
	Value      *member        `json:"value"`
	Input      *ref           `json:"input"`
	Output     *ref           `json:"output"`
	Operations []ref          `json:"operations"`
	Resources  []ref          `json:"resources"`
	Errors     []ref          `json:"errors"`
	Traits     map[string]any `json:"traits"`
}

type ref struct {
	Target string `json:"target"`
}

type member struct {
	Name   string
	Target string         `json:"target"`
	Traits map[string]any `json:"traits"`
}

// members is a structure's members in model order; the JSON AST stores them
// as an object, which a Go map would reorder.
type members []*member

func (ms *members) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		name, err := dec.Token()
		if err != nil {
			return err
		}
		m := &member{Name: name.(string)}
		if err := dec.Decode(m); err != nil {
			return fmt.Errorf("member %s: %w", name, err)
		}
		*ms = append(*ms, m)
	}
	return nil
}

const unitShape = "smithy.api#Unit"

// prelude holds the simple shapes of Smithy's prelude that models target
// without declaring them ("Smithy prelude"). The Primitive* shapes carry a
// zero default, which makes the members that target them non-null.
var prelude = map[string]*shape{
	"smithy.api#String":           {Type: "string"},
	"smithy.api#Blob":             {Type: "blob"},
	"smithy.api#Boolean":          {Type: "boolean"},
	"smithy.api#Integer":          {Type: "integer"},
	"smithy.api#Long":             {Type: "long"},
	"smithy.api#Float":            {Type: "float"},
	"smithy.api#Double":           {Type: "double"},
	"smithy.api#Timestamp":        {Type: "timestamp"},
	"smithy.api#PrimitiveBoolean": {Type: "boolean", Traits: map[string]any{traitDefault: false}},
	"smithy.api#PrimitiveInteger": {Type: "integer", Traits: map[string]any{traitDefault: 0.0}},
	"smithy.api#PrimitiveLong":    {Type: "long", Traits: map[string]any{traitDefault: 0.0}},
	"smithy.api#PrimitiveFloat":   {Type: "float", Traits: map[string]any{traitDefault: 0.0}},
	"smithy.api#PrimitiveDouble":  {Type: "double", Traits: map[string]any{traitDefault: 0.0}},
}

func loadModel(path string) (*model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m model
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for id, s := range prelude {
		if _, ok := m.Shapes[id]; !ok {
			m.Shapes[id] = s
		}
	}
	return &m, nil
}

// shape returns the shape with the given id, failing on a dangling one.
func (m *model) shape(id string) (*shape, error) {
	s, ok := m.Shapes[id]
	if !ok {
		return nil, fmt.Errorf("model has no shape %s", id)
	}
	return s, nil
}

// localName is a shape id without its namespace:
// "com.amazonaws.connecthealth#DomainId" → "DomainId".
func localName(id string) string {
	_, name, _ := strings.Cut(id, "#")
	return name
}

func (s *shape) has(trait string) bool {
	_, ok := s.Traits[trait]
	return ok
}

func (m *member) has(trait string) bool {
	_, ok := m.Traits[trait]
	return ok
}

// traitObject returns an object-valued trait, or nil.
func traitObject(traits map[string]any, name string) map[string]any {
	o, _ := traits[name].(map[string]any)
	return o
}

// traitString returns a string-valued trait, or "".
func traitString(traits map[string]any, name string) string {
	s, _ := traits[name].(string)
	return s
}

// jsonName is a member's name in JSON bodies: its jsonName trait, or its
// member name.
func jsonName(m *member) string {
	if name := traitString(m.Traits, traitJSONName); name != "" {
		return name
	}
	return m.Name
}
