package warden

import (
	"crypto/rand"
	"strings"
)

// Unique-ID prefixes. IAM gives every entity an ID whose first four
// characters name its kind (IAM User Guide, "IAM identifiers", section
// "Understanding unique ID prefixes"); clients and log readers rely on them.
const (
	PrefixUser            = "AIDA"
	PrefixGroup           = "AGPA"
	PrefixRole            = "AROA"
	PrefixManagedPolicy   = "ANPA"
	PrefixAccessKey       = "AKIA"
	PrefixTemporaryKey    = "ASIA"
	PrefixInstanceProfile = "AIPA"
)

// uniqueIDAlphabet is the alphabet of the characters after the prefix: IAM
// IDs are upper-case letters and the digits 2–7 (RFC 4648 base32), as in the
// documentation's examples AIDACKCEVSQ6C2EXAMPLE and AKIAIOSFODNN7EXAMPLE.
const uniqueIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// secretAlphabet is the alphabet of secret access keys (40 characters of
// base64, as in wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY).
const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// NewUniqueID returns a fresh entity ID: prefix followed by 17 random
// characters, 21 in all, the length IAM's user, group, role and policy IDs
// have.
func NewUniqueID(prefix string) string { return prefix + randomString(uniqueIDAlphabet, 17) }

// NewAccessKeyID returns a fresh access key ID: AKIA followed by 16 random
// characters, 20 in all, like AWS's.
func NewAccessKeyID() string { return PrefixAccessKey + randomString(uniqueIDAlphabet, 16) }

// NewSecretAccessKey returns a fresh 40-character secret access key with 240
// bits of entropy.
func NewSecretAccessKey() string { return randomString(secretAlphabet, 40) }

// NewAccountID returns a random 12-digit AWS account ID.
func NewAccountID() string { return randomString("0123456789", 12) }

// randomString draws n characters uniformly from alphabet using crypto/rand.
// Rejection sampling keeps the distribution uniform for alphabets whose size
// does not divide 256.
func randomString(alphabet string, n int) string {
	limit := 256 - 256%len(alphabet)
	var sb strings.Builder
	sb.Grow(n)
	buf := make([]byte, n+n/2)
	for sb.Len() < n {
		rand.Read(buf) // never fails: crypto/rand panics rather than return an error
		for _, b := range buf {
			if int(b) >= limit {
				continue
			}
			sb.WriteByte(alphabet[int(b)%len(alphabet)])
			if sb.Len() == n {
				break
			}
		}
	}
	return sb.String()
}
