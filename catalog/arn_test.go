package catalog

import (
	"strings"
	"testing"
)

func resourceType(t testing.TB, prefix, name string) *ResourceType {
	t.Helper()
	s, ok := Default().Service(prefix)
	if !ok {
		t.Fatalf("service %s missing", prefix)
	}
	rt, ok := s.ResourceType(name)
	if !ok {
		t.Fatalf("resource type %s:%s missing", prefix, name)
	}
	return rt
}

func TestMatchARN(t *testing.T) {
	const domain = "arn:aws:health-agent:us-east-1:123456789012:domain/d-1"
	for _, tc := range []struct {
		service, resourceType, arn string
		want                       bool
	}{
		// The guide's shapes, against every health-agent template.
		{"health-agent", "Integration", domain + "/integration/*", true},
		{"health-agent", "Domain", domain + "/integration/*", false},
		{"health-agent", "Agent", domain + "/integration/*", false},
		{"health-agent", "Domain", domain, true},
		{"health-agent", "Integration", domain, false},
		{"health-agent", "Domain", "arn:aws:health-agent:us-east-1:123456789012:domain/*", true},
		{"health-agent", "Integration", "arn:aws:health-agent:us-east-1:123456789012:domain/*", true},
		{"health-agent", "Agent", "arn:aws:health-agent:<region>:<account-id>:domain/<domain-id>/agent/*", true},
		{"health-agent", "Session", domain + "/session/s-1", true},
		{"health-agent", "MedicalCodingJob", domain + "/medical-coding-job/*", true},
		{"health-agent", "Domain", "*", true},
		{"health-agent", "Domain", "arn:aws:health-agent:*:*:*", true},
		{"health-agent", "Domain", "arn:*:*:*:*:*", true},
		{"health-agent", "Domain", "arn:aws:health-agent:us-east-1:123456789012:domain/d-?", true},
		{"health-agent", "Domain", "arn:aws:health-agent:us-east-1:123456789012:domain/", false},
		{"health-agent", "Domain", "arn:aws:health-agent::123456789012:domain/d-1", false},
		{"health-agent", "Domain", "arn:aws:connect:us-east-1:123456789012:domain/d-1", false},
		{"health-agent", "Domain", "arn:aws:health-agent:us-east-1:123456789012:Domain/d-1", false},
		{"health-agent", "Domain", "arn:aws:health-agent:us-east-1", false},
		{"health-agent", "Domain", "arn:aws:health-agent*", false},
		{"health-agent", "Domain", "domain/d-1", false},
		{"health-agent", "Domain", "", false},
		// Wildcards do not cross into another of the first five components.
		{"health-agent", "Domain", "arn:aws:*:123456789012:domain/d-1", false},

		// S3: a bucket name is one piece, an object key may hold slashes;
		// S3 ARNs carry neither region nor account.
		{"s3", "object", "arn:aws:s3:::bucket/a/b/c.txt", true},
		{"s3", "bucket", "arn:aws:s3:::bucket/a/b/c.txt", false},
		{"s3", "bucket", "arn:aws:s3:::bucket", true},
		{"s3", "object", "arn:aws:s3:::bucket", false},
		{"s3", "object", "arn:aws:s3:::bucket/*", true},
		{"s3", "bucket", "arn:aws:s3:::*", true},
		{"s3", "object", "arn:aws:s3:::*", true},
		{"s3", "bucket", "arn:aws:s3:us-east-1::bucket", false},
		{"s3", "bucket", "arn:aws:s3::123456789012:bucket", false},

		// Names with paths in the last placeholder.
		{"iam", "user", "arn:aws:iam::123456789012:user/division/team/alice", true},
		{"iam", "user", "arn:aws:iam::*:user/${aws:username}", true},
		{"iam", "role", "arn:aws:iam::123456789012:user/alice", false},
		{"iam", "role", "arn:aws:iam::123456789012:role/service-role/*", true},
		{"ssm", "parameter", "arn:aws:ssm:us-east-1:123456789012:parameter/prod/db/password", true},
		// A placeholder followed by ":" stops at it; log group names hold slashes.
		{"logs", "log-stream", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:log-stream:2024/01/01", true},
		{"logs", "log-group", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn", true},
		{"logs", "log-stream", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn", false},
		// A template's own "*" matches anything.
		{"dms", "Certificate", "arn:aws:dms:us-east-1:123456789012:cert:ABCDEF", true},
		{"dms", "Certificate", "arn:aws:dms:us-east-1:123456789012:cert:", true},
		{"dms", "Certificate", "arn:aws:dms:us-east-1:123456789012:endpoint:ABCDEF", false},

		// Escapes: ${*} is a literal star, not a wildcard.
		{"iam", "user", "arn:aws:iam::123456789012:user/${*}", true},
		{"s3", "bucket", "arn:aws:s3:::a${*}b/c", false},
		{"s3", "bucket", "arn:aws:s3:::a*b/c", false},
		{"s3", "object", "arn:aws:s3:::a*b/c", true},
	} {
		t.Run(tc.resourceType+" "+tc.arn, func(t *testing.T) {
			rt := resourceType(t, tc.service, tc.resourceType)
			if got := rt.MatchARN(tc.arn); got != tc.want {
				t.Errorf("%s (%s).MatchARN(%q) = %v, want %v", tc.resourceType, rt.ARNTemplate, tc.arn, got, tc.want)
			}
		})
	}
}

// TestMatchARNEveryTemplateMatchesItsOwnInstance fills every template of the
// catalog with sample values and checks that its own type matches the
// result, concretely and with the resource part widened to "*".
func TestMatchARNEveryTemplateMatchesItsOwnInstance(t *testing.T) {
	for _, s := range Default().Services() {
		for _, rt := range s.ResourceTypes {
			arn := fillTemplate(rt.ARNTemplate)
			if !rt.MatchARN(arn) {
				t.Errorf("%s:%s: %q does not match its own template %q", s.Prefix, rt.Name, arn, rt.ARNTemplate)
			}
			head := arn[:strings.LastIndexByte(arnHead(arn), ':')+1]
			if !rt.MatchARN(head + "*") {
				t.Errorf("%s:%s: %q does not match %q", s.Prefix, rt.Name, head+"*", rt.ARNTemplate)
			}
		}
	}
}

// fillTemplate replaces each ${…} of a template with a sample value.
func fillTemplate(tmpl string) string {
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		if strings.HasPrefix(tmpl[i:], "${") {
			end := strings.IndexByte(tmpl[i:], '}')
			switch name := tmpl[i+2 : i+end]; name {
			case "Partition":
				b.WriteString("aws")
			case "Region":
				b.WriteString("us-east-1")
			case "Account":
				b.WriteString("123456789012")
			default:
				b.WriteString("x1")
			}
			i += end
			continue
		}
		b.WriteByte(tmpl[i])
	}
	return b.String()
}

// arnHead returns the ARN up to and including its fifth colon.
func arnHead(arn string) string {
	n := 0
	for i := range len(arn) {
		if arn[i] == ':' {
			n++
			if n == 5 {
				return arn[:i+1]
			}
		}
	}
	return arn
}

func TestMatchARNOnStandaloneResourceType(t *testing.T) {
	// No service: the final placeholder takes the rest, and a bad template
	// matches nothing but "*".
	rt := &ResourceType{Name: "thing", ARNTemplate: "arn:${Partition}:svc:${Region}:${Account}:thing/${Id}"}
	if !rt.MatchARN("arn:aws:svc:us-east-1:123456789012:thing/a/b") {
		t.Error("standalone template rejected a nested name")
	}
	broken := &ResourceType{Name: "broken", ARNTemplate: "not-an-arn"}
	if broken.MatchARN("arn:aws:svc:us-east-1:123456789012:thing/a") || !broken.MatchARN("*") {
		t.Error("a malformed template should match only *")
	}
}

func FuzzMatchARN(f *testing.F) {
	for _, seed := range []string{
		"arn:aws:health-agent:us-east-1:123456789012:domain/d-1/integration/*",
		"arn:aws:health-agent:us-east-1:123456789012:domain/d-1",
		"arn:aws:health-agent:*:*:domain/*/agent/?",
		"arn:aws:health-agent:us-east-1:123456789012:domain/${aws:username}",
		"arn:aws:health-agent:us-east-1:123456789012:domain/${*}${?}${$}${",
		"arn:aws:s3:::bucket/*",
		"*",
		"arn:::::",
		"",
	} {
		f.Add(seed)
	}
	s, _ := Default().Service("health-agent")
	f.Fuzz(func(t *testing.T, arn string) {
		if len(arn) > 512 || arn == "*" {
			return // "*" is the one Resource that is not an ARN pattern
		}
		for _, rt := range s.ResourceTypes {
			if !rt.MatchARN(arn) {
				continue
			}
			// Widening a pattern never loses a match: a trailing star may
			// match nothing, and "?" stands for any one character.
			if !rt.MatchARN(arn + "*") {
				t.Errorf("%s matches %q but not %q", rt.Name, arn, arn+"*")
			}
			if i := strings.LastIndexByte(arn, '/'); i >= 0 && i+1 < len(arn) && arn[i+1] != ':' && !strings.ContainsAny(arn[i+1:], "${}*?") {
				widened := arn[:i+1] + "?" + arn[i+2:]
				if !rt.MatchARN(widened) {
					t.Errorf("%s matches %q but not %q", rt.Name, arn, widened)
				}
			}
		}
	})
}
