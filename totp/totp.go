// Package totp computes and checks the time-based one-time passwords of
// virtual MFA devices (RFC 6238) with the parameters of the otpauth URIs
// IAM issues: HMAC-SHA1 over 30-second steps counted from the Unix epoch,
// six digits. Every check compares each candidate in constant time and
// skips none, so the time taken says nothing of how near a guess came.
package totp

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"time"
)

const (
	Step   = 30 // seconds
	Digits = 6
	// Window is how many steps a code may stray from the server's clock
	// either way: RFC 6238 §5.2 recommends allowing one step of
	// transmission delay.
	Window = 1
)

// Code returns the code of a time step: HOTP (RFC 4226 §5.3) of the step
// number.
func Code(seed []byte, step int64) [Digits]byte {
	var counter [8]byte
	binary.BigEndian.PutUint64(counter[:], uint64(step))
	mac := hmac.New(sha1.New, seed)
	mac.Write(counter[:])
	sum := mac.Sum(nil)
	offset := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[offset:]) & 0x7fffffff
	var code [Digits]byte
	for i := Digits - 1; i >= 0; i-- {
		code[i] = '0' + byte(n%10)
		n /= 10
	}
	return code
}

// StepOf returns the time step whose code code is, within Window steps of
// now: the check of a code presented at sign-in or to STS.
func StepOf(seed []byte, code string, now time.Time) (int64, bool) {
	current := now.Unix() / Step
	var found int64
	match := 0
	for step := current - Window; step <= current+Window; step++ {
		c := Code(seed, step)
		eq := subtle.ConstantTimeCompare(c[:], []byte(code))
		found = int64(subtle.ConstantTimeSelect(eq, int(step), int(found)))
		match |= eq
	}
	return found, match == 1
}

// Consecutive reports whether code1 and code2 are the codes of two
// consecutive steps, the later within Window steps of now: what
// EnableMFADevice and ResyncMFADevice ask of a device.
func Consecutive(seed []byte, now time.Time, code1, code2 string) bool {
	current := now.Unix() / Step
	match := 0
	for later := current - Window; later <= current+Window; later++ {
		first, second := Code(seed, later-1), Code(seed, later)
		match |= subtle.ConstantTimeCompare(first[:], []byte(code1)) & subtle.ConstantTimeCompare(second[:], []byte(code2))
	}
	return match == 1
}
