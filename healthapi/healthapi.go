// Package healthapi implements the Amazon Connect Health API (IAM prefix
// health-agent) for authenticated callers: domains with their encryption
// and web application settings, subscriptions, patient insights jobs and
// tags. Each operation is authorized first, as health-agent:ACTION on
// every resource the Service Authorization Reference requires for it (a
// subscription's operations on the domain's ARN and the subscription's),
// with the domain's tags as aws:ResourceTag, the request's tags as
// aws:RequestTag and aws:TagKeys, and the further actions the model
// requires (tags on CreateDomain need health-agent:TagResource, a role in
// it iam:PassRole); then it acts through the store.
//
// Patient insights jobs run in the background (Run): the job assumes the
// domain's role as the service principal health-agent.amazonaws.com, with
// aws:SourceArn and aws:SourceAccount naming the job, so that the role's
// trust policy decides, and reads its inputs and writes its output through
// a JobStorage with the role session as the caller.
//
// Medical scribe listening sessions (OpenStream) take the events of a
// stream whose transport and frame signatures the HTTP front handles, and
// at the end write the audio received and a session record to the
// customer's S3 output as the domain's role, the way jobs do.
//
// The restJson1 protocol (routing, decoding, responses, error documents)
// is package restjson's; the shapes are generated into healthshapes.
package healthapi

import (
	"context"
	"log/slog"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
	"github.com/warden-iam/warden/stsapi"
)

// RoleAssumer issues role sessions to Warden's services acting as AWS
// service principals (stsapi.API).
type RoleAssumer interface {
	AssumeRoleAsService(ctx context.Context, in stsapi.ServiceRoleRequest) (*warden.Session, error)
}

// Options configure an API. The zero value serves every operation; jobs
// then fail, since they can neither assume a role nor read their inputs.
type Options struct {
	// Roles lets jobs assume their domain's role.
	Roles RoleAssumer
	// Storage is where jobs read their inputs and write their output.
	Storage JobStorage
	// Workers is how many jobs run at once; zero means 4.
	Workers int
	// DeletionDelay is how long a deleted domain stays DELETING before it
	// is DELETED; zero means DefaultDeletionDelay.
	DeletionDelay time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the background work's failures; nil means
	// slog.Default().
	Logger *slog.Logger
}

// DefaultDeletionDelay is how long a deleted domain stays DELETING.
const DefaultDeletionDelay = 2 * time.Second

// API serves Connect Health operations.
type API struct {
	store    warden.Store
	authz    *authz.Authorizer
	opts     Options
	handlers restjson.Handlers[*authz.Caller]
	work     *background
	// created is when the API was made: listening sessions older than
	// that lost their stream when the last server stopped.
	created time.Time
}

// New returns the Connect Health API over a store.
func New(store warden.Store, az *authz.Authorizer, opts Options) *API {
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.DeletionDelay <= 0 {
		opts.DeletionDelay = DefaultDeletionDelay
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	a := &API{store: store, authz: az, opts: opts, handlers: restjson.Handlers[*authz.Caller]{}, created: opts.Now()}
	a.work = newBackground(a)
	restjson.Register(a.handlers, "CreateDomain", a.createDomain)
	restjson.Register(a.handlers, "GetDomain", a.getDomain)
	restjson.Register(a.handlers, "ListDomains", a.listDomains)
	restjson.Register(a.handlers, "DeleteDomain", a.deleteDomain)
	restjson.Register(a.handlers, "CreateSubscription", a.createSubscription)
	restjson.Register(a.handlers, "GetSubscription", a.getSubscription)
	restjson.Register(a.handlers, "ListSubscriptions", a.listSubscriptions)
	restjson.Register(a.handlers, "ActivateSubscription", a.activateSubscription)
	restjson.Register(a.handlers, "DeactivateSubscription", a.deactivateSubscription)
	restjson.Register(a.handlers, "StartPatientInsightsJob", a.startPatientInsightsJob)
	restjson.Register(a.handlers, "GetPatientInsightsJob", a.getPatientInsightsJob)
	restjson.Register(a.handlers, "GetMedicalScribeListeningSession", a.getMedicalScribeListeningSession)
	restjson.Register(a.handlers, "TagResource", a.tagResource)
	restjson.Register(a.handlers, "UntagResource", a.untagResource)
	restjson.Register(a.handlers, "ListTagsForResource", a.listTagsForResource)
	return a
}

// Service is the Connect Health service description the restJson1
// runtime serves.
func (a *API) Service() *restjson.Service { return healthshapes.Service }

// Implemented reports whether Warden serves the operation.
func (a *API) Implemented(op string) bool {
	_, ok := a.handlers[op]
	return ok
}

// Handle runs one decoded operation for the caller.
//
// Returns NotImplemented for the streaming operation, AccessDenied when
// the caller may not perform the operation, and the store's codes, which
// the service's error table names as Connect Health's exceptions
// (NoSuchEntity as ResourceNotFoundException, LimitExceeded as
// ServiceQuotaExceededException, …).
func (a *API) Handle(ctx context.Context, c *authz.Caller, op *restjson.Operation, in restjson.Input) (restjson.Output, error) {
	h, ok := a.handlers[op.Name]
	if !ok {
		return nil, warden.Errorf(warden.ENotImplemented, "Warden does not serve the Amazon Connect Health operation %s.", op.Name)
	}
	if c.Region == "" {
		// Every Connect Health resource lives in the region the request
		// was signed for.
		return nil, warden.Errorf(warden.EValidationError, "The request names no region.")
	}
	return h(ctx, c, op, in)
}

// account is the account the caller acts in.
func account(c *authz.Caller) string { return c.Principal.AccountID }

func (a *API) clock(c *authz.Caller) time.Time {
	if !c.Time.IsZero() {
		return c.Time
	}
	return a.opts.Now()
}
