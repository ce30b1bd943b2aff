package warden

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// Amazon Connect Health's console resources: patient-engagement agents
// with versions, EHR integrations and agent sessions. IAM names their
// actions ("permission only" in the Service Authorization Reference) but
// AWS publishes no API for them, so Warden defines one (consoleapi); the
// resources and their ARNs are IAM's:
//
//	arn:aws:health-agent:REGION:ACCOUNT:domain/DOMAIN/agent/AGENT
//	arn:aws:health-agent:REGION:ACCOUNT:domain/DOMAIN/integration/INTEGRATION
//	arn:aws:health-agent:REGION:ACCOUNT:domain/DOMAIN/session/SESSION
//
// The user guide's semantics of agent versions: CreateAgent creates
// version 1 as a DRAFT; UpdateAgent edits the draft, or starts a new
// draft from the latest version when that one is no longer a draft;
// PublishAgent publishes a draft; GetAgent shows the latest version
// unless asked for another; DeleteAgent deletes every version.

// Console quotas. AWS documents none for these resources; Warden bounds
// them so that one domain cannot grow without limit.
const (
	MaxAgentsPerDomain       = 50
	MaxAgentVersions         = 100
	MaxIntegrationsPerDomain = 20
	// MaxSessionAttributes bounds the context attributes of a session.
	MaxSessionAttributes = 50
)

// ConsoleKind is the resource type of a console resource, as its ARN
// names it.
type ConsoleKind string

const (
	KindAgent       ConsoleKind = "agent"
	KindIntegration ConsoleKind = "integration"
	KindSession     ConsoleKind = "session"
)

// ConsoleARN returns the ARN of a console resource of a domain.
func ConsoleARN(region, account, domainID string, kind ConsoleKind, id string) string {
	return DomainARN(region, account, domainID) + "/" + string(kind) + "/" + id
}

// AgentVersionStatus is where a version of an agent is. A version is
// created DRAFT; PublishAgent makes it PUBLISHED, and the version that was
// PUBLISHED before becomes ARCHIVED: an agent has at most one PUBLISHED
// version, the one sessions run by default, and at most one DRAFT, its
// latest version.
type AgentVersionStatus string

const (
	AgentDraft     AgentVersionStatus = "DRAFT"
	AgentPublished AgentVersionStatus = "PUBLISHED"
	AgentArchived  AgentVersionStatus = "ARCHIVED"
)

// AgentVersion is one version of an agent's definition.
type AgentVersion struct {
	Version      int
	Status       AgentVersionStatus
	Description  string
	Instructions string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// PublishedAt is when the version was published; zero for a draft.
	PublishedAt time.Time
}

// Agent is a patient-engagement agent of a domain, seen at one of its
// versions.
type Agent struct {
	ID        string // agent- and 16 lower-case letters and digits
	DomainID  string
	AccountID string
	Region    string
	Name      string
	CreatedAt time.Time
	// LatestVersion is the agent's newest version number; PublishedVersion
	// the one PUBLISHED, 0 when none is.
	LatestVersion    int
	PublishedVersion int
	// Version is the version the agent was read at.
	Version AgentVersion
	// Tags are filled by Agent and CreateAgent.
	Tags []Tag
}

// ARN returns the agent's ARN.
func (a *Agent) ARN() string { return ConsoleARN(a.Region, a.AccountID, a.DomainID, KindAgent, a.ID) }

// CreateAgentInput describes a new agent. The caller chooses its ID
// (NewAgentID) so that it can authorize its ARN first.
type CreateAgentInput struct {
	ID           string
	DomainID     string
	AccountID    string
	Region       string
	Name         string
	Description  string
	Instructions string
	Tags         []Tag
}

// AgentUpdate is a change to an agent's draft; nil members stay as they
// are.
type AgentUpdate struct {
	Name         *string
	Description  *string
	Instructions *string
}

// IntegrationType is the protocol an EHR integration speaks.
type IntegrationType string

const (
	IntegrationFHIR IntegrationType = "FHIR"
	IntegrationHL7  IntegrationType = "HL7"
)

// IntegrationStatus is whether an integration is in use.
type IntegrationStatus string

const (
	IntegrationActive   IntegrationStatus = "ACTIVE"
	IntegrationInactive IntegrationStatus = "INACTIVE"
)

// Integration is a domain's connection to an electronic health record
// system. Its credentials stay in AWS Secrets Manager: the integration
// holds the secret's ARN, never its value.
type Integration struct {
	ID            string // int- and 16 lower-case letters and digits
	DomainID      string
	AccountID     string
	Region        string
	Name          string // unique within the domain
	Type          IntegrationType
	Endpoint      string // https URL of the EHR's API
	AuthSecretARN string
	Status        IntegrationStatus
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Tags are filled by Integration and CreateIntegration.
	Tags []Tag
}

// ARN returns the integration's ARN.
func (i *Integration) ARN() string {
	return ConsoleARN(i.Region, i.AccountID, i.DomainID, KindIntegration, i.ID)
}

// CreateIntegrationInput describes a new, ACTIVE integration. The caller
// chooses its ID (NewIntegrationID).
type CreateIntegrationInput struct {
	ID            string
	DomainID      string
	AccountID     string
	Region        string
	Name          string
	Type          IntegrationType
	Endpoint      string
	AuthSecretARN string
	Tags          []Tag
}

// IntegrationUpdate is a change to an integration; nil members stay.
type IntegrationUpdate struct {
	Name          *string
	Endpoint      *string
	AuthSecretARN *string
	Status        *IntegrationStatus
}

// AgentSessionStatus is where an agent session is: ACTIVE until it is
// ENDED, which is final.
type AgentSessionStatus string

const (
	AgentSessionActive AgentSessionStatus = "ACTIVE"
	AgentSessionEnded  AgentSessionStatus = "ENDED"
)

// AgentSession is a conversation of a domain's agent, run at one version,
// with the patient and encounter attributes it works with.
type AgentSession struct {
	ID           string // a UUID
	DomainID     string
	AccountID    string
	Region       string
	AgentID      string
	AgentVersion int
	Status       AgentSessionStatus
	// Context holds the session's attributes (patient and encounter
	// identifiers); it is patient data, which stores keep encrypted.
	Context   map[string]string
	CreatedAt time.Time
	UpdatedAt time.Time
	// EndedAt is when the session ENDED; zero while ACTIVE.
	EndedAt time.Time
	// Tags are filled by AgentSession and CreateAgentSession.
	Tags []Tag
}

// ARN returns the session's ARN.
func (s *AgentSession) ARN() string {
	return ConsoleARN(s.Region, s.AccountID, s.DomainID, KindSession, s.ID)
}

// CreateAgentSessionInput describes a new ACTIVE session of an agent's
// version. The caller chooses its ID (NewJobID) and resolves the version
// (Agent), so that it can authorize both ARNs first.
type CreateAgentSessionInput struct {
	ID           string
	DomainID     string
	AccountID    string
	Region       string
	AgentID      string
	AgentVersion int
	Context      map[string]string
	Tags         []Tag
}

// AgentSessionUpdate changes a session: attributes to set (an empty value
// removes the attribute) and, optionally, ENDED.
type AgentSessionUpdate struct {
	Context map[string]string
	Status  *AgentSessionStatus
}

// HealthConsoleService keeps Connect Health's console resources. Lookups
// are scoped to an account and a region like HealthService's; every
// change needs the domain ACTIVE. It does not authorize.
type HealthConsoleService interface {
	// CreateAgent stores a new agent with version 1 as a DRAFT.
	//
	// Returns NoSuchEntity for the domain, ValidationError when it is not
	// ACTIVE or for tags ValidateHealthTags refuses, EntityAlreadyExists
	// for an ID in use, and LimitExceeded when the domain already has
	// MaxAgentsPerDomain agents.
	CreateAgent(ctx context.Context, in CreateAgentInput) (*Agent, error)

	// Agent returns an agent with its tags at a version: 0 means the
	// latest.
	//
	// Returns NoSuchEntity for the agent or the version.
	Agent(ctx context.Context, account, region, domainID, id string, version int) (*Agent, error)

	// UpdateAgent changes the agent's latest version when it is a DRAFT;
	// otherwise it creates a new DRAFT version from the latest, with the
	// change. A name change applies to the agent as a whole. It returns
	// the agent at the draft.
	//
	// Returns NoSuchEntity, ValidationError when the domain is not ACTIVE,
	// and LimitExceeded when a new version would exceed MaxAgentVersions.
	UpdateAgent(ctx context.Context, account, region, domainID, id string, u AgentUpdate) (*Agent, error)

	// PublishAgent publishes a DRAFT version (0: the latest version) and
	// archives the version that was PUBLISHED. It returns the agent at the
	// published version.
	//
	// Returns NoSuchEntity for the agent or the version, ValidationError
	// when the domain is not ACTIVE, and EntityAlreadyExists (a conflict)
	// when the version is not a DRAFT.
	PublishAgent(ctx context.Context, account, region, domainID, id string, version int) (*Agent, error)

	// ListAgents lists a domain's agents at their latest versions in the
	// order they were created, without tags.
	//
	// Returns NoSuchEntity for the domain and InvalidInput for a marker it
	// did not issue.
	ListAgents(ctx context.Context, account, region, domainID string, opts ListOptions) (*Page[*Agent], error)

	// ListAgentVersions lists an agent's versions, oldest first.
	//
	// Returns NoSuchEntity and InvalidInput for a marker it did not issue.
	ListAgentVersions(ctx context.Context, account, region, domainID, id string, opts ListOptions) (*Page[*AgentVersion], error)

	// DeleteAgent deletes an agent with every version and its tags.
	// Sessions of the agent stay, naming an agent that is gone.
	//
	// Returns NoSuchEntity, and ValidationError when the domain is not
	// ACTIVE.
	DeleteAgent(ctx context.Context, account, region, domainID, id string) error

	// CreateIntegration stores a new ACTIVE integration.
	//
	// Returns NoSuchEntity for the domain, ValidationError when it is not
	// ACTIVE or for tags ValidateHealthTags refuses, EntityAlreadyExists
	// for an ID or a name in use in the domain, and LimitExceeded when
	// the domain already has MaxIntegrationsPerDomain integrations.
	CreateIntegration(ctx context.Context, in CreateIntegrationInput) (*Integration, error)

	// Integration returns an integration with its tags.
	//
	// Returns NoSuchEntity.
	Integration(ctx context.Context, account, region, domainID, id string) (*Integration, error)

	// UpdateIntegration changes an integration and returns it.
	//
	// Returns NoSuchEntity, ValidationError when the domain is not ACTIVE,
	// and EntityAlreadyExists for a name in use by another integration.
	UpdateIntegration(ctx context.Context, account, region, domainID, id string, u IntegrationUpdate) (*Integration, error)

	// DeleteIntegration deletes an integration and its tags.
	//
	// Returns NoSuchEntity, and ValidationError when the domain is not
	// ACTIVE.
	DeleteIntegration(ctx context.Context, account, region, domainID, id string) error

	// ListIntegrations lists a domain's integrations in the order they
	// were created, without tags.
	//
	// Returns NoSuchEntity for the domain and InvalidInput for a marker it
	// did not issue.
	ListIntegrations(ctx context.Context, account, region, domainID string, opts ListOptions) (*Page[*Integration], error)

	// CreateAgentSession stores a new ACTIVE session of an existing
	// agent's version.
	//
	// Returns NoSuchEntity for the domain, the agent or the version,
	// ValidationError when the domain is not ACTIVE, for tags
	// ValidateHealthTags refuses or too many attributes, and
	// EntityAlreadyExists for an ID in use.
	CreateAgentSession(ctx context.Context, in CreateAgentSessionInput) (*AgentSession, error)

	// AgentSession returns a session with its context and tags.
	//
	// Returns NoSuchEntity.
	AgentSession(ctx context.Context, account, region, domainID, id string) (*AgentSession, error)

	// UpdateAgentSession merges attributes into an ACTIVE session's
	// context and ends it when asked to, and returns it.
	//
	// Returns NoSuchEntity, and ValidationError when the domain is not
	// ACTIVE, the session has ENDED, for another status or when the
	// context would hold more than MaxSessionAttributes attributes.
	UpdateAgentSession(ctx context.Context, account, region, domainID, id string, u AgentSessionUpdate) (*AgentSession, error)

	// TagConsoleResource adds tags to an agent, integration or session, or
	// replaces the values of its keys.
	//
	// Returns NoSuchEntity, ValidationError for tags ValidateHealthTags
	// refuses or a domain that is not ACTIVE, and LimitExceeded when the
	// resource would have more than MaxHealthTags tags.
	TagConsoleResource(ctx context.Context, account, region, domainID string, kind ConsoleKind, id string, tags []Tag) error

	// UntagConsoleResource removes tags by key; absent keys are ignored.
	//
	// Returns NoSuchEntity, and ValidationError for a domain that is not
	// ACTIVE.
	UntagConsoleResource(ctx context.Context, account, region, domainID string, kind ConsoleKind, id string, keys []string) error

	// ConsoleResourceTags returns the tags of an agent, integration or
	// session, by key.
	//
	// Returns NoSuchEntity.
	ConsoleResourceTags(ctx context.Context, account, region, domainID string, kind ConsoleKind, id string) ([]Tag, error)
}

// NewAgentID returns a fresh agent ID: agent- and 16 random characters.
func NewAgentID() string { return "agent-" + randomString(domainIDAlphabet, 16) }

// NewIntegrationID returns a fresh integration ID: int- and 16 random
// characters.
func NewIntegrationID() string { return "int-" + randomString(domainIDAlphabet, 16) }

// ValidateIntegrationEndpoint checks an EHR endpoint: an absolute https
// URL with a host, and no credentials in it (they belong in the secret).
//
// Returns ValidationError.
func ValidateIntegrationEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	switch {
	case err != nil || u.Scheme != "https" || u.Host == "" || u.Opaque != "":
		return Errorf(EValidationError, "Endpoint %q is not an https URL.", endpoint)
	case u.User != nil:
		return Errorf(EValidationError, "Endpoint %q holds credentials; put them in the AWS Secrets Manager secret the integration names.", endpoint)
	}
	return nil
}

// ValidateSecretARN checks that an ARN names an AWS Secrets Manager
// secret (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME) in the
// region the integration lives in.
//
// Returns ValidationError.
func ValidateSecretARN(arn, region string) error {
	a, err := ParseARN(arn)
	name, ok := strings.CutPrefix(a.Resource, "secret:")
	if err != nil || a.Partition != Partition || a.Service != "secretsmanager" || ValidateAccountID(a.AccountID) != nil || !ok || name == "" {
		return Errorf(EValidationError, "%q is not the ARN of an AWS Secrets Manager secret.", arn)
	}
	if a.Region != region {
		return Errorf(EValidationError, "Secret %s is in %s; an integration in %s can use secrets of its own region only.", arn, a.Region, region)
	}
	return nil
}

// ParseConsoleARN splits the ARN of an agent, integration or session.
//
// Returns ValidationError for anything else.
func ParseConsoleARN(s string) (HealthResource, error) {
	invalid := Errorf(EValidationError, "%q is not the ARN of an Amazon Connect Health agent, integration or session.", s)
	a, err := ParseARN(s)
	if err != nil || a.Partition != Partition || a.Service != HealthNamespace || a.Region == "" || ValidateAccountID(a.AccountID) != nil {
		return HealthResource{}, invalid
	}
	parts := strings.Split(a.Resource, "/")
	if len(parts) != 4 || parts[0] != "domain" || parts[1] == "" || parts[3] == "" {
		return HealthResource{}, invalid
	}
	switch ConsoleKind(parts[2]) {
	case KindAgent, KindIntegration, KindSession:
	default:
		return HealthResource{}, invalid
	}
	return HealthResource{Region: a.Region, AccountID: a.AccountID, DomainID: parts[1], Type: parts[2], ID: parts[3]}, nil
}
