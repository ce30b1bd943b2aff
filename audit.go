package warden

import (
	"context"
	"slices"
	"strings"
	"time"
)

// The audit trail records every request Warden answers, authenticated or
// not: who asked, for what, what was decided and by which policy layer, and
// which error the caller got. Events are appended to a hash chain: each
// event's Hash covers its content and its predecessor's Hash, so that
// altering, removing or reordering stored events breaks the chain where it
// happened. Events never hold secrets or request bodies: the parameters of
// IAM and STS requests are kept with their secret values hidden, those of
// other services by name only (their bodies may carry patient data).

// AuditDecision is what authorization decided for a request.
type AuditDecision string

const (
	AuditAllow        AuditDecision = "Allow"
	AuditExplicitDeny AuditDecision = "ExplicitDeny"
	AuditImplicitDeny AuditDecision = "ImplicitDeny"
	// AuditNoDecision marks a request that asked for no authorization: it
	// failed authentication, did not parse, named an operation Warden does
	// not serve, or needs no permission (sts:GetCallerIdentity).
	AuditNoDecision AuditDecision = ""
)

// AuditRedacted replaces a parameter value the trail must not keep. It is
// the placeholder CloudTrail writes for sensitive request parameters.
const AuditRedacted = "HIDDEN_DUE_TO_SECURITY_REASONS"

// AuditIdentity is who made a request, in the terms of CloudTrail's
// userIdentity element ("CloudTrail userIdentity element"). Every field is
// empty for a request that failed authentication, except AccessKeyID when
// the request named one.
type AuditIdentity struct {
	// Type is Root, IAMUser, AssumedRole, FederatedUser or AWSService.
	Type        string
	ARN         string
	AccountID   string
	PrincipalID string // the unique ID policies see as aws:userid
	UserName    string // the IAM user's name; empty for other types
	// AccessKeyID is the key that signed the request or, when
	// authentication failed, the key the signature claimed.
	AccessKeyID string
	// SessionIssuer is the ARN of the role or user whose temporary
	// credentials signed the request; empty for long-term keys.
	SessionIssuer string
	// MFAAuthenticated reports that the temporary credentials were issued
	// after an MFA check.
	MFAAuthenticated bool
	// SourceIdentity is the source identity set when the session was
	// created (sts:SourceIdentity).
	SourceIdentity string
}

// AuditStatement names the policy statement behind a decision: the policy
// (a managed policy's ARN, or where an inline policy is attached), the
// statement's position in it and its Sid.
type AuditStatement struct {
	Policy string
	Index  int
	Sid    string
}

// AuditParameter is one request parameter as the trail keeps it. Names
// are the protocol's flattened names (Tags.member.1.Key for the Query
// protocol).
type AuditParameter struct {
	Name  string
	Value string
}

// AuditEvent is the record of one request.
type AuditEvent struct {
	// Seq is the event's position in the trail, from 1; the store assigns
	// it on append.
	Seq       uint64
	Time      time.Time // when the request arrived
	RequestID string    // the x-amzn-RequestId the caller was given
	SourceIP  string
	UserAgent string
	Region    string // the region the request was signed for
	Identity  AuditIdentity
	// Service is the service prefix of the API the request addressed (iam,
	// sts); empty when no API was addressed. Action is the operation.
	Service string
	Action  string
	// Resources are the ARNs the request was authorized against, in the
	// order they were checked.
	Resources []string
	Decision  AuditDecision
	// DecidingLayer names the policy layer behind a denial: identity,
	// boundary, session, resource, scp[N] or rcp[N] (the policy engine's
	// names). DecidingStatement is the first Deny statement of an explicit
	// denial. Both are empty for allowed requests: the engine decides an
	// allow without naming statements, and working them out would cost
	// every request an explanation; `warden policy eval` and the policy
	// simulator give them on demand.
	DecidingLayer     string
	DecidingStatement *AuditStatement
	// ErrorCode is the AWS error code the caller got; empty on success.
	ErrorCode string
	// RequestParameters are the request's parameters in name order, with
	// secret values replaced by AuditRedacted (see NewAuditParameters).
	RequestParameters []AuditParameter
	// PrevHash is the Hash of the event before this one (empty for the
	// first event); Hash is the hex SHA-256 that chains this event to it.
	// The store sets both on append.
	PrevHash string
	Hash     string
}

// AuditFilter selects events. Zero fields select everything.
type AuditFilter struct {
	Since time.Time // events at or after Since
	Until time.Time // events before Until
	// PrincipalARN matches Identity.ARN exactly.
	PrincipalARN string
	// Action matches "service:Action" (iam:CreateUser) or the operation
	// alone (CreateUser), without regard to case as IAM actions are.
	Action string
	// Decisions selects events with any of the decisions;
	// AuditNoDecision selects requests that were never authorized.
	Decisions []AuditDecision
	ErrorCode string
	RequestID string
	// AfterSeq and BeforeSeq bound Seq exclusively (zero: unbounded); they
	// are the cursor for reading the trail in pages and for following it.
	AfterSeq  uint64
	BeforeSeq uint64
	// Reverse returns the newest events first.
	Reverse bool
	// Limit caps the number of events returned; zero means
	// DefaultAuditLimit, and no more than MaxAuditLimit are returned.
	Limit int
}

// Match reports whether the event is one the filter selects.
func (f *AuditFilter) Match(e *AuditEvent) bool {
	switch {
	case !f.Since.IsZero() && e.Time.Before(f.Since),
		!f.Until.IsZero() && !e.Time.Before(f.Until),
		f.PrincipalARN != "" && e.Identity.ARN != f.PrincipalARN,
		f.ErrorCode != "" && e.ErrorCode != f.ErrorCode,
		f.RequestID != "" && e.RequestID != f.RequestID,
		f.AfterSeq > 0 && e.Seq <= f.AfterSeq,
		f.BeforeSeq > 0 && e.Seq >= f.BeforeSeq,
		len(f.Decisions) > 0 && !slices.Contains(f.Decisions, e.Decision):
		return false
	}
	if f.Action != "" {
		service, action, ok := strings.Cut(f.Action, ":")
		if !ok {
			service, action = "", f.Action
		}
		if ok && !strings.EqualFold(service, e.Service) || !strings.EqualFold(action, e.Action) {
			return false
		}
	}
	return true
}

const (
	DefaultAuditLimit = 1000
	MaxAuditLimit     = 10000
)

// AuditService keeps the audit trail.
type AuditService interface {
	// AppendAuditRecords adds events, encoded as records
	// (AuditEvent.AppendRecord), to the end of the trail in order, all of
	// them or none, each chained to the one before. It returns the trail's
	// new head. Once it returns, the events are as durable as any other
	// acknowledged write.
	//
	// Returns InvalidInput for a record that does not begin as a record.
	AppendAuditRecords(ctx context.Context, records [][]byte) (*AuditHead, error)

	// ListAuditEvents returns the events that match the filter in Seq
	// order (newest first with Reverse). A page is full when it holds
	// the filter's limit; the next page starts after its last Seq.
	//
	// Returns InvalidInput for a negative limit.
	ListAuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, error)

	// VerifyAuditTrail walks the whole chain and reports every place where
	// stored events were altered, removed or reordered.
	VerifyAuditTrail(ctx context.Context) (*AuditVerification, error)
}

// NewAuditIdentity describes the principal that signed a request with the
// access key accessKeyID.
func NewAuditIdentity(p *Principal, accessKeyID string) AuditIdentity {
	id := AuditIdentity{ARN: p.ARN, AccountID: p.AccountID, PrincipalID: p.ID, AccessKeyID: accessKeyID}
	switch p.Kind {
	case PrincipalRoot:
		id.Type = "Root"
	case PrincipalUser:
		id.Type, id.UserName = "IAMUser", p.Name
	case PrincipalRole, PrincipalAssumedRole:
		id.Type = "AssumedRole"
	case PrincipalFederatedUser:
		id.Type = "FederatedUser"
	case PrincipalService:
		id.Type, id.AccountID = "AWSService", ""
	default:
		id.Type = string(p.Kind)
	}
	if s := p.Session; s != nil {
		id.SessionIssuer = s.Parent.ARN
		id.MFAAuthenticated = !s.MFAAuthenticatedAt.IsZero()
		id.SourceIdentity = s.SourceIdentity
	}
	return id
}
