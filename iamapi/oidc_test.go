package iamapi

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

var oidcOperations = []string{
	"CreateOpenIDConnectProvider", "GetOpenIDConnectProvider", "ListOpenIDConnectProviders", "DeleteOpenIDConnectProvider",
	"AddClientIDToOpenIDConnectProvider", "RemoveClientIDFromOpenIDConnectProvider", "UpdateOpenIDConnectProviderThumbprint",
	"TagOpenIDConnectProvider", "UntagOpenIDConnectProvider", "ListOpenIDConnectProviderTags",
}

func TestOpenIDConnectProviderLifecycle(t *testing.T) {
	f := newIdentityFixture(t)
	for _, op := range oidcOperations {
		if !f.api.Implemented(op) {
			t.Errorf("%s is not implemented", op)
		}
	}
	arn := "arn:aws:iam::" + identityTestAccount + ":oidc-provider/token.example.test/org"
	created, err := identityCall[*s.CreateOpenIDConnectProviderOutput](t, f, f.root, "CreateOpenIDConnectProvider", &s.CreateOpenIDConnectProviderInput{
		Url: "https://token.example.test/org", ClientIDList: []string{"sts.amazonaws.com"}, Tags: []s.Tag{{Key: "owner", Value: "ci"}},
	})
	mustOK(t, err)
	if aws.ToString(created.OpenIDConnectProviderArn) != arn || !slices.Equal(created.Tags, []s.Tag{{Key: "owner", Value: "ci"}}) {
		t.Fatalf("CreateOpenIDConnectProvider = %+v", created)
	}
	_, err = identityCall[*s.CreateOpenIDConnectProviderOutput](t, f, f.root, "CreateOpenIDConnectProvider", &s.CreateOpenIDConnectProviderInput{Url: "https://token.example.test/org"})
	assertAWSError(t, err, warden.EEntityAlreadyExists, "Provider with url https://token.example.test/org already exists.")
	_, err = identityCall[*s.CreateOpenIDConnectProviderOutput](t, f, f.root, "CreateOpenIDConnectProvider", &s.CreateOpenIDConnectProviderInput{Url: "http://token.example.test"})
	assertAWSErrorContains(t, err, warden.EInvalidInput, "must begin with https://")

	mustOK(t, f.run(t, f.root, "AddClientIDToOpenIDConnectProvider", &s.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, ClientID: "mobile"}))
	mustOK(t, f.run(t, f.root, "RemoveClientIDFromOpenIDConnectProvider", &s.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, ClientID: "sts.amazonaws.com"}))
	mustOK(t, f.run(t, f.root, "UpdateOpenIDConnectProviderThumbprint", &s.UpdateOpenIDConnectProviderThumbprintInput{
		OpenIDConnectProviderArn: arn, ThumbprintList: []string{"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"}}))
	mustOK(t, f.run(t, f.root, "TagOpenIDConnectProvider", &s.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, Tags: []s.Tag{{Key: "env", Value: "prod"}}}))
	mustOK(t, f.run(t, f.root, "UntagOpenIDConnectProvider", &s.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, TagKeys: []string{"owner"}}))

	got, err := identityCall[*s.GetOpenIDConnectProviderOutput](t, f, f.root, "GetOpenIDConnectProvider", &s.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})
	mustOK(t, err)
	// IAM shows the URL without its scheme.
	if aws.ToString(got.Url) != "token.example.test/org" || !slices.Equal(got.ClientIDList, []string{"mobile"}) ||
		!slices.Equal(got.ThumbprintList, []string{"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"}) ||
		!slices.Equal(got.Tags, []s.Tag{{Key: "env", Value: "prod"}}) || got.CreateDate == nil {
		t.Fatalf("GetOpenIDConnectProvider = %+v", got)
	}
	tags, err := identityCall[*s.ListOpenIDConnectProviderTagsOutput](t, f, f.root, "ListOpenIDConnectProviderTags", &s.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: arn})
	mustOK(t, err)
	if !slices.Equal(tags.Tags, []s.Tag{{Key: "env", Value: "prod"}}) || tags.IsTruncated {
		t.Fatalf("ListOpenIDConnectProviderTags = %+v", tags)
	}
	list, err := identityCall[*s.ListOpenIDConnectProvidersOutput](t, f, f.root, "ListOpenIDConnectProviders", &s.ListOpenIDConnectProvidersInput{})
	mustOK(t, err)
	if len(list.OpenIDConnectProviderList) != 1 || aws.ToString(list.OpenIDConnectProviderList[0].Arn) != arn {
		t.Fatalf("ListOpenIDConnectProviders = %+v", list)
	}

	mustOK(t, f.run(t, f.root, "DeleteOpenIDConnectProvider", &s.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn}))
	_, err = identityCall[*s.GetOpenIDConnectProviderOutput](t, f, f.root, "GetOpenIDConnectProvider", &s.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})
	assertAWSError(t, err, warden.ENoSuchEntity, "OpenIDConnect Provider not found for arn "+arn)
	_, err = identityCall[*s.GetOpenIDConnectProviderOutput](t, f, f.root, "GetOpenIDConnectProvider", &s.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: "arn:aws:iam::" + identityTestAccount + ":role/x"})
	assertAWSError(t, err, warden.EInvalidInput, "")
}

func TestOpenIDConnectProviderAuthorization(t *testing.T) {
	f := newIdentityFixture(t)
	prodARN := "arn:aws:iam::" + identityTestAccount + ":oidc-provider/prod.example.test"
	for _, url := range []string{"https://prod.example.test", "https://dev.example.test"} {
		env := "dev"
		if url == "https://prod.example.test" {
			env = "prod"
		}
		_, err := identityCall[*s.CreateOpenIDConnectProviderOutput](t, f, f.root, "CreateOpenIDConnectProvider",
			&s.CreateOpenIDConnectProviderInput{Url: url, Tags: []s.Tag{{Key: "env", Value: env}}})
		mustOK(t, err)
	}
	// Dana may manage dev providers only, and create them only tagged dev.
	dana := f.user(t, "dana")
	mustOK(t, f.store.PutInlinePolicy(t.Context(), identityTestAccount, warden.UserIdentity("dana"), "oidc", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:*OpenIDConnectProvider*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/env":"dev"}}},
		{"Effect":"Allow","Action":["iam:CreateOpenIDConnectProvider","iam:ListOpenIDConnectProviders"],"Resource":"*","Condition":{"StringEqualsIfExists":{"aws:RequestTag/env":"dev"}}}]}`))

	_, err := identityCall[*s.GetOpenIDConnectProviderOutput](t, f, dana, "GetOpenIDConnectProvider",
		&s.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: "arn:aws:iam::" + identityTestAccount + ":oidc-provider/dev.example.test"})
	mustOK(t, err)
	err = f.run(t, dana, "AddClientIDToOpenIDConnectProvider", &s.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: prodARN, ClientID: "x"})
	assertAWSError(t, err, warden.EAccessDenied, "User: arn:aws:iam::"+identityTestAccount+":user/dana is not authorized to perform: iam:AddClientIDToOpenIDConnectProvider on resource: "+
		prodARN+" because no identity-based policy allows the iam:AddClientIDToOpenIDConnectProvider action")
	// A denied caller is not told whether a provider exists.
	missing := "arn:aws:iam::" + identityTestAccount + ":oidc-provider/missing.example.test"
	_, err = identityCall[*s.GetOpenIDConnectProviderOutput](t, f, dana, "GetOpenIDConnectProvider", &s.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: missing})
	assertAWSError(t, err, warden.EAccessDenied, "")

	_, err = identityCall[*s.CreateOpenIDConnectProviderOutput](t, f, dana, "CreateOpenIDConnectProvider",
		&s.CreateOpenIDConnectProviderInput{Url: "https://new.example.test", Tags: []s.Tag{{Key: "env", Value: "prod"}}})
	assertAWSError(t, err, warden.EAccessDenied, "")
	_, err = identityCall[*s.CreateOpenIDConnectProviderOutput](t, f, dana, "CreateOpenIDConnectProvider",
		&s.CreateOpenIDConnectProviderInput{Url: "https://new.example.test", Tags: []s.Tag{{Key: "env", Value: "dev"}}})
	mustOK(t, err)
	list, err := identityCall[*s.ListOpenIDConnectProvidersOutput](t, f, dana, "ListOpenIDConnectProviders", &s.ListOpenIDConnectProvidersInput{})
	mustOK(t, err)
	if len(list.OpenIDConnectProviderList) != 3 {
		t.Fatalf("ListOpenIDConnectProviders = %d providers", len(list.OpenIDConnectProviderList))
	}
	// The tag operations are authorized with the provider's tags as well.
	err = f.run(t, dana, "UntagOpenIDConnectProvider", &s.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: prodARN, TagKeys: []string{"env"}})
	assertAWSError(t, err, warden.EAccessDenied, "")
}
