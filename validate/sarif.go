package validate

import (
	"encoding/json"
	"path/filepath"
	"slices"
)

// FileFindings is the validation of one file.
type FileFindings struct {
	File     string    `json:"file"`
	Findings []Finding `json:"findings"`
	// Source is the file's text. When set, SARIF output reports columns in
	// UTF-16 code units, as SARIF counts them by default; findings count
	// bytes.
	Source []byte `json:"-"`
}

// SARIF encodes validation results as a SARIF 2.1.0 log ("Static Analysis
// Results Interchange Format", OASIS), the format code-scanning services
// read. Each issue code is a rule; severities map to SARIF levels (errors
// to error, warnings and security warnings to warning, suggestions to
// note), and security warnings carry the security-severity property code
// scanning uses to rank security alerts.
func SARIF(files []FileFindings, toolVersion string) ([]byte, error) {
	var used []string
	for _, f := range files {
		for _, fd := range f.Findings {
			if !slices.Contains(used, fd.Code) {
				used = append(used, fd.Code)
			}
		}
	}
	slices.Sort(used)
	ruleIndex := map[string]int{}
	rules := make([]sarifRule, 0, len(used))
	for i, code := range used {
		ruleIndex[code] = i
		r, ok := RuleFor(code)
		if !ok {
			r = Rule{Code: code, Severity: Error, Summary: code}
		}
		sr := sarifRule{
			ID:                   code,
			ShortDescription:     sarifText{Text: r.Summary},
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(r.Severity)},
		}
		if !r.Warden {
			sr.HelpURI = AccessAnalyzerChecksURL
		}
		if r.Severity == SecurityWarning {
			sr.Properties = &sarifRuleProperties{Tags: []string{"security"}, SecuritySeverity: "7.0"}
		}
		rules = append(rules, sr)
	}
	results := []sarifResult{}
	for _, f := range files {
		uri := filepath.ToSlash(f.File)
		for _, fd := range f.Findings {
			res := sarifResult{
				RuleID:    fd.Code,
				RuleIndex: ruleIndex[fd.Code],
				Level:     sarifLevel(fd.Severity),
				Message:   sarifText{Text: fd.Message},
				Locations: []sarifLocation{{
					PhysicalLocation: sarifPhysicalLocation{
						ArtifactLocation: sarifArtifactLocation{URI: uri},
						Region:           sarifRegion{StartLine: fd.Line, StartColumn: utf16Column(f.Source, fd.Line, fd.Column)},
					},
				}},
			}
			if fd.Path != "" {
				res.Locations[0].LogicalLocations = []sarifLogicalLocation{{FullyQualifiedName: fd.Path, Kind: "element"}}
			}
			results = append(results, res)
		}
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           "warden",
				Version:        toolVersion,
				InformationURI: "https://github.com/warden-iam/warden",
				Rules:          rules,
			}},
			Results: results,
		}},
	}
	return json.MarshalIndent(log, "", "  ")
}

func sarifLevel(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Suggestion:
		return "note"
	}
	return "warning"
}

// utf16Column converts a 1-based byte column on a 1-based line of src into
// the 1-based UTF-16 column SARIF expects. Without the source, or past its
// end, the byte column is returned.
func utf16Column(src []byte, line, column int) int {
	if src == nil || line < 1 || column < 1 {
		return column
	}
	start := 0
	for l := 1; l < line; l++ {
		i := slices.Index(src[start:], '\n')
		if i < 0 {
			return column
		}
		start += i + 1
	}
	end := min(start+column-1, len(src))
	units := 0
	for _, r := range string(src[start:end]) {
		if r >= 0x10000 {
			units += 2
		} else {
			units++
		}
	}
	return units + 1
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string               `json:"id"`
	ShortDescription     sarifText            `json:"shortDescription"`
	HelpURI              string               `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration   `json:"defaultConfiguration"`
	Properties           *sarifRuleProperties `json:"properties,omitempty"`
}

type sarifRuleProperties struct {
	Tags             []string `json:"tags,omitempty"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation  `json:"physicalLocation"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           sarifRegion           `json:"region"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
}

type sarifLogicalLocation struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}
