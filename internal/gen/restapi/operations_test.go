package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

func TestOperationList(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ops.txt")
	if err := os.WriteFile(file, []byte("# served\nGetWidget\n\nListWidgets, DeleteWidget # two on a line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for flag, want := range map[string][]string{
		"GetWidget":                {"GetWidget"},
		" GetWidget , ListWidgets": {"GetWidget", "ListWidgets"},
		"@" + file:                 {"GetWidget", "ListWidgets", "DeleteWidget"},
	} {
		got, err := operationList(flag)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("operationList(%q) = %q, %v; want %q", flag, got, err, want)
		}
	}
	for _, bad := range []string{",", "# nothing", "A,A", "@" + filepath.Join(t.TempDir(), "absent")} {
		if got, err := operationList(bad); err == nil {
			t.Errorf("operationList(%q) = %q; want an error", bad, got)
		}
	}
}

// With -operations, only the named operations and the shapes they reach
// are generated, and the error table holds the errors they declare.
func TestGenerateSelectedOperations(t *testing.T) {
	model := filepath.Join("testdata", "fixture", "model.json")
	all, err := generate(options{model: model, out: t.TempDir(), pkg: "fixture"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := smithy.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, s := range m.Shapes {
		if s.Type == "service" {
			for _, r := range s.Operations {
				ops = append(ops, smithy.LocalName(r.Target))
			}
		}
	}
	slices.Sort(ops)
	if len(ops) < 2 {
		t.Fatalf("the fixture has operations %v; the test needs two", ops)
	}
	one, err := generate(options{model: model, out: t.TempDir(), pkg: "fixture", operations: ops[:1]})
	if err != nil {
		t.Fatal(err)
	}
	service := string(one["service"+smithy.GeneratedSuffix])
	if !strings.Contains(service, `"`+ops[0]+`": {`) || strings.Contains(service, `"`+ops[1]+`": {`) {
		t.Errorf("the service table with -operations %s:\n%s", ops[0], service)
	}
	if len(one["shapes"+smithy.GeneratedSuffix]) >= len(all["shapes"+smithy.GeneratedSuffix]) {
		t.Errorf("selecting one operation did not shrink the shapes")
	}
	if _, err := generate(options{model: model, out: t.TempDir(), pkg: "fixture", operations: []string{"NoSuchOperation"}}); err == nil {
		t.Error("an operation the service lacks was accepted")
	}
}

// FuzzOperationList checks that every name operationList returns is
// non-empty, trimmed, without separators, and given once.
func FuzzOperationList(f *testing.F) {
	for _, seed := range []string{"GetWidget", "A, B", "A,A", "# c\nA\n", ",,", "A#B,C"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, flag string) {
		if strings.HasPrefix(flag, "@") {
			return // names a file
		}
		names, err := operationList(flag)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, n := range names {
			if n == "" || n != strings.TrimSpace(n) || strings.ContainsAny(n, ",#\n") || seen[n] {
				t.Fatalf("operationList(%q) = %q", flag, names)
			}
			seen[n] = true
		}
	})
}
