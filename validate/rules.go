package validate

import (
	"maps"
	"slices"
	"strings"
)

// Rule describes one issue code: its severity and what it is about.
type Rule struct {
	Code     string
	Severity Severity
	Summary  string
	// Warden is set for codes Access Analyzer has no equivalent for; they
	// are named by the same rule (the check's title in UPPER_SNAKE_CASE).
	Warden bool
}

// AccessAnalyzerChecksURL is the page that documents Access Analyzer's
// checks, which SARIF output links each rule to.
const AccessAnalyzerChecksURL = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"

// rules is every code the validator reports. Severities follow the
// Access Analyzer policy check reference.
var rules = map[string]Rule{}

func init() {
	add := func(sev Severity, warden bool, list [][2]string) {
		for _, r := range list {
			rules[r[0]] = Rule{Code: r[0], Severity: sev, Summary: r[1], Warden: warden}
		}
	}
	add(Error, false, [][2]string{
		// Grammar: what IAM itself refuses (reported by package policy).
		{"JSON_SYNTAX_ERROR", "The policy is not valid JSON."},
		{"INVALID_VERSION", "Version is not 2012-10-17 or 2008-10-17."},
		{"DATA_TYPE_MISMATCH", "An element has the wrong JSON type."},
		{"MISSING_STATEMENT", "The policy has no statement."},
		{"MISSING_EFFECT", "A statement has no Effect."},
		{"INVALID_EFFECT", "Effect is not exactly Allow or Deny."},
		{"MISSING_ACTION", "A statement has neither Action nor NotAction."},
		{"MISSING_RESOURCE", "A statement has neither Resource nor NotResource."},
		{"MISSING_PRINCIPAL", "A statement of a resource-based or trust policy names no principal."},
		{"UNSUPPORTED_ELEMENT_COMBINATION", "A statement has both an element and its Not form."},
		{"INVALID_POLICY_ELEMENT", "An element name is not part of the policy grammar."},
		{"UNSUPPORTED_PRINCIPAL", "A policy of this type cannot name principals."},
		{"INVALID_PRINCIPAL_FORMAT", "A principal is not written in a form IAM recognises."},
		{"INVALID_PRINCIPAL_KEY", "A principal type is not AWS, Service, Federated or CanonicalUser."},
		{"INVALID_ACTION", "An action does not exist, or a wildcard matches no action."},
		{"INVALID_SERVICE_IN_ACTION", "An action's service prefix does not exist."},
		{"INVALID_ARN_PREFIX", "A resource is neither * nor an ARN."},
		{"MISSING_ARN_FIELD", "An ARN has fewer than six colon-separated fields."},
		{"INVALID_CONDITION_OPERATOR", "A condition operator does not exist."},
		{"MISSING_BRACE_IN_VARIABLE", "A policy variable has no closing brace."},
		{"UNSUPPORTED_SID", "A Sid contains characters other than letters and digits."},
		{"UNIQUE_SIDS_REQUIRED", "Two statements share a Sid."},
		{"ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL", "A role trust policy uses NotPrincipal."},
		{"ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", "A role trust policy has Resource or NotResource."},
		{"RCP_SYNTAX_ERROR_NOTPRINCIPAL", "A resource control policy uses NotPrincipal."},
		{"RCP_SYNTAX_ERROR_PRINCIPAL", "A resource control policy statement's Principal is not \"*\"."},
		{"RCP_SYNTAX_ERROR_ALLOW", "A resource control policy statement allows."},
		{"SCP_SYNTAX_ERROR_PRINCIPAL", "A service control policy names principals."},
		{"POLICY_SIZE_EXCEEDS_SCP_QUOTA", "The service control policy is larger than Organizations allows."},
		{"POLICY_SIZE_EXCEEDS_RCP_QUOTA", "The resource control policy is larger than Organizations allows."},

		// Names that do not exist.
		{"INVALID_SERVICE", "A condition key or resource ARN names a service that does not exist."},
		{"INVALID_GLOBAL_CONDITION_KEY", "An aws: condition key does not exist."},
		{"INVALID_SERVICE_CONDITION_KEY", "A service's condition key does not exist."},
		{"INVALID_CONDITION_KEY_FORMAT", "A condition key is not of the form prefix:name."},
		{"MISSING_TAG_KEY_IN_CONDITION", "A tag condition key has no /tag-key part."},

		// ARNs.
		{"INVALID_ARN_RESOURCE", "An ARN's resource part names no resource type of its service."},
		{"INVALID_PARTITION", "An ARN's partition does not exist."},
		{"INVALID_ARN_ACCOUNT", "An ARN's account is not a 12-digit account ID."},
		{"INVALID_ARN_REGION", "An ARN's region is not a region name."},
		{"INVALID_ARN_SERVICE_CASE", "An ARN's service is not in lower case."},
		{"MISSING_ARN_REGION", "An ARN has no region where its resource type needs one."},
		{"ARN_REGION_NOT_ALLOWED", "An ARN has a region where its resource type has none."},
		{"ARN_ACCOUNT_NOT_ALLOWED", "An ARN has an account where its resource type has none."},

		// Principals.
		{"UNSUPPORTED_WILDCARD_IN_PRINCIPAL", "A principal ARN has a partial wildcard."},
		{"ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", "A role trust policy principal has a partial wildcard."},
		{"INVALID_SERVICE_PRINCIPAL_FORMAT", "A service principal is not of the form name.amazonaws.com."},
		{"FEDERATED_PRINCIPAL_NOT_SUPPORTED", "A Federated principal appears outside a role trust policy."},
		{"INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY", "A Federated principal is neither an identity provider ARN nor a known web identity provider."},
		{"MISMATCHED_ACTION_FOR_PRINCIPAL", "A trust statement's actions do not suit its principal type."},
		{"MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY", "A trust policy for IAM Roles Anywhere lacks a required action."},
		{"UNSUPPORTED_ACTION_IN_POLICY", "An action cannot apply to the resource this policy is attached to."},

		// Conditions.
		{"INVALID_CONDITION_DATA_TYPE", "A condition value cannot be read as its operator's type."},
		{"INVALID_CONDITION_MULTIPLE_BOOLEAN", "A Bool condition lists several values."},
		{"DUPLICATE_KEYS_WITH_DIFFERENT_CASE", "One operator tests the same key twice, written in different case."},
		{"NULL_WITH_IF_EXISTS", "The Null operator is used with IfExists."},
		{"INVALID_VARIABLE_FOR_OPERATOR", "A policy variable is used with an operator that does not substitute variables."},
		{"MISSING_QUOTE_IN_VARIABLE", "A policy variable's default value is not in single quotes."},
		{"UNSUPPORTED_SPACE_IN_VARIABLE", "A policy variable's key contains a space."},
		{"EMPTY_VARIABLE", "A policy variable names no key."},
		{"VARIABLE_UNSUPPORTED_IN_ELEMENT", "A policy variable appears where IAM does not substitute variables."},
		{"VARIABLE_UNSUPPORTED_IN_VERSION", "A policy variable appears in a policy whose Version does not support variables."},
		{"PRIVATE_IP_ADDRESS", "aws:SourceIp is tested only against private addresses, which it never holds."},
		{"PRIVATE_NOT_IP_ADDRESS", "aws:SourceIp is excluded only from private addresses, which it never holds."},
		{"INVALID_REGION", "A region condition value is not a region name."},
		{"INVALID_VPC_FORMAT", "A VPC condition value is not a VPC ID."},
		{"INVALID_VPCE_FORMAT", "A VPC endpoint condition value is not a VPC endpoint ID."},
	})
	add(Error, true, [][2]string{
		{"INVALID_ACCOUNT_ID_FORMAT", "An account condition value is not a 12-digit account ID."},
	})
	add(SecurityWarning, false, [][2]string{
		{"ALLOW_WITH_NOT_PRINCIPAL", "An Allow statement uses NotPrincipal."},
		{"FOR_ALL_VALUES_WITH_SINGLE_VALUED_KEY", "ForAllValues is used with a single-valued key."},
		{"PASS_ROLE_WITH_STAR_IN_RESOURCE", "iam:PassRole is allowed on every role."},
		{"PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", "A wildcard action allows iam:PassRole on every role."},
		{"PASS_ROLE_WITH_NOT_RESOURCE", "iam:PassRole is allowed with NotResource."},
		{"PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", "A wildcard action allows iam:PassRole with NotResource."},
		{"PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", "NotAction allows iam:PassRole on every role."},
		{"PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE", "NotAction with NotResource allows iam:PassRole."},
		{"MISSING_PAIRED_CONDITION_KEYS", "A condition key is used without the key it must be paired with."},
		{"DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", "A Deny depends on a tag key that some of its services never set."},
		{"DENY_NOT_ACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", "A Deny with NotAction depends on a tag key that many services never set."},
		{"RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "A service principal is allowed without aws:SourceArn, aws:SourceAccount or aws:SourceOrgID."},
		{"MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL", "An OIDC principal is trusted without conditions on its claims."},
		{"MISSING_GITHUB_REPO_CONDITION_KEY", "GitHub's OIDC provider is trusted without a condition on the repository."},
	})
	add(SecurityWarning, true, [][2]string{
		{"ALLOW_WITH_NOT_ACTION", "An Allow statement uses NotAction."},
		{"ALLOW_WITH_NOT_RESOURCE", "An Allow statement uses NotResource."},
	})
	// Errors for Access Analyzer, warnings here: which actions carry which
	// key, and which keys are multivalued, are the Service Authorization
	// Reference's knowledge, which lags what services do; AWS's own managed
	// policies rely on keys it does not list for their actions. A plain
	// operator on a multivalued key still matches a request carrying one
	// value.
	add(Warning, false, [][2]string{
		{"MISSING_ACTION_FOR_CONDITION_KEY", "No action of the statement carries the condition key."},
		{"UNSUPPORTED_ACTION_FOR_CONDITION_KEY", "Some actions of the statement never carry the condition key."},
		{"MISSING_QUALIFIER", "A multivalued key is tested without ForAllValues or ForAnyValue."},
	})
	add(Warning, false, [][2]string{
		{"MISSING_VERSION", "The policy has no Version."},
		{"UNIQUE_SIDS_RECOMMENDED", "Two statements share a Sid."},
		{"WILDCARD_WITHOUT_LIKE_OPERATOR", "A condition value has a wildcard, but its operator compares literally."},
		{"TYPE_MISMATCH", "The operator's type does not suit the condition key."},
		{"TYPE_MISMATCH_BOOLEAN", "A Boolean condition key is tested with a non-Boolean operator."},
		{"TYPE_MISMATCH_DATE", "A date condition key is tested with a non-date operator."},
		{"TYPE_MISMATCH_IP_RANGE", "An IP address condition key is tested with a non-IP operator."},
		{"TYPE_MISMATCH_NUMBER", "A numeric condition key is tested with a non-numeric operator."},
		{"TYPE_MISMATCH_STRING", "A string condition key is tested with a non-string operator."},
		{"INVALID_DATE_VALUE", "A date condition value is given in epoch seconds."},
		{"INVALID_ROLE_REFERENCE", "A principal names a role by its unique ID."},
		{"INVALID_USER_REFERENCE", "A principal names a user by its unique ID."},
		{"CREATE_SLR_WITH_STAR_IN_RESOURCE", "iam:CreateServiceLinkedRole is allowed for every service."},
		{"CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE", "A wildcard action allows iam:CreateServiceLinkedRole for every service."},
		{"CREATE_SLR_WITH_NOT_RESOURCE", "iam:CreateServiceLinkedRole is allowed with NotResource."},
		{"CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", "A wildcard action allows iam:CreateServiceLinkedRole with NotResource."},
		{"CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", "NotAction allows iam:CreateServiceLinkedRole for every service."},
		{"CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE", "NotAction with NotResource allows iam:CreateServiceLinkedRole."},
		{"POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", "The policy is larger than IAM allows for identity policies."},
		{"POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA", "The policy is larger than resource-based policies usually may be."},
		{"POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA", "The policy is larger than IAM allows for role trust policies by default."},
		{"SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED", "GitHub's OIDC subject is matched with a wildcard."},
	})
	add(Warning, true, [][2]string{
		{"ACTION_REQUIRES_STAR_RESOURCE", "An action supports only \"Resource\": \"*\", but the statement lists only specific resources."},
		{"MISMATCHED_RESOURCE_FOR_ACTION", "No resource of the statement is of a type its action can be authorized against."},
	})
	add(Suggestion, false, [][2]string{
		{"EMPTY_ARRAY_ACTION", "Action is an empty list."},
		{"EMPTY_ARRAY_RESOURCE", "Resource is an empty list."},
		{"EMPTY_ARRAY_PRINCIPAL", "A principal type has an empty list."},
		{"EMPTY_OBJECT_PRINCIPAL", "Principal is an empty object."},
		{"EMPTY_ARRAY_CONDITION", "A condition key has an empty list of values."},
		{"EMPTY_ARRAY_CONDITION_FOR_ALL_VALUES", "A ForAllValues condition key has an empty list of values."},
		{"EMPTY_ARRAY_CONDITION_FOR_ANY_VALUE", "A ForAnyValue condition key has an empty list of values."},
		{"EMPTY_ARRAY_CONDITION_IF_EXISTS", "An IfExists condition key has an empty list of values."},
		{"EMPTY_OBJECT_CONDITION", "Condition, or one of its operators, is an empty object."},
		{"EMPTY_SID_VALUE", "Sid is an empty string."},
		{"IMPROVE_IP_RANGE", "A CIDR range has host bits set."},
		{"NULL_WITH_QUALIFIER", "The Null operator is used with ForAllValues or ForAnyValue."},
		{"PRIVATE_IP_ADDRESS_SUBSET", "aws:SourceIp is tested against some private addresses, which it never holds."},
		{"PRIVATE_NOT_IP_ADDRESS_SUBSET", "aws:SourceIp is excluded from some private addresses, which it never holds."},
		{"REDUNDANT_ACTION", "An action is covered by another action of the statement."},
		{"REDUNDANT_RESOURCE", "A resource is covered by another resource of the statement."},
		{"REDUNDANT_STATEMENT", "A statement repeats an earlier one."},
		{"REDUNDANT_CONDITION_VALUE_NUM", "An ordering comparison lists several values, of which one decides."},
		{"ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", "An Allow depends on a tag key that some of its services never set."},
		{"ALLOW_NOT_ACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", "An Allow with NotAction depends on a tag key that many services never set."},
		{"REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY", "A trust policy names a principal twice, or next to \"*\"."},
	})
	add(Suggestion, true, [][2]string{
		{"ACTION_NOT_IN_SERVICE_REFERENCE", "An action is documented outside the Service Authorization Reference."},
		{"MISSING_REQUIRED_RESOURCE_TYPE", "An action has several required resource types, and the policy allows it on ARNs of only some."},
		{"FOR_ANY_VALUE_WITH_SINGLE_VALUED_KEY", "ForAnyValue is used with a single-valued key."},
	})
}

// Rules returns every rule the validator reports, sorted by code.
func Rules() []Rule {
	return slices.SortedFunc(maps.Values(rules), func(a, b Rule) int { return strings.Compare(a.Code, b.Code) })
}

// RuleFor returns the rule of an issue code.
func RuleFor(code string) (Rule, bool) {
	r, ok := rules[code]
	return r, ok
}
