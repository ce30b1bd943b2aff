package main

import "github.com/warden-iam/warden/internal/gen/smithy"

// jsonName is a member's name in JSON bodies: its jsonName trait, or its
// member name.
func jsonName(m *smithy.Member) string {
	if name := smithy.TraitString(m.Traits, traitJSONName); name != "" {
		return name
	}
	return m.Name
}
