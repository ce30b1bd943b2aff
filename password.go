package warden

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters for console passwords: OWASP's Password Storage Cheat
// Sheet recommendation of 19 MiB, two passes, one lane. Each check costs
// tens of milliseconds, which is the point; login is never on the request
// path of API calls.
const (
	argonMemoryKiB = 19 * 1024
	argonPasses    = 2
	argonLanes     = 1
	argonSaltLen   = 16
	argonKeyLen    = 32
)

// Bounds a stored hash's parameters must respect, so that a damaged or
// planted hash cannot make a check allocate gigabytes or spin for minutes.
const (
	maxArgonMemoryKiB = 1 << 20
	maxArgonPasses    = 16
)

// HashPassword returns an Argon2id hash of password in the PHC string
// format ($argon2id$v=19$m=…,t=…,p=…$salt$hash), with a fresh random salt.
func HashPassword(password string) string {
	salt := make([]byte, argonSaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonPasses, argonMemoryKiB, argonLanes, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonPasses, argonLanes,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether password matches hash, a string made by
// HashPassword. The comparison takes constant time. It returns an error only
// when hash is not a well-formed Argon2id hash.
func CheckPassword(hash, password string) (bool, error) {
	p, err := parsePasswordHash(hash)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(password), p.salt, p.passes, p.memoryKiB, p.lanes, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

type passwordHash struct {
	memoryKiB, passes uint32
	lanes             uint8
	salt, key         []byte
}

var errPasswordHash = errors.New("malformed password hash")

// parsePasswordHash reads a PHC-format Argon2id hash.
func parsePasswordHash(s string) (*passwordHash, error) {
	// The base64 decoder skips line breaks; refuse them so that every hash
	// has one spelling.
	if strings.ContainsAny(s, "\r\n") {
		return nil, errPasswordHash
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return nil, errPasswordHash
	}
	var p passwordHash
	var lanes uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memoryKiB, &p.passes, &lanes); err != nil || n != 3 ||
		fmt.Sprintf("m=%d,t=%d,p=%d", p.memoryKiB, p.passes, lanes) != parts[3] {
		return nil, errPasswordHash
	}
	if p.passes < 1 || p.passes > maxArgonPasses || lanes < 1 || lanes > 255 ||
		p.memoryKiB < 8*lanes || p.memoryKiB > maxArgonMemoryKiB {
		return nil, errPasswordHash
	}
	p.lanes = uint8(lanes)
	var err error
	if p.salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[4]); err != nil || len(p.salt) < 8 || len(p.salt) > 64 {
		return nil, errPasswordHash
	}
	if p.key, err = base64.RawStdEncoding.Strict().DecodeString(parts[5]); err != nil || len(p.key) < 16 || len(p.key) > 64 {
		return nil, errPasswordHash
	}
	return &p, nil
}
