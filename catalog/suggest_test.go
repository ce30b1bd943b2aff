package catalog

import (
	"strings"
	"testing"
)

func TestSuggestions(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		kind, input string
		first       string // the best suggestion; "" for none at all
		allPrefix   string // when set, what every suggestion starts with (first is not checked)
	}{
		// The seed documents' mistakes.
		{"service", "app-integartions", "app-integrations", ""},
		{"action", "app-integartions:ListEventIntegrations", "app-integrations:ListEventIntegrations", ""},
		{"action", "s3:getService", "s3:ListAllMyBuckets", ""},
		{"action", "s3:getBucket", "s3:ListBucket", ""},
		{"action", "s3:getBucketVersions", "s3:ListBucketVersions", ""},
		{"action", "s3:getLocation", "s3:GetBucketLocation", ""},
		{"action", "kms:ListKeysForService", "kms:ListKeys", ""},
		// Plain misspellings.
		{"service", "apigatewayv2", "apigateway", ""},
		{"action", "iam:ListAccesKeys", "iam:ListAccessKeys", ""},
		{"action", "health-agent:GetDomian", "health-agent:GetDomain", ""},
		{"action", "iam:list", "", "iam:List"}, // actions the name begins
		{"action", "nosuchprefixatall:Foo", "", ""},
		{"key", "aws:SourceIP4", "aws:SourceIp", ""},
		{"key", "aws:RequestTag", "aws:RequestTag/${TagKey}", ""},
		{"key", "aws:PrincipalTags/dept", "aws:PrincipalTag/${TagKey}", ""},
		{"key", "s3:prefx", "s3:prefix", ""},
		{"key", "zzzzzzzzzzzzzzzzzzzz", "", ""},
	} {
		t.Run(tc.kind+" "+tc.input, func(t *testing.T) {
			var got []string
			switch tc.kind {
			case "service":
				got = c.SuggestServices(tc.input)
			case "action":
				got = c.SuggestActions(tc.input)
			case "key":
				got = c.SuggestConditionKeys(tc.input)
			}
			if len(got) > maxSuggestions {
				t.Errorf("%d suggestions, want at most %d", len(got), maxSuggestions)
			}
			if tc.allPrefix != "" {
				if len(got) == 0 {
					t.Fatal("no suggestions")
				}
				for _, g := range got {
					if !strings.HasPrefix(g, tc.allPrefix) {
						t.Errorf("suggestion %s does not start with %s", g, tc.allPrefix)
					}
				}
				return
			}
			if tc.first == "" {
				if len(got) != 0 {
					t.Errorf("suggestions %v, want none", got)
				}
				return
			}
			if len(got) == 0 || got[0] != tc.first {
				t.Fatalf("suggestions %v, want %s first", got, tc.first)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"app-integartions", "app-integrations", 1}, // one swap
		{"ListKeys", "listkeys", 0},
		{"ca", "abc", 3}, // optimal string alignment, not full Damerau
	} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := editDistance(tc.b, tc.a); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d (symmetry)", tc.b, tc.a, got, tc.want)
		}
	}
	for _, tc := range []struct {
		pattern, s string
		want       int
	}{
		{"aws:principaltag/?*", "aws:PrincipalTags/dept", 1},
		{"aws:principaltag/?*", "aws:PrincipalTag/dept", 0},
		{"aws:principaltag/?*", "aws:PrincipalTag", 2},
		{"*", "anything", 0},
		{"abc", "", 3},
	} {
		if got := globDistance(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globDistance(%q, %q) = %d, want %d", tc.pattern, tc.s, got, tc.want)
		}
	}
}
