package warden

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"
)

// Amazon Connect Health (IAM prefix health-agent): domains, the
// subscriptions that let a domain stream ambient documentation sessions,
// and asynchronous patient insights jobs. Every resource lives in one
// account and one region, as in AWS, and is named by an ARN under its
// domain's ("Actions, resources, and condition keys for Amazon Connect
// Health"):
//
//	arn:aws:health-agent:REGION:ACCOUNT:domain/DOMAIN
//	arn:aws:health-agent:REGION:ACCOUNT:domain/DOMAIN/subscription/SUBSCRIPTION
//	arn:aws:health-agent:REGION:ACCOUNT:domain/DOMAIN/patient-insights-job/JOB

// HealthNamespace is Connect Health's IAM and ARN service prefix, and its
// SigV4 signing name.
const HealthNamespace = "health-agent"

// HealthServicePrincipal is the service principal Connect Health acts as
// when it assumes a customer's role.
const HealthServicePrincipal = "health-agent.amazonaws.com"

// Connect Health quotas ("Quotas for Amazon Connect Health").
const (
	// MaxDomainsPerRegion bounds the domains of an account in a region
	// that are not DELETED; it is not adjustable.
	MaxDomainsPerRegion = 10
	// MaxConcurrentPatientInsightsJobs bounds the jobs of a domain that
	// are SUBMITTED or IN_PROGRESS.
	MaxConcurrentPatientInsightsJobs = 25
	// MaxHealthTags bounds the tags of a domain, the limit AWS applies to
	// tags on any resource ("Tagging your AWS resources").
	MaxHealthTags = 50
	// MaxPatientInsightsSources bounds the S3 documents one job reads.
	MaxPatientInsightsSources = 10
)

// DomainStatus is where a domain is in its life: ACTIVE until DeleteDomain
// makes it DELETING, then DELETED once its resources are gone.
type DomainStatus string

const (
	DomainActive   DomainStatus = "ACTIVE"
	DomainDeleting DomainStatus = "DELETING"
	DomainDeleted  DomainStatus = "DELETED"
)

// Domain is a Connect Health domain: the container of an organization's
// subscriptions, jobs and sessions, encrypted with an AWS owned key or the
// customer's KMS key.
type Domain struct {
	ID        string // dom- and 16 lower-case letters and digits
	AccountID string
	Region    string
	Name      string
	Status    DomainStatus
	// KMSKeyARN is the customer managed key the domain's data is encrypted
	// with; empty means an AWS owned key.
	KMSKeyARN string
	// WebApp is the web application configuration, nil when the domain was
	// created without one.
	WebApp    *WebAppConfiguration
	CreatedAt time.Time
	// DeletingAt is when DeleteDomain was called, zero while ACTIVE.
	DeletingAt time.Time
	// Tags are filled by Domain and CreateDomain only.
	Tags []Tag
}

// ARN returns the domain's ARN.
func (d *Domain) ARN() string { return DomainARN(d.Region, d.AccountID, d.ID) }

// EncryptionType says which kind of key encrypts the domain, as the API's
// encryptionContext reports it.
func (d *Domain) EncryptionType() string {
	if d.KMSKeyARN != "" {
		return "CUSTOMER_MANAGED_KEY"
	}
	return "AWS_OWNED_KEY"
}

// WebAppConfiguration is a domain's web application: the IAM role the
// application acts with in the EHR (passed to Connect Health, so iam:PassRole
// is needed) and the IAM Identity Center application its users sign in
// through.
type WebAppConfiguration struct {
	RoleARN string
	// IdentityCenterInstanceID is the instance the application was
	// created in (idcInstanceId of the request).
	IdentityCenterInstanceID string
	// IdentityCenterApplicationID is the application Connect Health created
	// (idcApplicationId of the responses).
	IdentityCenterApplicationID string
	IdentityCenterRegion        string
	URL                         string
}

// CreateDomainInput describes a new domain. The caller chooses its ID
// (NewDomainID) so that it can authorize the domain's ARN first.
type CreateDomainInput struct {
	ID        string
	AccountID string
	Region    string
	Name      string
	KMSKeyARN string
	WebApp    *WebAppConfiguration
	Tags      []Tag
}

// SubscriptionStatus is whether a subscription may start new ambient
// documentation sessions (ACTIVE) or not (INACTIVE); DELETED is final,
// reached when its domain is deleted.
type SubscriptionStatus string

const (
	SubscriptionActive   SubscriptionStatus = "ACTIVE"
	SubscriptionInactive SubscriptionStatus = "INACTIVE"
	SubscriptionDeleted  SubscriptionStatus = "DELETED"
)

// Subscription is a domain's subscription to ambient documentation: one is
// needed, ACTIVE, to start a listening session. It is created ACTIVE;
// DeactivateSubscription and ActivateSubscription move it between ACTIVE
// and INACTIVE.
type Subscription struct {
	ID        string // sub- and 21 letters and digits
	DomainID  string
	AccountID string
	Region    string
	Status    SubscriptionStatus
	CreatedAt time.Time
	// LastUpdatedAt is the time of the last change of status.
	LastUpdatedAt time.Time
	// ActivatedAt and DeactivatedAt are the times of the last activation
	// (creation counts as one) and deactivation; zero when there was none.
	ActivatedAt   time.Time
	DeactivatedAt time.Time
}

// ARN returns the subscription's ARN.
func (s *Subscription) ARN() string {
	return SubscriptionARN(s.Region, s.AccountID, s.DomainID, s.ID)
}

// CheckStreamable returns an error unless the subscription may start a
// listening session: it must be ACTIVE ("an active subscription is
// required to start a streaming session").
//
// Returns ValidationError.
func (s *Subscription) CheckStreamable() error {
	if s.Status != SubscriptionActive {
		return Errorf(EValidationError, "Subscription %s is %s; a listening session needs an ACTIVE subscription.", s.ID, s.Status)
	}
	return nil
}

// CreateSubscriptionInput describes a new subscription. The caller
// chooses its ID (NewSubscriptionID) so that it can authorize its ARN
// first.
type CreateSubscriptionInput struct {
	ID        string
	DomainID  string
	AccountID string
	Region    string
}

// JobStatus is where a patient insights job is: SUBMITTED when accepted,
// IN_PROGRESS while it runs, then SUCCEEDED or FAILED for good.
type JobStatus string

const (
	JobSubmitted  JobStatus = "SUBMITTED"
	JobInProgress JobStatus = "IN_PROGRESS"
	JobSucceeded  JobStatus = "SUCCEEDED"
	JobFailed     JobStatus = "FAILED"
)

// Finished reports whether the job has reached its final status.
func (s JobStatus) Finished() bool { return s == JobSucceeded || s == JobFailed }

// HealthJob is an asynchronous job of a Connect Health domain: a patient
// insights job or a medical coding job, which share their life (JobStatus)
// and how they are kept.
type HealthJob struct {
	ID        string // a UUID
	DomainID  string
	AccountID string
	Region    string
	// ClientToken is the idempotency token of the request that started
	// the job: the same token with the same request returns this job.
	ClientToken string
	// Request is the job's input as the API received it (a JSON document
	// the API defines), patient data or the clinical note included; stores
	// keep it encrypted.
	Request []byte
	// RequestDigest identifies the request apart from its client token.
	RequestDigest [sha256.Size]byte
	Status        JobStatus
	// StatusDetails says why a job FAILED.
	StatusDetails string
	// OutputURI is the s3:// URI of a SUCCEEDED job's output.
	OutputURI string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PatientInsightsJob is an asynchronous patient insights job of a domain.
type PatientInsightsJob HealthJob

// ARN returns the job's ARN.
func (j *PatientInsightsJob) ARN() string {
	return PatientInsightsJobARN(j.Region, j.AccountID, j.DomainID, j.ID)
}

// JobUpdate is a change of a patient insights job's status.
type JobUpdate struct {
	Status        JobStatus
	StatusDetails string
	OutputURI     string
}

// HealthService keeps Connect Health's domains, subscriptions and patient
// insights jobs. Every lookup is scoped to an account and a region: a
// resource of another account or region is not found. It does not
// authorize: callers decide who may do what first.
type HealthService interface {
	// CreateDomain stores a new ACTIVE domain with its tags.
	//
	// Returns LimitExceeded when the account already has
	// MaxDomainsPerRegion domains in the region that are not DELETED,
	// ValidationError for tags ValidateHealthTags refuses, and
	// EntityAlreadyExists for an ID in use.
	CreateDomain(ctx context.Context, in CreateDomainInput) (*Domain, error)

	// Domain returns a domain with its tags, whatever its status.
	//
	// Returns NoSuchEntity.
	Domain(ctx context.Context, account, region, id string) (*Domain, error)

	// ListDomains lists the account's domains in the region in the order
	// they were created, only those with the given status unless it is
	// empty. Tags are not filled.
	//
	// Returns InvalidInput for a marker it did not issue.
	ListDomains(ctx context.Context, account, region string, status DomainStatus, opts ListOptions) (*Page[*Domain], error)

	// DeleteDomain moves an ACTIVE domain to DELETING and returns it. A
	// domain already DELETING or DELETED is returned as it is: deleting
	// is idempotent.
	//
	// Returns NoSuchEntity.
	DeleteDomain(ctx context.Context, account, region, id string) (*Domain, error)

	// FinishDomainDeletion moves a DELETING domain to DELETED, with its
	// subscriptions; a DELETED domain is returned as it is.
	//
	// Returns NoSuchEntity, and ValidationError for an ACTIVE domain.
	FinishDomainDeletion(ctx context.Context, account, region, id string) (*Domain, error)

	// DeletingDomains returns every domain, of any account and region,
	// that is DELETING: the work left to finish after a restart.
	DeletingDomains(ctx context.Context) ([]*Domain, error)

	// TagDomain adds tags to a domain or replaces the values of its keys.
	// Keys are case-sensitive.
	//
	// Returns NoSuchEntity, ValidationError for tags ValidateHealthTags
	// refuses, and LimitExceeded when the domain would have more than
	// MaxHealthTags tags.
	TagDomain(ctx context.Context, account, region, id string, tags []Tag) error

	// UntagDomain removes tags by key; absent keys are ignored.
	//
	// Returns NoSuchEntity.
	UntagDomain(ctx context.Context, account, region, id string, keys []string) error

	// CreateSubscription stores a new ACTIVE subscription of an ACTIVE
	// domain.
	//
	// Returns NoSuchEntity for the domain, ValidationError when the domain
	// is not ACTIVE, and EntityAlreadyExists for an ID in use.
	CreateSubscription(ctx context.Context, in CreateSubscriptionInput) (*Subscription, error)

	// Subscription returns a subscription of a domain.
	//
	// Returns NoSuchEntity.
	Subscription(ctx context.Context, account, region, domainID, id string) (*Subscription, error)

	// ListSubscriptions lists a domain's subscriptions in the order they
	// were created.
	//
	// Returns NoSuchEntity for the domain and InvalidInput for a marker it
	// did not issue.
	ListSubscriptions(ctx context.Context, account, region, domainID string, opts ListOptions) (*Page[*Subscription], error)

	// SetSubscriptionStatus activates (ACTIVE) or deactivates (INACTIVE) a
	// subscription. Setting the status it has changes nothing.
	//
	// Returns NoSuchEntity, and ValidationError for a DELETED subscription,
	// a domain that is not ACTIVE or another status.
	SetSubscriptionStatus(ctx context.Context, account, region, domainID, id string, status SubscriptionStatus) (*Subscription, error)

	// CreatePatientInsightsJob stores a new SUBMITTED job of an ACTIVE
	// domain. When the domain already has a job with the same client
	// token and request digest, that job is returned with created false
	// and nothing is stored.
	//
	// Returns NoSuchEntity for the domain, ValidationError when it is not
	// ACTIVE, EntityAlreadyExists when the client token belongs to a job
	// with another request, and LimitExceeded when the domain already has
	// MaxConcurrentPatientInsightsJobs jobs SUBMITTED or IN_PROGRESS.
	CreatePatientInsightsJob(ctx context.Context, job *PatientInsightsJob) (stored *PatientInsightsJob, created bool, err error)

	// PatientInsightsJob returns a job of a domain with its request.
	//
	// Returns NoSuchEntity.
	PatientInsightsJob(ctx context.Context, account, region, domainID, id string) (*PatientInsightsJob, error)

	// UpdatePatientInsightsJob moves a job on: SUBMITTED to IN_PROGRESS or
	// FAILED, IN_PROGRESS to SUCCEEDED or FAILED (or IN_PROGRESS again,
	// when a restart runs it anew).
	//
	// Returns NoSuchEntity, and ValidationError for any other move.
	UpdatePatientInsightsJob(ctx context.Context, account, region, domainID, id string, u JobUpdate) (*PatientInsightsJob, error)

	// UnfinishedPatientInsightsJobs returns every job, of any account and
	// region, that is SUBMITTED or IN_PROGRESS, oldest first: the work left
	// to do after a restart.
	UnfinishedPatientInsightsJobs(ctx context.Context) ([]*PatientInsightsJob, error)
}

// ValidateHealthTags checks tags a request puts on a Connect Health
// resource beyond the lengths the API model checks: at most MaxHealthTags
// of them, no key twice and none in the aws: namespace, which AWS reserves
// ("Tag naming limits and requirements").
//
// Returns ValidationError.
func ValidateHealthTags(tags []Tag) error { return validateServiceTags(tags, MaxHealthTags) }

// ErrDomainNotActive answers a change a domain that is being or has been
// deleted no longer accepts.
func ErrDomainNotActive(d *Domain) error {
	return Errorf(EValidationError, "Domain %s is %s; only an ACTIVE domain accepts this request.", d.ID, d.Status)
}

// DomainARN returns the ARN of a Connect Health domain.
func DomainARN(region, account, domainID string) string {
	return "arn:" + Partition + ":" + HealthNamespace + ":" + region + ":" + account + ":domain/" + domainID
}

// SubscriptionARN returns the ARN of a subscription of a domain.
func SubscriptionARN(region, account, domainID, subscriptionID string) string {
	return DomainARN(region, account, domainID) + "/subscription/" + subscriptionID
}

// PatientInsightsJobARN returns the ARN of a patient insights job of a
// domain.
func PatientInsightsJobARN(region, account, domainID, jobID string) string {
	return DomainARN(region, account, domainID) + "/patient-insights-job/" + jobID
}

// HealthResource is a Connect Health resource named by an ARN: a domain, or
// a subscription or job of one (ID and Type are empty for the domain
// itself).
type HealthResource struct {
	Region    string
	AccountID string
	DomainID  string
	Type      string // "", "subscription" or "patient-insights-job"
	ID        string
}

// ParseHealthARN splits the ARN of a Connect Health domain, subscription
// or patient insights job.
//
// Returns ValidationError for anything else.
func ParseHealthARN(s string) (HealthResource, error) {
	invalid := Errorf(EValidationError, "%q is not the ARN of an Amazon Connect Health domain, subscription or patient insights job.", s)
	a, err := ParseARN(s)
	if err != nil || a.Partition != Partition || a.Service != HealthNamespace || a.Region == "" || ValidateAccountID(a.AccountID) != nil {
		return HealthResource{}, invalid
	}
	parts := strings.Split(a.Resource, "/")
	if parts[0] != "domain" || (len(parts) != 2 && len(parts) != 4) || parts[1] == "" {
		return HealthResource{}, invalid
	}
	r := HealthResource{Region: a.Region, AccountID: a.AccountID, DomainID: parts[1]}
	if len(parts) == 4 {
		r.Type, r.ID = parts[2], parts[3]
		if (r.Type != "subscription" && r.Type != "patient-insights-job") || r.ID == "" {
			return HealthResource{}, invalid
		}
	}
	return r, nil
}

// Identifier alphabets of Connect Health: domain IDs are lower-case
// letters and digits (^(hai-|dom-)[a-z0-9]+$), subscription IDs letters of
// either case and digits (^sub-[a-zA-Z0-9]{21}$).
const (
	domainIDAlphabet       = "abcdefghijklmnopqrstuvwxyz0123456789"
	subscriptionIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// NewDomainID returns a fresh domain ID: dom- and 16 random characters,
// 20 in all, the form of the documentation's dom-a1b2c3d4e5f6g7h8.
func NewDomainID() string { return "dom-" + randomString(domainIDAlphabet, 16) }

// NewSubscriptionID returns a fresh subscription ID: sub- and 21 random
// characters.
func NewSubscriptionID() string { return "sub-" + randomString(subscriptionIDAlphabet, 21) }

// NewJobID returns a fresh job ID, a random (version 4) UUID as in the
// documentation's examples.
func NewJobID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails: crypto/rand panics rather than return an error
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// NewIdentityCenterApplicationID returns the ID of the IAM Identity Center
// application a domain's web app is registered as: apl- and 16 hex digits,
// the form Identity Center gives application IDs.
func NewIdentityCenterApplicationID() string {
	return "apl-" + randomString("0123456789abcdef", 16)
}

// WebAppURL returns the address of a domain's web application. AWS does not
// document its form; Warden gives each domain its own host under the
// service's regional domain.
func WebAppURL(region, domainID string) string {
	return "https://" + domainID + ".app." + HealthNamespace + "." + region + ".on.aws/"
}
