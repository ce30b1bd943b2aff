// Command queryapi generates the Go side of an AWS Query service (IAM, STS)
// from its Smithy JSON AST model: a struct per input, output and nested
// structure, a type per enum, DecodeQuery and EncodeQueryXML methods for
// package awsquery, the model's constraint rules, the operation table with
// each operation's IAM action, and the HTTP status of each error code.
// Documentation strings in the model are not copied.
//
// It is run by go:generate from the package it writes:
//
//	go run ../../internal/gen/queryapi -model ../../../shared/reference/smithy/iam-2010-05-08.json -url-encoded policyDocumentType
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
		fmt.Fprintln(os.Stderr, "queryapi:", err)
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
	model      string   // path of the Smithy JSON AST model
	out        string   // directory the files are written to
	pkg        string   // package name of the generated files
	urlEncoded []string // string shapes written URL-encoded
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("queryapi", flag.ContinueOnError)
	var opts options
	var urlEncoded string
	fs.StringVar(&opts.model, "model", "", "Smithy JSON AST model of the service (required)")
	fs.StringVar(&opts.out, "out", ".", "directory to write the generated files to")
	fs.StringVar(&opts.pkg, "package", "", "package name of the generated files (default: the output directory's name)")
	fs.StringVar(&urlEncoded, "url-encoded", "", "comma-separated string shapes whose output values are URL-encoded, as IAM does policy documents")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if opts.model == "" || fs.NArg() > 0 {
		return options{}, fmt.Errorf("usage: queryapi -model FILE [-out DIR] [-package NAME] [-url-encoded SHAPE,…]")
	}
	if opts.pkg == "" {
		dir, err := filepath.Abs(opts.out)
		if err != nil {
			return options{}, err
		}
		opts.pkg = filepath.Base(dir)
	}
	if urlEncoded != "" {
		opts.urlEncoded = strings.Split(urlEncoded, ",")
	}
	return opts, nil
}

// generate returns the generated files, by name, for opts.
func generate(opts options) (map[string][]byte, error) {
	m, err := smithy.Load(opts.model)
	if err != nil {
		return nil, err
	}
	g, err := newGenerator(m, filepath.Base(opts.model), opts.pkg, opts.urlEncoded)
	if err != nil {
		return nil, err
	}
	return g.files()
}
