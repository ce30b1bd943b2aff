package catalog

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Service is one AWS service as the Service Authorization Reference lists it
// under its IAM prefix.
type Service struct {
	Prefix string // IAM prefix, e.g. "health-agent"
	Name   string // e.g. "Amazon Connect Health"
	// Actions are sorted by name, case-insensitively.
	Actions []*Action
	// ResourceTypes and ConditionKeys keep the order of the reference.
	ResourceTypes []*ResourceType
	// ConditionKeys are the keys this service's page lists, with the types
	// it gives them. A global key (aws:…) appears here as the page states
	// it; Catalog.ConditionKey resolves global keys from the global table.
	ConditionKeys []*ConditionKey
}

// ResourceType returns the service's resource type with the given name,
// matched case-insensitively.
func (s *Service) ResourceType(name string) (*ResourceType, bool) {
	for _, rt := range s.ResourceTypes {
		if strings.EqualFold(rt.Name, name) {
			return rt, true
		}
	}
	return nil, false
}

// AccessLevel classifies an action as the Service Authorization Reference
// does ("Access level" column).
type AccessLevel string

const (
	AccessList                  AccessLevel = "List"
	AccessRead                  AccessLevel = "Read"
	AccessWrite                 AccessLevel = "Write"
	AccessTagging               AccessLevel = "Tagging"
	AccessPermissionsManagement AccessLevel = "Permissions management"
)

// Source says where the catalog learned of an action or resource type, so a
// validator can weigh a name the Service Authorization Reference does not
// vouch for.
type Source uint8

const (
	// SourceReference: listed in the AWS Service Authorization Reference
	// snapshot the catalog is generated from.
	SourceReference Source = iota
	// SourceOtherEdition: listed in another edition of the service's
	// Service Authorization Reference page, but not in the snapshot.
	SourceOtherEdition
	// SourceUserGuide: documented only in the Amazon Connect Health user
	// guide (its example policies), not in any edition of the reference.
	SourceUserGuide
)

// sourceTokens are the names of the sources in JSON and in the generator's
// supplement file.
var sourceTokens = [...]string{
	SourceReference:    "reference",
	SourceOtherEdition: "otherEdition",
	SourceUserGuide:    "userGuide",
}

// MarshalText gives the source's short name: reference, otherEdition or
// userGuide.
func (s Source) MarshalText() ([]byte, error) {
	if int(s) >= len(sourceTokens) {
		return nil, fmt.Errorf("unknown source %d", s)
	}
	return []byte(sourceTokens[s]), nil
}

// UnmarshalText reads a short name written by MarshalText.
func (s *Source) UnmarshalText(text []byte) error {
	for i, token := range sourceTokens {
		if string(text) == token {
			*s = Source(i)
			return nil
		}
	}
	return fmt.Errorf("unknown source %q (want reference, otherEdition or userGuide)", text)
}

func (s Source) String() string {
	switch s {
	case SourceReference:
		return "Service Authorization Reference"
	case SourceOtherEdition:
		return "listed only in another edition of the Service Authorization Reference"
	case SourceUserGuide:
		return "documented only in the Amazon Connect Health user guide"
	}
	return "unknown source"
}

// Action is one IAM action ("prefix:Name").
type Action struct {
	Service        *Service
	Name           string
	AccessLevel    AccessLevel
	PermissionOnly bool // grants a permission with no API operation of the same name
	// ResourceTypes are the resource types the action can be authorized
	// against; none means the action supports only "Resource": "*".
	ResourceTypes []ActionResource
	// ConditionKeys are the keys of the action's own row (request keys);
	// keys attached to a resource type are on the ResourceType.
	ConditionKeys    []string
	DependentActions []string // full names, "prefix:Name"
	Source           Source
}

// FullName returns "prefix:Name".
func (a *Action) FullName() string { return a.Service.Prefix + ":" + a.Name }

// SupportedConditionKeys returns, sorted and without repeats, every
// condition key the reference lists for the action: those of its own row and
// those of its resource types.
func (a *Action) SupportedConditionKeys() []string {
	keys := slices.Clone(a.ConditionKeys)
	for _, r := range a.ResourceTypes {
		if r.Type != nil {
			keys = append(keys, r.Type.ConditionKeys...)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// ActionResource is one resource type an action can be authorized against.
type ActionResource struct {
	// Type is nil when the reference names a resource type its service
	// does not define (it happens: config's Connector).
	Type     *ResourceType
	Name     string
	Required bool // marked "*" in the reference
}

// ResourceType is a kind of resource a service defines, with the ARN
// template that names its instances.
type ResourceType struct {
	Service *Service
	Name    string
	// ARNTemplate is e.g.
	// "arn:${Partition}:health-agent:${Region}:${Account}:domain/${DomainId}".
	// The reference gives exactly one template per resource type.
	ARNTemplate   string
	ConditionKeys []string
	Source        Source

	compileOnce sync.Once
	compiled    *arnTemplate
}

// ConditionKey is a condition key and its data type.
type ConditionKey struct {
	// Name may be a template: "aws:RequestTag/${TagKey}",
	// "s3:ExistingObjectTag/<key>".
	Name string
	// Type is the reference's data type: String, ARN, Numeric, Date, Bool,
	// IPAddress, Binary, or ArrayOf… for multivalued keys.
	Type string
	// AltType is a second type the key also accepts (aws:EpochTime is both
	// Date and Numeric); empty for almost every key.
	AltType string
}

// Multivalued reports whether the key can carry several values in one
// request, so conditions on it need ForAllValues/ForAnyValue.
func (k *ConditionKey) Multivalued() bool { return strings.HasPrefix(k.Type, "ArrayOf") }

// Global reports whether the key is one of AWS's global keys (aws:…).
func (k *ConditionKey) Global() bool { return hasPrefixFold(k.Name, "aws:") }

// IsTemplate reports whether the name stands for a family of keys
// ("aws:RequestTag/${TagKey}") rather than one key.
func (k *ConditionKey) IsTemplate() bool { return keyTemplatePattern(k.Name) != "" }

// Alias maps the name of an API operation that is not itself an IAM action to
// the action that authorizes it ("s3:GetService" → "s3:ListAllMyBuckets").
type Alias struct {
	Operation string // "prefix:OperationName"
	Action    string // "prefix:ActionName"
}
