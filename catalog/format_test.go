package catalog

import (
	"bytes"
	"strings"
	"testing"
)

// TestMarshalReproducesEmbeddedFile decodes the embedded file and encodes it
// again: the bytes must be the same, which proves the decoder kept every
// fact the generator wrote.
func TestMarshalReproducesEmbeddedFile(t *testing.T) {
	data, err := Default().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, []byte(embedded)) {
		t.Fatalf("re-encoding the embedded catalog gave %d bytes that differ from the %d embedded", len(data), len(embedded))
	}
}

func TestNewRoundTrip(t *testing.T) {
	c := buildSmallCatalog(t)
	data, err := c.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	again, err := back.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, again) {
		t.Fatal("Load then MarshalBinary changed the file")
	}
	a, ok := back.Action("SVC", "dothing")
	if !ok {
		t.Fatal("svc:DoThing lost")
	}
	if a.Source != SourceUserGuide || !a.PermissionOnly || a.AccessLevel != AccessWrite ||
		len(a.ResourceTypes) != 2 || a.ResourceTypes[0].Type == nil || a.ResourceTypes[1].Type != nil ||
		!a.ResourceTypes[0].Required || a.ResourceTypes[1].Required ||
		strings.Join(a.ConditionKeys, ",") != "aws:RequestTag/${TagKey}" ||
		strings.Join(a.DependentActions, ",") != "iam:PassRole" {
		t.Errorf("svc:DoThing decoded as %+v", a)
	}
	if k, ok := back.ConditionKey("svc:Tag/x"); !ok || k.Name != "svc:Tag/${TagKey}" {
		t.Errorf("svc:Tag/x resolved to %v", k)
	}
	if a, ok := back.ActionForOperation("svc:DoThingOperation"); !ok || a.Name != "DoThing" {
		t.Errorf("alias resolved to %v", a)
	}
}

func buildSmallCatalog(t *testing.T) *Catalog {
	t.Helper()
	s := &Service{
		Prefix:        "svc",
		Name:          "Sample Service",
		ResourceTypes: []*ResourceType{{Name: "thing", ARNTemplate: "arn:${Partition}:svc:${Region}:${Account}:thing/${Id}", ConditionKeys: []string{"aws:ResourceTag/${TagKey}"}}},
		ConditionKeys: []*ConditionKey{{Name: "svc:Tag/${TagKey}", Type: "String"}},
		Actions: []*Action{
			{Name: "ListThings", AccessLevel: AccessList},
			{Name: "DoThing", AccessLevel: AccessWrite, PermissionOnly: true, Source: SourceUserGuide,
				ResourceTypes:    []ActionResource{{Name: "thing", Required: true}, {Name: "ghost"}},
				ConditionKeys:    []string{"aws:RequestTag/${TagKey}"},
				DependentActions: []string{"iam:PassRole"}},
		},
	}
	global := []*ConditionKey{{Name: "aws:RequestTag/${TagKey}", Type: "String"}, {Name: "aws:EpochTime", Type: "Date", AltType: "Numeric"}}
	c, err := New([]*Service{s}, global, []Alias{{Operation: "svc:DoThingOperation", Action: "svc:DoThing"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewRejectsInconsistentInput(t *testing.T) {
	svc := func(prefix string, actions ...string) *Service {
		s := &Service{Prefix: prefix, Name: prefix}
		for _, a := range actions {
			s.Actions = append(s.Actions, &Action{Name: a, AccessLevel: AccessRead})
		}
		return s
	}
	for _, tc := range []struct {
		name     string
		services []*Service
		global   []*ConditionKey
		aliases  []Alias
	}{
		{"duplicate prefix", []*Service{svc("a"), svc("A")}, nil, nil},
		{"duplicate action", []*Service{svc("a", "Get", "GET")}, nil, nil},
		{"empty prefix", []*Service{svc("")}, nil, nil},
		{"empty action", []*Service{svc("a", "")}, nil, nil},
		{"global key without aws:", []*Service{svc("a")}, []*ConditionKey{{Name: "a:b", Type: "String"}}, nil},
		{"duplicate global key", nil, []*ConditionKey{{Name: "aws:X", Type: "String"}, {Name: "aws:x", Type: "String"}}, nil},
		{"alias to unknown action", []*Service{svc("a", "Get")}, nil, []Alias{{Operation: "a:Fetch", Action: "a:Nope"}}},
		{"alias shadowing an action", []*Service{svc("a", "Get", "Fetch")}, nil, []Alias{{Operation: "a:Fetch", Action: "a:Get"}}},
		{"alias without prefix", []*Service{svc("a", "Get")}, nil, []Alias{{Operation: "Fetch", Action: "a:Get"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.services, tc.global, tc.aliases); err == nil {
				t.Fatal("New accepted it")
			}
		})
	}
}

func TestLoadRejectsCorruptFiles(t *testing.T) {
	valid := []byte(embedded)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"wrong magic", append([]byte("XCAT"), valid[4:]...)},
		{"wrong version", append([]byte("WCAT\x02"), valid[5:]...)},
		{"truncated header", valid[:5]},
		{"truncated string table", valid[:1000]},
		{"truncated records", valid[:len(valid)-1000]},
		{"truncated by one byte", valid[:len(valid)-1]},
		{"trailing byte", append(bytes.Clone(valid), 0)},
		{"huge count", []byte("WCAT\x01\xff\xff\xff\xff\x0f")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Load(tc.data); err == nil {
				t.Fatal("Load accepted it")
			}
		})
	}
}

func FuzzLoad(f *testing.F) {
	small, err := (func() ([]byte, error) {
		s := &Service{Prefix: "svc", Name: "S", Actions: []*Action{{Name: "Get", AccessLevel: AccessRead, ConditionKeys: []string{"k"}}}}
		c, err := New([]*Service{s}, nil, nil)
		if err != nil {
			return nil, err
		}
		return c.MarshalBinary()
	})()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(small)
	f.Add(small[:len(small)/2])
	f.Add([]byte("WCAT\x01"))
	f.Add([]byte(embedded[:4096]))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Load(data)
		if err != nil {
			return
		}
		// Whatever loads encodes to a file that loads again and encodes to
		// the same bytes. (Load does not insist on the canonical form: a
		// file with unreferenced strings loads, and re-encoding drops them;
		// TestMarshalReproducesEmbeddedFile holds the embedded file to the canonical form.)
		out, err := c.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		again, err := Load(out)
		if err != nil {
			t.Fatalf("Load accepted %x, but not its re-encoding %x: %v", data, out, err)
		}
		out2, err := again.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, out2) {
			t.Errorf("re-encoding is not stable: %x then %x", out, out2)
		}
	})
}
