package iamapi

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/saml/samltest"
)

var samlOperations = []string{
	"CreateSAMLProvider", "GetSAMLProvider", "ListSAMLProviders", "UpdateSAMLProvider", "DeleteSAMLProvider",
	"TagSAMLProvider", "UntagSAMLProvider", "ListSAMLProviderTags",
}

func TestSAMLProviderLifecycle(t *testing.T) {
	f := newIdentityFixture(t)
	for _, op := range samlOperations {
		if !f.api.Implemented(op) {
			t.Errorf("%s is not implemented", op)
		}
	}
	idp := samltest.New(t, "https://idp.example.test/saml")
	arn := "arn:aws:iam::" + identityTestAccount + ":saml-provider/Corp"
	created, err := identityCall[*s.CreateSAMLProviderOutput](t, f, f.root, "CreateSAMLProvider", &s.CreateSAMLProviderInput{
		Name: "Corp", SAMLMetadataDocument: idp.Metadata(), Tags: []s.Tag{{Key: "owner", Value: "ci"}},
	})
	mustOK(t, err)
	if aws.ToString(created.SAMLProviderArn) != arn || !slices.Equal(created.Tags, []s.Tag{{Key: "owner", Value: "ci"}}) {
		t.Fatalf("CreateSAMLProvider = %+v", created)
	}
	_, err = identityCall[*s.CreateSAMLProviderOutput](t, f, f.root, "CreateSAMLProvider", &s.CreateSAMLProviderInput{Name: "corp", SAMLMetadataDocument: idp.Metadata()})
	assertAWSError(t, err, warden.EEntityAlreadyExists, "SAMLProvider corp already exists.")
	// Metadata of the right length that is not SAML metadata.
	_, err = identityCall[*s.CreateSAMLProviderOutput](t, f, f.root, "CreateSAMLProvider", &s.CreateSAMLProviderInput{
		Name: "Other", SAMLMetadataDocument: "<x>" + strings.Repeat("a", 1000) + "</x>"})
	assertAWSErrorContains(t, err, warden.EInvalidInput, "Could not parse metadata")
	_, err = identityCall[*s.CreateSAMLProviderOutput](t, f, f.root, "CreateSAMLProvider", &s.CreateSAMLProviderInput{Name: "Other", SAMLMetadataDocument: "<x/>"})
	assertAWSErrorContains(t, err, warden.EValidationError, "Member must have length between 1000 and 10000000")
	required := s.AssertionEncryptionModeTypeRequired
	_, err = identityCall[*s.CreateSAMLProviderOutput](t, f, f.root, "CreateSAMLProvider", &s.CreateSAMLProviderInput{
		Name: "Other", SAMLMetadataDocument: idp.Metadata(), AssertionEncryptionMode: &required})
	assertAWSErrorContains(t, err, warden.EInvalidInput, "does not decrypt")

	// An update reads the new metadata's validUntil.
	updated := strings.Replace(idp.Metadata(), `entityID=`, `validUntil="2031-05-06T07:08:09Z" entityID=`, 1)
	up, err := identityCall[*s.UpdateSAMLProviderOutput](t, f, f.root, "UpdateSAMLProvider", &s.UpdateSAMLProviderInput{SAMLProviderArn: arn, SAMLMetadataDocument: &updated})
	mustOK(t, err)
	if aws.ToString(up.SAMLProviderArn) != arn {
		t.Fatalf("UpdateSAMLProvider = %+v", up)
	}
	mustOK(t, f.run(t, f.root, "TagSAMLProvider", &s.TagSAMLProviderInput{SAMLProviderArn: arn, Tags: []s.Tag{{Key: "env", Value: "prod"}}}))
	mustOK(t, f.run(t, f.root, "UntagSAMLProvider", &s.UntagSAMLProviderInput{SAMLProviderArn: arn, TagKeys: []string{"owner"}}))

	got, err := identityCall[*s.GetSAMLProviderOutput](t, f, f.root, "GetSAMLProvider", &s.GetSAMLProviderInput{SAMLProviderArn: arn})
	mustOK(t, err)
	if aws.ToString(got.SAMLMetadataDocument) != updated || got.ValidUntil == nil || got.ValidUntil.Year() != 2031 ||
		len(aws.ToString(got.SAMLProviderUUID)) != 36 || got.CreateDate == nil || !slices.Equal(got.Tags, []s.Tag{{Key: "env", Value: "prod"}}) {
		t.Fatalf("GetSAMLProvider = %+v", got)
	}
	tags, err := identityCall[*s.ListSAMLProviderTagsOutput](t, f, f.root, "ListSAMLProviderTags", &s.ListSAMLProviderTagsInput{SAMLProviderArn: arn})
	mustOK(t, err)
	if !slices.Equal(tags.Tags, []s.Tag{{Key: "env", Value: "prod"}}) || tags.IsTruncated {
		t.Fatalf("ListSAMLProviderTags = %+v", tags)
	}
	list, err := identityCall[*s.ListSAMLProvidersOutput](t, f, f.root, "ListSAMLProviders", &s.ListSAMLProvidersInput{})
	mustOK(t, err)
	if len(list.SAMLProviderList) != 1 || aws.ToString(list.SAMLProviderList[0].Arn) != arn || list.SAMLProviderList[0].ValidUntil == nil {
		t.Fatalf("ListSAMLProviders = %+v", list)
	}

	mustOK(t, f.run(t, f.root, "DeleteSAMLProvider", &s.DeleteSAMLProviderInput{SAMLProviderArn: arn}))
	_, err = identityCall[*s.GetSAMLProviderOutput](t, f, f.root, "GetSAMLProvider", &s.GetSAMLProviderInput{SAMLProviderArn: arn})
	assertAWSError(t, err, warden.ENoSuchEntity, "SAMLProvider Corp not found.")
	_, err = identityCall[*s.UpdateSAMLProviderOutput](t, f, f.root, "UpdateSAMLProvider", &s.UpdateSAMLProviderInput{SAMLProviderArn: arn, SAMLMetadataDocument: &updated})
	assertAWSError(t, err, warden.ENoSuchEntity, "")
	_, err = identityCall[*s.GetSAMLProviderOutput](t, f, f.root, "GetSAMLProvider", &s.GetSAMLProviderInput{SAMLProviderArn: "arn:aws:iam::" + identityTestAccount + ":role/x"})
	assertAWSError(t, err, warden.EInvalidInput, "")
}

func TestSAMLProviderAuthorization(t *testing.T) {
	f := newIdentityFixture(t)
	idp := samltest.New(t, "https://idp.example.test/saml")
	for _, env := range []string{"prod", "dev"} {
		_, err := identityCall[*s.CreateSAMLProviderOutput](t, f, f.root, "CreateSAMLProvider",
			&s.CreateSAMLProviderInput{Name: env, SAMLMetadataDocument: idp.Metadata(), Tags: []s.Tag{{Key: "env", Value: env}}})
		mustOK(t, err)
	}
	prodARN := "arn:aws:iam::" + identityTestAccount + ":saml-provider/prod"
	// Dana may manage dev providers only, and create them only tagged dev.
	dana := f.user(t, "dana")
	mustOK(t, f.store.PutInlinePolicy(t.Context(), identityTestAccount, warden.UserIdentity("dana"), "saml", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:*SAMLProvider*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/env":"dev"}}},
		{"Effect":"Allow","Action":["iam:CreateSAMLProvider","iam:ListSAMLProviders"],"Resource":"*","Condition":{"StringEqualsIfExists":{"aws:RequestTag/env":"dev"}}}]}`))

	_, err := identityCall[*s.GetSAMLProviderOutput](t, f, dana, "GetSAMLProvider", &s.GetSAMLProviderInput{SAMLProviderArn: "arn:aws:iam::" + identityTestAccount + ":saml-provider/dev"})
	mustOK(t, err)
	_, err = identityCall[*s.GetSAMLProviderOutput](t, f, dana, "GetSAMLProvider", &s.GetSAMLProviderInput{SAMLProviderArn: prodARN})
	assertAWSError(t, err, warden.EAccessDenied, "User: arn:aws:iam::"+identityTestAccount+":user/dana is not authorized to perform: iam:GetSAMLProvider on resource: "+
		prodARN+" because no identity-based policy allows the iam:GetSAMLProvider action")
	// A denied caller is not told whether a provider exists.
	_, err = identityCall[*s.GetSAMLProviderOutput](t, f, dana, "GetSAMLProvider", &s.GetSAMLProviderInput{SAMLProviderArn: "arn:aws:iam::" + identityTestAccount + ":saml-provider/missing"})
	assertAWSError(t, err, warden.EAccessDenied, "")
	_, err = identityCall[*s.CreateSAMLProviderOutput](t, f, dana, "CreateSAMLProvider",
		&s.CreateSAMLProviderInput{Name: "new", SAMLMetadataDocument: idp.Metadata(), Tags: []s.Tag{{Key: "env", Value: "prod"}}})
	assertAWSError(t, err, warden.EAccessDenied, "")
	_, err = identityCall[*s.CreateSAMLProviderOutput](t, f, dana, "CreateSAMLProvider",
		&s.CreateSAMLProviderInput{Name: "new", SAMLMetadataDocument: idp.Metadata(), Tags: []s.Tag{{Key: "env", Value: "dev"}}})
	mustOK(t, err)
	err = f.run(t, dana, "UntagSAMLProvider", &s.UntagSAMLProviderInput{SAMLProviderArn: prodARN, TagKeys: []string{"env"}})
	assertAWSError(t, err, warden.EAccessDenied, "")
	err = f.run(t, dana, "DeleteSAMLProvider", &s.DeleteSAMLProviderInput{SAMLProviderArn: prodARN})
	assertAWSError(t, err, warden.EAccessDenied, "")
}
