package warden

// The errors of AWS Organizations: its codes, the reasons some of them
// carry, and the answers the store and the protocol layer share.

// Organizations error codes (AWS Organizations API Reference, the errors of
// each operation). Where the code ends in "Exception" only to differ from an
// IAM code of the same name, the constant keeps the suffix.
const (
	EAWSOrganizationsNotInUse         = "AWSOrganizationsNotInUseException"
	EAlreadyInOrganization            = "AlreadyInOrganizationException"
	EConstraintViolation              = "ConstraintViolationException"
	EInvalidInputException            = "InvalidInputException"
	EMalformedPolicyDocumentException = "MalformedPolicyDocumentException"
	EAccountNotFound                  = "AccountNotFoundException"
	ECreateAccountStatusNotFound      = "CreateAccountStatusNotFoundException"
	EParentNotFound                   = "ParentNotFoundException"
	ESourceParentNotFound             = "SourceParentNotFoundException"
	EDestinationParentNotFound        = "DestinationParentNotFoundException"
	ERootNotFound                     = "RootNotFoundException"
	ETargetNotFound                   = "TargetNotFoundException"
	EPolicyNotFound                   = "PolicyNotFoundException"
	EPolicyNotAttached                = "PolicyNotAttachedException"
	EPolicyInUse                      = "PolicyInUseException"
	EDuplicateAccount                 = "DuplicateAccountException"
	EDuplicateOrganizationalUnit      = "DuplicateOrganizationalUnitException"
	EDuplicatePolicy                  = "DuplicatePolicyException"
	EDuplicatePolicyAttachment        = "DuplicatePolicyAttachmentException"
	EPolicyTypeAlreadyEnabled         = "PolicyTypeAlreadyEnabledException"
	EPolicyTypeNotEnabled             = "PolicyTypeNotEnabledException"
	EPolicyTypeNotAvailable           = "PolicyTypeNotAvailableForOrganizationException"
	EOrganizationNotEmpty             = "OrganizationNotEmptyException"
	EOrganizationalUnitNotFound       = "OrganizationalUnitNotFoundException"
	EOrganizationalUnitNotEmpty       = "OrganizationalUnitNotEmptyException"
	EMasterCannotLeaveOrganization    = "MasterCannotLeaveOrganizationException"
	EHandshakeNotFound                = "HandshakeNotFoundException"
	EHandshakeAlreadyInState          = "HandshakeAlreadyInStateException"
	EInvalidHandshakeTransition       = "InvalidHandshakeTransitionException"
	EHandshakeConstraintViolation     = "HandshakeConstraintViolationException"
	EDuplicateHandshake               = "DuplicateHandshakeException"
)

// Reasons of ConstraintViolationException and InvalidInputException used by
// Warden (the ConstraintViolationExceptionReason and
// InvalidInputExceptionReason enums).
const (
	ReasonPolicyContentLimitExceeded = "POLICY_CONTENT_LIMIT_EXCEEDED"
	ReasonPolicyNumberLimitExceeded  = "POLICY_NUMBER_LIMIT_EXCEEDED"
	ReasonMaxAttachmentsExceeded     = "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"
	ReasonMinAttachmentsExceeded     = "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"
	ReasonOUDepthLimitExceeded       = "OU_DEPTH_LIMIT_EXCEEDED"
	ReasonInputRequired              = "INPUT_REQUIRED"
	ReasonInvalidPattern             = "INVALID_PATTERN"
	ReasonInvalidPatternTargetID     = "INVALID_PATTERN_TARGET_ID"
	ReasonInvalidSyntaxPolicyID      = "INVALID_SYNTAX_POLICY_ID"
	ReasonInvalidEnum                = "INVALID_ENUM"
	ReasonInvalidEnumPolicyType      = "INVALID_ENUM_POLICY_TYPE"
	ReasonMaxLengthExceeded          = "MAX_LENGTH_EXCEEDED"
	ReasonMinLengthExceeded          = "MIN_LENGTH_EXCEEDED"
	ReasonMaxValueExceeded           = "MAX_VALUE_EXCEEDED"
	ReasonMinValueExceeded           = "MIN_VALUE_EXCEEDED"
	ReasonInvalidNextToken           = "INVALID_NEXT_TOKEN"
	ReasonInvalidRoleName            = "INVALID_ROLE_NAME"
	ReasonDuplicateTagKey            = "DUPLICATE_TAG_KEY"
	ReasonImmutablePolicy            = "IMMUTABLE_POLICY"
	ReasonNonDetachablePolicy        = "NON_DETACHABLE_POLICY"
	ReasonInvalidPartyTypeTarget     = "INVALID_PARTY_TYPE_TARGET"
	ReasonMaxTagLimitExceeded        = "MAX_TAG_LIMIT_EXCEEDED"
	ReasonAlreadyInAnOrganization    = "ALREADY_IN_AN_ORGANIZATION"
)

// ReasonError is a domain error that carries, beside its code and message,
// the Reason member some AWS errors have (Organizations'
// ConstraintViolationException and InvalidInputException). It unwraps to
// the *Error, so ErrorCode and ErrorMessage read it like any other.
type ReasonError struct {
	Reason string
	Err    *Error
}

func (e *ReasonError) Error() string { return e.Err.Error() + " (" + e.Reason + ")" }

func (e *ReasonError) Unwrap() error { return e.Err }

// ReasonErrorf returns a *ReasonError with the given code, reason and
// formatted message.
func ReasonErrorf(code, reason, format string, args ...any) error {
	return &ReasonError{Reason: reason, Err: Errorf(code, format, args...)}
}

// ErrNotInOrganization is Organizations' answer to an account that belongs
// to no organization.
func ErrNotInOrganization() error {
	return Errorf(EAWSOrganizationsNotInUse, "Your account is not a member of an organization.")
}

// ErrManagementOnly is Organizations' answer to a member account calling an
// operation only the management account may call.
func ErrManagementOnly() error {
	return Errorf(EAccessDenied, "You don't have permissions to access this resource.")
}

// Not-found answers, in Organizations' words, which the store and the
// protocol layer share.

func ErrAccountNotFound() error {
	return Errorf(EAccountNotFound, "We can't find an AWS account with the AccountId that you specified, or the account whose credentials you used to make this request isn't a member of an organization.")
}

func ErrPolicyNotFound() error {
	return Errorf(EPolicyNotFound, "We can't find a policy with the PolicyId that you specified.")
}

func ErrTargetNotFound() error {
	return Errorf(ETargetNotFound, "We can't find a root, OU, account, or policy with the TargetId that you specified.")
}

func ErrParentNotFound() error {
	return Errorf(EParentNotFound, "We can't find a root or OU with the ParentId that you specified.")
}

func ErrRootNotFound() error {
	return Errorf(ERootNotFound, "We can't find a root with the RootId that you specified.")
}

func ErrOrganizationalUnitNotFound() error {
	return Errorf(EOrganizationalUnitNotFound, "We can't find an OU with the OrganizationalUnitId that you specified.")
}
