package warden

import "strings"

// Tag is a key–value label on a user, role, managed policy or other
// taggable IAM resource (IAM User Guide, "Tagging IAM resources"). Keys of
// users and roles are compared without regard to case, and the case they
// were last written with is kept; keys on other resources are
// case-sensitive.
type Tag struct {
	Key   string
	Value string
}

// validateServiceTags is the tag check the restJson1 services (Connect
// Health, Amazon Connect, AppIntegrations) share: at most limit tags, no key twice, none in
// the reserved aws: namespace.
func validateServiceTags(tags []Tag, limit int) error {
	if len(tags) > limit {
		return Errorf(EValidationError, "A resource can have at most %d tags.", limit)
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return Errorf(EValidationError, "Tag key %q is not allowed: the aws: prefix is reserved for AWS use.", t.Key)
		}
		if seen[t.Key] {
			return Errorf(EValidationError, "Tag key %q is given more than once.", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}
