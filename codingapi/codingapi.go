// Package codingapi implements Amazon Connect Health's medical coding jobs
// (preview; IAM prefix health-agent), which no AWS SDK model carries:
// StartMedicalCodingJob and GetMedicalCodingJob as the API reference
// documents them, and GenerateMedicalCodes, the console's way of starting
// the same job. The operations are described by Warden's own Smithy model
// (model/warden-medicalcoding.json, generated into codingshapes) and served
// on Connect Health's endpoint and signing name beside package healthapi.
//
// Each operation is authorized first: StartMedicalCodingJob and
// GetMedicalCodingJob as health-agent:ACTION on the domain's ARN and the
// job's (…/medical-coding-job/JOB), both seen with the domain's tags as
// aws:ResourceTag; GenerateMedicalCodes as health-agent:GenerateMedicalCodes
// on "*", the only resource the user guide gives that action.
//
// Jobs run in the background (Run), as patient insights jobs do: the job
// assumes the domain's role as the service principal
// health-agent.amazonaws.com, with aws:SourceArn and aws:SourceAccount
// naming the job, and writes {s3OutputPath}/{jobId}/medical-codes.json
// through a healthapi.JobStorage as that role session. Warden runs no
// coding model: the output says so and lists what the job read.
package codingapi

import (
	"context"
	"log/slog"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/codingapi/codingshapes"
	"github.com/warden-iam/warden/healthapi"
	"github.com/warden-iam/warden/restjson"
)

// Options configure an API. The zero value serves every operation; jobs
// then fail, since they can neither assume a role nor write their output.
type Options struct {
	// Roles lets jobs assume their domain's role.
	Roles healthapi.RoleAssumer
	// Storage is where jobs write their output.
	Storage healthapi.JobStorage
	// Workers is how many jobs run at once; zero means 4.
	Workers int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the background work's failures; nil means
	// slog.Default().
	Logger *slog.Logger
}

// API serves the medical coding operations.
type API struct {
	store    warden.Store
	authz    *authz.Authorizer
	opts     Options
	handlers restjson.Handlers[*authz.Caller]
	jobs     *healthapi.JobQueue[jobKey]
}

// New returns the medical coding API over a store.
func New(store warden.Store, az *authz.Authorizer, opts Options) *API {
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	a := &API{store: store, authz: az, opts: opts, handlers: restjson.Handlers[*authz.Caller]{}}
	a.jobs = healthapi.NewJobQueue(a.runJob)
	restjson.Register(a.handlers, "StartMedicalCodingJob", a.startMedicalCodingJob)
	restjson.Register(a.handlers, "GenerateMedicalCodes", a.generateMedicalCodes)
	restjson.Register(a.handlers, "GetMedicalCodingJob", a.getMedicalCodingJob)
	return a
}

// Service is the medical coding service description the restJson1 runtime
// serves.
func (a *API) Service() *restjson.Service { return codingshapes.Service }

// Implemented reports whether Warden serves the operation.
func (a *API) Implemented(op string) bool {
	_, ok := a.handlers[op]
	return ok
}

// Handle runs one decoded operation for the caller.
//
// Returns AccessDenied when the caller may not perform the operation,
// ValidationError for a request the model accepts but the service does
// not, and the store's codes, which the service's error table names as
// Connect Health's exceptions (NoSuchEntity as ResourceNotFoundException,
// EntityAlreadyExists as ConflictException, LimitExceeded as
// ServiceQuotaExceededException).
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
