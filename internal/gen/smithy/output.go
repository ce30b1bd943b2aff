package smithy

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// GeneratedSuffix ends the name of every file a generator writes, so that
// stale ones can be found by name.
const GeneratedSuffix = "_gen.go"

// WriteFiles writes the generated files, by name, into dir.
func WriteFiles(dir string, files map[string][]byte) error {
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// StaleFiles returns the generated files in dir that files no longer
// holds: left behind by an earlier generation.
func StaleFiles(dir string, files map[string][]byte) ([]string, error) {
	existing, err := filepath.Glob(filepath.Join(dir, "*"+GeneratedSuffix))
	if err != nil {
		return nil, err
	}
	var stale []string
	for _, path := range existing {
		if _, ok := files[filepath.Base(path)]; !ok {
			stale = append(stale, path)
		}
	}
	return stale, nil
}

// GenerateArgs returns the arguments the file at path passes to generator
// (a directory name under internal/gen) on its go:generate line.
func GenerateArgs(path, generator string) ([]string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	directive := "//go:generate go run ../../internal/gen/" + generator + " "
	for line := range strings.Lines(string(src)) {
		if rest, ok := strings.CutPrefix(line, directive); ok {
			return strings.Fields(rest), nil
		}
	}
	return nil, fmt.Errorf("%s has no %q line", path, directive)
}
