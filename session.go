package warden

import (
	"context"
	"crypto/sha256"
	"slices"
	"strings"
	"time"
)

// STS error codes (awsQueryError codes of the STS model). The codes common
// to every service (AccessDenied, ExpiredToken, ValidationError, …) are in
// error.go.
const (
	EPackedPolicyTooLarge        = "PackedPolicyTooLarge"
	EExpiredTokenException       = "ExpiredTokenException"
	EInvalidAuthorizationMessage = "InvalidAuthorizationMessageException"
	EIDPRejectedClaim            = "IDPRejectedClaim"
	EInvalidIdentityToken        = "InvalidIdentityToken"
	EIDPCommunicationError       = "IDPCommunicationError"
)

// SessionKind says which STS operation issued a session; each gives its
// session a different principal ("Compare AWS STS credentials", IAM User
// Guide).
type SessionKind string

const (
	// SessionAssumedRole is a role session (AssumeRole,
	// AssumeRoleWithWebIdentity, a service assuming a role): the principal
	// is arn:aws:sts::A:assumed-role/ROLE/SESSION acting with the role's
	// policies.
	SessionAssumedRole SessionKind = "AssumedRole"
	// SessionFederatedUser is a GetFederationToken session: the principal
	// is arn:aws:sts::A:federated-user/NAME acting with the intersection of
	// the issuing user's policies and the session policies.
	SessionFederatedUser SessionKind = "FederatedUser"
	// SessionToken is a GetSessionToken session: the same user (or root
	// user) as the long-term key that asked for it, possibly with MFA.
	SessionToken SessionKind = "SessionToken"
)

// Session durations, in seconds, from the STS API Reference
// (DurationSeconds of AssumeRole, GetSessionToken and GetFederationToken)
// and "Role chaining" in the IAM User Guide.
const (
	MinSessionDuration          = 900
	DefaultRoleSessionDuration  = 3600
	RoleChainingMaxDuration     = 3600
	DefaultUserSessionDuration  = 43200
	MaxUserSessionDuration      = 129600
	RootUserSessionMaxDuration  = 3600
	MaxSessionTags              = 50
	MaxSessionPolicyARNs        = 10
	SessionPolicyPlaintextLimit = 2048
)

// SessionPolicy is one session policy as the session keeps it: the inline
// policy passed in Policy, or a managed policy passed in PolicyArns as its
// default version read when the session was issued.
type SessionPolicy struct {
	// Name is the managed policy's ARN, or InlineSessionPolicy.
	Name     string
	Document string
}

// InlineSessionPolicy names the inline session policy in explanations.
const InlineSessionPolicy = "inline session policy"

// Session is a set of temporary credentials and what they stand for.
// Stores keep the secret sealed and only a SHA-256 digest of the token: the
// token is shown once, in the result of CreateSession, and a stolen
// database cannot be replayed as a session.
type Session struct {
	AccessKeyID string // ASIA…
	// SecretAccessKey is set in the results of CreateSession and of the
	// request-path lookup (AuthorizationSource.AccessKey).
	SecretAccessKey string
	// Token is set only in the result of CreateSession.
	Token string
	// TokenSHA256 is the digest of Token a request's token is compared
	// with.
	TokenSHA256 [sha256.Size]byte
	Kind        SessionKind
	AccountID   string
	// Parent is the long-term identity behind the session: the role of a
	// role session, the IAM user (or root user) that called
	// GetFederationToken or GetSessionToken. Its Session is nil.
	Parent Principal
	// Name is the role session name or the federated user's name; empty
	// for SessionToken sessions.
	Name string
	// SourceIdentity is set once and kept through role chaining
	// (aws:SourceIdentity).
	SourceIdentity string
	// Tags are the session tags (aws:PrincipalTag/*, over the parent's
	// tags with the same key); TransitiveTagKeys name those a role chained
	// from this session inherits.
	Tags              []Tag
	TransitiveTagKeys []string
	// Policies are the session policies; a role or federated user session
	// without any has none, which for a federated user means no
	// permissions.
	Policies []SessionPolicy
	// MFAAuthenticatedAt is when MFA was verified for the session; zero
	// without MFA.
	MFAAuthenticatedAt time.Time
	IssuedAt           time.Time
	Expires            time.Time
	// FederatedProvider is the identity provider that authenticated a web
	// identity session (aws:FederatedProvider); empty otherwise.
	FederatedProvider string
	// ContextKeys are the condition keys trusted context providers set
	// through AssumeRole's ProvidedContexts (identitystore:UserId, …);
	// nil without.
	ContextKeys map[string]string
}

// ARN returns the ARN the session acts as in resource-based policies and
// GetCallerIdentity.
func (s *Session) ARN() string {
	switch s.Kind {
	case SessionAssumedRole:
		return AssumedRoleARN(s.AccountID, s.Parent.Name, s.Name)
	case SessionFederatedUser:
		return FederatedUserARN(s.AccountID, s.Name)
	}
	return s.Parent.ARN
}

// UserID returns the session's aws:userid: ROLEID:SESSION for a role
// session, ACCOUNT:NAME for a federated user, the parent's ID for a
// GetSessionToken session ("Principal key values", IAM User Guide).
func (s *Session) UserID() string {
	switch s.Kind {
	case SessionAssumedRole:
		return s.Parent.ID + ":" + s.Name
	case SessionFederatedUser:
		return s.AccountID + ":" + s.Name
	}
	return s.Parent.ID
}

// Principal returns the principal that signs with the session's
// credentials.
func (s *Session) Principal() *Principal {
	p := &Principal{AccountID: s.AccountID, ARN: s.ARN(), ID: s.UserID(), Session: s}
	switch s.Kind {
	case SessionAssumedRole:
		p.Kind, p.Name = PrincipalAssumedRole, s.Name
	case SessionFederatedUser:
		p.Kind, p.Name = PrincipalFederatedUser, s.Name
	default:
		p.Kind, p.Name, p.Path = s.Parent.Kind, s.Parent.Name, s.Parent.Path
	}
	return p
}

// TransitiveTags returns the session tags a role chained from this session
// inherits.
func (s *Session) TransitiveTags() []Tag {
	var out []Tag
	for _, t := range s.Tags {
		if slices.ContainsFunc(s.TransitiveTagKeys, func(k string) bool { return strings.EqualFold(k, t.Key) }) {
			out = append(out, t)
		}
	}
	return out
}

// AssumedRoleARN returns the ARN of a role session. It names the role
// without its path, as STS does.
func AssumedRoleARN(account, roleName, sessionName string) string {
	return "arn:" + Partition + ":sts::" + account + ":assumed-role/" + roleName + "/" + sessionName
}

// FederatedUserARN returns the ARN of a GetFederationToken session.
func FederatedUserARN(account, name string) string {
	return "arn:" + Partition + ":sts::" + account + ":federated-user/" + name
}

// IsTemporaryAccessKeyID reports whether id names temporary credentials.
func IsTemporaryAccessKeyID(id string) bool { return strings.HasPrefix(id, PrefixTemporaryKey) }

// NewTemporaryAccessKeyID returns a fresh ASIA… access key ID.
func NewTemporaryAccessKeyID() string { return PrefixTemporaryKey + randomString(uniqueIDAlphabet, 16) }

// sessionTokenLength is the length of a session token: 88 characters of
// base64's alphabet, 528 random bits.
const sessionTokenLength = 88

// NewSessionToken returns a fresh, unguessable session token.
func NewSessionToken() string { return randomString(secretAlphabet, sessionTokenLength) }

// SessionTokenDigest is what stores keep of a session token.
func SessionTokenDigest(token string) [sha256.Size]byte { return sha256.Sum256([]byte(token)) }

// CreateSessionInput describes a session to issue. The caller (the STS
// API) has authorized it and checked its parameters against the rules of
// the operation.
type CreateSessionInput struct {
	Kind SessionKind
	// Parent is the role, user or root user the session stands for; its
	// ID identifies it in the store, so that deleting it ends its sessions.
	Parent             Principal
	Name               string
	SourceIdentity     string
	Tags               []Tag
	TransitiveTagKeys  []string
	Policies           []SessionPolicy
	MFAAuthenticatedAt time.Time
	FederatedProvider  string
	ContextKeys        map[string]string
	Duration           time.Duration
	// Region is where the session was requested, recorded as the role's
	// last use (RoleLastUsed) for role sessions.
	Region string
}

// SessionService issues temporary credentials and keeps the sealing key
// material only Warden holds. Sessions are looked up on the request path by
// AuthorizationSource.AccessKey, which resolves ASIA… key IDs.
type SessionService interface {
	// CreateSession stores a new session with fresh credentials and returns
	// it with its secret and token, the only time the token is returned.
	// A role session also records the role's last use.
	//
	// Returns NoSuchEntity when the parent no longer exists.
	CreateSession(ctx context.Context, in CreateSessionInput) (*Session, error)

	// SealMessage encrypts and authenticates plaintext so that only this
	// installation can open it, bound to purpose: a message sealed for one
	// purpose does not open for another.
	SealMessage(purpose string, plaintext []byte) []byte

	// OpenMessage opens a value sealed by SealMessage for the same purpose.
	// Its error is not a domain error: the caller words the failure for its
	// operation.
	OpenMessage(purpose string, sealed []byte) ([]byte, error)

	// SignMessage returns the HMAC-SHA256 of message under a key only this
	// installation holds, derived for purpose: a signature made for one
	// purpose does not verify for another.
	SignMessage(purpose string, message []byte) []byte
}
