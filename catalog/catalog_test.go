package catalog

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestServiceLookupIgnoresCase(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		prefix string
		want   string // service name; "" for not found
	}{
		{"health-agent", "Amazon Connect Health"},
		{"HEALTH-AGENT", "Amazon Connect Health"},
		{"Health-Agent", "Amazon Connect Health"},
		{"app-integrations", "Amazon AppIntegrations"},
		{"iam", "AWS Identity and Access Management"},
		{"app-integartions", ""},
		{"", ""},
		{"health-agent ", ""},
	} {
		t.Run(tc.prefix, func(t *testing.T) {
			s, ok := c.Service(tc.prefix)
			if tc.want == "" {
				if ok {
					t.Fatalf("Service(%q) found %s, want none", tc.prefix, s.Prefix)
				}
				return
			}
			if !ok {
				t.Fatalf("Service(%q) not found", tc.prefix)
			}
			if s.Name != tc.want {
				t.Fatalf("Service(%q) is %q, want %q", tc.prefix, s.Name, tc.want)
			}
		})
	}
}

func TestActionLookupIgnoresCase(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		prefix, name string
		want         string // full name; "" for not found
	}{
		{"iam", "ListAccessKeys", "iam:ListAccessKeys"},
		{"IAM", "listaccesskeys", "iam:ListAccessKeys"},
		{"health-agent", "CREATEDOMAIN", "health-agent:CreateDomain"},
		{"s3", "getobject", "s3:GetObject"},
		{"s3", "getService", ""},
		{"kms", "ListKeysForService", ""},
		{"app-integartions", "ListEventIntegrations", ""},
		{"iam", "", ""},
		{"iam", "List*", ""}, // lookups are literal; wildcards belong to MatchActions
	} {
		t.Run(tc.prefix+":"+tc.name, func(t *testing.T) {
			a, ok := c.Action(tc.prefix, tc.name)
			if tc.want == "" {
				if ok {
					t.Fatalf("Action found %s, want none", a.FullName())
				}
				return
			}
			if !ok || a.FullName() != tc.want {
				t.Fatalf("Action = %v, %v; want %s", a, ok, tc.want)
			}
			if b, ok := c.LookupAction(tc.prefix + ":" + tc.name); !ok || b != a {
				t.Fatalf("LookupAction disagrees with Action: %v, %v", b, ok)
			}
		})
	}
}

func TestActionFacts(t *testing.T) {
	c := Default()
	a, ok := c.Action("health-agent", "CreateDomain")
	if !ok {
		t.Fatal("health-agent:CreateDomain missing")
	}
	if a.AccessLevel != AccessWrite || a.PermissionOnly || a.Source != SourceReference || len(a.ResourceTypes) != 0 {
		t.Errorf("CreateDomain = %+v", a)
	}
	if want := []string{"health-agent:TagResource", "iam:PassRole"}; !slices.Equal(a.DependentActions, want) {
		t.Errorf("CreateDomain dependent actions = %v, want %v", a.DependentActions, want)
	}
	if want := []string{"aws:RequestTag/${TagKey}", "aws:TagKeys"}; !slices.Equal(a.ConditionKeys, want) {
		t.Errorf("CreateDomain condition keys = %v, want %v", a.ConditionKeys, want)
	}

	a, _ = c.Action("health-agent", "CreateIntegration")
	if len(a.ResourceTypes) != 2 {
		t.Fatalf("CreateIntegration resource types = %+v", a.ResourceTypes)
	}
	for _, r := range a.ResourceTypes {
		if r.Type == nil || r.Type.Name != r.Name || !r.Required || r.Type.Service != a.Service {
			t.Errorf("CreateIntegration resource %+v not linked to its service's type", r)
		}
	}
	if !a.PermissionOnly {
		t.Error("CreateIntegration should be permission-only")
	}
	if got, want := a.SupportedConditionKeys(), []string{"aws:ResourceTag/${TagKey}"}; !slices.Equal(got, want) {
		t.Errorf("CreateIntegration supported keys = %v, want %v", got, want)
	}

	a, _ = c.Action("health-agent", "TagResource")
	if got, want := a.SupportedConditionKeys(), []string{"aws:RequestTag/${TagKey}", "aws:ResourceTag/${TagKey}", "aws:TagKeys"}; !slices.Equal(got, want) {
		t.Errorf("TagResource supported keys = %v, want %v", got, want)
	}

	// The reference names a resource type its service does not define.
	a, _ = c.Action("config", "TagResource")
	var connector *ActionResource
	for i := range a.ResourceTypes {
		if a.ResourceTypes[i].Name == "Connector" {
			connector = &a.ResourceTypes[i]
		}
	}
	if connector == nil || connector.Type != nil {
		t.Errorf("config:TagResource Connector = %+v, want an unresolved reference", connector)
	}
}

func TestSupplementedActions(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		name      string
		source    Source
		level     AccessLevel
		resources []string
	}{
		{"GenerateMedicalCodes", SourceUserGuide, AccessWrite, nil},
		{"ListAgentVersions", SourceUserGuide, AccessList, []string{"Domain"}},
		{"ListMedicalScribeListeningSessions", SourceUserGuide, AccessList, nil},
		{"StartMedicalCodingJob", SourceUserGuide, AccessWrite, []string{"Domain", "MedicalCodingJob"}},
		{"GetMedicalCodingJob", SourceUserGuide, AccessRead, []string{"Domain", "MedicalCodingJob"}},
		{"GetDomainAnalytics", SourceOtherEdition, AccessRead, []string{"Domain"}},
		{"ListSessionRecords", SourceOtherEdition, AccessList, []string{"Domain"}},
		{"GetDomain", SourceReference, AccessRead, []string{"Domain"}},
		{"StartMedicalScribeListeningSession", SourceReference, AccessWrite, []string{"Domain", "Subscription"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, ok := c.Action("health-agent", tc.name)
			if !ok {
				t.Fatalf("health-agent:%s missing", tc.name)
			}
			if a.Source != tc.source || a.AccessLevel != tc.level {
				t.Errorf("source %v, level %q; want %v, %q", a.Source, a.AccessLevel, tc.source, tc.level)
			}
			var resources []string
			for _, r := range a.ResourceTypes {
				if r.Type == nil {
					t.Errorf("resource %s unresolved", r.Name)
				}
				resources = append(resources, r.Name)
			}
			if !slices.Equal(resources, tc.resources) {
				t.Errorf("resources %v, want %v", resources, tc.resources)
			}
		})
	}
	s, _ := c.Service("health-agent")
	rt, ok := s.ResourceType("medicalcodingjob")
	if !ok || rt.Source != SourceUserGuide {
		t.Errorf("MedicalCodingJob = %+v, %v; want a user-guide resource type", rt, ok)
	}
	if d, _ := s.ResourceType("Domain"); d.Source != SourceReference {
		t.Errorf("Domain source = %v", d.Source)
	}
	if !strings.Contains(SourceUserGuide.String(), "Amazon Connect Health user guide") {
		t.Errorf("SourceUserGuide.String() = %q", SourceUserGuide)
	}
}

func TestSourceText(t *testing.T) {
	for _, s := range []Source{SourceReference, SourceOtherEdition, SourceUserGuide} {
		text, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Source
		if err := back.UnmarshalText(text); err != nil || back != s {
			t.Errorf("%v: %q reads back as %v, %v", s, text, back, err)
		}
	}
	if _, err := Source(99).MarshalText(); err == nil {
		t.Error("Source(99) marshalled")
	}
	var s Source
	if err := s.UnmarshalText([]byte("blog")); err == nil {
		t.Error(`"blog" unmarshalled`)
	}
}

func TestMatchActions(t *testing.T) {
	c := Default()
	// bruteForce is the definition: the pattern against every full name.
	bruteForce := func(pattern string) []*Action {
		var out []*Action
		for _, s := range c.Services() {
			for _, a := range s.Actions {
				if matchFold(pattern, a.FullName()) {
					out = append(out, a)
				}
			}
		}
		return out
	}
	for _, tc := range []struct {
		pattern string
		include []string
		exclude []string
		count   int // -1: any number, at least len(include)
	}{
		{"s3:Get*", []string{"s3:GetObject", "s3:GetBucketPolicy"}, []string{"s3:PutObject", "s3express:GetObject"}, -1},
		{"S3:GETOBJECT", []string{"s3:GetObject"}, nil, 1},
		{"iam:*AccessKey*", []string{"iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:GetAccessKeyLastUsed"}, []string{"iam:ListUsers"}, -1},
		{"iam:?etUser", []string{"iam:GetUser"}, []string{"iam:GetUserPolicy"}, 1},
		{"health-agent:*", []string{"health-agent:CreateDomain", "health-agent:GenerateMedicalCodes"}, nil, -1},
		{"health-agent:List*", []string{"health-agent:ListDomains", "health-agent:ListAgentVersions"}, []string{"health-agent:GetDomain"}, -1},
		{"*:GetObject", []string{"s3:GetObject", "s3-object-lambda:GetObject"}, []string{"s3:GetObjectAcl"}, -1},
		{"s3*", []string{"s3:GetObject", "s3express:CreateSession"}, []string{"sqs:SendMessage"}, -1},
		{"s3:GetObject,PutObject", nil, nil, 0},
		{"nosuchservice:*", nil, nil, 0},
		{"s3:", nil, nil, 0},
		{"s3:Get:Object", nil, nil, 0},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			got := c.MatchActions(tc.pattern)
			if want := bruteForce(tc.pattern); !slices.Equal(got, want) {
				t.Fatalf("MatchActions(%q) gave %d actions, brute force %d", tc.pattern, len(got), len(want))
			}
			names := make([]string, len(got))
			for i, a := range got {
				names[i] = a.FullName()
			}
			for _, n := range tc.include {
				if !slices.Contains(names, n) {
					t.Errorf("missing %s", n)
				}
			}
			for _, n := range tc.exclude {
				if slices.Contains(names, n) {
					t.Errorf("unexpected %s", n)
				}
			}
			if tc.count >= 0 && len(got) != tc.count {
				t.Errorf("matched %d actions %v, want %d", len(got), names, tc.count)
			}
		})
	}

	s, _ := c.Service("health-agent")
	if got := c.MatchActions("health-agent:*"); len(got) != len(s.Actions) {
		t.Errorf("health-agent:* matched %d of %d actions", len(got), len(s.Actions))
	}
	if got := c.MatchActions("*"); len(got) != c.ActionCount() {
		t.Errorf("* matched %d of %d actions", len(got), c.ActionCount())
	}
}

func TestMatchFold(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"*", "", true},
		{"?", "", false},
		{"a*b", "ab", true},
		{"a*b", "aXXb", true},
		{"a*b", "aXXbc", false},
		{"a*b*c", "abbbc", true},
		{"Describe????", "describeTags", true},
		{"Describe????", "DescribeTag", false},
		{"**", "x", true},
		{"*a", "bbbba", true},
		{"GET*", "getobject", true},
	} {
		if got := matchFold(tc.pattern, tc.s); got != tc.want {
			t.Errorf("matchFold(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

// FuzzMatchFold checks the matcher against the regular expression that
// says the same thing.
func FuzzMatchFold(f *testing.F) {
	for _, seed := range [][2]string{
		{"s3:Get*", "s3:GetObject"},
		{"iam:*AccessKey*", "iam:ListAccessKeys"},
		{"ec2:Describe????", "ec2:DescribeTags"},
		{"a*b*c*", "aXbXcX"},
		{"*?*", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if len(pattern) > 64 || len(s) > 256 {
			return
		}
		var re strings.Builder
		re.WriteString("(?is)^")
		for _, r := range pattern {
			switch r {
			case '*':
				re.WriteString(".*")
			case '?':
				re.WriteString(".")
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString("$")
		// The matcher folds ASCII only and works on bytes; compare on
		// ASCII input, where both agree on what a character is.
		for i := range len(pattern) {
			if pattern[i] >= 0x80 {
				return
			}
		}
		for i := range len(s) {
			if s[i] >= 0x80 {
				return
			}
		}
		want := regexp.MustCompile(re.String()).MatchString(s)
		if got := matchFold(pattern, s); got != want {
			t.Errorf("matchFold(%q, %q) = %v, regexp says %v", pattern, s, got, want)
		}
	})
}

func TestConditionKey(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		name     string
		wantName string // "" for not found
		wantType string
		multi    bool
	}{
		{"aws:SourceIp", "aws:SourceIp", "IPAddress", false},
		{"AWS:SOURCEIP", "aws:SourceIp", "IPAddress", false},
		{"aws:TagKeys", "aws:TagKeys", "ArrayOfString", true},
		{"aws:CalledVia", "aws:CalledVia", "ArrayOfString", true},
		{"aws:PrincipalOrgPaths", "aws:PrincipalOrgPaths", "ArrayOfString", true},
		{"aws:SourceArn", "aws:SourceArn", "ARN", false},
		{"aws:MultiFactorAuthAge", "aws:MultiFactorAuthAge", "Numeric", false},
		{"aws:RequestTag/team", "aws:RequestTag/${TagKey}", "String", false},
		{"aws:requesttag/Team", "aws:RequestTag/${TagKey}", "String", false},
		{"aws:ResourceTag/a/b:c", "aws:ResourceTag/${TagKey}", "String", false},
		{"aws:PrincipalTag/dept", "aws:PrincipalTag/${TagKey}", "String", false},
		{"aws:RequestTag/${TagKey}", "aws:RequestTag/${TagKey}", "String", false},
		{"s3:ExistingObjectTag/owner", "s3:ExistingObjectTag/<key>", "String", false},
		{"s3:prefix", "s3:prefix", "String", false},
		{"kms:EncryptionContext:department", "kms:EncryptionContext:${EncryptionContextKey}", "String", false},
		{"secretsmanager:ResourceTag/env", "secretsmanager:ResourceTag/tag-key", "String", false},
		{"glacier:ResourceTag/env", "glacier:ResourceTag/", "String", false},
		{"saml:aud", "saml:aud", "String", false},
		// identitystore's own page wins over q's and qbusiness's copies.
		{"identitystore:UserId", "identitystore:UserId", "String", false},
		{"aws:RequestTag/", "", "", false},
		{"aws:RequestTag", "", "", false},
		{"aws:NoSuchKey", "", "", false},
		{"nosuch:key", "", "", false},
		{"", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, ok := c.ConditionKey(tc.name)
			if tc.wantName == "" {
				if ok {
					t.Fatalf("found %s, want none", k.Name)
				}
				return
			}
			if !ok {
				t.Fatal("not found")
			}
			if k.Name != tc.wantName || k.Type != tc.wantType || k.Multivalued() != tc.multi {
				t.Errorf("got %+v (multivalued %v), want %s %s %v", k, k.Multivalued(), tc.wantName, tc.wantType, tc.multi)
			}
		})
	}

	k, _ := c.ConditionKey("aws:EpochTime")
	if k.Type != "Date" || k.AltType != "Numeric" {
		t.Errorf("aws:EpochTime = %+v, want Date also Numeric", k)
	}
	k, _ = c.ConditionKey("aws:RequestTag/x")
	if !k.Global() || !k.IsTemplate() {
		t.Errorf("aws:RequestTag/${TagKey}: Global %v IsTemplate %v", k.Global(), k.IsTemplate())
	}
	k, _ = c.ConditionKey("s3:prefix")
	if k.Global() || k.IsTemplate() {
		t.Errorf("s3:prefix: Global %v IsTemplate %v", k.Global(), k.IsTemplate())
	}
	// Every global key is indexed, and none is repeated.
	seen := map[string]bool{}
	for _, g := range c.GlobalConditionKeys() {
		if got, ok := c.ConditionKey(g.Name); !ok || got != g {
			t.Errorf("global key %s resolves to %v", g.Name, got)
		}
		if seen[strings.ToLower(g.Name)] {
			t.Errorf("global key %s listed twice", g.Name)
		}
		seen[strings.ToLower(g.Name)] = true
	}
	for _, name := range []string{"aws:RequestTag/${TagKey}", "aws:ResourceTag/${TagKey}", "aws:PrincipalTag/${TagKey}", "aws:TagKeys", "aws:SourceAccount", "aws:PrincipalArn"} {
		if !seen[strings.ToLower(name)] {
			t.Errorf("global key %s missing", name)
		}
	}
}

// FuzzConditionKey checks that a name resolves to a key that names it: the
// same name ignoring case, or a template whose pattern matches it.
func FuzzConditionKey(f *testing.F) {
	for _, seed := range []string{"aws:SourceIp", "aws:RequestTag/team", "s3:ExistingObjectTag/a/b", "kms:EncryptionContext:", "aws:", ""} {
		f.Add(seed)
	}
	c := Default()
	f.Fuzz(func(t *testing.T, name string) {
		k, ok := c.ConditionKey(name)
		if !ok {
			return
		}
		if !strings.EqualFold(k.Name, name) && !matchFold(keyTemplatePattern(k.Name), name) {
			t.Errorf("ConditionKey(%q) = %s", name, k.Name)
		}
	})
}

func TestSearch(t *testing.T) {
	c := Default()
	r := c.Search("INTEGRATION")
	has := func(list []string, want string) bool { return slices.Contains(list, want) }
	var services, actions, types []string
	for _, s := range r.Services {
		services = append(services, s.Prefix)
	}
	for _, a := range r.Actions {
		actions = append(actions, a.FullName())
	}
	for _, rt := range r.ResourceTypes {
		types = append(types, rt.Service.Prefix+":"+rt.Name)
	}
	if !has(services, "app-integrations") || !has(actions, "health-agent:CreateIntegration") || !has(types, "health-agent:Integration") {
		t.Errorf("Search(INTEGRATION): services %v, %d actions, types %v", services, len(actions), types)
	}
	for _, a := range r.Actions {
		if !containsFold(a.Name, "integration") {
			t.Errorf("Search(INTEGRATION) returned %s", a.FullName())
		}
	}

	r = c.Search("health-agent:Get")
	if len(r.Actions) == 0 {
		t.Fatal("Search(health-agent:Get) found no actions")
	}
	for _, a := range r.Actions {
		if a.Service.Prefix != "health-agent" || !strings.HasPrefix(a.Name, "Get") {
			t.Errorf("Search(health-agent:Get) returned %s", a.FullName())
		}
	}

	r = c.Search("tagkeys")
	var keys []string
	for _, k := range r.ConditionKeys {
		keys = append(keys, k.Name)
	}
	if !has(keys, "aws:TagKeys") {
		t.Errorf("Search(tagkeys) keys = %v", keys)
	}
	if slices.ContainsFunc(keys, func(k string) bool { return strings.EqualFold(k, "aws:TagKeys") && k != "aws:TagKeys" }) {
		t.Error("Search lists aws:TagKeys twice")
	}

	if r := c.Search("zzqqxxnotaname"); len(r.Services)+len(r.Actions)+len(r.ResourceTypes)+len(r.ConditionKeys) != 0 {
		t.Errorf("Search of nonsense found %+v", r)
	}
}

func TestDefaultConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			c := Default()
			if _, ok := c.Action("health-agent", "GetDomain"); !ok {
				t.Error("GetDomain missing")
			}
			s, _ := c.Service("health-agent")
			rt, _ := s.ResourceType("Integration")
			if !rt.MatchARN("arn:aws:health-agent:us-east-1:123456789012:domain/d-1/integration/i-1") {
				t.Error("integration ARN did not match")
			}
		})
	}
	wg.Wait()
}
