package warden_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
)

func TestParseHealthARN(t *testing.T) {
	const domain = "arn:aws:health-agent:us-east-1:123456789012:domain/dom-a1b2c3d4e5f6g7h8"
	for _, tt := range []struct {
		name, in string
		want     warden.HealthResource
		ok       bool
	}{
		{"domain", domain, warden.HealthResource{Region: "us-east-1", AccountID: "123456789012", DomainID: "dom-a1b2c3d4e5f6g7h8"}, true},
		{"subscription", domain + "/subscription/sub-abc", warden.HealthResource{Region: "us-east-1", AccountID: "123456789012",
			DomainID: "dom-a1b2c3d4e5f6g7h8", Type: "subscription", ID: "sub-abc"}, true},
		{"job", domain + "/patient-insights-job/0f8fad5b", warden.HealthResource{Region: "us-east-1", AccountID: "123456789012",
			DomainID: "dom-a1b2c3d4e5f6g7h8", Type: "patient-insights-job", ID: "0f8fad5b"}, true},
		{"agent", domain + "/agent/a-1", warden.HealthResource{}, false},
		{"trailing slash", domain + "/", warden.HealthResource{}, false},
		{"no domain ID", "arn:aws:health-agent:us-east-1:123456789012:domain/", warden.HealthResource{}, false},
		{"another service", "arn:aws:connect:us-east-1:123456789012:domain/dom-x", warden.HealthResource{}, false},
		{"another partition", "arn:aws-cn:health-agent:cn-north-1:123456789012:domain/dom-x", warden.HealthResource{}, false},
		{"no region", "arn:aws:health-agent::123456789012:domain/dom-x", warden.HealthResource{}, false},
		{"bad account", "arn:aws:health-agent:us-east-1:1234:domain/dom-x", warden.HealthResource{}, false},
		{"not an ARN", "dom-a1b2c3d4e5f6g7h8", warden.HealthResource{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := warden.ParseHealthARN(tt.in)
			if !tt.ok {
				if warden.ErrorCode(err) != warden.EValidationError {
					t.Fatalf("ParseHealthARN(%q) = %+v, %v; want ValidationError", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseHealthARN = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func FuzzParseHealthARN(f *testing.F) {
	f.Add("arn:aws:health-agent:us-east-1:123456789012:domain/dom-a1b2c3d4e5f6g7h8")
	f.Add("arn:aws:health-agent:us-east-1:123456789012:domain/dom-a/subscription/sub-b")
	f.Add("arn:aws:health-agent:us-east-1:123456789012:domain/dom-a/patient-insights-job/j/k")
	f.Add("arn:aws:health-agent:::")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := warden.ParseHealthARN(s)
		if err != nil {
			return
		}
		// What parses is an ARN the resource's own ARN function writes.
		var back string
		switch r.Type {
		case "":
			back = warden.DomainARN(r.Region, r.AccountID, r.DomainID)
		case "subscription":
			back = warden.SubscriptionARN(r.Region, r.AccountID, r.DomainID, r.ID)
		case "patient-insights-job":
			back = warden.PatientInsightsJobARN(r.Region, r.AccountID, r.DomainID, r.ID)
		default:
			t.Fatalf("ParseHealthARN(%q) gave type %q", s, r.Type)
		}
		if back != s {
			t.Fatalf("ParseHealthARN(%q) = %+v, which writes back as %q", s, r, back)
		}
	})
}

func TestHealthIDs(t *testing.T) {
	for _, tt := range []struct {
		name string
		new  func() string
		re   *regexp.Regexp
	}{
		// The model's patterns and lengths.
		{"domain", warden.NewDomainID, regexp.MustCompile(`^dom-[a-z0-9]{16}$`)},
		{"subscription", warden.NewSubscriptionID, regexp.MustCompile(`^sub-[a-zA-Z0-9]{21}$`)},
		{"job", warden.NewJobID, regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)},
		{"identity center application", warden.NewIdentityCenterApplicationID, regexp.MustCompile(`^apl-[0-9a-f]{16}$`)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]bool{}
			for range 100 {
				id := tt.new()
				if !tt.re.MatchString(id) || seen[id] {
					t.Fatalf("%q: malformed or repeated", id)
				}
				seen[id] = true
			}
		})
	}
}

func TestValidateHealthTags(t *testing.T) {
	many := make([]warden.Tag, warden.MaxHealthTags+1)
	for i := range many {
		many[i] = warden.Tag{Key: strings.Repeat("k", i+1)}
	}
	for _, tt := range []struct {
		name string
		tags []warden.Tag
		part string // of the error's message; "" when valid
	}{
		{"none", nil, ""},
		{"case-sensitive keys", []warden.Tag{{Key: "Env"}, {Key: "env"}}, ""},
		{"fifty", many[:warden.MaxHealthTags], ""},
		{"fifty-one", many, "at most 50 tags"},
		{"reserved prefix", []warden.Tag{{Key: "AWS:owner"}}, "aws: prefix is reserved"},
		{"repeated key", []warden.Tag{{Key: "a"}, {Key: "a"}}, "more than once"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := warden.ValidateHealthTags(tt.tags)
			if tt.part == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if warden.ErrorCode(err) != warden.EValidationError || !strings.Contains(warden.ErrorMessage(err), tt.part) {
				t.Fatalf("error = %v; want ValidationError with %q", err, tt.part)
			}
		})
	}
}

func TestSubscriptionStreamable(t *testing.T) {
	for status, ok := range map[warden.SubscriptionStatus]bool{
		warden.SubscriptionActive: true, warden.SubscriptionInactive: false, warden.SubscriptionDeleted: false,
	} {
		s := &warden.Subscription{ID: "sub-x", Status: status}
		if err := s.CheckStreamable(); (err == nil) != ok {
			t.Errorf("%s: CheckStreamable = %v", status, err)
		}
	}
}
