package main

import "github.com/warden-iam/warden/internal/gen/smithy"

// xmlName returns the name a member has on the wire: its xmlName trait, or
// fallback.
func xmlName(traits map[string]any, fallback string) string {
	if name := smithy.TraitString(traits, "smithy.api#xmlName"); name != "" {
		return name
	}
	return fallback
}
