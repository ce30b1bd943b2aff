package orgsapi

import (
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/policy"
	"github.com/warden-iam/warden/validate"
)

// Request validation: the members the model requires, the patterns of
// Organizations' identifiers and the enums, checked before anything else
// as AWS checks them. Organizations reports the first problem as an
// InvalidInputException with a reason; the constraints on names, emails and
// tags are the domain's (warden.CreateOrganizationAccountInput.Validate and
// its siblings), which the handlers apply before authorizing.

var (
	resourceIDRE = regexp.MustCompile(`^(r-[0-9a-z]{4,32}|\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|p-[0-9a-zA-Z_]{8,128})$`)
	parentIDRE   = regexp.MustCompile(`^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`)
	targetIDRE   = regexp.MustCompile(`^(r-[0-9a-z]{4,32}|\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`)
	accountIDRE  = regexp.MustCompile(`^\d{12}$`)
)

// MaxResults bounds of every List operation.
const (
	minResults     = 1
	maxResults     = 20
	defaultResults = 20
)

// check keeps the first problem of a request.
type check struct{ err error }

func (c *check) fail(reason, format string, args ...any) {
	if c.err == nil {
		c.err = warden.ReasonErrorf(warden.EInvalidInputException, reason, format, args...)
	}
}

// required reports whether a required member is present.
func (c *check) required(member string, v *string) bool {
	if v == nil || *v == "" {
		c.fail(warden.ReasonInputRequired, "You must specify a value for %s.", member)
		return false
	}
	return true
}

// id checks a required identifier member against its pattern.
func (c *check) id(member string, v *string, re *regexp.Regexp, reason string) {
	if c.required(member, v) && !re.MatchString(*v) {
		c.fail(reason, "You specified an invalid value for %s: %q does not match the pattern %s.", member, *v, re)
	}
}

// enum checks an optional member against the values of its enum.
func (c *check) enum(member string, v *string, values ...string) {
	if v == nil {
		return
	}
	for _, ok := range values {
		if *v == ok {
			return
		}
	}
	c.fail(warden.ReasonInvalidEnum, "You specified an invalid value for %s: %q is not one of %v.", member, *v, values)
}

// policyType checks a required PolicyType member.
func (c *check) policyType(member string, v *string) {
	if c.required(member, v) && !warden.OrganizationPolicyType(*v).Known() {
		c.fail(warden.ReasonInvalidEnumPolicyType, "You specified an invalid value for %s: %q is not a policy type.", member, *v)
	}
}

func (c *check) paging(p paging) {
	if p.MaxResults == nil {
		return
	}
	switch n := *p.MaxResults; {
	case n < minResults:
		c.fail(warden.ReasonMinValueExceeded, "MaxResults must be at least %d.", minResults)
	case n > maxResults:
		c.fail(warden.ReasonMaxValueExceeded, "MaxResults must be at most %d.", maxResults)
	}
}

// listOptions turns the paging members into the store's options.
func (p paging) listOptions() warden.ListOptions {
	opts := warden.ListOptions{MaxItems: defaultResults}
	if p.NextToken != nil {
		opts.Marker = *p.NextToken
	}
	if p.MaxResults != nil {
		opts.MaxItems = int(*p.MaxResults)
	}
	return opts
}

// nextToken returns the NextToken member of a page: present only when
// truncated.
func nextToken[T any](page *warden.Page[T]) *string {
	if !page.IsTruncated {
		return nil
	}
	return &page.Marker
}

func (in *CreateOrganizationInput) validate() error {
	var c check
	c.enum("FeatureSet", in.FeatureSet, string(warden.FeatureSetAll), string(warden.FeatureSetConsolidatedBilling))
	return c.err
}

func (in *CreateAccountInput) validate() error {
	var c check
	c.required("Email", in.Email)
	c.required("AccountName", in.AccountName)
	c.enum("IamUserAccessToBilling", in.IamUserAccessToBilling, "ALLOW", "DENY")
	return c.err
}

func (in *DescribeCreateAccountStatusInput) validate() error {
	var c check
	c.id("CreateAccountRequestId", in.CreateAccountRequestId, warden.CreateAccountIDRE, warden.ReasonInvalidPattern)
	return c.err
}

func (in *ListAccountsInput) validate() error { return validatePaging(in.paging) }

func (in *ListRootsInput) validate() error { return validatePaging(in.paging) }

func validatePaging(p paging) error {
	var c check
	c.paging(p)
	return c.err
}

func (in *EnablePolicyTypeInput) validate() error {
	return validatePolicyTypeChange(in.RootId, in.PolicyType)
}

func (in *DisablePolicyTypeInput) validate() error {
	return validatePolicyTypeChange(in.RootId, in.PolicyType)
}

func validatePolicyTypeChange(rootID, t *string) error {
	var c check
	c.id("RootId", rootID, warden.OrganizationRootIDRE, warden.ReasonInvalidPattern)
	c.policyType("PolicyType", t)
	return c.err
}

func (in *CreateOrganizationalUnitInput) validate() error {
	var c check
	c.id("ParentId", in.ParentId, parentIDRE, warden.ReasonInvalidPattern)
	c.required("Name", in.Name)
	return c.err
}

func (in *ListOrganizationalUnitsForParentInput) validate() error {
	var c check
	c.id("ParentId", in.ParentId, parentIDRE, warden.ReasonInvalidPattern)
	c.paging(in.paging)
	return c.err
}

func (in *ListChildrenInput) validate() error {
	var c check
	c.id("ParentId", in.ParentId, parentIDRE, warden.ReasonInvalidPattern)
	if c.required("ChildType", in.ChildType) {
		c.enum("ChildType", in.ChildType, string(warden.ChildAccount), string(warden.ChildOrganizationalUnit))
	}
	c.paging(in.paging)
	return c.err
}

func (in *MoveAccountInput) validate() error {
	var c check
	c.id("AccountId", in.AccountId, accountIDRE, warden.ReasonInvalidPattern)
	c.id("SourceParentId", in.SourceParentId, parentIDRE, warden.ReasonInvalidPattern)
	c.id("DestinationParentId", in.DestinationParentId, parentIDRE, warden.ReasonInvalidPattern)
	return c.err
}

func (in *CreatePolicyInput) validate() error {
	var c check
	c.required("Content", in.Content)
	if in.Description == nil {
		// Description is required but may be empty.
		c.fail(warden.ReasonInputRequired, "You must specify a value for Description.")
	}
	c.required("Name", in.Name)
	c.policyType("Type", in.Type)
	return c.err
}

func (in *UpdatePolicyInput) validate() error {
	var c check
	c.id("PolicyId", in.PolicyId, warden.OrganizationPolicyRE, warden.ReasonInvalidSyntaxPolicyID)
	return c.err
}

func (in *DeletePolicyInput) validate() error { return validatePolicyID(in.PolicyId) }

func (in *DescribePolicyInput) validate() error { return validatePolicyID(in.PolicyId) }

func (in *ListTargetsForPolicyInput) validate() error {
	var c check
	c.id("PolicyId", in.PolicyId, warden.OrganizationPolicyRE, warden.ReasonInvalidSyntaxPolicyID)
	c.paging(in.paging)
	return c.err
}

func validatePolicyID(id *string) error {
	var c check
	c.id("PolicyId", id, warden.OrganizationPolicyRE, warden.ReasonInvalidSyntaxPolicyID)
	return c.err
}

func (in *ListPoliciesInput) validate() error {
	var c check
	c.policyType("Filter", in.Filter)
	c.paging(in.paging)
	return c.err
}

func (in *AttachPolicyInput) validate() error { return validateAttachment(in.PolicyId, in.TargetId) }

func (in *DetachPolicyInput) validate() error { return validateAttachment(in.PolicyId, in.TargetId) }

func validateAttachment(policyID, targetID *string) error {
	var c check
	c.id("PolicyId", policyID, warden.OrganizationPolicyRE, warden.ReasonInvalidSyntaxPolicyID)
	c.id("TargetId", targetID, targetIDRE, warden.ReasonInvalidPatternTargetID)
	return c.err
}

func (in *ListPoliciesForTargetInput) validate() error {
	var c check
	c.id("TargetId", in.TargetId, targetIDRE, warden.ReasonInvalidPatternTargetID)
	c.policyType("Filter", in.Filter)
	c.paging(in.paging)
	return c.err
}

func (in *RemoveAccountFromOrganizationInput) validate() error {
	var c check
	c.id("AccountId", in.AccountId, accountIDRE, warden.ReasonInvalidPattern)
	return c.err
}

func (in *UpdateOrganizationalUnitInput) validate() error {
	var c check
	c.id("OrganizationalUnitId", in.OrganizationalUnitId, warden.OrganizationalUnitRE, warden.ReasonInvalidPattern)
	return c.err
}

func (in *DeleteOrganizationalUnitInput) validate() error {
	var c check
	c.id("OrganizationalUnitId", in.OrganizationalUnitId, warden.OrganizationalUnitRE, warden.ReasonInvalidPattern)
	return c.err
}

// validate accepts only targets of type ACCOUNT: Warden's accounts have
// no email address to invite them by.
func (in *InviteAccountToOrganizationInput) validate() error {
	var c check
	if in.Target == nil {
		c.fail(warden.ReasonInputRequired, "You must specify a value for Target.")
		return c.err
	}
	if c.required("Target.Type", in.Target.Type) {
		c.enum("Target.Type", in.Target.Type, "ACCOUNT", "ORGANIZATION", "EMAIL")
		if c.err == nil && *in.Target.Type != "ACCOUNT" {
			c.fail(warden.ReasonInvalidPartyTypeTarget, "You specified the wrong type for the handshake's target: Warden invites accounts by their ID (type ACCOUNT).")
		}
	}
	c.id("Target.Id", in.Target.Id, accountIDRE, warden.ReasonInvalidPattern)
	return c.err
}

func validateHandshakeID(id *string) error {
	var c check
	c.id("HandshakeId", id, warden.HandshakeIDRE, warden.ReasonInvalidPattern)
	return c.err
}

func (in *AcceptHandshakeInput) validate() error { return validateHandshakeID(in.HandshakeId) }

func (in *DeclineHandshakeInput) validate() error { return validateHandshakeID(in.HandshakeId) }

func (in *CancelHandshakeInput) validate() error { return validateHandshakeID(in.HandshakeId) }

func (in *DescribeHandshakeInput) validate() error { return validateHandshakeID(in.HandshakeId) }

func validateHandshakeList(filter *HandshakeFilter, p paging) error {
	var c check
	if filter != nil {
		c.enum("Filter.ActionType", filter.ActionType, "INVITE", "ENABLE_ALL_FEATURES", "APPROVE_ALL_FEATURES", "ADD_ORGANIZATIONS_SERVICE_LINKED_ROLE")
		if filter.ParentHandshakeId != nil && !warden.HandshakeIDRE.MatchString(*filter.ParentHandshakeId) {
			c.fail(warden.ReasonInvalidPattern, "You specified an invalid value for Filter.ParentHandshakeId.")
		}
	}
	c.paging(p)
	return c.err
}

func (in *ListHandshakesForAccountInput) validate() error {
	return validateHandshakeList(in.Filter, in.paging)
}

func (in *ListHandshakesForOrganizationInput) validate() error {
	return validateHandshakeList(in.Filter, in.paging)
}

func (in *TagResourceInput) validate() error {
	var c check
	c.id("ResourceId", in.ResourceId, resourceIDRE, warden.ReasonInvalidPattern)
	if in.Tags == nil {
		c.fail(warden.ReasonInputRequired, "You must specify a value for Tags.")
	}
	return c.err
}

func (in *UntagResourceInput) validate() error {
	var c check
	c.id("ResourceId", in.ResourceId, resourceIDRE, warden.ReasonInvalidPattern)
	if in.TagKeys == nil {
		c.fail(warden.ReasonInputRequired, "You must specify a value for TagKeys.")
	}
	for _, k := range in.TagKeys {
		switch n := utf8.RuneCountInString(k); {
		case n < 1:
			c.fail(warden.ReasonMinLengthExceeded, "Each tag key must have at least 1 character.")
		case n > 128:
			c.fail(warden.ReasonMaxLengthExceeded, "Each tag key may have at most 128 characters.")
		}
	}
	return c.err
}

func (in *ListTagsForResourceInput) validate() error {
	var c check
	c.id("ResourceId", in.ResourceId, resourceIDRE, warden.ReasonInvalidPattern)
	return c.err
}

// policyKind is the policy language's kind for an organization policy
// type Warden serves.
func policyKind(t warden.OrganizationPolicyType) (policy.Kind, bool) {
	switch t {
	case warden.ServiceControlPolicy:
		return policy.KindSCP, true
	case warden.ResourceControlPolicy:
		return policy.KindRCP, true
	}
	return 0, false
}

// checkContent refuses a policy document as Organizations does when it is
// written: MalformedPolicyDocumentException with the validator's first
// grammar error and its position, under the rules of the policy's type
// (an SCP names no principal; an RCP only denies, to Principal "*"), and
// ConstraintViolationException (POLICY_CONTENT_LIMIT_EXCEEDED) past 5,120
// characters. Types Warden does not serve are left to the store, which
// refuses them.
func checkContent(content string, t warden.OrganizationPolicyType) error {
	kind, ok := policyKind(t)
	if !ok {
		return nil
	}
	if f, bad := validate.FirstError([]byte(content), kind); bad {
		where := fmt.Sprintf("%d:%d", f.Line, f.Column)
		if f.Path != "" {
			where += " " + f.Path
		}
		return warden.Errorf(warden.EMalformedPolicyDocumentException, "The provided policy document doesn't meet the requirements of the specified policy type: %s (at %s)", f.Message, where)
	}
	p, err := policy.Parse([]byte(content))
	if err != nil {
		// FirstError found nothing, so the parser cannot either.
		return &warden.Error{Code: warden.EMalformedPolicyDocumentException, Message: "The provided policy document doesn't meet the requirements of the specified policy type.", Err: err}
	}
	if p.Size > kind.SizeLimit() {
		return warden.ReasonErrorf(warden.EConstraintViolation, warden.ReasonPolicyContentLimitExceeded,
			"The policy content has %d characters; policies of this type may have at most %d.", p.Size, kind.SizeLimit())
	}
	return nil
}
