package validate

import (
	"encoding/json"
	"testing"
)

func TestSARIF(t *testing.T) {
	src := []byte("{\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:GetObjekt\", \"Resource\": \"*\"}\n}\n")
	files := []FileFindings{
		{File: `policies\read.json`, Findings: Policy(src, 0, Options{}), Source: src},
		{File: "clean.json", Findings: nil},
	}
	out, err := SARIF(files, "1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name    string `json:"name"`
					Version string `json:"version"`
					Rules   []struct {
						ID                   string `json:"id"`
						DefaultConfiguration struct {
							Level string `json:"level"`
						} `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "warden" || run.Tool.Driver.Version != "1.2.3" {
		t.Errorf("driver %+v", run.Tool.Driver)
	}
	if len(run.Results) != 2 { // MISSING_VERSION and INVALID_ACTION
		t.Fatalf("results: %+v", run.Results)
	}
	for _, res := range run.Results {
		rule := run.Tool.Driver.Rules[res.RuleIndex]
		if rule.ID != res.RuleID || rule.DefaultConfiguration.Level != res.Level {
			t.Errorf("result %s points at rule %+v", res.RuleID, rule)
		}
		if uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "policies/read.json" && uri != `policies\read.json` {
			t.Errorf("uri %q", uri)
		}
	}
	invalid := run.Results[1]
	loc := invalid.Locations[0]
	if invalid.RuleID != "INVALID_ACTION" || invalid.Level != "error" || loc.PhysicalLocation.Region.StartLine != 2 || loc.PhysicalLocation.Region.StartColumn != 46 {
		t.Errorf("INVALID_ACTION result: %+v", invalid)
	}
	if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].FullyQualifiedName != "Statement.Action" {
		t.Errorf("logical location %+v", loc.LogicalLocations)
	}
}

func TestUTF16Column(t *testing.T) {
	src := []byte("{\n\"Sid\": \"caf\u00e9\", \"x\": 1}")
	// Column 17 in bytes is the "x" key: after "é", which is two bytes in
	// UTF-8 and one UTF-16 code unit.
	if got := utf16Column(src, 2, 17); got != 16 {
		t.Errorf("utf16Column = %d, want 16", got)
	}
	if got := utf16Column(nil, 2, 17); got != 17 {
		t.Errorf("utf16Column without source = %d, want 17", got)
	}
}
