package warden

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// The inputs of the Organizations store methods that create and change
// things, their checks against the Organizations API model, and the
// identifiers Organizations gives what it creates.

// CreateOrganizationAccountInput describes an account to create in an
// organization.
type CreateOrganizationAccountInput struct {
	Email string
	Name  string
	// RoleName names the role the management account administers the new
	// account through; empty means DefaultOrganizationAccessRole.
	RoleName string
	Tags     []Tag
}

// Validate checks the input against the Organizations API model.
//
// Returns InvalidInputException with a reason.
func (in *CreateOrganizationAccountInput) Validate() error {
	var v orgValidator
	v.text("Email", in.Email, 6, 64, emailRE, emailPattern)
	v.text("AccountName", in.Name, 1, 50, accountNameRE, accountNamePattern)
	if in.RoleName != "" && v.ok() && !roleNameRE.MatchString(in.RoleName) {
		v.fail(ReasonInvalidRoleName, "The role name %q is not valid: it must match %s.", in.RoleName, roleNamePattern)
	}
	v.tags(in.Tags)
	return v.err
}

// CreateOrganizationPolicyInput describes a new SCP or RCP.
type CreateOrganizationPolicyInput struct {
	Name        string
	Description string
	Type        OrganizationPolicyType
	Content     string
	Tags        []Tag
}

// Validate checks the input against the Organizations API model. The
// content's grammar is the protocol layer's to check, with the policy
// language's rules for the type.
//
// Returns InvalidInputException with a reason.
func (in *CreateOrganizationPolicyInput) Validate() error {
	var v orgValidator
	v.text("Name", in.Name, 1, 128, nil, "")
	v.text("Description", in.Description, 0, 512, nil, "")
	v.text("Content", in.Content, 1, 1<<20, nil, "")
	v.policyType(in.Type)
	v.tags(in.Tags)
	return v.err
}

// UpdateOrganizationPolicyInput changes a policy; nil members stay as they
// are.
type UpdateOrganizationPolicyInput struct {
	Name        *string
	Description *string
	Content     *string
}

// Validate checks the input against the Organizations API model.
//
// Returns InvalidInputException with a reason.
func (in *UpdateOrganizationPolicyInput) Validate() error {
	var v orgValidator
	if in.Name != nil {
		v.text("Name", *in.Name, 1, 128, nil, "")
	}
	if in.Description != nil {
		v.text("Description", *in.Description, 0, 512, nil, "")
	}
	if in.Content != nil {
		v.text("Content", *in.Content, 1, 1<<20, nil, "")
	}
	return v.err
}

// ValidateOrganizationalUnitName checks an OU name (1–128 characters).
//
// Returns InvalidInputException with a reason.
func ValidateOrganizationalUnitName(name string) error {
	var v orgValidator
	v.text("Name", name, 1, 128, nil, "")
	return v.err
}

// ValidateOrganizationTags checks the tags of a request that creates an
// OU, account or policy.
//
// Returns InvalidInputException with a reason.
func ValidateOrganizationTags(tags []Tag) error {
	var v orgValidator
	v.tags(tags)
	return v.err
}

// Organizations identifier patterns, as the API model writes them.
const (
	OrganizationRootIDPattern = `^r-[0-9a-z]{4,32}$`
	OrganizationalUnitPattern = `^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`
	OrganizationPolicyPattern = `^p-[0-9a-zA-Z_]{8,128}$`
	CreateAccountIDPattern    = `^car-[a-z0-9]{8,32}$`
	emailPattern              = `[^\s@]+@[^\s@]+\.[^\s@]+`
	accountNamePattern        = `[\u0020-\u007E]+`
	roleNamePattern           = `[\w+=,.@-]{1,64}`
)

var (
	OrganizationRootIDRE = regexp.MustCompile(OrganizationRootIDPattern)
	OrganizationalUnitRE = regexp.MustCompile(OrganizationalUnitPattern)
	OrganizationPolicyRE = regexp.MustCompile(OrganizationPolicyPattern)
	CreateAccountIDRE    = regexp.MustCompile(CreateAccountIDPattern)
	emailRE              = regexp.MustCompile(`^` + emailPattern + `$`)
	accountNameRE        = regexp.MustCompile(`^[\x20-\x7E]+$`)
	roleNameRE           = regexp.MustCompile(`^` + roleNamePattern + `$`)
)

// orgValidator keeps the first constraint an input breaks: Organizations
// reports one problem, with a reason, per request.
type orgValidator struct{ err error }

func (v *orgValidator) ok() bool { return v.err == nil }

func (v *orgValidator) fail(reason, format string, args ...any) {
	if v.err == nil {
		v.err = ReasonErrorf(EInvalidInputException, reason, format, args...)
	}
}

// text checks a string member's length and, when re is set, its pattern.
func (v *orgValidator) text(member, s string, minLen, maxLen int, re *regexp.Regexp, pattern string) {
	switch n := utf8.RuneCountInString(s); {
	case n == 0 && minLen > 0:
		v.fail(ReasonInputRequired, "You must specify a value for %s.", member)
	case n < minLen:
		v.fail(ReasonMinLengthExceeded, "The value of %s is shorter than the minimum length of %d.", member, minLen)
	case n > maxLen:
		v.fail(ReasonMaxLengthExceeded, "The value of %s exceeds the maximum length of %d.", member, maxLen)
	case re != nil && !re.MatchString(s):
		v.fail(ReasonInvalidPattern, "The value of %s does not match the required pattern %s.", member, pattern)
	}
}

func (v *orgValidator) policyType(t OrganizationPolicyType) {
	if !t.Known() {
		v.fail(ReasonInvalidEnumPolicyType, "%q is not a valid policy type.", string(t))
	}
}

// tags checks request tags against the Tag shape: at most 50, keys of
// 1–128 and values of up to 256 characters of the tag alphabet, keys
// unique (case-sensitive, unlike IAM's user and role tags).
func (v *orgValidator) tags(tags []Tag) {
	if len(tags) > 50 {
		v.fail(ReasonMaxLengthExceeded, "You can specify at most 50 tags.")
		return
	}
	seen := map[string]bool{}
	for _, t := range tags {
		v.text("Tag Key", t.Key, 1, 128, tagKeyRE, tagKeyPattern)
		v.text("Tag Value", t.Value, 0, 256, tagValueRE, tagValuePattern)
		if seen[t.Key] {
			v.fail(ReasonDuplicateTagKey, "The tag key %q appears more than once.", t.Key)
		}
		seen[t.Key] = true
	}
}

// Identifier alphabets: organization, root, OU and policy IDs are lower-case
// letters and digits (the API model's patterns).
const orgIDAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// NewOrganizationID returns a fresh organization ID, o- and 10 characters.
func NewOrganizationID() string { return "o-" + randomString(orgIDAlphabet, 10) }

// NewOrganizationRootID returns a fresh root ID, r- and 4 characters.
func NewOrganizationRootID() string { return "r-" + randomString(orgIDAlphabet, 4) }

// NewOrganizationalUnitID returns a fresh OU ID for the root: ou-, the
// root's four characters, - and 8 characters.
func NewOrganizationalUnitID(rootID string) string {
	return "ou-" + strings.TrimPrefix(rootID, "r-") + "-" + randomString(orgIDAlphabet, 8)
}

// NewOrganizationPolicyID returns a fresh policy ID, p- and 10 characters
// (the shortest the policy ARN pattern allows).
func NewOrganizationPolicyID() string { return "p-" + randomString(orgIDAlphabet, 10) }

// NewCreateAccountRequestID returns a fresh CreateAccount request ID.
func NewCreateAccountRequestID() string { return "car-" + randomString(orgIDAlphabet, 32) }
