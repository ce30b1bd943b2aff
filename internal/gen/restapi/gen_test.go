package main

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
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
	files, err := generate(options{model: filepath.Join(dir, "model.json"), out: dir, pkg: "fixture"})
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
	runGo(t, "test", "-count=1", "./"+dir)
}

// runGo runs the go command with args from this directory.
func runGo(t *testing.T, args ...string) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to check generated code: %v", err)
	}
	if out, err := exec.CommandContext(t.Context(), goTool, args...).CombinedOutput(); err != nil {
		t.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
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
var generatedPackages = []string{"../../../healthapi/healthshapes", "../../../connectapi/connectshapes",
	"../../../appintegrationsapi/appintegrationsshapes", "../../../consoleapi/consoleshapes", "../../../codingapi/codingshapes"}

// TestGeneratedPackagesUpToDate reruns each package's go:generate line and
// compares the output with the committed files, so that the API cannot
// drift from the model.
func TestGeneratedPackagesUpToDate(t *testing.T) {
	for _, dir := range generatedPackages {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			// go generate runs in the package directory.
			args := append(generateArgs(t, filepath.Join(dir, "doc.go")), "-out", dir)
			for i, a := range args {
				if file, ok := strings.CutPrefix(a, "@"); ok {
					args[i] = "@" + filepath.Join(dir, file)
				}
			}
			opts, err := parseFlags(args)
			if err != nil {
				t.Fatal(err)
			}
			opts.model = filepath.Join(dir, opts.model)
			if _, err := os.Stat(opts.model); err != nil {
				// The reference models live beside the repository, not
				// in it.
				t.Skipf("reference model not available, so %s cannot be compared with it: %v", dir, err)
			}
			files, err := generate(opts)
			if err != nil {
				t.Fatal(err)
			}
			for name, src := range files {
				committed, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil || !bytes.Equal(committed, src) {
					t.Errorf("%s is out of date (run go generate in its directory)", filepath.Join(dir, name))
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
	args, err := smithy.GenerateArgs(path, "restapi")
	if err != nil {
		t.Fatal(err)
	}
	return args
}

// TestOtherModels generates the Amazon Connect and Amazon AppIntegrations
// models, which Warden does not serve (yet), into a scratch package and
// vets it: the generator is written for restJson1, not for one model.
func TestOtherModels(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles tens of thousands of generated lines")
	}
	for _, model := range []string{"appintegrations-2020-07-29.json", "connect-2017-08-08.json"} {
		t.Run(model, func(t *testing.T) {
			path := filepath.Join("../../../../shared/reference/smithy", model)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("reference model not available: %v", err)
			}
			// Inside the module, so that the scratch package imports the
			// runtime; under testdata, so that ./... leaves it alone.
			dir, err := os.MkdirTemp("testdata", "scratch-")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			files, err := generate(options{model: path, out: dir, pkg: "scratch"})
			if err != nil {
				t.Fatal(err)
			}
			for name, src := range files {
				if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			runGo(t, "vet", "./"+dir)
		})
	}
}

func TestGeneratorErrors(t *testing.T) {
	const service = `"ex#S": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}],
		"traits": {"aws.protocols#restJson1": {}, "aws.api#service": {"sdkId": "S", "arnNamespace": "s"},
		"aws.auth#sigv4": {"name": "s"}}},
		"ex#Op": {"type": "operation", "input": {"target": "ex#In"}, "output": {"target": "smithy.api#Unit"},
		"traits": {"smithy.api#http": {"method": "POST", "uri": "/op/{A}"}}},`
	const labelA = `"A": {"target": "smithy.api#String", "traits": {"smithy.api#httpLabel": {}, "smithy.api#required": {}}}`
	tests := []struct {
		name, shapes string
		want         string
	}{{
		name:   "NoRestJSONService",
		shapes: `"ex#S": {"type": "service", "version": "1"}`,
		want:   "no service with the aws.protocols#restJson1 trait",
	}, {
		name:   "DanglingTarget",
		shapes: service + `"ex#In": {"type": "structure", "members": {` + labelA + `, "B": {"target": "ex#Missing"}}}`,
		want:   "model has no shape ex#Missing",
	}, {
		name:   "UnsupportedType",
		shapes: service + `"ex#In": {"type": "structure", "members": {` + labelA + `, "B": {"target": "ex#D"}}}, "ex#D": {"type": "document"}`,
		want:   "type document is not supported",
	}, {
		name:   "SparseList",
		shapes: service + `"ex#In": {"type": "structure", "members": {` + labelA + `, "B": {"target": "ex#L"}}}, "ex#L": {"type": "list", "member": {"target": "smithy.api#String"}, "traits": {"smithy.api#sparse": {}}}`,
		want:   "sparse lists are not supported",
	}, {
		name: "JSONNameCollision",
		shapes: service + `"ex#In": {"type": "structure", "members": {` + labelA + `, "B": {"target": "smithy.api#String"},
			"C": {"target": "smithy.api#String", "traits": {"smithy.api#jsonName": "B"}}}}`,
		want: "both named B in JSON",
	}, {
		name:   "LookaroundInside",
		shapes: service + `"ex#In": {"type": "structure", "members": {` + labelA + `, "B": {"target": "ex#P"}}}, "ex#P": {"type": "string", "traits": {"smithy.api#pattern": "^a(?!x).*$"}}`,
		want:   "lookaround RE2 cannot run",
	}, {
		name:   "LabelWithoutMember",
		shapes: service + `"ex#In": {"type": "structure", "members": {}}`,
		want:   "has labels [A] but the input's label members are []",
	}, {
		name:   "OptionalLabel",
		shapes: service + `"ex#In": {"type": "structure", "members": {"A": {"target": "smithy.api#String", "traits": {"smithy.api#httpLabel": {}}}}}`,
		want:   "label member A is not required",
	}, {
		name:   "PrefixHeaders",
		shapes: service + `"ex#In": {"type": "structure", "members": {` + labelA + `, "H": {"target": "ex#M", "traits": {"smithy.api#httpPrefixHeaders": "x-"}}}}, "ex#M": {"type": "map", "key": {"target": "smithy.api#String"}, "value": {"target": "smithy.api#String"}}`,
		want:   "httpPrefixHeaders is not supported",
	}, {
		name:   "StructureInQuery",
		shapes: service + `"ex#In": {"type": "structure", "members": {` + labelA + `, "Q": {"target": "ex#In2", "traits": {"smithy.api#httpQuery": "q"}}}}, "ex#In2": {"type": "structure", "members": {}}`,
		want:   "a query parameter must be a scalar",
	}, {
		name: "TypeNameCollision",
		shapes: service + `"ex#In": {"type": "structure", "members": {` + labelA + `, "B": {"target": "ex#OpInput"}}},
			"ex#OpInput": {"type": "structure", "members": {}}`,
		want: "would both be Go type OpInput",
	}, {
		name:   "HostLabel",
		shapes: strings.Replace(service, `"uri": "/op/{A}"}`, `"uri": "/op/{A}"}, "smithy.api#endpoint": {"hostPrefix": "{A}."}`, 1) + `"ex#In": {"type": "structure", "members": {` + labelA + `}}`,
		want:   "host prefix \"{A}.\" has labels",
	}, {
		name:   "BadURI",
		shapes: strings.Replace(service, `"/op/{A}"`, `"/op/x{A}"`, 1) + `"ex#In": {"type": "structure", "members": {` + labelA + `}}`,
		want:   "does not span its segment",
	}, {
		name:   "UnsupportedDefault",
		shapes: service + `"ex#In": {"type": "structure", "members": {` + labelA + `, "T": {"target": "smithy.api#Timestamp", "traits": {"smithy.api#default": 5}}}}`,
		want:   "default 5 of shape smithy.api#Timestamp is not supported",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "model.json")
			if err := os.WriteFile(path, []byte(`{"smithy": "2.0", "shapes": {`+tt.shapes+`}}`), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := generate(options{model: path, pkg: "x"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("generate error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	opts, err := parseFlags([]string{"-model", "m.json", "-out", "some/dir/healthshapes"})
	if err != nil {
		t.Fatal(err)
	}
	if opts.pkg != "healthshapes" || opts.model != "m.json" {
		t.Errorf("parseFlags = %+v", opts)
	}
	if _, err := parseFlags([]string{"-out", "x"}); err == nil {
		t.Error("parseFlags accepted a command line without -model")
	}
}
