package healthapi

import (
	"maps"
	"testing"

	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/healthapi/healthshapes"
)

func TestTagging(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "clinic", map[string]string{"Team": "blue"})
	call[any](t, f, f.root, "TagResource", &s.TagResourceInput{ResourceArn: d.Arn, Tags: map[string]string{"Team": "red", "Cost": "42"}})
	call[any](t, f, f.root, "UntagResource", &s.UntagResourceInput{ResourceArn: d.Arn, TagKeys: []string{"Cost", "absent"}})
	got := call[*s.ListTagsForResourceOutput](t, f, f.root, "ListTagsForResource", &s.ListTagsForResourceInput{ResourceArn: d.Arn})
	if !maps.Equal(got.Tags, map[string]string{"Team": "red"}) {
		t.Errorf("tags = %v", got.Tags)
	}
	call[any](t, f, f.root, "UntagResource", &s.UntagResourceInput{ResourceArn: d.Arn, TagKeys: []string{"Team"}})
	if got := call[*s.ListTagsForResourceOutput](t, f, f.root, "ListTagsForResource", &s.ListTagsForResourceInput{ResourceArn: d.Arn}); got.Tags == nil || len(got.Tags) != 0 {
		t.Errorf("tags of an untagged domain = %#v; want an empty map", got.Tags)
	}
	sub := call[*s.CreateSubscriptionOutput](t, f, f.root, "CreateSubscription", &s.CreateSubscriptionInput{DomainId: d.DomainId})

	for _, tt := range []struct {
		name, arn, code, exception, part string
	}{
		{"a subscription", sub.Arn, warden.EValidationError, "ValidationException", "tags domains only"},
		{"not a Connect Health ARN", "arn:aws:s3:::bucket", warden.EValidationError, "ValidationException", "is not the ARN"},
		{"another region", "arn:aws:health-agent:eu-west-1:" + testAccount + ":domain/" + d.DomainId, warden.ENoSuchEntity, "ResourceNotFoundException", "not found"},
		{"an unknown domain", "arn:aws:health-agent:us-east-1:" + testAccount + ":domain/dom-0000000000000000", warden.ENoSuchEntity, "ResourceNotFoundException", ""},
		// Not even the root user reaches another account's domain: Connect
		// Health has no resource-based policies.
		{"another account", "arn:aws:health-agent:us-east-1:222222222222:domain/" + d.DomainId, warden.EAccessDenied, "AccessDeniedException",
			"health-agent:ListTagsForResource on resource: arn:aws:health-agent:us-east-1:222222222222:domain/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.run(t, f.root, "ListTagsForResource", &s.ListTagsForResourceInput{ResourceArn: tt.arn})
			wantError(t, err, tt.code, tt.exception, tt.part)
		})
	}
}

// TagResource and UntagResource see the keys they name as aws:TagKeys,
// TagResource its tags as aws:RequestTag, both the domain's as
// aws:ResourceTag.
func TestTaggingABAC(t *testing.T) {
	f := newFixture(t)
	blue := f.domain(t, "blue", map[string]string{"Team": "blue"})
	red := f.domain(t, "red", map[string]string{"Team": "red"})
	c := f.user(t, "tagger", identityDoc(`{"Effect":"Allow","Action":["health-agent:TagResource","health-agent:UntagResource"],"Resource":"*",
		"Condition":{"StringEquals":{"aws:ResourceTag/Team":"blue"},"ForAllValues:StringEquals":{"aws:TagKeys":["Cost","Owner"]}}}`,
		`{"Effect":"Deny","Action":"health-agent:TagResource","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/Owner":"root"}}}`))
	for _, tt := range []struct {
		name    string
		op      string
		in      any
		allowed bool
		part    string
	}{
		{"tag an allowed key", "TagResource", &s.TagResourceInput{ResourceArn: blue.Arn, Tags: map[string]string{"Cost": "1"}}, true, ""},
		{"tag another key", "TagResource", &s.TagResourceInput{ResourceArn: blue.Arn, Tags: map[string]string{"Team": "red"}}, false, "because no identity-based policy allows"},
		{"tag another team's domain", "TagResource", &s.TagResourceInput{ResourceArn: red.Arn, Tags: map[string]string{"Cost": "1"}}, false, red.Arn},
		{"tag a denied value", "TagResource", &s.TagResourceInput{ResourceArn: blue.Arn, Tags: map[string]string{"Owner": "root"}}, false, "with an explicit deny"},
		{"untag an allowed key", "UntagResource", &s.UntagResourceInput{ResourceArn: blue.Arn, TagKeys: []string{"Cost"}}, true, ""},
		{"untag another key", "UntagResource", &s.UntagResourceInput{ResourceArn: blue.Arn, TagKeys: []string{"Team"}}, false, "health-agent:UntagResource"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			switch in := tt.in.(type) {
			case *s.TagResourceInput:
				_, err = f.run(t, c, tt.op, in)
			case *s.UntagResourceInput:
				_, err = f.run(t, c, tt.op, in)
			}
			if tt.allowed {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, warden.EAccessDenied, "AccessDeniedException", tt.part)
		})
	}
}
