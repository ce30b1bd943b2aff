package warden

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

func TestPasswordRoundTrip(t *testing.T) {
	hash := HashPassword("correct horse battery staple")
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not PHC Argon2id with the configured parameters", hash)
	}
	for _, tt := range []struct {
		password string
		want     bool
	}{
		{"correct horse battery staple", true},
		{"correct horse battery stapl", false},
		{"Correct horse battery staple", false},
		{"", false},
	} {
		t.Run(tt.password, func(t *testing.T) {
			ok, err := CheckPassword(hash, tt.password)
			if err != nil || ok != tt.want {
				t.Fatalf("CheckPassword = %v, %v; want %v", ok, err, tt.want)
			}
		})
	}
	if HashPassword("x") == HashPassword("x") {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
}

func TestCheckPasswordRejectsMalformedHashes(t *testing.T) {
	good := HashPassword("pw")
	for _, hash := range []string{
		"",
		"plaintext",
		strings.Replace(good, "argon2id", "argon2i", 1),
		strings.Replace(good, "v=19", "v=16", 1),
		strings.Replace(good, "m=19456", "m=99999999", 1),
		strings.Replace(good, "t=2", "t=0", 1),
		strings.Replace(good, "p=1", "p=0", 1),
		strings.Replace(good, "m=19456,t=2,p=1", "m=19456,t=2,p=1,x=1", 1),
		good + "$",
		good[:len(good)-10],
	} {
		t.Run(hash, func(t *testing.T) {
			if _, err := CheckPassword(hash, "pw"); err == nil {
				t.Fatalf("CheckPassword accepted %q", hash)
			}
		})
	}
}

func FuzzParsePasswordHash(f *testing.F) {
	f.Add(HashPassword("seed"))
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$MDEyMzQ1Njc4OWFiY2RlZg")
	f.Add("$argon2id$v=19$m=+8,t=1,p=1$c2FsdHNhbHQ$MDEyMzQ1Njc4OWFiY2RlZg")
	f.Add("$$$$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePasswordHash(s)
		if err != nil {
			return
		}
		// Whatever parses must respect the bounds that keep a check cheap
		// enough, and must print back to itself.
		if p.memoryKiB > maxArgonMemoryKiB || p.passes > maxArgonPasses || p.passes == 0 || p.lanes == 0 {
			t.Fatalf("parsed out-of-bounds parameters from %q: %+v", s, p)
		}
		if len(p.salt) < 8 || len(p.key) < 16 {
			t.Fatalf("parsed short salt or key from %q", s)
		}
		printed := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", p.memoryKiB, p.passes, p.lanes,
			base64.RawStdEncoding.EncodeToString(p.salt), base64.RawStdEncoding.EncodeToString(p.key))
		if printed != s {
			t.Fatalf("%q parsed but prints as %q", s, printed)
		}
	})
}
