package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestCatalogShowText(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string // fragments the output must contain, compared with runs of spaces squeezed
	}{
		{"service", []string{"catalog", "show", "health-agent"}, []string{
			"health-agent: Amazon Connect Health",
			"Actions (resource types marked * are required)",
			"CreateIntegration                   Write         Domain*, Integration*         permission only",
			"GenerateMedicalCodes                Write         -                             user guide only",
			"Resource types",
			"Integration         arn:${Partition}:health-agent:${Region}:${Account}:domain/${DomainId}/integration/${IntegrationId}",
			"aws:TagKeys                ArrayOfString",
		}},
		{"service in capitals", []string{"catalog", "show", "HEALTH-AGENT"}, []string{"health-agent: Amazon Connect Health"}},
		{"action", []string{"catalog", "show", "health-agent:CreateDomain"}, []string{
			"health-agent:CreateDomain\n",
			"Access level       Write\n",
			`Resource types     none: the action is authorized only with "Resource": "*"`,
			"Condition keys     aws:RequestTag/${TagKey}, aws:TagKeys\n",
			"Dependent actions  health-agent:TagResource, iam:PassRole\n",
			"Source             Service Authorization Reference\n",
		}},
		{"action with resource types", []string{"catalog", "show", "health-agent:createintegration"}, []string{
			"health-agent:CreateIntegration\n",
			"Permission only           yes\n",
			"Integration (required)  arn:${Partition}:health-agent:${Region}:${Account}:domain/${DomainId}/integration/${IntegrationId}\n",
			"condition keys: aws:ResourceTag/${TagKey}\n",
		}},
		{"guide-only action", []string{"catalog", "show", "health-agent:ListAgentVersions"}, []string{
			"Access level       List\n",
			"Domain (required)",
			"Source             documented only in the Amazon Connect Health user guide\n",
			"absent from the Service Authorization Reference snapshot",
		}},
		{"unresolved resource type", []string{"catalog", "show", "config:TagResource"}, []string{"Connector (optional)", "(not defined by the service)"}},
		{"wildcard", []string{"catalog", "show", "health-agent:List*"}, []string{
			"health-agent:ListDomains ",
			"health-agent:ListMedicalScribeListeningSessions  List          -                      user guide only",
		}},
		{"global key", []string{"catalog", "show", "aws:TagKeys"}, []string{"aws:TagKeys\n", "Type         ArrayOfString\n", "Multivalued  yes\n", "Global       yes\n"}},
		{"templated key", []string{"catalog", "show", "aws:RequestTag/team"}, []string{"aws:RequestTag/${TagKey}\n", "Matches      aws:RequestTag/team\n", "Multivalued  no\n"}},
		{"service key", []string{"catalog", "show", "s3:ExistingObjectTag/owner"}, []string{"s3:ExistingObjectTag/<key>\n", "Global       no\n"}},
		{"search", []string{"catalog", "search", "INTEGRATION"}, []string{
			"Services (",
			"app-integrations ",
			"health-agent:CreateIntegration ",
			"Resource types (",
			"health-agent:Integration ",
		}},
		{"search keys", []string{"catalog", "search", "tagkeys"}, []string{"Condition keys (", "aws:TagKeys "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, status := runMain(t, "", tc.args...)
			if status != 0 {
				t.Fatalf("exit status %d, stderr %q", status, errOut)
			}
			for _, want := range tc.want {
				if !strings.Contains(squeezeSpaces(out), squeezeSpaces(want)) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			for line := range strings.Lines(out) {
				if strings.HasSuffix(strings.TrimSuffix(line, "\n"), " ") {
					t.Errorf("trailing space in %q", line)
				}
			}
		})
	}
}

func TestCatalogShowAlignsColumns(t *testing.T) {
	out, _, status := runMain(t, "", "catalog", "show", "health-agent")
	if status != 0 {
		t.Fatal("exit status", status)
	}
	var header, row string
	for line := range strings.Lines(out) {
		switch {
		case header == "" && strings.Contains(line, "ACCESS LEVEL"):
			header = line
		case header != "" && strings.HasPrefix(line, "  CreateDomain "):
			row = line
		}
	}
	if header == "" || row == "" {
		t.Fatalf("no actions table in:\n%s", out)
	}
	if h, r := strings.Index(header, "ACCESS LEVEL"), strings.Index(row, "Write"); h != r {
		t.Errorf("ACCESS LEVEL at column %d, Write at %d:\n%s%s", h, r, header, row)
	}
}

// squeezeSpaces collapses runs of spaces, so that checks do not depend on
// column widths set by other rows.
func squeezeSpaces(s string) string {
	var b strings.Builder
	for i := range len(s) {
		if s[i] == ' ' && i > 0 && s[i-1] == ' ' {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestCatalogShowJSON(t *testing.T) {
	t.Run("action", func(t *testing.T) {
		out, errOut, status := runMain(t, "", "catalog", "show", "health-agent:GenerateMedicalCodes", "--output", "json")
		if status != 0 {
			t.Fatalf("exit status %d, stderr %q", status, errOut)
		}
		var a actionJSON
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Fatalf("%v in %s", err, out)
		}
		if a.Name != "health-agent:GenerateMedicalCodes" || a.AccessLevel != "Write" || a.ResourceTypes == nil ||
			!strings.Contains(out, `"source": "userGuide"`) || !strings.Contains(a.SourceNote, "user guide") {
			t.Errorf("got %+v from %s", a, out)
		}
	})
	t.Run("service", func(t *testing.T) {
		out, _, status := runMain(t, "", "catalog", "show", "health-agent", "-o", "json")
		if status != 0 {
			t.Fatal("exit status", status)
		}
		var s serviceJSON
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range s.Actions {
			names = append(names, a.Name)
		}
		if s.Prefix != "health-agent" || !slices.Contains(names, "health-agent:CreateDomain") || !slices.Contains(names, "health-agent:ListMedicalScribeListeningSessions") {
			t.Errorf("service JSON: prefix %q, actions %v", s.Prefix, names)
		}
		var domain *resourceTypeJSON
		for i := range s.ResourceTypes {
			if s.ResourceTypes[i].Name == "Domain" {
				domain = &s.ResourceTypes[i]
			}
		}
		if domain == nil || domain.ARNTemplate != "arn:${Partition}:health-agent:${Region}:${Account}:domain/${DomainId}" {
			t.Errorf("Domain resource type %+v", domain)
		}
	})
	t.Run("key", func(t *testing.T) {
		out, _, status := runMain(t, "", "catalog", "show", "aws:PrincipalTag/dept", "-o", "json")
		if status != 0 {
			t.Fatal("exit status", status)
		}
		var k conditionKeyJSON
		if err := json.Unmarshal([]byte(out), &k); err != nil {
			t.Fatal(err)
		}
		if k != (conditionKeyJSON{Name: "aws:PrincipalTag/${TagKey}", Type: "String", Global: true, Template: true}) {
			t.Errorf("got %+v", k)
		}
	})
	t.Run("search", func(t *testing.T) {
		out, _, status := runMain(t, "", "catalog", "search", "MedicalCoding", "-o", "json")
		if status != 0 {
			t.Fatal("exit status", status)
		}
		var r searchJSON
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if r.Services == nil || r.ConditionKeys == nil || len(r.ResourceTypes) != 1 || r.ResourceTypes[0].Name != "MedicalCodingJob" {
			t.Errorf("search JSON %+v", r)
		}
		for _, a := range r.Actions {
			if !strings.Contains(strings.ToLower(a.Name), "medicalcoding") {
				t.Errorf("search returned %s", a.Name)
			}
		}
	})
}

func TestCatalogErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		status int
		want   string // fragment of stderr
	}{
		{"misspelled service", []string{"catalog", "show", "app-integartions"}, 1, `unknown service prefix "app-integartions"; did you mean app-integrations?`},
		{"action under misspelled service", []string{"catalog", "show", "app-integartions:ListEventIntegrations"}, 1, "did you mean app-integrations:ListEventIntegrations?"},
		{"unknown action", []string{"catalog", "show", "kms:ListKeysForService"}, 1, `unknown action "kms:ListKeysForService"; did you mean kms:ListKeys?`},
		{"operation name", []string{"catalog", "show", "s3:getService"}, 1, "authorized by s3:ListAllMyBuckets"},
		{"unknown key", []string{"catalog", "show", "aws:SourceIP4"}, 1, `unknown condition key "aws:SourceIP4"; did you mean aws:SourceIp`},
		{"wildcard matching nothing", []string{"catalog", "show", "health-agent:Zap*"}, 1, `no action matches "health-agent:Zap*"`},
		{"wildcard under unknown service", []string{"catalog", "show", "app-integartions:*"}, 1, "did you mean app-integrations?"},
		{"search finding nothing", []string{"catalog", "search", "zzqqxx"}, 1, `contains "zzqqxx"`},
		{"empty search", []string{"catalog", "search", ""}, 2, "non-empty WORD"},
		{"bad output", []string{"catalog", "show", "iam", "--output", "yaml"}, 2, "--output must be text or json"},
		{"missing argument", []string{"catalog", "show"}, 2, "accepts 1 arg"},
		{"extra argument", []string{"catalog", "search", "a", "b"}, 2, "accepts 1 arg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, status := runMain(t, "", tc.args...)
			if status != tc.status {
				t.Errorf("exit status %d, want %d (stderr %q)", status, tc.status, errOut)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr %q lacks %q", errOut, tc.want)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
}
