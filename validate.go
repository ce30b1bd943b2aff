package warden

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Input constraints from the IAM API model (the length, range and pattern
// traits of its shapes). The protocol layer checks them too, before a
// request reaches a store; stores check them again so that no caller can put
// an entity into a state IAM itself would refuse.

// Patterns as the model writes them; the messages quote them this way.
const (
	entityNamePattern  = `[\w+=,.@-]+`
	pathPattern        = `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`
	policyPathPattern  = `((/[A-Za-z0-9\.,\+@=_-]+)*)/`
	tagKeyPattern      = `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`
	tagValuePattern    = `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`
	accountAliasPat    = `^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`
	accountIDPattern   = `^\d{12}$`
	documentPattern    = `[\u0009\u000A\u000D\u0020-\u00FF]+`
	descriptionPattern = `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`
	passwordPattern    = `[\u0009\u000A\u000D\u0020-\u00FF]+`
	versionIDPattern   = `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`
)

var (
	entityNameRE  = regexp.MustCompile(`^[\w+=,.@-]+$`)
	pathRE        = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
	policyPathRE  = regexp.MustCompile(`^(/[A-Za-z0-9.,+@=_-]+)*/$`)
	tagKeyRE      = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	tagValueRE    = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	accountIDRE   = regexp.MustCompile(`^[0-9]{12}$`)
	documentRE    = regexp.MustCompile("^[\t\n\r\u0020-\u00FF]+$")
	descriptionRE = regexp.MustCompile("^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$")
	passwordRE    = documentRE
	versionIDRE   = regexp.MustCompile(`^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$`)
)

// validator collects constraint violations and reports them the way AWS's
// request validation does: "2 validation errors detected: Value 'x' at
// 'userName' failed to satisfy constraint: …; …".
type validator struct{ problems []string }

func (v *validator) fail(value, member, constraint string) {
	v.problems = append(v.problems, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint))
}

// length checks that s has between minLen and maxLen characters.
func (v *validator) length(member, s string, minLen, maxLen int) bool {
	n := utf8.RuneCountInString(s)
	switch {
	case n < minLen:
		v.fail(s, member, fmt.Sprintf("Member must have length greater than or equal to %d", minLen))
	case n > maxLen:
		v.fail(s, member, fmt.Sprintf("Member must have length less than or equal to %d", maxLen))
	default:
		return true
	}
	return false
}

// match checks s against re, quoting the model's pattern text on failure.
func (v *validator) match(member, s string, re *regexp.Regexp, pattern string) {
	if !re.MatchString(s) {
		v.fail(s, member, "Member must satisfy regular expression pattern: "+pattern)
	}
}

// field checks a length and a pattern, skipping the pattern when the length
// is already wrong (AWS reports one problem per member).
func (v *validator) field(member, s string, minLen, maxLen int, re *regexp.Regexp, pattern string) {
	if v.length(member, s, minLen, maxLen) && re != nil {
		v.match(member, s, re, pattern)
	}
}

func (v *validator) err() error {
	switch len(v.problems) {
	case 0:
		return nil
	case 1:
		return Errorf(EValidationError, "1 validation error detected: %s", v.problems[0])
	default:
		return Errorf(EValidationError, "%d validation errors detected: %s", len(v.problems), strings.Join(v.problems, "; "))
	}
}

func (v *validator) userName(member, s string) {
	v.field(member, s, 1, 64, entityNameRE, entityNamePattern)
}
func (v *validator) groupName(member, s string) {
	v.field(member, s, 1, 128, entityNameRE, entityNamePattern)
}
func (v *validator) roleName(member, s string) {
	v.field(member, s, 1, 64, entityNameRE, entityNamePattern)
}
func (v *validator) policyName(member, s string) {
	v.field(member, s, 1, 128, entityNameRE, entityNamePattern)
}
func (v *validator) path(member, s string) {
	v.field(member, s, 1, 512, pathRE, pathPattern)
}
func (v *validator) document(member, s string) {
	v.field(member, s, 1, 131072, documentRE, documentPattern)
}

// arn checks the length the model allows for ARNs (arnType).
func (v *validator) arn(member, s string) { v.length(member, s, 20, 2048) }

func (v *validator) tags(member string, tags []Tag) {
	if len(tags) > 50 {
		v.fail(fmt.Sprint(tags), member, "Member must have length less than or equal to 50")
	}
	for _, t := range tags {
		v.field(member+".member.key", t.Key, 1, 128, tagKeyRE, tagKeyPattern)
		v.field(member+".member.value", t.Value, 0, 256, tagValueRE, tagValuePattern)
	}
}

func (v *validator) tagKeys(member string, keys []string) {
	if len(keys) > 50 {
		v.fail(fmt.Sprint(keys), member, "Member must have length less than or equal to 50")
	}
	for _, k := range keys {
		v.field(member+".member", k, 1, 128, tagKeyRE, tagKeyPattern)
	}
}

// validateNames is the check for methods that only name an entity.
func validateNames(check func(v *validator)) error {
	var v validator
	check(&v)
	return v.err()
}

// ValidateUserName checks a user name (userNameType: 1–64 characters of
// letters, digits and +=,.@_-).
func ValidateUserName(name string) error {
	return validateNames(func(v *validator) { v.userName("userName", name) })
}

// ValidateGroupName checks a group name (groupNameType: 1–128 characters).
func ValidateGroupName(name string) error {
	return validateNames(func(v *validator) { v.groupName("groupName", name) })
}

// ValidateRoleName checks a role name (roleNameType: 1–64 characters).
func ValidateRoleName(name string) error {
	return validateNames(func(v *validator) { v.roleName("roleName", name) })
}

// ValidatePolicyName checks a managed or inline policy name
// (policyNameType: 1–128 characters).
func ValidatePolicyName(name string) error {
	return validateNames(func(v *validator) { v.policyName("policyName", name) })
}

// ValidateTags checks a tag list (at most 50 tags; keys 1–128 and values
// 0–256 characters of letters, digits, spaces and _.:/=+-@) and that no key
// repeats, compared without regard to case as AWS's message says.
func ValidateTags(tags []Tag) error {
	var v validator
	v.tags("tags", tags)
	if err := v.err(); err != nil {
		return err
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return Errorf(EInvalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
	}
	return nil
}

// ValidateTagKeys checks the key list of an untag request.
func ValidateTagKeys(keys []string) error {
	return validateNames(func(v *validator) { v.tagKeys("tagKeys", keys) })
}

// ValidateAccountID checks a 12-digit AWS account ID.
func ValidateAccountID(id string) error {
	if !accountIDRE.MatchString(id) {
		var v validator
		v.fail(id, "accountId", "Member must satisfy regular expression pattern: "+accountIDPattern)
		return v.err()
	}
	return nil
}

// ValidateAccountAlias checks an account alias (accountAliasType: 3–63
// lower-case letters, digits and single hyphens, not at either end). Go's
// regexp has no lookahead, so the no-double-hyphen rule is checked apart.
func ValidateAccountAlias(alias string) error {
	var v validator
	if v.length("accountAlias", alias, 3, 63) {
		ok := alias[0] != '-' && alias[len(alias)-1] != '-' && !strings.Contains(alias, "--")
		for _, c := range alias {
			ok = ok && (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')
		}
		if !ok {
			v.fail(alias, "accountAlias", "Member must satisfy regular expression pattern: "+accountAliasPat)
		}
	}
	return v.err()
}

// ValidatePolicyVersionID checks a policy version ID ("v1", "v2", …).
func ValidatePolicyVersionID(id string) error {
	return validateNames(func(v *validator) { v.match("versionId", id, versionIDRE, versionIDPattern) })
}

// ValidatePolicyARN checks that arn is an IAM managed policy ARN
// (arn:aws:iam::ACCOUNT:policy/PATH/NAME) and returns it parsed.
//
// Returns ValidationError for a length outside 20–2048 and InvalidInput
// ("ARN x is not valid.") for anything that is not a policy ARN.
func ValidatePolicyARN(arn string) (ARN, error) {
	if err := validateNames(func(v *validator) { v.arn("policyArn", arn) }); err != nil {
		return ARN{}, err
	}
	a, err := ParseARN(arn)
	if err != nil {
		return ARN{}, err
	}
	if typ, _, _, ok := a.IAMResource(); !ok || typ != "policy" || a.Partition != Partition || a.Region != "" {
		return ARN{}, Errorf(EInvalidInput, "ARN %s is not valid.", arn)
	}
	return a, nil
}

// ValidatePassword checks a console password against the model's
// constraints (1–128 characters of tab, newline and Latin-1). Password
// policies are a separate, account-level check. The message never quotes
// the password: the model marks it sensitive.
func ValidatePassword(password string) error {
	constraint := ""
	switch n := utf8.RuneCountInString(password); {
	case n < 1:
		constraint = "Member must have length greater than or equal to 1"
	case n > 128:
		constraint = "Member must have length less than or equal to 128"
	case !passwordRE.MatchString(password):
		constraint = "Member must satisfy regular expression pattern: " + passwordPattern
	default:
		return nil
	}
	return Errorf(EValidationError, "1 validation error detected: Value at 'password' failed to satisfy constraint: %s", constraint)
}

// PolicySize returns the size IAM counts against its policy quotas: the
// number of characters that are not white space (IAM User Guide, "IAM and
// AWS STS quotas": "IAM doesn't count white space when calculating the size
// of a policy against these limits").
func PolicySize(document string) int {
	n := 0
	for _, r := range document {
		switch r {
		case ' ', '\t', '\n', '\r':
		default:
			n++
		}
	}
	return n
}
