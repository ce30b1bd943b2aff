package identitystoreapi

import (
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/warden-iam/warden"
)

// Request validation: the members the model requires and its lengths and
// patterns, checked before anything else as AWS checks them. Identity
// Store reports the first problem as a ValidationException.

var (
	// userNameRE is the model's UserName pattern: letters, marks, symbols,
	// numbers and punctuation, no spaces.
	userNameRE = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)
	// sensitiveStringRE is SensitiveStringType's: the same, with tabs,
	// line breaks and spaces.
	sensitiveStringRE = regexp.MustCompile("^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\t\\n\\r \u00a0\u3000]+$")
	nextTokenRE       = regexp.MustCompile(`^[-a-zA-Z0-9+=/:_]*$`)
)

// ListUsers page bounds (the model's MaxResults).
const (
	minResults = 1
	maxResults = 100
)

// check keeps the first problem of a request.
type check struct{ err error }

func (c *check) fail(format string, args ...any) {
	if c.err == nil {
		c.err = warden.Errorf(warden.EValidationError, format, args...)
	}
}

// length checks a string member's length in characters.
func (c *check) length(member, v string, lo, hi int) bool {
	if n := utf8.RuneCountInString(v); n < lo || n > hi || !utf8.ValidString(v) {
		c.fail("Value at '%s' failed to satisfy constraint: Member must have length between %d and %d.", member, lo, hi)
		return false
	}
	return true
}

// pattern checks an optional string member's length and pattern.
func (c *check) pattern(member string, v *string, lo, hi int, re *regexp.Regexp) {
	if v == nil {
		return
	}
	if c.length(member, *v, lo, hi) && !re.MatchString(*v) {
		c.fail("Value at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s.", member, re)
	}
}

// sensitive checks an optional SensitiveStringType member.
func (c *check) sensitive(member string, v *string) {
	c.pattern(member, v, 1, 1024, sensitiveStringRE)
}

// storeID checks the required IdentityStoreId member.
func (c *check) storeID(v *string) {
	switch {
	case v == nil:
		c.fail("IdentityStoreId is required.")
	case c.length("identityStoreId", *v, 1, 36) && !warden.ValidIdentityStoreID(*v):
		c.fail("Value at 'identityStoreId' failed to satisfy constraint: Member must satisfy regular expression pattern: d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}.")
	}
}

// userID checks the required UserId member.
func (c *check) userID(v *string) {
	switch {
	case v == nil:
		c.fail("UserId is required.")
	case c.length("userId", *v, 1, 47) && !warden.ValidIdentityStoreUserID(*v):
		c.fail("Value at 'userId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}.")
	}
}

func (in *CreateUserInput) validate() error {
	var c check
	c.storeID(in.IdentityStoreId)
	// The model leaves UserName optional, but a user of IAM Identity
	// Center, whose directory this is, must have one: it is what the user
	// signs in with.
	if in.UserName == nil {
		c.fail("UserName is required.")
	}
	c.pattern("userName", in.UserName, 1, 128, userNameRE)
	if n := in.Name; n != nil {
		c.sensitive("name.formatted", n.Formatted)
		c.sensitive("name.familyName", n.FamilyName)
		c.sensitive("name.givenName", n.GivenName)
		c.sensitive("name.middleName", n.MiddleName)
		c.sensitive("name.honorificPrefix", n.HonorificPrefix)
		c.sensitive("name.honorificSuffix", n.HonorificSuffix)
	}
	for _, m := range []struct {
		member string
		v      *string
	}{
		{"displayName", in.DisplayName}, {"nickName", in.NickName}, {"profileUrl", in.ProfileUrl}, {"userType", in.UserType},
		{"title", in.Title}, {"preferredLanguage", in.PreferredLanguage}, {"locale", in.Locale}, {"timezone", in.Timezone},
	} {
		c.sensitive(m.member, m.v)
	}
	if in.Emails != nil && len(in.Emails) != 1 {
		c.fail("Value at 'emails' failed to satisfy constraint: Member must have length between 1 and 1.")
	}
	for i, e := range in.Emails {
		c.sensitive(fmt.Sprintf("emails.%d.member.value", i+1), e.Value)
		c.sensitive(fmt.Sprintf("emails.%d.member.type", i+1), e.Type)
	}
	if in.UserName != nil && c.err == nil {
		c.err = warden.CheckUserName(*in.UserName)
	}
	return c.err
}

func (in *DescribeUserInput) validate() error {
	var c check
	c.storeID(in.IdentityStoreId)
	c.userID(in.UserId)
	return c.err
}

func (in *DeleteUserInput) validate() error {
	var c check
	c.storeID(in.IdentityStoreId)
	c.userID(in.UserId)
	return c.err
}

func (in *ListUsersInput) validate() error {
	var c check
	c.storeID(in.IdentityStoreId)
	if in.MaxResults != nil && (*in.MaxResults < minResults || *in.MaxResults > maxResults) {
		c.fail("Value at 'maxResults' failed to satisfy constraint: Member must have value between %d and %d.", minResults, maxResults)
	}
	c.pattern("nextToken", in.NextToken, 1, 65535, nextTokenRE)
	if len(in.Filters) > 1 {
		c.fail("Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 1.")
	}
	for _, f := range in.Filters {
		switch {
		case f.AttributePath == nil || f.AttributeValue == nil:
			c.fail("A filter needs an AttributePath and an AttributeValue.")
		case *f.AttributePath != "UserName":
			// ListUsers filters on UserName only; its other attributes are
			// not unique.
			c.fail("Filtering users by %s is not supported; use UserName.", *f.AttributePath)
		default:
			c.sensitive("filters.1.member.attributeValue", f.AttributeValue)
		}
	}
	return c.err
}
