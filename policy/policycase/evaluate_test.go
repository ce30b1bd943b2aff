package policycase

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warden-iam/warden/policy"
)

// readCorpus returns every case of testdata/corpus by file.
func readCorpus(t *testing.T) map[string][]*Case {
	t.Helper()
	files, err := filepath.Glob("testdata/corpus/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files found: %v", err)
	}
	out := map[string][]*Case{}
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
				t.Fatalf("%s:%d: %v", file, line, err)
			}
			out[filepath.Base(file)] = append(out[filepath.Base(file)], c)
		}
	}
	return out
}

// TestCorpusEvaluateAgreesWithExplain: the allocation-free evaluator and the
// explaining one decide every corpus case alike.
func TestCorpusEvaluateAgreesWithExplain(t *testing.T) {
	for file, cases := range readCorpus(t) {
		for _, c := range cases {
			l, req, err := c.Build()
			if err != nil {
				t.Errorf("%s/%s: %v", file, c.ID, err)
				continue
			}
			if d, e := policy.Evaluate(l, req), policy.Explain(l, req); d != e.Decision {
				t.Errorf("%s/%s: Evaluate = %v, Explain = %v", file, c.ID, d, e.Decision)
			}
		}
	}
}

// TestCorpusShape keeps the corpus honest: ids unique, every expectation a
// decision, and every topic with both allowed and denied cases.
func TestCorpusShape(t *testing.T) {
	ids := map[string]string{}
	total := 0
	for file, cases := range readCorpus(t) {
		counts := map[string]int{}
		for _, c := range cases {
			if _, ok := policy.ParseDecision(c.Expect); !ok {
				t.Errorf("%s/%s: expect %q is not Allow, ExplicitDeny or ImplicitDeny", file, c.ID, c.Expect)
			}
			if prev, dup := ids[file+"/"+c.ID]; dup {
				t.Errorf("%s: id %q used twice (%s)", file, c.ID, prev)
			}
			ids[file+"/"+c.ID] = file
			counts[c.Expect]++
			if strings.ContainsAny(c.ID, " \t") {
				t.Errorf("%s: id %q has spaces", file, c.ID)
			}
		}
		if counts["Allow"] == 0 || counts["Allow"] == len(cases) {
			t.Errorf("%s: %d of %d cases allow; each topic needs allowed and denied cases", file, counts["Allow"], len(cases))
		}
		total += len(cases)
	}
	if total < 250 {
		t.Errorf("the corpus has %d cases; it should cover the documented rules with at least 250", total)
	}
}
