package validate

import (
	"encoding/json"
	"fmt"
	"github.com/warden-iam/warden/managed"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/warden-iam/warden/policy"
)

// managedPoliciesFile is the corpus of AWS managed policies, kept beside
// the repository (../shared/reference from the repository root).
var managedPoliciesFile = filepath.Join("..", "..", "shared", "reference", "aws-managed-policies.json")

type managedPolicy struct {
	Name     string          `json:"name"`
	Document json.RawMessage `json:"document"`
}

func loadManagedPolicies(tb testing.TB) []managedPolicy {
	tb.Helper()
	data, err := os.ReadFile(managedPoliciesFile)
	if err != nil {
		abs, _ := filepath.Abs(managedPoliciesFile)
		tb.Logf("the reference corpus of AWS managed policies is not at %s (%v); using the copy embedded in package managed, generated from it", abs, err)
		return embeddedManagedPolicies(tb)
	}
	var corpus struct {
		Policies []managedPolicy `json:"policies"`
	}
	if err := json.Unmarshal(data, &corpus); err != nil {
		tb.Fatalf("%s: %v", managedPoliciesFile, err)
	}
	if len(corpus.Policies) == 0 {
		tb.Fatalf("%s holds no policies", managedPoliciesFile)
	}
	return corpus.Policies
}

// unknownNameCodes are the errors an AWS managed policy may draw: names
// the Service Authorization Reference snapshot does not know (actions and
// services newer than it, or retired), and ARNs that fit none of the
// resource types it lists (some written without the region their type
// has, which match nothing). Grammar errors would mean a validator bug:
// IAM stored every one of these policies.
var unknownNameCodes = []string{
	"INVALID_ACTION", "INVALID_SERVICE_IN_ACTION", "INVALID_SERVICE", "INVALID_ARN_RESOURCE", "MISSING_ARN_REGION",
	"INVALID_GLOBAL_CONDITION_KEY", "INVALID_SERVICE_CONDITION_KEY",
}

// TestManagedPolicies validates the 1,641 AWS managed policies: none may
// crash the validator or draw a grammar error, and the errors they draw,
// all of them names unknown to the reference, are listed by code and name
// in testdata/managed-errors.golden.
func TestManagedPolicies(t *testing.T) {
	policies := loadManagedPolicies(t)
	errorsByName := map[string]map[string]bool{} // "CODE name" → policies
	total := 0
	for _, p := range policies {
		for _, f := range Policy(p.Document, policy.KindIdentity, Options{}) {
			if _, ok := RuleFor(f.Code); !ok {
				t.Errorf("%s %s: code %s has no rule", p.Name, f.Path, f.Code)
			}
			if f.Line < 1 || f.Column < 1 {
				t.Errorf("%s %s: %s has no position", p.Name, f.Path, f.Code)
			}
			if f.Severity != Error {
				continue
			}
			total++
			if !slices.Contains(unknownNameCodes, f.Code) {
				t.Errorf("%s %s: unexpected %s: %s", p.Name, f.Path, f.Code, f.Message)
				continue
			}
			key := f.Code + " " + errorSubject(f)
			if errorsByName[key] == nil {
				errorsByName[key] = map[string]bool{}
			}
			errorsByName[key][p.Name] = true
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d ERROR findings in %d policies; by code and name, with the number of policies:\n", total, len(policies))
	for _, key := range slices.Sorted(maps.Keys(errorsByName)) {
		fmt.Fprintf(&b, "%s %d\n", key, len(errorsByName[key]))
	}
	t.Logf("%d ERROR findings in %d managed policies", total, len(policies))
	checkGolden(t, "testdata/managed-errors.golden", b.String())
}

// errorSubject is the name an error is about: the quoted value its
// message begins with, or else the condition key its path ends with.
func errorSubject(f Finding) string {
	if rest, ok := strings.CutPrefix(f.Message, `"`); ok {
		if end := strings.IndexByte(rest, '"'); end >= 0 {
			return rest[:end]
		}
	}
	return f.Path[strings.LastIndexByte(f.Path, '.')+1:]
}

// BenchmarkValidateManagedPolicies validates every AWS managed policy once
// per iteration.
func BenchmarkValidateManagedPolicies(b *testing.B) {
	policies := loadManagedPolicies(b)
	Policy(policies[0].Document, policy.KindIdentity, Options{}) // load the catalog outside the timing
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range policies {
			Policy(p.Document, policy.KindIdentity, Options{})
		}
	}
}

// embeddedManagedPolicies is the same corpus as compiled into Warden.
func embeddedManagedPolicies(tb testing.TB) []managedPolicy {
	var out []managedPolicy
	for _, p := range managed.Default().Reference() {
		out = append(out, managedPolicy{Name: p.Policy.Name, Document: json.RawMessage(p.Document)})
	}
	if len(out) < 1641 {
		tb.Fatalf("the embedded corpus holds %d policies, want 1,641", len(out))
	}
	return out
}
