package warden

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// SAMLProvider is an IAM SAML 2.0 identity provider: the metadata document
// of an IdP whose signed responses AssumeRoleWithSAML exchanges for role
// sessions ("Create a SAML identity provider in IAM", IAM User Guide).
// Trust policies name it as {"Federated": ARN}.
type SAMLProvider struct {
	AccountID string
	ARN       string // arn:aws:iam::ACCOUNT:saml-provider/NAME
	Name      string
	// UUID is the provider's unique identifier (SAMLProviderUUID).
	UUID string
	// MetadataDocument is the IdP's metadata as uploaded: its entity ID
	// and signing certificates are read from it on every use.
	MetadataDocument string
	// ValidUntil is the metadata's validUntil; zero when it has none.
	ValidUntil time.Time
	// Tags are filled by SAMLProvider only, ordered by key.
	Tags       []Tag
	CreateDate time.Time
}

// Limits of a SAML provider ("IAM and AWS STS quotas"; the model's
// SAMLProviderNameType and SAMLMetadataDocumentType).
const (
	SAMLProvidersPerAccount     = 100
	samlProviderNameMaxLength   = 128
	samlMetadataMinLength       = 1000
	samlMetadataMaxLength       = 10_000_000
	samlProviderResourceType    = "saml-provider"
	samlProviderNamePattern     = `^[\w._-]+$`
	samlProviderNameDescription = "Member must satisfy regular expression pattern: " + samlProviderNamePattern
)

var samlProviderNameRE = regexp.MustCompile(samlProviderNamePattern)

// SAMLProviderARN returns the ARN of the account's provider with a name.
func SAMLProviderARN(account, name string) string {
	return "arn:" + Partition + ":iam::" + account + ":" + samlProviderResourceType + "/" + name
}

// ParseSAMLProviderARN returns the account and the name a SAML provider
// ARN names.
//
// Returns InvalidInput for anything else.
func ParseSAMLProviderARN(arn string) (account, name string, err error) {
	a, err := ParseARN(arn)
	name, ok := strings.CutPrefix(a.Resource, samlProviderResourceType+"/")
	if err != nil || a.Service != "iam" || a.Partition != Partition || !ok || !samlProviderNameRE.MatchString(name) ||
		len(name) > samlProviderNameMaxLength || a.Region != "" || ValidateAccountID(a.AccountID) != nil {
		return "", "", Errorf(EInvalidInput, "%s is not a valid ARN of a SAML provider.", arn)
	}
	return a.AccountID, name, nil
}

// ValidateSAMLProviderName checks a provider name (SAMLProviderNameType:
// 1–128 characters of letters, digits and _.-).
func ValidateSAMLProviderName(name string) error {
	var v validator
	if v.length("name", name, 1, samlProviderNameMaxLength) && !samlProviderNameRE.MatchString(name) {
		v.fail(name, "name", samlProviderNameDescription)
	}
	return v.err()
}

// ValidateSAMLMetadataDocument checks the length of a metadata document
// (SAMLMetadataDocumentType: 1,000 to 10,000,000 characters). Whether it is
// SAML metadata is for package saml to say.
func ValidateSAMLMetadataDocument(doc string) error {
	var v validator
	if n := utf8.RuneCountInString(doc); n < samlMetadataMinLength || n > samlMetadataMaxLength {
		// The document itself is too long to repeat in the message.
		v.problems = append(v.problems, "Value at 'sAMLMetadataDocument' failed to satisfy constraint: Member must have length between 1000 and 10000000")
	}
	return v.err()
}

// CreateSAMLProviderInput describes a new SAML provider. ValidUntil is
// the validUntil of the metadata, which the caller has read.
type CreateSAMLProviderInput struct {
	Name             string
	MetadataDocument string
	ValidUntil       time.Time
	Tags             []Tag
}

// Validate checks the input against the model's constraints.
//
// Returns ValidationError and InvalidInput (tags).
func (in *CreateSAMLProviderInput) Validate() error {
	if err := ValidateSAMLProviderName(in.Name); err != nil {
		return err
	}
	if err := ValidateSAMLMetadataDocument(in.MetadataDocument); err != nil {
		return err
	}
	return ValidateTags(in.Tags)
}

// SAMLProviderService keeps the IAM SAML identity providers. Providers are
// named by ARN; a store answers NoSuchEntity for an ARN of another account.
type SAMLProviderService interface {
	// CreateSAMLProvider registers a provider. Names are unique in an
	// account without regard to case.
	//
	// Returns EntityAlreadyExists ("SAMLProvider NAME already exists."),
	// LimitExceeded ("Cannot exceed quota for SAMLProvidersPerAccount:
	// 100"), and the errors of CreateSAMLProviderInput.Validate.
	CreateSAMLProvider(ctx context.Context, account string, in CreateSAMLProviderInput) (*SAMLProvider, error)

	// SAMLProvider returns a provider with its tags.
	//
	// Returns NoSuchEntity ("SAMLProvider NAME not found.") and
	// InvalidInput for a malformed ARN.
	SAMLProvider(ctx context.Context, account, arn string) (*SAMLProvider, error)

	// ListSAMLProviders returns the account's providers ordered by name,
	// without tags.
	ListSAMLProviders(ctx context.Context, account string) ([]*SAMLProvider, error)

	// UpdateSAMLProvider replaces a provider's metadata document and its
	// validUntil.
	//
	// Returns NoSuchEntity, InvalidInput and ValidationError.
	UpdateSAMLProvider(ctx context.Context, account, arn, metadata string, validUntil time.Time) error

	// DeleteSAMLProvider deletes a provider. Roles that trust it are left
	// alone; assuming them with its responses fails from then on.
	DeleteSAMLProvider(ctx context.Context, account, arn string) error

	// TagSAMLProvider adds tags, replacing the value of keys the provider
	// has already.
	//
	// Returns LimitExceeded ("Cannot exceed quota for
	// TagsPerSAMLProvider: 50").
	TagSAMLProvider(ctx context.Context, account, arn string, tags []Tag) error

	// UntagSAMLProvider removes the tags with the given keys.
	UntagSAMLProvider(ctx context.Context, account, arn string, keys []string) error

	// ListSAMLProviderTags returns a provider's tags ordered by key.
	ListSAMLProviderTags(ctx context.Context, account, arn string, opts ListOptions) (*Page[Tag], error)
}
