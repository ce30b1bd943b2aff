package smithy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.json")
	const src = `{"shapes": {"ex#S": {"type": "structure", "members": {
		"Zeta": {"target": "smithy.api#String"},
		"Alpha": {"target": "ex#N", "traits": {"smithy.api#required": {}}},
		"Mid": {"target": "smithy.api#PrimitiveInteger"}}},
		"ex#N": {"type": "integer"}}}`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.Shape("ex#S")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, mem := range s.Members {
		names = append(names, mem.Name)
	}
	if want := []string{"Zeta", "Alpha", "Mid"}; !slices.Equal(names, want) {
		t.Errorf("members %v, want model order %v", names, want)
	}
	if !s.Members[1].Has(TraitRequired) || s.Members[0].Has(TraitRequired) {
		t.Errorf("required trait read wrongly: %+v", s.Members)
	}
	if _, err := m.Shape("smithy.api#PrimitiveInteger"); err == nil {
		t.Error("prelude shape present before AddPrelude")
	}
	m.AddPrelude()
	p, err := m.Shape("smithy.api#PrimitiveInteger")
	if err != nil {
		t.Fatal(err)
	}
	if p.Type != "integer" || !p.Has(TraitDefault) {
		t.Errorf("prelude PrimitiveInteger = %+v, want an integer with a default", p)
	}
	if n, _ := m.Shape("ex#N"); n.Type != "integer" || n.Has(TraitDefault) {
		t.Errorf("model shape ex#N changed: %+v", n)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"shapes": {"ex#S": {"members": [1]}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, path string }{
		{"Missing", filepath.Join(dir, "missing.json")},
		{"MembersNotObject", bad},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Load(tt.path); err == nil {
				t.Error("Load succeeded")
			}
		})
	}
	if _, err := (&Model{}).Shape("ex#Nope"); err == nil {
		t.Error("Shape found a dangling id")
	}
}

func TestTraitsAndNames(t *testing.T) {
	traits := map[string]any{"a": "text", "o": map[string]any{"k": 1.0}}
	tests := []struct {
		name string
		ok   bool
	}{
		{"StringTrait", TraitString(traits, "a") == "text"},
		{"StringOfObject", TraitString(traits, "o") == ""},
		{"ObjectTrait", TraitObject(traits, "o")["k"] == 1.0},
		{"ObjectOfString", TraitObject(traits, "a") == nil},
		{"LocalName", LocalName("com.amazonaws.iam#User") == "User"},
		{"LocalNameNoNamespace", LocalName("User") == ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.ok {
				t.Fail()
			}
		})
	}
}

func FuzzModelJSON(f *testing.F) {
	f.Add([]byte(`{"shapes": {"ex#S": {"type": "structure", "members": {"A": {"target": "ex#B"}}}}}`))
	f.Add([]byte(`{"shapes": {"ex#S": {"members": {"A": 1}}}}`))
	f.Add([]byte(`{"shapes": {"ex#S": {"members": {}}}}`))
	f.Add([]byte(`{"shapes": {"ex#S": {"members": null}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m Model
		if json.Unmarshal(data, &m) != nil {
			return
		}
		for _, s := range m.Shapes {
			if s == nil {
				continue
			}
			for _, mem := range s.Members {
				if mem == nil {
					t.Fatal("nil member decoded")
				}
			}
		}
	})
}
