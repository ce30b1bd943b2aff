package warden

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestOrganizationARNs(t *testing.T) {
	o := &Organization{ID: "o-aa111bb222", ManagementAccountID: "111111111111", RootID: "r-ab12"}
	tests := []struct{ got, want string }{
		{o.RootARN(), "arn:aws:organizations::111111111111:root/o-aa111bb222/r-ab12"},
		{o.ManagementAccountARN(), "arn:aws:organizations::111111111111:account/o-aa111bb222/111111111111"},
		{o.AccountARN("222222222222"), "arn:aws:organizations::111111111111:account/o-aa111bb222/222222222222"},
		{o.UnitARN("ou-ab12-11111111"), "arn:aws:organizations::111111111111:ou/o-aa111bb222/ou-ab12-11111111"},
		{o.PolicyARN(ServiceControlPolicy, "p-abcdefghij"), "arn:aws:organizations::111111111111:policy/o-aa111bb222/service_control_policy/p-abcdefghij"},
		{o.PolicyARN(ResourceControlPolicy, "p-abcdefghij"), "arn:aws:organizations::111111111111:policy/o-aa111bb222/resource_control_policy/p-abcdefghij"},
		{o.PolicyARN(ServiceControlPolicy, "p-FullAWSAccess"), "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"},
		{o.TargetARN("r-ab12"), o.RootARN()},
		{o.TargetARN("ou-ab12-11111111"), o.UnitARN("ou-ab12-11111111")},
		{o.TargetARN("222222222222"), o.AccountARN("222222222222")},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %s\nwant %s", tt.got, tt.want)
		}
	}
}

func TestOrganizationIDs(t *testing.T) {
	for range 100 {
		root := NewOrganizationRootID()
		ids := []struct {
			id      string
			pattern string
		}{
			{NewOrganizationID(), `^o-[a-z0-9]{10,32}$`},
			{root, OrganizationRootIDPattern},
			{NewOrganizationalUnitID(root), OrganizationalUnitPattern},
			{NewOrganizationPolicyID(), OrganizationPolicyPattern},
			{NewCreateAccountRequestID(), CreateAccountIDPattern},
		}
		for _, tt := range ids {
			if !mustMatch(tt.pattern, tt.id) {
				t.Fatalf("%s does not match %s", tt.id, tt.pattern)
			}
		}
		if ou := NewOrganizationalUnitID(root); !strings.HasPrefix(ou, "ou-"+root[2:]+"-") {
			t.Fatalf("OU %s does not carry its root %s", ou, root)
		}
	}
	for _, tt := range []struct {
		id   string
		want TargetType
	}{{"r-ab12", TargetRoot}, {"ou-ab12-11111111", TargetOrganizationalUnit}, {"111111111111", TargetAccount}} {
		if got := TargetTypeOf(tt.id); got != tt.want {
			t.Errorf("TargetTypeOf(%s) = %s, want %s", tt.id, got, tt.want)
		}
	}
}

func TestFullAccessPolicies(t *testing.T) {
	for _, typ := range []OrganizationPolicyType{ServiceControlPolicy, ResourceControlPolicy} {
		p := FullAccessPolicy(typ)
		if p == nil || !p.AWSManaged || p.Type != typ || AWSManagedOrganizationPolicy(p.ID) != p {
			t.Fatalf("FullAccessPolicy(%s) = %+v", typ, p)
		}
		if !strings.Contains(p.ARN, ":aws:policy/"+strings.ToLower(string(typ))+"/") {
			t.Errorf("%s ARN = %s", p.Name, p.ARN)
		}
	}
	if FullAccessPolicy("TAG_POLICY") != nil || AWSManagedOrganizationPolicy("p-abcdefghij") != nil {
		t.Error("a policy that does not exist was found")
	}
	if !OrganizationPolicyType("BACKUP_POLICY").Known() || OrganizationPolicyType("BACKUP_POLICY").Served() || OrganizationPolicyType("SCP").Known() {
		t.Error("policy type enum")
	}
}

func TestReasonError(t *testing.T) {
	err := ReasonErrorf(EConstraintViolation, ReasonPolicyContentLimitExceeded, "too big: %d", 6000)
	if ErrorCode(err) != EConstraintViolation || ErrorMessage(err) != "too big: 6000" {
		t.Fatalf("code %q, message %q", ErrorCode(err), ErrorMessage(err))
	}
	re, ok := errors.AsType[*ReasonError](err)
	if !ok || re.Reason != ReasonPolicyContentLimitExceeded || !strings.Contains(err.Error(), ReasonPolicyContentLimitExceeded) {
		t.Fatalf("reason lost: %v", err)
	}
}

func TestOrganizationInputs(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		reason string
	}{
		{"policy without name", (&CreateOrganizationPolicyInput{Type: ServiceControlPolicy, Content: "{}"}).Validate(), ReasonInputRequired},
		{"long description", (&CreateOrganizationPolicyInput{Name: "p", Type: ServiceControlPolicy, Content: "{}", Description: strings.Repeat("d", 513)}).Validate(), ReasonMaxLengthExceeded},
		{"unknown type", (&CreateOrganizationPolicyInput{Name: "p", Type: "SCP", Content: "{}"}).Validate(), ReasonInvalidEnumPolicyType},
		{"empty new name", (&UpdateOrganizationPolicyInput{Name: new("")}).Validate(), ReasonInputRequired},
		{"empty OU name", ValidateOrganizationalUnitName(""), ReasonInputRequired},
		{"too many tags", ValidateOrganizationTags(make([]Tag, 51)), ReasonMaxLengthExceeded},
		{"bad tag key", ValidateOrganizationTags([]Tag{{Key: "a*b"}}), ReasonInvalidPattern},
		{"tag keys differing in case", ValidateOrganizationTags([]Tag{{Key: "a", Value: "1"}, {Key: "A", Value: "2"}}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.reason == "" {
				if tt.err != nil {
					t.Fatalf("refused: %v", tt.err)
				}
				return
			}
			re, ok := errors.AsType[*ReasonError](tt.err)
			if !ok || re.Reason != tt.reason || ErrorCode(tt.err) != EInvalidInputException {
				t.Fatalf("error = %v, want %s", tt.err, tt.reason)
			}
		})
	}
}

func mustMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }
