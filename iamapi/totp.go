package iamapi

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"time"
)

// Virtual MFA devices compute TOTP codes (RFC 6238) with the parameters of
// the otpauth URIs IAM issues: HMAC-SHA1 over 30-second steps counted from
// the Unix epoch, six digits.
const (
	totpStep   = 30 // seconds
	totpDigits = 6
	// totpWindow is how many steps a code may stray from the server's
	// clock either way: RFC 6238 §5.2 recommends allowing one step of
	// transmission delay.
	totpWindow = 1
)

// totpCode returns the code of a time step: HOTP (RFC 4226 §5.3) of the
// step number.
func totpCode(seed []byte, step int64) [totpDigits]byte {
	var counter [8]byte
	binary.BigEndian.PutUint64(counter[:], uint64(step))
	mac := hmac.New(sha1.New, seed)
	mac.Write(counter[:])
	sum := mac.Sum(nil)
	offset := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[offset:]) & 0x7fffffff
	var code [totpDigits]byte
	for i := totpDigits - 1; i >= 0; i-- {
		code[i] = '0' + byte(n%10)
		n /= 10
	}
	return code
}

// consecutiveCodes reports whether code1 and code2 are the codes of two
// consecutive steps, the later within totpWindow steps of now: what
// EnableMFADevice and ResyncMFADevice ask of a device. Every candidate is
// compared in constant time and none is skipped, so that the time taken
// says nothing of how near a guess came.
func consecutiveCodes(seed []byte, now time.Time, code1, code2 string) bool {
	current := now.Unix() / totpStep
	match := 0
	for later := current - totpWindow; later <= current+totpWindow; later++ {
		first, second := totpCode(seed, later-1), totpCode(seed, later)
		match |= subtle.ConstantTimeCompare(first[:], []byte(code1)) & subtle.ConstantTimeCompare(second[:], []byte(code2))
	}
	return match == 1
}
