package warden_test

import (
	"regexp"
	"testing"

	"github.com/warden-iam/warden"
)

func TestIDFormats(t *testing.T) {
	tests := []struct {
		name string
		gen  func() string
		want *regexp.Regexp
	}{
		{"user", func() string { return warden.NewUniqueID(warden.PrefixUser) }, regexp.MustCompile(`^AIDA[A-Z2-7]{17}$`)},
		{"role", func() string { return warden.NewUniqueID(warden.PrefixRole) }, regexp.MustCompile(`^AROA[A-Z2-7]{17}$`)},
		{"access key", warden.NewAccessKeyID, regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`)},
		{"secret", warden.NewSecretAccessKey, regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`)},
		{"account", warden.NewAccountID, regexp.MustCompile(`^[0-9]{12}$`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]bool{}
			for range 200 {
				id := tt.gen()
				if !tt.want.MatchString(id) {
					t.Fatalf("%q does not match %v", id, tt.want)
				}
				if seen[id] {
					t.Fatalf("%q generated twice", id)
				}
				seen[id] = true
			}
		})
	}
}

// TestSecretAlphabetCoverage guards the uniform draw: over many secrets
// every character of the alphabet must show up.
func TestSecretAlphabetCoverage(t *testing.T) {
	seen := map[rune]bool{}
	for range 100 {
		for _, c := range warden.NewSecretAccessKey() {
			seen[c] = true
		}
	}
	if len(seen) != 64 {
		t.Fatalf("saw %d distinct characters in 4000 draws, want all 64", len(seen))
	}
}
