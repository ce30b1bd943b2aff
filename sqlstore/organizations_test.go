package sqlstore_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sqlstore"
)

// orgCatalogue adds AdministratorAccess, which the role CreateAccount makes
// holds, to the test catalogue.
var orgCatalogue = func() catalogue {
	c := maps.Clone(testCatalogue)
	c[warden.AdministratorAccessARN] = awsManaged("AdministratorAccess", "/", doc("*"), true)
	return c
}()

func runWithOrgStore(t *testing.T, name string, fn func(t *testing.T, s warden.Store)) {
	t.Helper()
	RunWithStoreOptions(t, name, sqlstore.Options{AWSManagedPolicies: orgCatalogue}, fn)
}

// wantReason is wantErr for errors that carry a Reason member.
func wantReason(t testing.TB, err error, code, reason string) {
	t.Helper()
	wantErr(t, err, code, "")
	re, ok := errors.AsType[*warden.ReasonError](err)
	if !ok || re.Reason != reason {
		t.Fatalf("error = %v; want reason %s", err, reason)
	}
}

// newOrganization creates an account managing a new organization.
func newOrganization(t testing.TB, s warden.Store) (management string, org *warden.Organization) {
	t.Helper()
	management = newAccount(t, s)
	org, err := s.CreateOrganization(t.Context(), management, "")
	noErr(t, err)
	return management, org
}

// newMember creates an account in the organization's root.
func newMember(t testing.TB, s warden.Store, management, name string) string {
	t.Helper()
	st, err := s.CreateOrganizationAccount(t.Context(), management, warden.CreateOrganizationAccountInput{Email: name + "@example.com", Name: name})
	noErr(t, err)
	if st.State != warden.CreateAccountSucceeded || st.AccountID == "" {
		t.Fatalf("CreateOrganizationAccount = %+v", st)
	}
	return st.AccountID
}

func newOU(t testing.TB, s warden.Store, management, parent, name string) string {
	t.Helper()
	ou, err := s.CreateOrganizationalUnit(t.Context(), management, parent, name, nil)
	noErr(t, err)
	return ou.ID
}

func newSCP(t testing.TB, s warden.Store, management, name, content string) *warden.OrganizationPolicy {
	t.Helper()
	p, err := s.CreateOrganizationPolicy(t.Context(), management, warden.CreateOrganizationPolicyInput{
		Name: name, Type: warden.ServiceControlPolicy, Content: content})
	noErr(t, err)
	return p
}

const denyCreateUser = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}`

func policyIDs(page *warden.Page[*warden.OrganizationPolicy]) string {
	return names(page.Items, func(p *warden.OrganizationPolicy) string { return p.ID })
}

func TestCreateOrganization(t *testing.T) {
	runWithOrgStore(t, "CreateOrganization", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		management, org := newOrganization(t, s)
		if !warden.OrganizationRootIDRE.MatchString(org.RootID) || !strings.HasPrefix(org.ID, "o-") || len(org.ID) != 12 {
			t.Fatalf("organization = %+v", org)
		}
		if org.FeatureSet != warden.FeatureSetAll || org.ManagementAccountID != management || len(org.PolicyTypes) != 0 {
			t.Fatalf("organization = %+v", org)
		}
		if want := "arn:aws:organizations::" + management + ":organization/" + org.ID; org.ARN != want {
			t.Fatalf("ARN = %s, want %s", org.ARN, want)
		}
		got, err := s.Organization(ctx, management)
		noErr(t, err)
		if got.ID != org.ID || got.RootID != org.RootID || got.ARN != org.ARN {
			t.Fatalf("Organization = %+v, want %+v", got, org)
		}
		_, err = s.CreateOrganization(ctx, management, warden.FeatureSetAll)
		wantErr(t, err, warden.EAlreadyInOrganization, "The AWS account is already a member of an organization.")

		outsider := newAccount(t, s)
		_, err = s.Organization(ctx, outsider)
		wantErr(t, err, warden.EAWSOrganizationsNotInUse, "Your account is not a member of an organization.")
		_, err = s.OrganizationRoot(ctx, outsider)
		wantErr(t, err, warden.EAWSOrganizationsNotInUse, "")
		_, err = s.CreateOrganization(ctx, "999999999999", "")
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.CreateOrganization(ctx, outsider, "SOME_FEATURES")
		wantReason(t, err, warden.EInvalidInputException, warden.ReasonInvalidEnum)

		root, err := s.OrganizationRoot(ctx, management)
		noErr(t, err)
		if root.ID != org.RootID || root.Name != "Root" || root.ARN != "arn:aws:organizations::"+management+":root/"+org.ID+"/"+org.RootID {
			t.Fatalf("root = %+v", root)
		}
	})
}

func TestCreateOrganizationAccount(t *testing.T) {
	runWithOrgStore(t, "CreateOrganizationAccount", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		management, org := newOrganization(t, s)
		st, err := s.CreateOrganizationAccount(ctx, management, warden.CreateOrganizationAccountInput{
			Email: "Dev@Example.com", Name: "dev", Tags: []warden.Tag{{Key: "team", Value: "core"}}})
		noErr(t, err)
		if st.State != warden.CreateAccountSucceeded || st.FailureReason != "" || st.AccountName != "dev" ||
			!warden.CreateAccountIDRE.MatchString(st.ID) {
			t.Fatalf("status = %+v", st)
		}
		recent(t, "RequestedDate", st.RequestedDate)
		member := st.AccountID
		if _, err := s.Account(ctx, member); err != nil {
			t.Fatalf("the new account does not exist: %v", err)
		}

		// The access role trusts the management account and holds
		// AdministratorAccess.
		role, err := s.Role(ctx, member, warden.DefaultOrganizationAccessRole)
		noErr(t, err)
		if role.AssumeRolePolicyDocument != warden.OrganizationAccessTrustPolicy(management) {
			t.Fatalf("trust policy = %s", role.AssumeRolePolicyDocument)
		}
		pp, err := s.PrincipalPolicies(ctx, role.ARN)
		noErr(t, err)
		if len(pp.Policies) != 1 || pp.Policies[0].ARN != warden.AdministratorAccessARN {
			t.Fatalf("role policies = %+v", pp.Policies)
		}

		again, err := s.CreateAccountStatus(ctx, management, st.ID)
		noErr(t, err)
		if *again != *st {
			t.Fatalf("CreateAccountStatus = %+v, want %+v", again, st)
		}
		_, err = s.CreateAccountStatus(ctx, management, "car-00000000000000000000000000000000")
		wantErr(t, err, warden.ECreateAccountStatusNotFound, "")

		// Emails are unique without regard to case; the request fails in
		// its status, not as an error.
		dup, err := s.CreateOrganizationAccount(ctx, management, warden.CreateOrganizationAccountInput{Email: "dev@example.COM", Name: "dev2"})
		noErr(t, err)
		if dup.State != warden.CreateAccountFailed || dup.FailureReason != warden.CreateAccountEmailAlreadyExists || dup.AccountID != "" {
			t.Fatalf("duplicate email status = %+v", dup)
		}
		if got, err := s.CreateAccountStatus(ctx, management, dup.ID); err != nil || got.State != warden.CreateAccountFailed {
			t.Fatalf("CreateAccountStatus(failed) = %+v, %v", got, err)
		}

		custom, err := s.CreateOrganizationAccount(ctx, management, warden.CreateOrganizationAccountInput{Email: "ops@example.com", Name: "ops", RoleName: "OrgAdmin"})
		noErr(t, err)
		if _, err := s.Role(ctx, custom.AccountID, "OrgAdmin"); err != nil {
			t.Fatalf("custom access role: %v", err)
		}

		// Member accounts see the organization but may not manage it.
		got, err := s.Organization(ctx, member)
		noErr(t, err)
		if got.ID != org.ID || got.ManagementAccountID != management {
			t.Fatalf("member's Organization = %+v", got)
		}
		_, err = s.ListOrganizationAccounts(ctx, member, warden.ListOptions{})
		wantErr(t, err, warden.EAccessDenied, "You don't have permissions to access this resource.")
		_, err = s.CreateOrganizationAccount(ctx, member, warden.CreateOrganizationAccountInput{Email: "x@example.com", Name: "x"})
		wantErr(t, err, warden.EAccessDenied, "")
		_, err = s.CreateOrganization(ctx, member, "")
		wantErr(t, err, warden.EAlreadyInOrganization, "")

		all, pages := collect(t, 2, func(opts warden.ListOptions) (*warden.Page[*warden.OrganizationAccount], error) {
			return s.ListOrganizationAccounts(ctx, management, opts)
		})
		if pages != 2 || len(all) != 3 {
			t.Fatalf("ListOrganizationAccounts: %d accounts in %d pages", len(all), pages)
		}
		byID := map[string]*warden.OrganizationAccount{}
		for _, a := range all {
			byID[a.ID] = a
		}
		if a := byID[member]; a == nil || a.Email != "Dev@Example.com" || a.Name != "dev" || a.JoinedMethod != warden.JoinedCreated ||
			a.Status != warden.AccountStatusActive || a.ParentID != org.RootID || a.ARN != org.AccountARN(member) {
			t.Fatalf("member account = %+v", a)
		}
		if a := byID[management]; a == nil || a.Email != "" || a.Name != management || a.JoinedMethod != warden.JoinedInvited {
			t.Fatalf("management account = %+v", a)
		}
		tags, err := s.OrganizationTags(ctx, management, member)
		noErr(t, err)
		if names(tags, tagString) != "team=core" {
			t.Fatalf("account tags = %v", tags)
		}
		_, err = s.ListOrganizationAccounts(ctx, management, warden.ListOptions{Marker: "not a token!"})
		wantReason(t, err, warden.EInvalidInputException, warden.ReasonInvalidNextToken)
	})
}

func TestCreateOrganizationAccountInput(t *testing.T) {
	long := strings.Repeat("a", 51)
	tests := []struct {
		name   string
		in     warden.CreateOrganizationAccountInput
		reason string
	}{
		{"no email", warden.CreateOrganizationAccountInput{Name: "a"}, warden.ReasonInputRequired},
		{"short email", warden.CreateOrganizationAccountInput{Email: "a@b.c", Name: "a"}, warden.ReasonMinLengthExceeded},
		{"not an email", warden.CreateOrganizationAccountInput{Email: "nobody-at-example.com", Name: "a"}, warden.ReasonInvalidPattern},
		{"no name", warden.CreateOrganizationAccountInput{Email: "a@example.com"}, warden.ReasonInputRequired},
		{"long name", warden.CreateOrganizationAccountInput{Email: "a@example.com", Name: long}, warden.ReasonMaxLengthExceeded},
		{"role name", warden.CreateOrganizationAccountInput{Email: "a@example.com", Name: "a", RoleName: "no spaces"}, warden.ReasonInvalidRoleName},
		{"duplicate tag", warden.CreateOrganizationAccountInput{Email: "a@example.com", Name: "a",
			Tags: []warden.Tag{{Key: "k", Value: "1"}, {Key: "k", Value: "2"}}}, warden.ReasonDuplicateTagKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantReason(t, tt.in.Validate(), warden.EInvalidInputException, tt.reason)
		})
	}
	runWithOrgStore(t, "refused before writing", func(t *testing.T, s warden.Store) {
		management, _ := newOrganization(t, s)
		_, err := s.CreateOrganizationAccount(t.Context(), management, tests[0].in)
		wantReason(t, err, warden.EInvalidInputException, warden.ReasonInputRequired)
	})
}

func TestCreateOrganizationAccountNeedsAdministratorAccess(t *testing.T) {
	RunWithStore(t, "without AdministratorAccess", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		management, _ := newOrganization(t, s)
		_, err := s.CreateOrganizationAccount(ctx, management, warden.CreateOrganizationAccountInput{Email: "a@example.com", Name: "a"})
		wantErr(t, err, warden.EServiceFailure, "")
		page, err := s.ListOrganizationAccounts(ctx, management, warden.ListOptions{})
		noErr(t, err)
		if len(page.Items) != 1 {
			t.Fatalf("a failed CreateAccount left %d accounts in the organization", len(page.Items))
		}
	})
}

func TestOrganizationalUnits(t *testing.T) {
	runWithOrgStore(t, "OUs", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		management, org := newOrganization(t, s)
		ou, err := s.CreateOrganizationalUnit(ctx, management, org.RootID, "eng", []warden.Tag{{Key: "k", Value: "v"}})
		noErr(t, err)
		if !warden.OrganizationalUnitRE.MatchString(ou.ID) || !strings.HasPrefix(ou.ID, "ou-"+strings.TrimPrefix(org.RootID, "r-")+"-") ||
			ou.ARN != "arn:aws:organizations::"+management+":ou/"+org.ID+"/"+ou.ID || ou.ParentID != org.RootID {
			t.Fatalf("OU = %+v", ou)
		}
		_, err = s.CreateOrganizationalUnit(ctx, management, org.RootID, "eng", nil)
		wantErr(t, err, warden.EDuplicateOrganizationalUnit, "An OU with the same name already exists.")
		_, err = s.CreateOrganizationalUnit(ctx, management, "ou-zzzz-zzzzzzzz", "x", nil)
		wantErr(t, err, warden.EParentNotFound, "")
		_, err = s.CreateOrganizationalUnit(ctx, management, org.RootID, "", nil)
		wantReason(t, err, warden.EInvalidInputException, warden.ReasonInputRequired)

		// Five levels of OUs fit under the root; a sixth does not.
		parent := ou.ID
		for depth := 2; depth <= warden.MaxOrganizationalUnitDepth; depth++ {
			parent = newOU(t, s, management, parent, fmt.Sprintf("level%d", depth))
		}
		_, err = s.CreateOrganizationalUnit(ctx, management, parent, "too-deep", nil)
		wantReason(t, err, warden.EConstraintViolation, warden.ReasonOUDepthLimitExceeded)

		// The same name may be used under another parent.
		sibling := newOU(t, s, management, org.RootID, "ops")
		newOU(t, s, management, sibling, "eng")

		units, err := s.ListOrganizationalUnits(ctx, management, org.RootID, warden.ListOptions{})
		noErr(t, err)
		want := []string{ou.ID, sibling}
		slices.Sort(want)
		if got := names(units.Items, func(u *warden.OrganizationalUnit) string { return u.ID }); got != strings.Join(want, ",") {
			t.Fatalf("OUs under the root = %s, want %v", got, want)
		}
		_, err = s.ListOrganizationalUnits(ctx, management, "ou-zzzz-zzzzzzzz", warden.ListOptions{})
		wantErr(t, err, warden.EParentNotFound, "")

		member := newMember(t, s, management, "m")
		children := func(parent string, ct warden.ChildType) string {
			t.Helper()
			page, err := s.ListOrganizationChildren(ctx, management, parent, ct, warden.ListOptions{})
			noErr(t, err)
			return strings.Join(page.Items, ",")
		}
		if got := children(org.RootID, warden.ChildAccount); !strings.Contains(got, member) || !strings.Contains(got, management) {
			t.Fatalf("accounts under the root = %s", got)
		}
		if got := children(org.RootID, warden.ChildOrganizationalUnit); got != strings.Join(want, ",") {
			t.Fatalf("OUs under the root = %s", got)
		}
		_, err = s.ListOrganizationChildren(ctx, management, org.RootID, "POLICY", warden.ListOptions{})
		wantReason(t, err, warden.EInvalidInputException, warden.ReasonInvalidEnum)

		moves := []struct {
			name           string
			account        string
			source, target string
			code           string
		}{
			{"unknown account", "123456789012", org.RootID, ou.ID, warden.EAccountNotFound},
			{"unknown source", member, "ou-zzzz-zzzzzzzz", ou.ID, warden.ESourceParentNotFound},
			{"unknown destination", member, org.RootID, "ou-zzzz-zzzzzzzz", warden.EDestinationParentNotFound},
			{"already there", member, org.RootID, org.RootID, warden.EDuplicateAccount},
			{"wrong source", member, sibling, ou.ID, warden.EAccountNotFound},
			{"root to OU", member, org.RootID, ou.ID, ""},
			{"OU to OU", member, ou.ID, sibling, ""},
		}
		for _, m := range moves {
			err := s.MoveOrganizationAccount(ctx, management, m.account, m.source, m.target)
			if m.code == "" {
				if err != nil {
					t.Fatalf("%s: %v", m.name, err)
				}
				continue
			}
			if warden.ErrorCode(err) != m.code {
				t.Fatalf("%s: error = %v, want %s", m.name, err, m.code)
			}
		}
		if got := children(sibling, warden.ChildAccount); got != member {
			t.Fatalf("accounts in %s = %q, want %s", sibling, got, member)
		}
		if got := children(ou.ID, warden.ChildAccount); got != "" {
			t.Fatalf("accounts in %s = %q after moving out", ou.ID, got)
		}
	})
}

func TestOrganizationPolicyTypes(t *testing.T) {
	runWithOrgStore(t, "policy types", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		management, org := newOrganization(t, s)
		ou := newOU(t, s, management, org.RootID, "eng")
		member := newMember(t, s, management, "m")
		scp := newSCP(t, s, management, "deny", denyCreateUser)

		err := s.AttachOrganizationPolicy(ctx, management, scp.ID, member)
		wantErr(t, err, warden.EPolicyTypeNotEnabled, "")

		root, err := s.EnableOrganizationPolicyType(ctx, management, org.RootID, warden.ServiceControlPolicy)
		noErr(t, err)
		if !slices.Equal(root.PolicyTypes, []warden.OrganizationPolicyType{warden.ServiceControlPolicy}) {
			t.Fatalf("root policy types = %v", root.PolicyTypes)
		}
		_, err = s.EnableOrganizationPolicyType(ctx, management, org.RootID, warden.ServiceControlPolicy)
		wantErr(t, err, warden.EPolicyTypeAlreadyEnabled, "")
		_, err = s.EnableOrganizationPolicyType(ctx, management, "r-zzzz", warden.ResourceControlPolicy)
		wantErr(t, err, warden.ERootNotFound, "")
		_, err = s.EnableOrganizationPolicyType(ctx, management, org.RootID, "TAG_POLICY")
		wantErr(t, err, warden.EPolicyTypeNotAvailable, "")
		_, err = s.DisableOrganizationPolicyType(ctx, management, org.RootID, warden.ResourceControlPolicy)
		wantErr(t, err, warden.EPolicyTypeNotEnabled, "")

		// FullAWSAccess is on every target, old and new.
		later := newOU(t, s, management, ou, "later")
		laterAccount := newMember(t, s, management, "later")
		for _, target := range []string{org.RootID, ou, member, management, later, laterAccount} {
			page, err := s.ListOrganizationPoliciesForTarget(ctx, management, target, warden.ServiceControlPolicy, warden.ListOptions{})
			noErr(t, err)
			if got := policyIDs(page); got != "p-FullAWSAccess" {
				t.Fatalf("SCPs of %s = %s, want p-FullAWSAccess", target, got)
			}
		}
		noErr(t, s.AttachOrganizationPolicy(ctx, management, scp.ID, member))

		root, err = s.EnableOrganizationPolicyType(ctx, management, org.RootID, warden.ResourceControlPolicy)
		noErr(t, err)
		if !slices.Equal(root.PolicyTypes, []warden.OrganizationPolicyType{warden.ServiceControlPolicy, warden.ResourceControlPolicy}) {
			t.Fatalf("root policy types = %v", root.PolicyTypes)
		}
		got, err := s.Organization(ctx, member)
		noErr(t, err)
		if !got.HasPolicyType(warden.ResourceControlPolicy) {
			t.Fatalf("Organization.PolicyTypes = %v", got.PolicyTypes)
		}

		// Disabling detaches every policy of the type.
		root, err = s.DisableOrganizationPolicyType(ctx, management, org.RootID, warden.ServiceControlPolicy)
		noErr(t, err)
		if !slices.Equal(root.PolicyTypes, []warden.OrganizationPolicyType{warden.ResourceControlPolicy}) {
			t.Fatalf("root policy types = %v", root.PolicyTypes)
		}
		targets, err := s.ListOrganizationPolicyTargets(ctx, management, scp.ID, warden.ListOptions{})
		noErr(t, err)
		if len(targets.Items) != 0 {
			t.Fatalf("targets of %s after disabling SCPs = %+v", scp.ID, targets.Items)
		}
		noErr(t, s.DeleteOrganizationPolicy(ctx, management, scp.ID))

		billing := newAccount(t, s)
		borg, err := s.CreateOrganization(ctx, billing, warden.FeatureSetConsolidatedBilling)
		noErr(t, err)
		_, err = s.EnableOrganizationPolicyType(ctx, billing, borg.RootID, warden.ServiceControlPolicy)
		wantErr(t, err, warden.EPolicyTypeNotAvailable, "")
		_, err = s.CreateOrganizationPolicy(ctx, billing, warden.CreateOrganizationPolicyInput{Name: "p", Type: warden.ServiceControlPolicy, Content: denyCreateUser})
		wantErr(t, err, warden.EPolicyTypeNotAvailable, "")
	})
}

func TestOrganizationPolicies(t *testing.T) {
	runWithOrgStore(t, "policies", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		management, org := newOrganization(t, s)
		_, err := s.EnableOrganizationPolicyType(ctx, management, org.RootID, warden.ServiceControlPolicy)
		noErr(t, err)
		_, err = s.EnableOrganizationPolicyType(ctx, management, org.RootID, warden.ResourceControlPolicy)
		noErr(t, err)
		member := newMember(t, s, management, "m")

		p, err := s.CreateOrganizationPolicy(ctx, management, warden.CreateOrganizationPolicyInput{
			Name: "deny", Description: "no users", Type: warden.ServiceControlPolicy, Content: denyCreateUser,
			Tags: []warden.Tag{{Key: "owner", Value: "sec"}}})
		noErr(t, err)
		if !strings.HasPrefix(p.ID, "p-") || len(p.ID) != 12 || p.AWSManaged ||
			p.ARN != "arn:aws:organizations::"+management+":policy/"+org.ID+"/service_control_policy/"+p.ID {
			t.Fatalf("policy = %+v", p)
		}
		got, tags, err := s.OrganizationPolicy(ctx, management, p.ID)
		noErr(t, err)
		if *got != *p || names(tags, tagString) != "owner=sec" {
			t.Fatalf("OrganizationPolicy = %+v %v, want %+v", got, tags, p)
		}
		full, _, err := s.OrganizationPolicy(ctx, management, "p-FullAWSAccess")
		noErr(t, err)
		if !full.AWSManaged || full.ARN != "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess" {
			t.Fatalf("FullAWSAccess = %+v", full)
		}
		_, _, err = s.OrganizationPolicy(ctx, management, "p-0000000000")
		wantErr(t, err, warden.EPolicyNotFound, "")

		for _, name := range []string{"deny", "FullAWSAccess"} {
			_, err = s.CreateOrganizationPolicy(ctx, management, warden.CreateOrganizationPolicyInput{Name: name, Type: warden.ServiceControlPolicy, Content: denyCreateUser})
			wantErr(t, err, warden.EDuplicatePolicy, "")
		}
		// Names are unique per type.
		rcp, err := s.CreateOrganizationPolicy(ctx, management, warden.CreateOrganizationPolicyInput{Name: "deny", Type: warden.ResourceControlPolicy,
			Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]}`})
		noErr(t, err)
		if rcp.ARN != "arn:aws:organizations::"+management+":policy/"+org.ID+"/resource_control_policy/"+rcp.ID {
			t.Fatalf("RCP ARN = %s", rcp.ARN)
		}
		big := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:` + strings.Repeat("x", warden.MaxOrganizationPolicySize) + `","Resource":"*"}]}`
		_, err = s.CreateOrganizationPolicy(ctx, management, warden.CreateOrganizationPolicyInput{Name: "big", Type: warden.ServiceControlPolicy, Content: big})
		wantReason(t, err, warden.EConstraintViolation, warden.ReasonPolicyContentLimitExceeded)
		_, err = s.CreateOrganizationPolicy(ctx, management, warden.CreateOrganizationPolicyInput{Name: "tag", Type: "TAG_POLICY", Content: "{}"})
		wantErr(t, err, warden.EPolicyTypeNotAvailable, "")
		_, err = s.CreateOrganizationPolicy(ctx, management, warden.CreateOrganizationPolicyInput{Name: "x", Type: "NOT_A_TYPE", Content: "{}"})
		wantReason(t, err, warden.EInvalidInputException, warden.ReasonInvalidEnumPolicyType)

		// Updates change what was given; AWS managed policies refuse them.
		name, content := "deny-users", strings.ReplaceAll(denyCreateUser, "CreateUser", "DeleteUser")
		updated, err := s.UpdateOrganizationPolicy(ctx, management, p.ID, warden.UpdateOrganizationPolicyInput{Name: &name, Content: &content})
		noErr(t, err)
		if updated.Name != name || updated.Content != content || updated.Description != "no users" {
			t.Fatalf("updated = %+v", updated)
		}
		_, err = s.UpdateOrganizationPolicy(ctx, management, "p-FullAWSAccess", warden.UpdateOrganizationPolicyInput{Name: &name})
		wantReason(t, err, warden.EInvalidInputException, warden.ReasonImmutablePolicy)
		_, err = s.UpdateOrganizationPolicy(ctx, management, p.ID, warden.UpdateOrganizationPolicyInput{Content: &big})
		wantReason(t, err, warden.EConstraintViolation, warden.ReasonPolicyContentLimitExceeded)
		other := newSCP(t, s, management, "other", denyCreateUser)
		_, err = s.UpdateOrganizationPolicy(ctx, management, other.ID, warden.UpdateOrganizationPolicyInput{Name: &name})
		wantErr(t, err, warden.EDuplicatePolicy, "")

		list, err := s.ListOrganizationPolicies(ctx, management, warden.ServiceControlPolicy, warden.ListOptions{})
		noErr(t, err)
		ids := []string{p.ID, other.ID}
		slices.Sort(ids)
		if got := policyIDs(list); got != "p-FullAWSAccess,"+strings.Join(ids, ",") {
			t.Fatalf("ListOrganizationPolicies = %s", got)
		}
		if list, err = s.ListOrganizationPolicies(ctx, management, warden.ResourceControlPolicy, warden.ListOptions{}); err != nil || policyIDs(list) != "p-RCPFullAWSAccess,"+rcp.ID {
			t.Fatalf("RCPs = %v, %v", policyIDs(list), err)
		}

		// Attachments.
		noErr(t, s.AttachOrganizationPolicy(ctx, management, p.ID, member))
		wantErr(t, s.AttachOrganizationPolicy(ctx, management, p.ID, member), warden.EDuplicatePolicyAttachment, "")
		wantErr(t, s.AttachOrganizationPolicy(ctx, management, p.ID, "123456789012"), warden.ETargetNotFound, "")
		wantErr(t, s.AttachOrganizationPolicy(ctx, management, p.ID, "r-zzzz"), warden.ETargetNotFound, "")
		wantErr(t, s.AttachOrganizationPolicy(ctx, management, "p-0000000000", member), warden.EPolicyNotFound, "")
		for i := range 2 {
			noErr(t, s.AttachOrganizationPolicy(ctx, management, newSCP(t, s, management, fmt.Sprint("fill", i), denyCreateUser).ID, member))
		}
		noErr(t, s.AttachOrganizationPolicy(ctx, management, other.ID, member))
		extra := newSCP(t, s, management, "extra", denyCreateUser)
		wantReason(t, s.AttachOrganizationPolicy(ctx, management, extra.ID, member), warden.EConstraintViolation, warden.ReasonMaxAttachmentsExceeded)

		targets, err := s.ListOrganizationPolicyTargets(ctx, management, "p-FullAWSAccess", warden.ListOptions{})
		noErr(t, err)
		if len(targets.Items) != 3 { // the root and both accounts
			t.Fatalf("FullAWSAccess targets = %+v", targets.Items)
		}
		targets, err = s.ListOrganizationPolicyTargets(ctx, management, p.ID, warden.ListOptions{})
		noErr(t, err)
		if len(targets.Items) != 1 || *targets.Items[0] != (warden.OrganizationTarget{ID: member, ARN: org.AccountARN(member), Name: "m", Type: warden.TargetAccount}) {
			t.Fatalf("targets of %s = %+v", p.ID, targets.Items)
		}

		wantErr(t, s.DeleteOrganizationPolicy(ctx, management, p.ID), warden.EPolicyInUse, "")
		wantReason(t, s.DeleteOrganizationPolicy(ctx, management, "p-FullAWSAccess"), warden.EInvalidInputException, warden.ReasonImmutablePolicy)
		wantErr(t, s.DetachOrganizationPolicy(ctx, management, extra.ID, member), warden.EPolicyNotAttached, "")
		noErr(t, s.DetachOrganizationPolicy(ctx, management, p.ID, member))
		noErr(t, s.DeleteOrganizationPolicy(ctx, management, p.ID))
		_, _, err = s.OrganizationPolicy(ctx, management, p.ID)
		wantErr(t, err, warden.EPolicyNotFound, "")

		// The last SCP of a target stays; RCPFullAWSAccess always does.
		wantReason(t, s.DetachOrganizationPolicy(ctx, management, "p-FullAWSAccess", org.RootID), warden.EConstraintViolation, warden.ReasonMinAttachmentsExceeded)
		noErr(t, s.AttachOrganizationPolicy(ctx, management, other.ID, org.RootID))
		noErr(t, s.DetachOrganizationPolicy(ctx, management, "p-FullAWSAccess", org.RootID))
		wantReason(t, s.DetachOrganizationPolicy(ctx, management, "p-RCPFullAWSAccess", member), warden.EInvalidInputException, warden.ReasonNonDetachablePolicy)

		_, err = s.ListOrganizationPoliciesForTarget(ctx, management, "ou-zzzz-zzzzzzzz", warden.ServiceControlPolicy, warden.ListOptions{})
		wantErr(t, err, warden.ETargetNotFound, "")
		_, err = s.ListOrganizationPolicies(ctx, member, warden.ServiceControlPolicy, warden.ListOptions{})
		wantErr(t, err, warden.EAccessDenied, "")
	})
}

func TestOrganizationControls(t *testing.T) {
	runWithOrgStore(t, "controls", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		outsider := newAccount(t, s)
		c, err := s.OrganizationControls(ctx, outsider)
		noErr(t, err)
		if c.OrganizationID != "" || c.SCPs != nil || c.RCPs != nil {
			t.Fatalf("controls of an account in no organization = %+v", c)
		}
		if c, err := s.OrganizationControls(ctx, "000000000000"); err != nil || c.OrganizationID != "" {
			t.Fatalf("controls of an unknown account = %+v, %v", c, err)
		}

		management, org := newOrganization(t, s)
		eng := newOU(t, s, management, org.RootID, "eng")
		team := newOU(t, s, management, eng, "team")
		member := newMember(t, s, management, "m")
		noErr(t, s.MoveOrganizationAccount(ctx, management, member, org.RootID, team))

		c, err = s.OrganizationControls(ctx, member)
		noErr(t, err)
		wantPath := org.ID + "/" + org.RootID + "/" + eng + "/" + team + "/"
		if c.OrganizationID != org.ID || c.Management || c.Path != wantPath || c.SCPs != nil || c.RCPs != nil {
			t.Fatalf("controls before enabling policy types = %+v, want path %s", c, wantPath)
		}
		again, err := s.OrganizationControls(ctx, member)
		noErr(t, err)
		if again != c {
			t.Fatal("OrganizationControls answered twice without a write in between with different values; the cache is not used")
		}

		_, err = s.EnableOrganizationPolicyType(ctx, management, org.RootID, warden.ServiceControlPolicy)
		noErr(t, err)
		_, err = s.EnableOrganizationPolicyType(ctx, management, org.RootID, warden.ResourceControlPolicy)
		noErr(t, err)
		scp := newSCP(t, s, management, "deny", denyCreateUser)
		noErr(t, s.AttachOrganizationPolicy(ctx, management, scp.ID, eng))

		c, err = s.OrganizationControls(ctx, member)
		noErr(t, err)
		if c == again {
			t.Fatal("OrganizationControls answered from the cache after a write")
		}
		level := func(ps []*warden.OrganizationPolicy) string {
			return names(ps, func(p *warden.OrganizationPolicy) string { return p.Name })
		}
		var scps, rcps []string
		for i := range c.SCPs {
			scps = append(scps, level(c.SCPs[i]))
		}
		for i := range c.RCPs {
			rcps = append(rcps, level(c.RCPs[i]))
		}
		// Levels: root, eng, team, the account.
		if got := strings.Join(scps, " | "); got != "FullAWSAccess | FullAWSAccess,deny | FullAWSAccess | FullAWSAccess" &&
			got != "FullAWSAccess | deny,FullAWSAccess | FullAWSAccess | FullAWSAccess" {
			t.Fatalf("SCP levels = %s", got)
		}
		if got := strings.Join(rcps, " | "); got != "RCPFullAWSAccess | RCPFullAWSAccess | RCPFullAWSAccess | RCPFullAWSAccess" {
			t.Fatalf("RCP levels = %s", got)
		}
		if !strings.Contains(c.SCPs[1][slices.IndexFunc(c.SCPs[1], func(p *warden.OrganizationPolicy) bool { return p.ID == scp.ID })].Content, "iam:CreateUser") {
			t.Fatal("the SCP's content is missing from the controls")
		}

		// The management account is governed by neither policy type.
		c, err = s.OrganizationControls(ctx, management)
		noErr(t, err)
		if c.OrganizationID != org.ID || !c.Management || c.Path != org.ID+"/"+org.RootID+"/" || c.SCPs != nil || c.RCPs != nil {
			t.Fatalf("management account controls = %+v", c)
		}
	})
	RunWithStoreOptions(t, "uncached", sqlstore.Options{AWSManagedPolicies: orgCatalogue, DisableCache: true}, func(t *testing.T, s warden.Store) {
		management, org := newOrganization(t, s)
		member := newMember(t, s, management, "m")
		_, err := s.EnableOrganizationPolicyType(t.Context(), management, org.RootID, warden.ServiceControlPolicy)
		noErr(t, err)
		c, err := s.OrganizationControls(t.Context(), member)
		noErr(t, err)
		if len(c.SCPs) != 2 || len(c.SCPs[0]) != 1 || len(c.SCPs[1]) != 1 {
			t.Fatalf("uncached controls = %+v", c)
		}
	})
}

// BenchmarkOrganizationControls measures the request-path lookup of a
// member account's SCP and RCP levels, cached and from the database.
func BenchmarkOrganizationControls(b *testing.B) {
	for _, cached := range []bool{true, false} {
		b.Run(map[bool]string{true: "cached", false: "uncached"}[cached], func(b *testing.B) {
			s := openSQLite(b, b.TempDir(), sqlstore.Options{AWSManagedPolicies: orgCatalogue, DisableCache: !cached})
			ctx := b.Context()
			management, org := newOrganization(b, s)
			ou := newOU(b, s, management, org.RootID, "eng")
			member := newMember(b, s, management, "m")
			noErr(b, s.MoveOrganizationAccount(ctx, management, member, org.RootID, ou))
			for _, t := range []warden.OrganizationPolicyType{warden.ServiceControlPolicy, warden.ResourceControlPolicy} {
				_, err := s.EnableOrganizationPolicyType(ctx, management, org.RootID, t)
				noErr(b, err)
			}
			noErr(b, s.AttachOrganizationPolicy(ctx, management, newSCP(b, s, management, "deny", denyCreateUser).ID, ou))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.OrganizationControls(ctx, member); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
