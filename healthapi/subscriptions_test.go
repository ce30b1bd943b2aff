package healthapi

import (
	"slices"
	"testing"

	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/healthapi/healthshapes"
)

func TestSubscriptionLifecycle(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "clinic", nil)
	created := call[*s.CreateSubscriptionOutput](t, f, f.root, "CreateSubscription", &s.CreateSubscriptionInput{DomainId: d.DomainId})
	if created.Status != s.SubscriptionStatusActive || len(created.SubscriptionId) != 25 || created.Arn != d.Arn+"/subscription/"+created.SubscriptionId ||
		created.ActivatedAt == nil || created.DeactivatedAt != nil {
		t.Fatalf("CreateSubscription = %+v", created)
	}
	ids := &s.GetSubscriptionInput{DomainId: d.DomainId, SubscriptionId: created.SubscriptionId}

	off := call[*s.DeactivateSubscriptionOutput](t, f, f.root, "DeactivateSubscription",
		&s.DeactivateSubscriptionInput{DomainId: d.DomainId, SubscriptionId: created.SubscriptionId}).Subscription
	if off.Status != s.SubscriptionStatusInactive || off.DeactivatedAt == nil {
		t.Fatalf("DeactivateSubscription = %+v", off)
	}
	// Deactivating is idempotent.
	again := call[*s.DeactivateSubscriptionOutput](t, f, f.root, "DeactivateSubscription",
		&s.DeactivateSubscriptionInput{DomainId: d.DomainId, SubscriptionId: created.SubscriptionId}).Subscription
	if again.Status != s.SubscriptionStatusInactive || !again.LastUpdatedAt.Equal(off.LastUpdatedAt) {
		t.Errorf("a second DeactivateSubscription = %+v", again)
	}
	got := call[*s.GetSubscriptionOutput](t, f, f.root, "GetSubscription", ids).Subscription
	if got.Status != s.SubscriptionStatusInactive {
		t.Errorf("GetSubscription = %+v", got)
	}
	sub, err := f.store.Subscription(t.Context(), testAccount, testRegion, d.DomainId, created.SubscriptionId)
	if err != nil || sub.CheckStreamable() == nil {
		t.Errorf("an inactive subscription streams: %v", err)
	}
	on := call[*s.ActivateSubscriptionOutput](t, f, f.root, "ActivateSubscription",
		&s.ActivateSubscriptionInput{DomainId: d.DomainId, SubscriptionId: created.SubscriptionId}).Subscription
	if on.Status != s.SubscriptionStatusActive || on.ActivatedAt.Before(*off.DeactivatedAt) {
		t.Errorf("ActivateSubscription = %+v", on)
	}

	second := call[*s.CreateSubscriptionOutput](t, f, f.root, "CreateSubscription", &s.CreateSubscriptionInput{DomainId: d.DomainId})
	var listed []string
	in := &s.ListSubscriptionsInput{DomainId: d.DomainId, MaxResults: new(int32(1))}
	for range 3 {
		out := call[*s.ListSubscriptionsOutput](t, f, f.root, "ListSubscriptions", in)
		for _, x := range out.Subscriptions {
			listed = append(listed, x.SubscriptionId)
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if !slices.Equal(listed, []string{created.SubscriptionId, second.SubscriptionId}) {
		t.Errorf("ListSubscriptions = %v", listed)
	}

	for _, tt := range []struct {
		name string
		in   *s.GetSubscriptionInput
		msg  string
	}{
		{"unknown subscription", &s.GetSubscriptionInput{DomainId: d.DomainId, SubscriptionId: "sub-000000000000000000000"}, "Subscription sub-000000000000000000000 not found"},
		{"unknown domain", &s.GetSubscriptionInput{DomainId: "dom-0000000000000000", SubscriptionId: created.SubscriptionId}, "Domain dom-0000000000000000 not found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.run(t, f.root, "GetSubscription", tt.in)
			wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException", tt.msg)
		})
	}
}

// Subscription operations require the domain's ARN and the
// subscription's; the subscription is seen with its domain's tags.
func TestSubscriptionAuthorization(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "clinic", map[string]string{"Team": "blue"})
	sub := call[*s.CreateSubscriptionOutput](t, f, f.root, "CreateSubscription", &s.CreateSubscriptionInput{DomainId: d.DomainId})
	get := &s.GetSubscriptionInput{DomainId: d.DomainId, SubscriptionId: sub.SubscriptionId}
	for _, tt := range []struct {
		name, policy string
		denied       string // the resource named in the denial, "" when allowed
	}{
		{"domain only", identityDoc(allow(d.Arn, "health-agent:GetSubscription")), sub.Arn},
		{"subscription only", identityDoc(allow(sub.Arn, "health-agent:GetSubscription")), d.Arn},
		{"both", identityDoc(allow(d.Arn, "health-agent:GetSubscription"), allow(d.Arn+"/subscription/*", "health-agent:GetSubscription")), ""},
		{"by the domain's tag", identityDoc(`{"Effect":"Allow","Action":"health-agent:GetSubscription","Resource":"*",
			"Condition":{"StringEquals":{"aws:ResourceTag/Team":"blue"}}}`), ""},
		{"by another tag value", identityDoc(`{"Effect":"Allow","Action":"health-agent:GetSubscription","Resource":"*",
			"Condition":{"StringEquals":{"aws:ResourceTag/Team":"red"}}}`), d.Arn},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := f.user(t, "u-"+slugOf(tt.name), tt.policy)
			_, err := f.run(t, c, "GetSubscription", get)
			if tt.denied == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:GetSubscription on resource: "+tt.denied+" because")
		})
	}
}

// GetMedicalScribeListeningSession is authorized like the subscription's
// other operations; sessions come from streaming, which Warden does not
// serve yet, so none is found.
func TestGetMedicalScribeListeningSession(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "clinic", nil)
	sub := call[*s.CreateSubscriptionOutput](t, f, f.root, "CreateSubscription", &s.CreateSubscriptionInput{DomainId: d.DomainId})
	in := &s.GetMedicalScribeListeningSessionInput{DomainId: d.DomainId, SubscriptionId: sub.SubscriptionId, SessionId: "0f8fad5b-d9cb-469f-a165-70867728950e"}
	_, err := f.run(t, f.root, "GetMedicalScribeListeningSession", in)
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException", "0f8fad5b-d9cb-469f-a165-70867728950e not found")
	nobody := f.user(t, "nobody", "")
	_, err = f.run(t, nobody, "GetMedicalScribeListeningSession", in)
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:GetMedicalScribeListeningSession on resource: "+d.Arn)
}

// slugOf makes a user name of a test name.
func slugOf(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			b[i] = '-'
		}
	}
	return string(b)
}
