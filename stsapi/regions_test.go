package stsapi

import (
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
)

func TestRegionDisabled(t *testing.T) {
	f := newFixture(t)
	user := f.user(t, accountA, "u", allow("sts:*", "*"))
	role := f.role(t, accountA, "r", trust(`{"AWS":"`+user+`"}`, `"sts:AssumeRole"`, ""), nil)
	in := &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "s"}
	in2 := &s.GetSessionTokenInput{}
	in3 := &s.GetCallerIdentityInput{}
	in4 := &s.AssumeRoleWithWebIdentityInput{RoleArn: "arn:aws:iam::" + accountB + ":role/web", RoleSessionName: "s", WebIdentityToken: "x.y.z"}
	want := "STS is not activated in this region for account:" + accountA + ". Your account administrator can activate STS in this region using the IAM Console."
	in5 := &s.AssumeRoleWithWebIdentityInput{RoleArn: "arn:aws:iam::" + accountB + ":role/web", RoleSessionName: "s", WebIdentityToken: "x.y.z"}

	caller := func(region string) *authz.Caller {
		c := f.caller(t, user)
		c.Region = region
		return c
	}
	// By default every region of the aws partition is active, and only
	// those.
	for _, region := range []string{"us-east-1", "eu-west-1", "ap-southeast-5", "mx-central-1"} {
		if _, err := assumeRole(t, f, caller(region), in); err != nil {
			t.Errorf("AssumeRole in %s: %v", region, err)
		}
	}
	_, err := assumeRole(t, f, caller("cn-north-1"), in)
	assertCode(t, err, ERegionDisabled, want)

	f.api.regions = regionConfig{home: "eu-west-1", enabled: []string{"us-east-1"}}
	_, err = assumeRole(t, f, caller("eu-west-1"), in)
	assertCode(t, err, ERegionDisabled, want)
	_, err = call[*s.GetSessionTokenOutput](t, f, caller("eu-west-1"), "GetSessionToken", in2)
	assertCode(t, err, ERegionDisabled, want)
	// Operations that issue no credentials answer everywhere.
	if _, err := call[*s.GetCallerIdentityOutput](t, f, caller("eu-west-1"), "GetCallerIdentity", in3); err != nil {
		t.Errorf("GetCallerIdentity in a disabled region: %v", err)
	}
	if _, err := assumeRole(t, f, caller("us-east-1"), in); err != nil {
		t.Errorf("AssumeRole in an enabled region: %v", err)
	}
	// An unsigned request is in the endpoint's home region, and names the
	// role's account.
	anonymous := &authz.Caller{Principal: &warden.Principal{Kind: warden.PrincipalAnonymous}, Time: f.clock()}
	_, err = call[*s.AssumeRoleWithWebIdentityOutput](t, f, anonymous, "AssumeRoleWithWebIdentity", in4)
	assertCode(t, err, ERegionDisabled, "for account:"+accountB+".")
	f.api.regions.home = "us-east-1"
	_, err = call[*s.AssumeRoleWithWebIdentityOutput](t, f, anonymous, "AssumeRoleWithWebIdentity", in5)
	if warden.ErrorCode(err) == ERegionDisabled {
		t.Errorf("AssumeRoleWithWebIdentity in the enabled home region: %v", err)
	}
}

func TestIsAWSRegion(t *testing.T) {
	for region, want := range map[string]bool{"us-east-1": true, "il-central-1": true, "ap-northeast-3": true,
		"cn-north-1": false, "us-gov-west-1": false, "us-east": false, "": false, "US-EAST-1": false} {
		if got := IsAWSRegion(region); got != want {
			t.Errorf("IsAWSRegion(%q) = %v", region, got)
		}
	}
}
