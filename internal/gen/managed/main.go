// Command managed generates the embedded catalogue of AWS managed policies
// (managed/aws-managed-policies.json.gz) from the reference corpus of AWS
// managed policies. Run it through `go generate ./managed`.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"sort"
	"strings"
)

type source struct {
	Policies []struct {
		Name       string          `json:"name"`
		ARN        *string         `json:"arn"`
		Version    string          `json:"version"`
		Deprecated bool            `json:"deprecated"`
		Document   json.RawMessage `json:"document"`
	} `json:"policies"`
}

// entry is one policy as the managed package reads it.
type entry struct {
	Name       string `json:"name"`
	Path       string `json:"path"`
	ARN        string `json:"arn"`
	Version    string `json:"version"`
	Deprecated bool   `json:"deprecated,omitempty"`
	Document   string `json:"document"`
}

func main() {
	in := flag.String("in", "", "the AWS managed policies reference file")
	out := flag.String("out", "aws-managed-policies.json.gz", "output file")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		log.Fatal(err)
	}
}

func run(in, out string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var src source
	if err := json.Unmarshal(data, &src); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	entries := make([]entry, 0, len(src.Policies))
	for _, p := range src.Policies {
		arn := "arn:aws:iam::aws:policy/" + p.Name // the corpus omits a few ARNs; those policies sit at path /
		if p.ARN != nil && *p.ARN != "" {
			arn = *p.ARN
		}
		rest := strings.TrimPrefix(arn, "arn:aws:iam::aws:policy")
		path := rest[:strings.LastIndexByte(rest, '/')+1]
		var doc bytes.Buffer
		if err := json.Compact(&doc, p.Document); err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		entries = append(entries, entry{Name: p.Name, Path: path, ARN: arn, Version: p.Version, Deprecated: p.Deprecated, Document: doc.String()})
	}
	sort.Slice(entries, func(i, j int) bool { return strings.ToLower(entries[i].Name) < strings.ToLower(entries[j].Name) })
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	enc := json.NewEncoder(zw)
	if err := enc.Encode(entries); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}
