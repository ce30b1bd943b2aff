package warden

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// Amazon AppIntegrations (IAM prefix app-integrations): event
// integrations, which route events from an EventBridge source to
// applications such as Amazon Connect. An event integration is named, not
// numbered, and lives in one account and one region ("Actions, resources,
// and condition keys for Amazon AppIntegrations"):
//
//	arn:aws:app-integrations:REGION:ACCOUNT:event-integration/NAME

// AppIntegrationsNamespace is AppIntegrations' IAM and ARN service prefix,
// and its SigV4 signing name.
const AppIntegrationsNamespace = "app-integrations"

// MaxAppIntegrationsTags bounds the tags of an event integration: the
// model's TagMap holds at most 200 entries.
const MaxAppIntegrationsTags = 200

// EventIntegration is an AppIntegrations event integration.
type EventIntegration struct {
	Name      string // the model's Name: 1–255 of [a-zA-Z0-9/._-]
	AccountID string
	Region    string
	// Description is the only member UpdateEventIntegration changes.
	Description string
	// Source is the event filter's source, an EventBridge source such as
	// aws.partner/examplepartner.com.
	Source         string
	EventBridgeBus string
	// ClientToken is the idempotency token of the request that created
	// it; empty when there was none.
	ClientToken string
	CreatedAt   time.Time
	// Tags are filled by EventIntegration and CreateEventIntegration only.
	Tags []Tag
}

// ARN returns the event integration's ARN.
func (e *EventIntegration) ARN() string {
	return EventIntegrationARN(e.Region, e.AccountID, e.Name)
}

// EventIntegrationARN returns the ARN of an event integration.
func EventIntegrationARN(region, account, name string) string {
	return "arn:" + Partition + ":" + AppIntegrationsNamespace + ":" + region + ":" + account + ":event-integration/" + name
}

// eventIntegrationNameRE is the model's pattern of Name (and
// EventBridgeBus).
var eventIntegrationNameRE = regexp.MustCompile(`^[a-zA-Z0-9/._-]{1,255}$`)

// EventIntegrationResource is an AppIntegrations ARN split into what
// Warden looks resources up by.
type EventIntegrationResource struct {
	Region    string
	AccountID string
	// Type is the resource type: event-integration, or another type of
	// the service (application, data-integration, …) that Warden does not
	// keep.
	Type string
	// Name is the event integration's name when Type is
	// event-integration.
	Name string
}

// ParseAppIntegrationsARN splits an AppIntegrations ARN. Names may hold
// slashes, so everything after "event-integration/" is the name.
//
// Returns ValidationError for an ARN of another service, without a region
// or account, or whose resource names no type.
func ParseAppIntegrationsARN(s string) (EventIntegrationResource, error) {
	a, err := ParseARN(s)
	if err != nil || a.Service != AppIntegrationsNamespace || a.Partition != Partition || a.Region == "" || a.AccountID == "" {
		return EventIntegrationResource{}, Errorf(EValidationError, "%s is not the ARN of an Amazon AppIntegrations resource.", s)
	}
	typ, rest, ok := strings.Cut(a.Resource, "/")
	if !ok || typ == "" || rest == "" {
		return EventIntegrationResource{}, Errorf(EValidationError, "%s is not the ARN of an Amazon AppIntegrations resource.", s)
	}
	r := EventIntegrationResource{Region: a.Region, AccountID: a.AccountID, Type: typ}
	if typ == "event-integration" {
		if !eventIntegrationNameRE.MatchString(rest) {
			return EventIntegrationResource{}, Errorf(EValidationError, "%s does not name an event integration.", s)
		}
		r.Name = rest
	}
	return r, nil
}

// CreateEventIntegrationInput describes a new event integration.
type CreateEventIntegrationInput struct {
	Name           string
	AccountID      string
	Region         string
	Description    string
	Source         string
	EventBridgeBus string
	ClientToken    string
	Tags           []Tag
}

// ValidateAppIntegrationsTags checks tags as AppIntegrations does: at most
// MaxAppIntegrationsTags, none with the reserved aws: prefix, no key twice.
// The model's lengths and patterns are the protocol's to check.
//
// Returns ValidationError.
func ValidateAppIntegrationsTags(tags []Tag) error {
	return validateServiceTags(tags, MaxAppIntegrationsTags)
}

// AppIntegrationsService keeps AppIntegrations' event integrations. Every
// lookup is scoped to an account and a region: an event integration of
// another account or region is not found. It does not authorize.
type AppIntegrationsService interface {
	// CreateEventIntegration stores a new event integration with its tags.
	// A request repeated with the same non-empty client token and name
	// returns the integration it created the first time.
	//
	// Returns EntityAlreadyExists when the name is taken (by a request
	// with another client token), and ValidationError for tags
	// ValidateAppIntegrationsTags refuses.
	CreateEventIntegration(ctx context.Context, in CreateEventIntegrationInput) (*EventIntegration, error)

	// EventIntegration returns an event integration with its tags.
	//
	// Returns NoSuchEntity.
	EventIntegration(ctx context.Context, account, region, name string) (*EventIntegration, error)

	// ListEventIntegrations lists the account's event integrations in the
	// region by name, with their tags.
	//
	// Returns InvalidInput for a marker it did not issue.
	ListEventIntegrations(ctx context.Context, account, region string, opts ListOptions) (*Page[*EventIntegration], error)

	// UpdateEventIntegration replaces an event integration's description.
	//
	// Returns NoSuchEntity.
	UpdateEventIntegration(ctx context.Context, account, region, name, description string) error

	// DeleteEventIntegration removes an event integration and its tags.
	//
	// Returns NoSuchEntity.
	DeleteEventIntegration(ctx context.Context, account, region, name string) error

	// TagEventIntegration adds tags to an event integration, replacing the
	// values of keys it already has.
	//
	// Returns NoSuchEntity, ValidationError for tags
	// ValidateAppIntegrationsTags refuses, and LimitExceeded when the
	// integration would have more than MaxAppIntegrationsTags tags.
	TagEventIntegration(ctx context.Context, account, region, name string, tags []Tag) error

	// UntagEventIntegration removes the tags with the given keys; keys it
	// does not have are ignored.
	//
	// Returns NoSuchEntity.
	UntagEventIntegration(ctx context.Context, account, region, name string, keys []string) error
}
