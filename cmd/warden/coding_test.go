package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestStructureValue(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want map[string]any
		fail bool
	}{
		{in: "s3OutputPath=s3://clinic-out/codes/", want: map[string]any{"s3OutputPath": "s3://clinic-out/codes/"}},
		{in: "encounterDate=2026-01-15,encounterDurationMinutes=20,afterHours=true,encounterReason=follow up",
			want: map[string]any{"encounterDate": "2026-01-15", "encounterDurationMinutes": int64(20), "afterHours": true, "encounterReason": "follow up"}},
		{in: `{"insurance":"12345","sex":"FEMALE"}`, want: map[string]any{"insurance": "12345", "sex": "FEMALE"}},
		{in: "insurance=12345", want: map[string]any{"insurance": "12345"}},
		{in: "encounterDurationMinutes=twenty", fail: true},
		{in: "afterHours=maybe", fail: true},
		{in: "no-equals", fail: true},
		{in: "=value", fail: true},
		{in: `{"broken"`, fail: true},
	} {
		got, err := structureValue("--x", tt.in)
		if tt.fail {
			if err == nil {
				t.Errorf("structureValue(%q) = %v; want an error", tt.in, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("structureValue(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

// FuzzStructureValue checks that any parameter text either fails as a
// usage error or gives a structure whose members all have names.
func FuzzStructureValue(f *testing.F) {
	f.Add("s3OutputPath=s3://clinic-out/codes/")
	f.Add("encounterDurationMinutes=20,afterHours=false")
	f.Add(`{"a":{"b":[1,2]}}`)
	f.Add(",=,")
	f.Fuzz(func(t *testing.T, in string) {
		if strings.HasPrefix(in, "file://") {
			return // read from the file system, not parsed
		}
		got, err := structureValue("--x", in)
		if err != nil {
			if _, ok := err.(usageError); !ok {
				t.Fatalf("structureValue(%q) error %T %v; want a usage error", in, err, err)
			}
			return
		}
		if _, ok := got[""]; ok && !strings.HasPrefix(strings.TrimSpace(in), "{") {
			t.Fatalf("structureValue(%q) has a member without a name", in)
		}
	})
}
