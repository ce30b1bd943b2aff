// Command catalog generates the embedded AWS service catalog (catalog/catalog.bin)
// from the Service Authorization Reference snapshot and the committed
// supplement (supplement.json beside this file). go generate runs it from the
// catalog package:
//
//	go run ../internal/gen/catalog -reference PATH -supplement PATH -out catalog.bin
//
// Only facts are kept: names, access levels, resource types with ARN
// templates, condition keys with types, dependent actions. Descriptions and
// page links are dropped.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
)

func main() {
	reference := flag.String("reference", "", "path of the Service Authorization Reference snapshot (aws-service-catalog.json)")
	supplement := flag.String("supplement", "", "path of the supplement (supplement.json)")
	out := flag.String("out", "catalog.bin", "file to write")
	flag.Parse()
	if *reference == "" || *supplement == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: catalog -reference FILE -supplement FILE [-out FILE]")
		os.Exit(2)
	}
	if err := run(*reference, *supplement, *out); err != nil {
		fmt.Fprintln(os.Stderr, "catalog:", err)
		os.Exit(1)
	}
}

func run(referencePath, supplementPath, outPath string) error {
	data, err := generateFromFiles(referencePath, supplementPath)
	if err != nil {
		return err
	}
	// Leave an up-to-date file untouched, so go generate does not dirty
	// its modification time.
	if old, err := os.ReadFile(outPath); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return os.WriteFile(outPath, data, 0o644)
}

func generateFromFiles(referencePath, supplementPath string) ([]byte, error) {
	ref, err := os.Open(referencePath)
	if err != nil {
		return nil, err
	}
	defer ref.Close()
	sup, err := os.Open(supplementPath)
	if err != nil {
		return nil, err
	}
	defer sup.Close()
	c, err := generate(ref, sup)
	if err != nil {
		return nil, err
	}
	return c.MarshalBinary()
}
