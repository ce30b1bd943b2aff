package validate

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/warden-iam/warden/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files with the current findings")

// formatFindings renders findings one per line, the form golden files hold.
func formatFindings(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%d:%d %s %s %s: %s\n", f.Line, f.Column, f.Severity, f.Code, orDash(f.Path), f.Message)
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// checkGolden compares got with the golden file, or rewrites it under -update.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./validate -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", golden, diff)
	}
}

// seedKind is the kind each seed policy is: the Connect Health service
// role's trust policy, and identity policies for the rest.
func seedKind(name string) policy.Kind {
	if strings.HasSuffix(name, "-trust.json") {
		return policy.KindTrust
	}
	return policy.KindIdentity
}

// TestSeeds validates every policy of the seed documents, mistakes
// included, against its golden findings.
func TestSeeds(t *testing.T) {
	files, err := filepath.Glob("testdata/seeds/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no seed policies in testdata/seeds")
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, strings.TrimSuffix(file, ".json")+".golden", formatFindings(Policy(src, seedKind(name), Options{})))
		})
	}
}

// TestSeedsGuideOnlyActions checks that the actions only the Connect Health
// user guide documents validate without error, with a suggestion naming
// the guide.
func TestSeedsGuideOnlyActions(t *testing.T) {
	for _, action := range []string{"GenerateMedicalCodes", "ListAgentVersions", "ListMedicalScribeListeningSessions"} {
		t.Run(action, func(t *testing.T) {
			src := fmt.Sprintf(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "health-agent:%s", "Resource": "*"}}`, action)
			fs := Policy([]byte(src), policy.KindIdentity, Options{})
			if len(fs) != 1 {
				t.Fatalf("findings:\n%s", formatFindings(fs))
			}
			f := fs[0]
			if f.Severity != Suggestion || f.Code != "ACTION_NOT_IN_SERVICE_REFERENCE" || !strings.Contains(f.Message, "Amazon Connect Health user guide") {
				t.Errorf("finding %v, want a suggestion that the action is documented only in the Amazon Connect Health user guide", f)
			}
		})
	}
}

// TestChecks runs, for every issue code, a policy that must raise it and a
// close one that must not, each against golden findings. A check's
// directory may hold a file "kind" naming the policy kind (identity by
// default).
func TestChecks(t *testing.T) {
	dirs, err := os.ReadDir("testdata/checks")
	if err != nil {
		t.Fatal(err)
	}
	var tested []string
	for _, d := range dirs {
		code := d.Name()
		tested = append(tested, code)
		t.Run(code, func(t *testing.T) {
			dir := filepath.Join("testdata/checks", code)
			if _, ok := RuleFor(code); !ok {
				t.Fatalf("%s names no rule", dir)
			}
			kind := policy.KindIdentity
			if b, err := os.ReadFile(filepath.Join(dir, "kind")); err == nil {
				k, ok := policy.ParseKind(strings.TrimSpace(string(b)))
				if !ok {
					t.Fatalf("%s/kind: unknown kind %q", dir, b)
				}
				kind = k
			}
			for _, variant := range []string{"fail", "pass"} {
				src, err := os.ReadFile(filepath.Join(dir, variant+".json"))
				if err != nil {
					t.Fatal(err)
				}
				fs := Policy(src, kind, Options{})
				raised := slices.ContainsFunc(fs, func(f Finding) bool { return f.Code == code })
				if want := variant == "fail"; raised != want {
					t.Errorf("%s.json: %s raised = %v, want %v; findings:\n%s", variant, code, raised, want, formatFindings(fs))
				}
				checkGolden(t, filepath.Join(dir, variant+".golden"), formatFindings(fs))
			}
		})
	}
	for _, r := range Rules() {
		if !slices.Contains(tested, r.Code) {
			t.Errorf("rule %s has no testdata/checks/%s/{fail,pass}.json", r.Code, r.Code)
		}
	}
}
