// Package smithy is what the Smithy code generators (queryapi, restapi)
// share: loading a Smithy JSON AST model into ordered shapes and members,
// reading their traits, turning model names into Go names, and assembling
// a formatted generated Go file. Each protocol's wire rules stay in its own
// generator.
package smithy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Model is the part of a Smithy JSON AST model the generators read.
type Model struct {
	Shapes map[string]*Shape `json:"shapes"`
}

// Shape is one Smithy shape. Members keep their model order, which is the
// order the generated code decodes and writes them in.
type Shape struct {
	Type       string         `json:"type"`
	Version    string         `json:"version"`
	Members    Members        `json:"members"`
	Member     *Member        `json:"member"`
	Key        *Member        `json:"key"`
	Value      *Member        `json:"value"`
	Input      *Ref           `json:"input"`
	Output     *Ref           `json:"output"`
	Errors     []Ref          `json:"errors"`
	Operations []Ref          `json:"operations"`
	Resources  []Ref          `json:"resources"`
	Traits     map[string]any `json:"traits"`
}

// Ref is a reference to another shape by id.
type Ref struct {
	Target string `json:"target"`
}

// Member is a member of a structure, union or enum, or the element, key or
// value of a collection.
type Member struct {
	Name   string
	Target string         `json:"target"`
	Traits map[string]any `json:"traits"`
}

// Members is a structure's members in model order; the JSON AST stores them
// as an object, which a Go map would reorder.
type Members []*Member

func (ms *Members) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	start, err := dec.Token()
	if err != nil {
		return err
	}
	if start == nil { // null: no members
		return nil
	}
	if start != json.Delim('{') {
		return fmt.Errorf("members are %v, not an object", start)
	}
	for dec.More() {
		name, err := dec.Token()
		if err != nil {
			return err
		}
		// Inside an object the decoder's tokens alternate key, value, and
		// keys are always strings.
		m := &Member{Name: name.(string)}
		if err := dec.Decode(m); err != nil {
			return fmt.Errorf("member %s: %w", name, err)
		}
		*ms = append(*ms, m)
	}
	return nil
}

// UnitShape is the shape of an operation without input or output.
const UnitShape = "smithy.api#Unit"

// prelude holds the simple shapes of Smithy's prelude that models target
// without declaring them ("Smithy prelude"). The Primitive* shapes carry a
// zero default, which makes the members that target them non-null.
var prelude = map[string]*Shape{
	"smithy.api#String":           {Type: "string"},
	"smithy.api#Blob":             {Type: "blob"},
	"smithy.api#Boolean":          {Type: "boolean"},
	"smithy.api#Integer":          {Type: "integer"},
	"smithy.api#Long":             {Type: "long"},
	"smithy.api#Float":            {Type: "float"},
	"smithy.api#Double":           {Type: "double"},
	"smithy.api#Timestamp":        {Type: "timestamp"},
	"smithy.api#PrimitiveBoolean": {Type: "boolean", Traits: map[string]any{TraitDefault: false}},
	"smithy.api#PrimitiveInteger": {Type: "integer", Traits: map[string]any{TraitDefault: 0.0}},
	"smithy.api#PrimitiveLong":    {Type: "long", Traits: map[string]any{TraitDefault: 0.0}},
	"smithy.api#PrimitiveFloat":   {Type: "float", Traits: map[string]any{TraitDefault: 0.0}},
	"smithy.api#PrimitiveDouble":  {Type: "double", Traits: map[string]any{TraitDefault: 0.0}},
}

// Load reads the Smithy JSON AST model at path.
func Load(path string) (*Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Model
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}

// AddPrelude adds the prelude's simple shapes the model does not declare
// itself, so that members targeting them resolve.
func (m *Model) AddPrelude() {
	for id, s := range prelude {
		if _, ok := m.Shapes[id]; !ok {
			m.Shapes[id] = s
		}
	}
}

// Shape returns the shape with the given id, failing on a dangling one.
func (m *Model) Shape(id string) (*Shape, error) {
	s, ok := m.Shapes[id]
	if !ok {
		return nil, fmt.Errorf("model has no shape %s", id)
	}
	return s, nil
}

// LocalName is a shape id without its namespace: "com.amazonaws.iam#User"
// → "User".
func LocalName(id string) string {
	_, name, _ := strings.Cut(id, "#")
	return name
}
