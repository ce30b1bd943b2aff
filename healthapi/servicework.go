package healthapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/stsapi"
)

// What Connect Health's background work shares, whichever API started it:
// patient insights jobs here, medical coding jobs in codingapi, and the
// artifacts of scribe sessions.

// JobSteps are how RunJob reads, moves and executes one job of a kind.
type JobSteps struct {
	// Read returns the job as the store has it.
	Read func(context.Context) (*warden.HealthJob, error)
	// Update moves the job on.
	Update func(context.Context, warden.JobUpdate) (*warden.HealthJob, error)
	// Execute does the job's work: it returns the output's URI, or why
	// the job failed.
	Execute func(context.Context, *warden.HealthJob) (outputURI, failure string)
}

// RunJob runs one job to its end: IN_PROGRESS, then SUCCEEDED with its
// output or FAILED with the reason. A job that is already finished, or
// that ctx ends in the middle of, is left as it is: the next run of the
// unfinished jobs takes it up again.
func RunJob(ctx context.Context, log *slog.Logger, noun string, steps JobSteps) {
	job, err := steps.Read(ctx)
	if err != nil {
		if ctx.Err() == nil {
			log.Error("reading a "+noun, "error", err)
		}
		return
	}
	if job.Status.Finished() {
		return
	}
	if job, err = steps.Update(ctx, warden.JobUpdate{Status: warden.JobInProgress}); err != nil {
		if ctx.Err() == nil {
			log.Error("starting a "+noun, "error", err)
		}
		return
	}
	update := warden.JobUpdate{Status: warden.JobSucceeded}
	update.OutputURI, update.StatusDetails = steps.Execute(ctx, job)
	if update.StatusDetails != "" {
		update.Status, update.OutputURI = warden.JobFailed, ""
	}
	if ctx.Err() != nil {
		return
	}
	if _, err := steps.Update(ctx, update); err != nil {
		log.Error("finishing a "+noun, "error", err)
	}
}

// RoleWork is work Connect Health does as a domain's role.
type RoleWork struct {
	Account, Region, DomainID string
	// SourceARN is the job or session the work is for: aws:SourceArn, with
	// its account as aws:SourceAccount, which the role's trust policy
	// should require ("The confused deputy problem", IAM User Guide).
	SourceARN   string
	SessionName string
	// Purpose ends "has no role for Amazon Connect Health to …": what the
	// role is needed for ("read the job's inputs with").
	Purpose string
}

// AssumeDomainRole assumes the domain's web-app role as
// health-agent.amazonaws.com for w and returns the caller that acts as the
// role session. When it cannot, it returns why, worded for a job's
// statusDetails: a denial names the action, the resource and the reason.
func AssumeDomainRole(ctx context.Context, store warden.HealthService, roles RoleAssumer, now time.Time, w RoleWork) (*authz.Caller, string) {
	d, err := store.Domain(ctx, w.Account, w.Region, w.DomainID)
	if err != nil {
		return nil, fmt.Sprintf("Domain %s could not be read: %s", w.DomainID, warden.ErrorMessage(err))
	}
	if d.WebApp == nil {
		return nil, fmt.Sprintf("Domain %s has no role for Amazon Connect Health to %s; create the domain with webAppSetupConfiguration.ehrRole.", d.ID, w.Purpose)
	}
	if roles == nil {
		return nil, "Warden was started without STS; Amazon Connect Health cannot assume the domain's role."
	}
	role := d.WebApp.RoleARN
	sess, err := roles.AssumeRoleAsService(ctx, stsapi.ServiceRoleRequest{
		Service: warden.HealthServicePrincipal, RoleARN: role, SourceArn: w.SourceARN, SourceAccount: w.Account,
		SessionName: w.SessionName, Region: w.Region,
	})
	if err != nil {
		return nil, fmt.Sprintf("Amazon Connect Health could not assume role %s: %s", role, DeniedWording(err, "sts:AssumeRole"))
	}
	return &authz.Caller{
		Principal: sess.Principal(), AccessKeyID: sess.AccessKeyID, Temporary: true, SecureTransport: true,
		UserAgent: warden.HealthServicePrincipal, Region: w.Region, Time: now,
	}, ""
}

// DeniedWording is a failure's message for a job's statusDetails: a
// denial names the action, the resource and why, as AWS's messages do
// ("… is not authorized to perform: sts:AssumeRole on resource: ROLE
// because no resource-based policy allows the sts:AssumeRole action"),
// even where the service's own wording leaves the reason out. Every
// service whose background work runs as a customer's role uses it.
func DeniedWording(err error, action string) string {
	msg := warden.ErrorMessage(err)
	d, ok := errors.AsType[*authz.Denied](err)
	if !ok || d.Explanation == nil {
		return msg
	}
	if phrase := d.Explanation.Reason.Phrase(action); phrase != "" && !strings.Contains(msg, phrase) {
		msg += " " + phrase
	}
	return msg
}
