// Command restapi generates the Go side of an AWS restJson1 service
// (Amazon Connect Health, and in the same way Amazon Connect and Amazon
// AppIntegrations) from its Smithy JSON AST model: a struct per input,
// output, structure and union, a type per enum, DecodeHTTP/DecodeJSON and
// EncodeHTTP/EncodeJSON methods for package restjson, the model's
// constraint rules, the route table with each operation's HTTP binding and
// IAM action, the error shapes with their statuses, and how Warden's domain
// error codes map onto them. Documentation strings in the model are not
// copied.
//
// It is run by go:generate from the package it writes:
//
//	go run ../../internal/gen/restapi -model ../../../shared/reference/smithy/connecthealth-2025-01-29.json
//
// and writes shapes_gen.go, decode_gen.go, encode_gen.go and
// service_gen.go into the current directory (or -out).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "restapi:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	opts, err := parseFlags(args)
	if err != nil {
		return err
	}
	files, err := generate(opts)
	if err != nil {
		return err
	}
	return smithy.WriteFiles(opts.out, files)
}

// options are the generator's command-line settings.
type options struct {
	model string // path of the Smithy JSON AST model
	out   string // directory the files are written to
	pkg   string // package name of the generated files
	// operations, when not empty, are the only operations generated, by
	// name: a large model (Amazon Connect's) is served in part.
	operations []string
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("restapi", flag.ContinueOnError)
	var opts options
	fs.StringVar(&opts.model, "model", "", "Smithy JSON AST model of the service (required)")
	fs.StringVar(&opts.out, "out", ".", "directory to write the generated files to")
	fs.StringVar(&opts.pkg, "package", "", "package name of the generated files (default: the output directory's name)")
	operations := fs.String("operations", "", "generate only these operations: a comma-separated list, or @FILE with names separated by commas or lines (# starts a comment)")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if opts.model == "" || fs.NArg() > 0 {
		return options{}, fmt.Errorf("usage: restapi -model FILE [-out DIR] [-package NAME] [-operations LIST|@FILE]")
	}
	if *operations != "" {
		list, err := operationList(*operations)
		if err != nil {
			return options{}, err
		}
		opts.operations = list
	}
	if opts.pkg == "" {
		dir, err := filepath.Abs(opts.out)
		if err != nil {
			return options{}, err
		}
		opts.pkg = filepath.Base(dir)
	}
	return opts, nil
}

// generate returns the generated files, by name, for opts.
func generate(opts options) (map[string][]byte, error) {
	m, err := smithy.Load(opts.model)
	if err != nil {
		return nil, err
	}
	m.AddPrelude()
	g, err := newGenerator(m, filepath.Base(opts.model), opts.pkg, opts.operations)
	if err != nil {
		return nil, err
	}
	return g.files()
}

// operationList reads the -operations flag: a comma-separated list of
// operation names, or @FILE naming a file that holds them separated by
// commas or lines, with # comments. Names must not repeat.
func operationList(flag string) ([]string, error) {
	text := flag
	if path, ok := strings.CutPrefix(flag, "@"); ok {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		text = string(b)
	}
	var names []string
	seen := map[string]bool{}
	for line := range strings.Lines(text) {
		line, _, _ = strings.Cut(line, "#")
		for name := range strings.SplitSeq(line, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			if seen[name] {
				return nil, fmt.Errorf("-operations names %s twice", name)
			}
			seen[name] = true
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("-operations %q names no operation", flag)
	}
	return names, nil
}
