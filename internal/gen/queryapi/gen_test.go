package main

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

var update = flag.Bool("update", false, "rewrite testdata/fixture's generated files from its model")

// TestFixture generates testdata/fixture from its model, compares the
// output with the committed files, then runs the fixture's own tests,
// which decode and encode through the generated code.
func TestFixture(t *testing.T) {
	const dir = "testdata/fixture"
	files, err := generate(options{model: filepath.Join(dir, "model.json"), out: dir, pkg: "fixture", urlEncoded: []string{"docType"}})
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range files {
		// The model's documentation strings must stay out of the code.
		if bytes.Contains(src, []byte("Not copied")) || bytes.Contains(src, []byte("must not copy")) {
			t.Errorf("%s copies documentation from the model", name)
		}
		compareGenerated(t, filepath.Join(dir, name), src)
	}
	checkNoStaleFiles(t, dir, files)

	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to test the generated fixture: %v", err)
	}
	out, err := exec.CommandContext(t.Context(), goTool, "test", "-count=1", "./"+dir).CombinedOutput()
	if err != nil {
		t.Errorf("go test ./%s: %v\n%s", dir, err, out)
	}
}

func compareGenerated(t *testing.T, path string, src []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update, or go generate)", err)
	}
	if !bytes.Equal(committed, src) {
		t.Errorf("%s is not what the generator writes now (run go test -update, or go generate)", path)
	}
}

func checkNoStaleFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	stale, err := smithy.StaleFiles(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range stale {
		t.Errorf("%s is not generated any more", path)
	}
}

// generatedPackages are the packages go generate writes with this
// generator, relative to this directory.
var generatedPackages = []string{"../../../iamapi/iamshapes", "../../../iamapi/stsshapes"}

// TestGeneratedPackagesUpToDate reruns each package's go:generate line and
// compares the output with the committed files.
func TestGeneratedPackagesUpToDate(t *testing.T) {
	for _, dir := range generatedPackages {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			// go generate runs in the package directory.
			args := append(generateArgs(t, filepath.Join(dir, "doc.go")), "-out", dir)
			opts, err := parseFlags(args)
			if err != nil {
				t.Fatal(err)
			}
			opts.model = filepath.Join(dir, opts.model)
			if _, err := os.Stat(opts.model); err != nil {
				// The reference models live beside the repository, not
				// in it.
				t.Skipf("reference model not available: %v", err)
			}
			files, err := generate(opts)
			if err != nil {
				t.Fatal(err)
			}
			for name, src := range files {
				committed, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil || !bytes.Equal(committed, src) {
					t.Errorf("%s is out of date (run go generate ./iamapi/...)", filepath.Join(dir, name))
				}
			}
			checkNoStaleFiles(t, dir, files)
		})
	}
}

// generateArgs returns the generator arguments of the go:generate line in
// the file at path.
func generateArgs(t *testing.T, path string) []string {
	t.Helper()
	args, err := smithy.GenerateArgs(path, "queryapi")
	if err != nil {
		t.Fatal(err)
	}
	return args
}

func TestGeneratorErrors(t *testing.T) {
	const service = `"ex#S": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}],
		"traits": {"aws.protocols#awsQuery": {}, "aws.api#service": {"sdkId": "S", "arnNamespace": "s"},
		"aws.auth#sigv4": {"name": "s"}, "smithy.api#xmlNamespace": {"uri": "https://s.example/"}}},
		"ex#Op": {"type": "operation", "input": {"target": "ex#In"}, "output": {"target": "smithy.api#Unit"}},`
	tests := []struct {
		name, shapes string
		urlEncoded   []string
		want         string
	}{{
		name:   "NoQueryService",
		shapes: `"ex#S": {"type": "service", "version": "1"}`,
		want:   "no service with the aws.protocols#awsQuery trait",
	}, {
		name:   "DanglingTarget",
		shapes: service + `"ex#In": {"type": "structure", "members": {"A": {"target": "ex#Missing"}}}`,
		want:   "model has no shape ex#Missing",
	}, {
		name:   "UnsupportedType",
		shapes: service + `"ex#In": {"type": "structure", "members": {"A": {"target": "ex#D"}}}, "ex#D": {"type": "double"}`,
		want:   "type double is not supported",
	}, {
		name: "WireNameCollision",
		shapes: service + `"ex#In": {"type": "structure", "members": {"A": {"target": "ex#Str"},
			"B": {"target": "ex#Str", "traits": {"smithy.api#xmlName": "A"}}}}, "ex#Str": {"type": "string"}`,
		want: "both named A on the wire",
	}, {
		name:   "LookaroundWithoutRewrite",
		shapes: service + `"ex#In": {"type": "structure", "members": {"A": {"target": "ex#P"}}}, "ex#P": {"type": "string", "traits": {"smithy.api#pattern": "^(?!x).*$"}}`,
		want:   "add an RE2 rewrite",
	}, {
		name:       "UnknownURLEncodedShape",
		shapes:     service + `"ex#In": {"type": "structure", "members": {}}`,
		urlEncoded: []string{"policyDocumentType"},
		want:       "no string shape ex#policyDocumentType",
	}, {
		name: "TypeNameCollision",
		shapes: service + `"ex#In": {"type": "structure", "members": {"A": {"target": "ex#OpInput"}}},
			"ex#OpInput": {"type": "structure", "members": {}}`,
		want: "would both be Go type OpInput",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "model.json")
			if err := os.WriteFile(path, []byte(`{"smithy": "2.0", "shapes": {`+tt.shapes+`}}`), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := generate(options{model: path, pkg: "x", urlEncoded: tt.urlEncoded})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("generate error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	opts, err := parseFlags([]string{"-model", "m.json", "-out", "some/dir/iamshapes", "-url-encoded", "a,b"})
	if err != nil {
		t.Fatal(err)
	}
	if opts.pkg != "iamshapes" || !slices.Equal(opts.urlEncoded, []string{"a", "b"}) {
		t.Errorf("parseFlags = %+v", opts)
	}
	if _, err := parseFlags([]string{"-out", "x"}); err == nil {
		t.Error("parseFlags accepted a command line without -model")
	}
}
