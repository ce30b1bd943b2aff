package policycase

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestCorpus replays every case in testdata/corpus/*.jsonl: one case per
// line, each with an id and the decision AWS's documented rules give.
// Comment lines start with //.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files found: %v", err)
	}
	total := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for line := 1; sc.Scan(); line++ {
			text := bytes.TrimSpace(sc.Bytes())
			if len(text) == 0 || bytes.HasPrefix(text, []byte("//")) {
				continue
			}
			c, err := Decode(text)
			if err != nil {
				t.Errorf("%s:%d: %v", file, line, err)
				continue
			}
			total++
			t.Run(filepath.Base(file)+"/"+c.ID, func(t *testing.T) {
				if c.ID == "" || c.Expect == "" {
					t.Fatalf("%s:%d: every corpus case needs an id and an expect", file, line)
				}
				res, err := c.Evaluate()
				if err != nil {
					t.Fatalf("%s:%d: %v", file, line, err)
				}
				if res.Decision != c.Expect {
					out, _ := json.MarshalIndent(res, "", "  ")
					t.Errorf("%s:%d: decision %s, want %s\n%s", file, line, res.Decision, c.Expect, out)
				}
			})
		}
	}
	if total < 10 {
		t.Fatalf("only %d corpus cases ran", total)
	}
}
