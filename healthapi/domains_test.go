package healthapi

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

// TestOperations pins what Warden serves: every operation of the model
// but the streaming one, each answering for a root caller.
func TestOperations(t *testing.T) {
	api := New(nil, nil, Options{})
	for name := range s.Service.Operations {
		want := name != "StartMedicalScribeListeningSession"
		if api.Implemented(name) != want {
			t.Errorf("Implemented(%s) = %v; want %v", name, !want, want)
		}
	}
	if len(api.handlers) != len(s.Service.Operations)-1 {
		t.Errorf("%d handlers for %d operations", len(api.handlers), len(s.Service.Operations))
	}
	f := newFixture(t)
	_, err := f.run(t, f.root, "StartMedicalScribeListeningSession", &s.StartMedicalScribeListeningSessionInput{})
	wantError(t, err, warden.ENotImplemented, "", "StartMedicalScribeListeningSession")
	noRegion := *f.root
	noRegion.Region = ""
	_, err = f.api.Handle(t.Context(), &noRegion, s.Service.Operations["ListDomains"], &s.ListDomainsInput{})
	wantError(t, err, warden.EValidationError, "ValidationException")
}

var (
	domainIDRE  = regexp.MustCompile(`^dom-[a-z0-9]{16}$`)
	domainARNRE = regexp.MustCompile(`^arn:aws:health-agent:[a-z0-9-]+:[0-9]{12}:domain/(hai-|dom-)[a-z0-9]+$`)
)

func TestCreateDomain(t *testing.T) {
	f := newFixture(t)
	role := f.role(t, "ehr", seed(t, "connect-health--service-role-trust.json", "*"), identityDoc(allow("*", "s3:GetObject")))
	plain := f.domain(t, "plain", nil)
	if !domainIDRE.MatchString(plain.DomainId) || !domainARNRE.MatchString(plain.Arn) || plain.Status != s.DomainStatusActive ||
		plain.EncryptionContext == nil || plain.EncryptionContext.EncryptionType != s.EncryptionTypeAwsOwnedKey ||
		plain.KmsKeyArn != nil || plain.WebAppUrl != nil || plain.CreatedAt.IsZero() {
		t.Fatalf("CreateDomain = %+v", plain)
	}
	key := "arn:aws:kms:us-east-1:" + testAccount + ":key/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"
	full := call[*s.CreateDomainOutput](t, f, f.root, "CreateDomain", &s.CreateDomainInput{Name: "full", KmsKeyArn: new(key),
		WebAppSetupConfiguration: &s.CreateWebAppConfiguration{EhrRole: role, IdcInstanceId: "ssoins-1234", IdcRegion: "us-west-2"},
		Tags:                     map[string]string{"Department": "cardiology"}})
	if full.EncryptionContext.EncryptionType != s.EncryptionTypeCustomerManagedKey || *full.EncryptionContext.KmsKeyArn != key || *full.KmsKeyArn != key {
		t.Errorf("encryption = %+v, key %v", full.EncryptionContext, full.KmsKeyArn)
	}
	w := full.WebAppConfiguration
	if w == nil || w.EhrRole != role || w.IdcRegion != "us-west-2" || !regexp.MustCompile(`^apl-[0-9a-f]{16}$`).MatchString(w.IdcApplicationId) ||
		full.WebAppUrl == nil || *full.WebAppUrl != "https://"+full.DomainId+".app.health-agent.us-east-1.on.aws/" {
		t.Errorf("web app = %+v, url %v", w, full.WebAppUrl)
	}
	got := call[*s.GetDomainOutput](t, f, f.root, "GetDomain", &s.GetDomainInput{DomainId: full.DomainId})
	if got.Tags["Department"] != "cardiology" || got.WebAppConfiguration.IdcApplicationId != w.IdcApplicationId || !got.CreatedAt.Equal(full.CreatedAt) {
		t.Errorf("GetDomain = %+v", got)
	}

	for _, tt := range []struct {
		name string
		in   *s.CreateDomainInput
		code string
		part string
	}{
		{"reserved tag key", &s.CreateDomainInput{Name: "x", Tags: map[string]string{"aws:owner": "me"}}, warden.EValidationError, "aws: prefix"},
		{"missing role", &s.CreateDomainInput{Name: "x", WebAppSetupConfiguration: &s.CreateWebAppConfiguration{
			EhrRole: "arn:aws:iam::" + testAccount + ":role/nope", IdcInstanceId: "i", IdcRegion: "us-east-1"}}, warden.EValidationError, "does not exist"},
		// A role is passed within its own account only: nothing can allow
		// iam:PassRole on another account's role.
		{"role of another account", &s.CreateDomainInput{Name: "x", WebAppSetupConfiguration: &s.CreateWebAppConfiguration{
			EhrRole: "arn:aws:iam::999999999999:role/ehr", IdcInstanceId: "i", IdcRegion: "us-east-1"}}, warden.EAccessDenied,
			"iam:PassRole on resource: arn:aws:iam::999999999999:role/ehr because no resource-based policy allows"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.run(t, f.root, "CreateDomain", tt.in)
			wantError(t, err, tt.code, "", tt.part)
		})
	}
}

func TestDomainQuota(t *testing.T) {
	f := newFixture(t)
	for i := range warden.MaxDomainsPerRegion {
		f.domain(t, fmt.Sprint("d", i), nil)
	}
	_, err := f.run(t, f.root, "CreateDomain", &s.CreateDomainInput{Name: "eleventh"})
	wantError(t, err, warden.ELimitExceeded, "ServiceQuotaExceededException", "quota of 10 domains")
	if status := s.Service.Status(warden.ErrorCode(err)); status != 402 {
		t.Errorf("status = %d; want 402", status)
	}
	// The quota is per region.
	west := *f.root
	west.Region = "us-west-2"
	if _, err := f.run(t, &west, "CreateDomain", &s.CreateDomainInput{Name: "west"}); err != nil {
		t.Fatal(err)
	}
}

// CreateDomain needs health-agent:TagResource on the new domain when it
// tags it, and iam:PassRole on the web app's role, passed to Connect
// Health, when it has one.
func TestCreateDomainRequiredActions(t *testing.T) {
	f := newFixture(t)
	role := f.role(t, "ehr", seed(t, "connect-health--service-role-trust.json", "*"), identityDoc(allow("*", "s3:GetObject")))
	web := &s.CreateWebAppConfiguration{EhrRole: role, IdcInstanceId: "ssoins-1", IdcRegion: "us-east-1"}
	passTo := func(service string) string {
		return `{"Effect":"Allow","Action":"iam:PassRole","Resource":"` + role + `","Condition":{"StringEquals":{"iam:PassedToService":"` + service + `"}}}`
	}
	for _, tt := range []struct {
		name, policy string
		in           *s.CreateDomainInput
		denied       string // the action denied, "" when allowed
	}{
		{"no tags, no role", identityDoc(allow("*", "health-agent:CreateDomain")), &s.CreateDomainInput{Name: "a"}, ""},
		{"tags without TagResource", identityDoc(allow("*", "health-agent:CreateDomain")),
			&s.CreateDomainInput{Name: "a", Tags: map[string]string{"k": "v"}}, "health-agent:TagResource"},
		{"tags with TagResource", identityDoc(allow("*", "health-agent:CreateDomain", "health-agent:TagResource")),
			&s.CreateDomainInput{Name: "a", Tags: map[string]string{"k": "v"}}, ""},
		{"role without PassRole", identityDoc(allow("*", "health-agent:CreateDomain")),
			&s.CreateDomainInput{Name: "a", WebAppSetupConfiguration: web}, "iam:PassRole"},
		{"role passed to another service", identityDoc(allow("*", "health-agent:CreateDomain"), passTo("ec2.amazonaws.com")),
			&s.CreateDomainInput{Name: "a", WebAppSetupConfiguration: web}, "iam:PassRole"},
		{"role passed to Connect Health", identityDoc(allow("*", "health-agent:CreateDomain"), passTo("health-agent.amazonaws.com")),
			&s.CreateDomainInput{Name: "a", WebAppSetupConfiguration: web}, ""},
		{"CreateDomain itself denied", identityDoc(allow("*", "health-agent:TagResource")), &s.CreateDomainInput{Name: "a"}, "health-agent:CreateDomain"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := f.user(t, "u-"+slugOf(tt.name), tt.policy)
			out, err := f.run(t, c, "CreateDomain", tt.in)
			if tt.denied == "" {
				if err != nil {
					t.Fatal(err)
				}
				if d := out.(*s.CreateDomainOutput); d.Status != s.DomainStatusActive {
					t.Fatalf("CreateDomain = %+v", d)
				}
				return
			}
			resource := "*"
			switch tt.denied {
			case "iam:PassRole":
				resource = role
			case "health-agent:TagResource":
				resource = "arn:aws:health-agent:us-east-1:" + testAccount + ":domain/dom-"
			}
			wantError(t, err, warden.EAccessDenied, "AccessDeniedException",
				"User: "+c.Principal.ARN+" is not authorized to perform: "+tt.denied+" on resource: "+resource,
				"because no identity-based policy allows the "+tt.denied+" action")
		})
	}
	// The required actions of the model are the ones the handler knows.
	op := *s.Service.Operations["CreateDomain"]
	op.RequiredActions = append(slices.Clone(op.RequiredActions), "kms:CreateGrant")
	_, err := f.api.Handle(t.Context(), f.root, &op, &s.CreateDomainInput{Name: "a"})
	wantError(t, err, warden.EInternalFailure, "InternalServerException")
}

// ABAC: a domain's tags are aws:ResourceTag, a request's tags
// aws:RequestTag and aws:TagKeys.
func TestDomainABAC(t *testing.T) {
	f := newFixture(t)
	cardio := f.domain(t, "cardio", map[string]string{"Department": "cardiology"})
	onco := f.domain(t, "onco", map[string]string{"Department": "oncology"})
	untagged := f.domain(t, "untagged", nil)
	policy := identityDoc(`{"Effect":"Allow","Action":"health-agent:GetDomain","Resource":"*",
		"Condition":{"StringEquals":{"aws:ResourceTag/Department":"${aws:PrincipalTag/Department}"}}}`,
		`{"Effect":"Allow","Action":["health-agent:CreateDomain","health-agent:TagResource"],"Resource":"*",
		"Condition":{"StringEquals":{"aws:RequestTag/Owner":"${aws:username}"},"ForAllValues:StringEquals":{"aws:TagKeys":["Owner","Department"]}}}`)
	alice := f.user(t, "alice", policy, warden.Tag{Key: "Department", Value: "cardiology"})

	t.Run("GetDomain by resource tag", func(t *testing.T) {
		for _, tt := range []struct {
			d       *s.CreateDomainOutput
			allowed bool
		}{{cardio, true}, {onco, false}, {untagged, false}} {
			_, err := f.run(t, alice, "GetDomain", &s.GetDomainInput{DomainId: tt.d.DomainId})
			if tt.allowed {
				if err != nil {
					t.Errorf("GetDomain %s: %v", tt.d.Name, err)
				}
				continue
			}
			wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:GetDomain on resource: "+tt.d.Arn)
		}
	})
	t.Run("CreateDomain by request tag", func(t *testing.T) {
		for _, tt := range []struct {
			name    string
			tags    map[string]string
			allowed bool
		}{
			{"owner is the caller", map[string]string{"Owner": "alice"}, true},
			{"owner and department", map[string]string{"Owner": "alice", "Department": "cardiology"}, true},
			{"owner is someone else", map[string]string{"Owner": "bob"}, false},
			{"no owner", nil, false},
			{"another tag key", map[string]string{"Owner": "alice", "Cost": "1"}, false},
		} {
			_, err := f.run(t, alice, "CreateDomain", &s.CreateDomainInput{Name: "mine", Tags: tt.tags})
			if tt.allowed != (err == nil) {
				t.Errorf("%s: CreateDomain = %v; allowed %v", tt.name, err, tt.allowed)
			}
			if err != nil {
				wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:CreateDomain")
			}
		}
	})
	t.Run("existence is not disclosed", func(t *testing.T) {
		_, err := f.run(t, alice, "GetDomain", &s.GetDomainInput{DomainId: "dom-0000000000000000"})
		wantError(t, err, warden.EAccessDenied, "AccessDeniedException")
		_, err = f.run(t, f.root, "GetDomain", &s.GetDomainInput{DomainId: "dom-0000000000000000"})
		wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException", "Domain dom-0000000000000000 not found.")
	})
}

// The seed's Example 5 reads domains and denies deleting them: the
// denial is explicit.
func TestReadOnlyWithDenyOnDelete(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "clinic", nil)
	reader := f.user(t, "reader", seed(t, "connect-health--ex5-readonly-deny-destructive.json", d.DomainId))
	if _, err := f.run(t, reader, "GetDomain", &s.GetDomainInput{DomainId: d.DomainId}); err != nil {
		t.Fatal(err)
	}
	_, err := f.run(t, reader, "DeleteDomain", &s.DeleteDomainInput{DomainId: d.DomainId})
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException",
		"is not authorized to perform: health-agent:DeleteDomain on resource: "+d.Arn+" with an explicit deny in an identity-based policy")
	_, err = f.run(t, reader, "ListDomains", &s.ListDomainsInput{})
	wantError(t, err, warden.EAccessDenied, "", "health-agent:ListDomains on resource: *")
}

func TestDomainDeletion(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "clinic", nil)
	keep := f.domain(t, "keep", nil)
	sub := call[*s.CreateSubscriptionOutput](t, f, f.root, "CreateSubscription", &s.CreateSubscriptionInput{DomainId: d.DomainId})

	del := call[*s.DeleteDomainOutput](t, f, f.root, "DeleteDomain", &s.DeleteDomainInput{DomainId: d.DomainId})
	if del.Status != s.DomainStatusDeleting || del.Arn != d.Arn {
		t.Fatalf("DeleteDomain = %+v", del)
	}
	listed := func(status s.DomainStatus) []string {
		out := call[*s.ListDomainsOutput](t, f, f.root, "ListDomains", &s.ListDomainsInput{Status: new(status)})
		var ids []string
		for _, x := range out.Domains {
			ids = append(ids, x.DomainId)
		}
		return ids
	}
	if got := listed(s.DomainStatusDeleting); !slices.Equal(got, []string{d.DomainId}) {
		t.Errorf("DELETING domains = %v", got)
	}
	_, err := f.run(t, f.root, "CreateSubscription", &s.CreateSubscriptionInput{DomainId: d.DomainId})
	wantError(t, err, warden.EValidationError, "ValidationException", "DELETING")

	// Run finishes the deletion it finds in the store.
	ctx, stop := contextWithCancel(t)
	done := make(chan error, 1)
	go func() { done <- f.api.Run(ctx) }()
	waitFor(t, func() bool { return slices.Contains(listed(s.DomainStatusDeleted), d.DomainId) })
	if got := listed(s.DomainStatusActive); !slices.Equal(got, []string{keep.DomainId}) {
		t.Errorf("ACTIVE domains = %v", got)
	}
	gotSub := call[*s.GetSubscriptionOutput](t, f, f.root, "GetSubscription", &s.GetSubscriptionInput{DomainId: d.DomainId, SubscriptionId: sub.SubscriptionId})
	if gotSub.Subscription.Status != s.SubscriptionStatusDeleted {
		t.Errorf("subscription of a deleted domain = %s", gotSub.Subscription.Status)
	}
	// A deletion asked for while Run runs is finished too; deleting twice
	// answers the same.
	call[*s.DeleteDomainOutput](t, f, f.root, "DeleteDomain", &s.DeleteDomainInput{DomainId: keep.DomainId})
	waitFor(t, func() bool { return slices.Contains(listed(s.DomainStatusDeleted), keep.DomainId) })
	if again := call[*s.DeleteDomainOutput](t, f, f.root, "DeleteDomain", &s.DeleteDomainInput{DomainId: keep.DomainId}); again.Status != s.DomainStatusDeleted {
		t.Errorf("DeleteDomain of a deleted domain = %+v", again)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestListDomainsPages(t *testing.T) {
	f := newFixture(t)
	var want []string
	for i := range 5 {
		want = append(want, f.domain(t, fmt.Sprint("d", i), nil).DomainId)
	}
	var got []string
	in := &s.ListDomainsInput{MaxResults: new(int32(2))}
	for range 5 {
		out := call[*s.ListDomainsOutput](t, f, f.root, "ListDomains", in)
		for _, d := range out.Domains {
			got = append(got, d.DomainId)
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages = %v; want %v", got, want)
	}
	_, err := f.run(t, f.root, "ListDomains", &s.ListDomainsInput{NextToken: new("garbage!")})
	wantError(t, err, warden.EInvalidInput, "ValidationException")
}

// Example 1 grants everything on one domain's ARN. Operations whose
// required resources are the domain alone are allowed on that domain
// only; those that also require a subscription's or a job's ARN are not,
// since the policy names neither.
func TestFullAccessToOneDomain(t *testing.T) {
	f := newFixture(t)
	mine := f.domain(t, "mine", nil)
	other := f.domain(t, "other", nil)
	u := f.user(t, "clinician", seed(t, "connect-health--ex1-full-access-one-domain.json", mine.DomainId))
	for _, tt := range []struct {
		op      string
		in      restjson.Input
		allowed bool
		denied  string
	}{
		{"GetDomain", &s.GetDomainInput{DomainId: mine.DomainId}, true, ""},
		{"ListSubscriptions", &s.ListSubscriptionsInput{DomainId: mine.DomainId}, true, ""},
		{"TagResource", &s.TagResourceInput{ResourceArn: mine.Arn, Tags: map[string]string{"k": "v"}}, true, ""},
		{"ListTagsForResource", &s.ListTagsForResourceInput{ResourceArn: mine.Arn}, true, ""},
		{"GetDomain", &s.GetDomainInput{DomainId: other.DomainId}, false, other.Arn},
		{"CreateSubscription", &s.CreateSubscriptionInput{DomainId: mine.DomainId}, false, mine.Arn + "/subscription/sub-"},
		{"StartPatientInsightsJob", jobInput(mine.DomainId, "", "s3://in/a"), false, mine.Arn + "/patient-insights-job/"},
		{"ListDomains", &s.ListDomainsInput{}, false, "*"},
	} {
		t.Run(tt.op, func(t *testing.T) {
			_, err := f.run(t, u, tt.op, tt.in)
			if tt.allowed {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:"+tt.op+" on resource: "+tt.denied)
		})
	}
	// Naming the domain's sub-resources grants the rest.
	if err := f.store.PutInlinePolicy(t.Context(), testAccount, warden.UserIdentity("clinician"), "subresources",
		identityDoc(allow(mine.Arn+"/*", "health-agent:*"))); err != nil {
		t.Fatal(err)
	}
	u = f.caller(t, u.Principal.ARN)
	call[*s.CreateSubscriptionOutput](t, f, u, "CreateSubscription", &s.CreateSubscriptionInput{DomainId: mine.DomainId})
	call[*s.StartPatientInsightsJobOutput](t, f, u, "StartPatientInsightsJob", jobInput(mine.DomainId, "", "s3://in/a"))
}

func BenchmarkGetDomain(b *testing.B) {
	f := newFixture(b)
	d := f.domain(b, "clinic", map[string]string{"Department": "cardiology"})
	c := f.user(b, "alice", identityDoc(`{"Effect":"Allow","Action":"health-agent:GetDomain","Resource":"*",
		"Condition":{"StringEquals":{"aws:ResourceTag/Department":"${aws:PrincipalTag/Department}"}}}`), warden.Tag{Key: "Department", Value: "cardiology"})
	op := s.Service.Operations["GetDomain"]
	in := &s.GetDomainInput{DomainId: d.DomainId}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.api.Handle(ctx, c, op, in); err != nil {
			b.Fatal(err)
		}
	}
}
