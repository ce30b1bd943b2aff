package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/warden-iam/warden/catalog"
)

func TestGenerateMergesSupplement(t *testing.T) {
	data, err := generateFromFiles("testdata/reference.json", "testdata/supplement.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := c.Service("health-agent")
	if !ok {
		t.Fatal("health-agent missing")
	}
	var names []string
	for _, a := range s.Actions {
		names = append(names, a.Name)
	}
	if want := []string{"CreateDomain", "GenerateMedicalCodes", "GetDomain", "GetMedicalCodingJob", "ListSessionRecords"}; !slices.Equal(names, want) {
		t.Errorf("actions %v, want %v (sorted, supplement merged)", names, want)
	}
	for name, want := range map[string]catalog.Source{
		"GetDomain":            catalog.SourceReference,
		"GenerateMedicalCodes": catalog.SourceUserGuide,
		"ListSessionRecords":   catalog.SourceOtherEdition,
	} {
		if a, _ := s.Action(name); a.Source != want {
			t.Errorf("%s source %v, want %v", name, a.Source, want)
		}
	}
	job, _ := s.Action("GetMedicalCodingJob")
	if len(job.ResourceTypes) != 2 || job.ResourceTypes[1].Type == nil || job.ResourceTypes[1].Type.Source != catalog.SourceUserGuide {
		t.Errorf("GetMedicalCodingJob resources %+v", job.ResourceTypes)
	}
	create, _ := s.Action("CreateDomain")
	if !slices.Equal(create.DependentActions, []string{"health-agent:TagResource", "iam:PassRole"}) {
		t.Errorf("CreateDomain dependent actions %v", create.DependentActions)
	}

	// The reference's "Arn" is spelled ARN, on the service page as in the
	// global table.
	macie, _ := c.Service("macie")
	if got := macie.ConditionKeys[0].Type; got != "ARN" {
		t.Errorf("macie aws:SourceArn type %q, want ARN", got)
	}
	if k, _ := c.ConditionKey("aws:EpochTime"); k.AltType != "Numeric" {
		t.Errorf("aws:EpochTime = %+v", k)
	}
	if a, ok := c.ActionForOperation("health-agent:DescribeDomain"); !ok || a.Name != "GetDomain" {
		t.Errorf("alias resolved to %v", a)
	}

	// Generating twice gives the same bytes.
	again, err := generateFromFiles("testdata/reference.json", "testdata/supplement.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, again) {
		t.Error("two generations differ")
	}
}

func TestGenerateRejectsBadInput(t *testing.T) {
	ref, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	sup, err := os.ReadFile("testdata/supplement.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		reference  string
		supplement string
		wantErr    string
	}{
		{"unknown member in reference", strings.Replace(string(ref), `"page":`, `"pages":`, 1), string(sup), "unknown field"},
		{"unknown access level", strings.Replace(string(ref), `"accessLevel":"Read"`, `"accessLevel":"Reading"`, 1), string(sup), "access level"},
		{"unknown key type", strings.Replace(string(ref), `"type":"Arn"`, `"type":"Arnish"`, 1), string(sup), "unknown type"},
		{"non-ASCII name", strings.Replace(string(ref), `"GetDomain"`, `"GetDomaín"`, 1), string(sup), "ASCII"},
		{"supplement action already in the reference", string(ref), strings.Replace(string(sup), `"GenerateMedicalCodes"`, `"GetDomain"`, 1), "now in the reference"},
		{"supplement resource type already in the reference", string(ref), strings.Replace(string(sup), `"MedicalCodingJob", "arn"`, `"Domain", "arn"`, 1), "now in the reference"},
		{"supplement for an unknown service", string(ref), strings.Replace(string(sup), `"service": "health-agent", "name": "GenerateMedicalCodes"`, `"service": "health-agents", "name": "GenerateMedicalCodes"`, 1), "unknown service"},
		{"unknown source", string(ref), strings.Replace(string(sup), `"otherEdition"`, `"blog"`, 1), "unknown source"},
		{"supplement claiming the reference", string(ref), strings.Replace(string(sup), `"otherEdition"`, `"reference"`, 1), "source must be"},
		{"supplement without a source", string(ref), strings.Replace(string(sup), `, "source": "otherEdition"`, ``, 1), "source must be"},
		{"supplement action with unknown resource type", string(ref), strings.Replace(string(sup), `{"name": "Domain", "required": true}, {"name": "MedicalCodingJob"`, `{"name": "Domian", "required": true}, {"name": "MedicalCodingJob"`, 1), "unknown resource type"},
		{"alias to unknown action", string(ref), strings.Replace(string(sup), `"health-agent:GetDomain"`, `"health-agent:GetDomains"`, 1), "unknown action"},
		{"two documents", string(ref) + "{}", string(sup), "after the JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.reference == string(ref) && tc.supplement == string(sup) {
				t.Fatal("the case changes nothing")
			}
			_, err := generate(strings.NewReader(tc.reference), strings.NewReader(tc.supplement))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}

// TestCommittedCatalogIsCurrent regenerates catalog/catalog.bin from the
// reference and the supplement and compares it with the committed file. The
// reference lives outside the repository, in the shared directory beside
// it; clones without it skip this one check.
func TestCommittedCatalogIsCurrent(t *testing.T) {
	const repoRoot = "../../.."
	reference := filepath.Join(repoRoot, "..", "shared", "reference", "aws-service-catalog.json")
	if _, err := os.Stat(reference); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("reference %s is absent (it sits beside the repository in shared/reference); cannot check catalog.bin is current", reference)
	}
	got, err := generateFromFiles(reference, "supplement.json")
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join(repoRoot, "catalog", "catalog.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Fatal("catalog/catalog.bin is stale: run go generate ./catalog and commit the result")
	}
}

func TestRunLeavesCurrentFileUntouched(t *testing.T) {
	out := filepath.Join(t.TempDir(), "catalog.bin")
	if err := run("testdata/reference.json", "testdata/supplement.json", out); err != nil {
		t.Fatal(err)
	}
	first, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(out, 0o444); err != nil {
		t.Fatal(err)
	}
	// A second run must not write: the file is now read-only, so a write
	// fails, and where it would not (running as root) the modification
	// time tells.
	if err := run("testdata/reference.json", "testdata/supplement.json", out); err != nil {
		t.Fatalf("second run wrote to an up-to-date file: %v", err)
	}
	second, _ := os.Stat(out)
	if !second.ModTime().Equal(first.ModTime()) {
		t.Error("second run rewrote an up-to-date file")
	}
}
