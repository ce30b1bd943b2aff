package warden

// Tag is a key–value label on a user, role, managed policy or other
// taggable IAM resource (IAM User Guide, "Tagging IAM resources"). Keys of
// users and roles are compared without regard to case, and the case they
// were last written with is kept; keys on other resources are
// case-sensitive.
type Tag struct {
	Key   string
	Value string
}
