package stsapi

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"strings"
	"sync"
	"time"

	"github.com/warden-iam/warden"
)

// MFA for AssumeRole and GetSessionToken: the caller names its virtual MFA
// device (SerialNumber) and a current code (TokenCode); a verified code
// makes the session's aws:MultiFactorAuthPresent true
// ("Configuring MFA-protected API access", IAM User Guide). Virtual
// devices compute TOTP codes (RFC 6238): HMAC-SHA1 over 30-second steps,
// six digits.
const (
	totpStep   = 30 // seconds
	totpDigits = 6
	// totpWindow is how many steps a code may stray from the server's
	// clock either way (RFC 6238 §5.2: one step of transmission delay).
	totpWindow = 1
)

// errMFA is AWS's answer to any failed MFA check: which part failed (no
// such device, not the caller's, wrong or replayed code) is not said.
func errMFA() error {
	return warden.Errorf(warden.EAccessDenied, "MultiFactorAuthentication failed with invalid MFA one time pass code.")
}

// verifyMFA checks serial and code for the caller and returns when MFA
// was verified. Only an IAM user's own enabled device counts.
func (a *API) verifyMFA(ctx context.Context, p *warden.Principal, serial, code *string, now time.Time) (time.Time, error) {
	switch {
	case serial == nil && code == nil:
		return time.Time{}, nil
	case serial == nil || code == nil:
		return time.Time{}, warden.Errorf(warden.EValidationError, "SerialNumber and TokenCode must be given together.")
	}
	user := p
	if p.Session != nil {
		user = &p.Session.Parent
	}
	if user.Kind != warden.PrincipalUser || p.Kind == warden.PrincipalAssumedRole || p.Kind == warden.PrincipalFederatedUser {
		return time.Time{}, errMFA()
	}
	d, err := a.store.VirtualMFADevice(ctx, p.AccountID, *serial)
	if warden.ErrorCode(err) == warden.ENoSuchEntity {
		return time.Time{}, errMFA()
	}
	if err != nil {
		return time.Time{}, err
	}
	if !strings.EqualFold(d.UserName, user.Name) {
		return time.Time{}, errMFA()
	}
	step, ok := totpStepOf(d.Seed, *code, now)
	if !ok || !a.mfa.use(d.SerialNumber, step) {
		return time.Time{}, errMFA()
	}
	return now, nil
}

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
	var out [totpDigits]byte
	for i := totpDigits - 1; i >= 0; i-- {
		out[i] = '0' + byte(n%10)
		n /= 10
	}
	return out
}

// totpStepOf returns the time step whose code code is, within totpWindow
// steps of now. Every candidate is compared in constant time and none is
// skipped, so that the time taken says nothing of how near a guess came.
func totpStepOf(seed []byte, code string, now time.Time) (int64, bool) {
	current := now.Unix() / totpStep
	var found int64
	match := 0
	for step := current - totpWindow; step <= current+totpWindow; step++ {
		c := totpCode(seed, step)
		eq := subtle.ConstantTimeCompare(c[:], []byte(code))
		found = int64(subtle.ConstantTimeSelect(eq, int(step), int(found)))
		match |= eq
	}
	return found, match == 1
}

// mfaReplayGuard refuses a code whose step is not later than the last one
// accepted for the device, so that an observed code cannot be used again
// (RFC 6238 §5.2).
type mfaReplayGuard struct {
	mu   sync.Mutex
	last map[string]int64 // by serial number
}

// maxGuardedDevices bounds the guard; past it the oldest steps are the
// ones that matter least, and a full map is emptied of entries older than
// the window.
const maxGuardedDevices = 100_000

func (g *mfaReplayGuard) use(serial string, step int64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.last == nil {
		g.last = map[string]int64{}
	}
	if last, ok := g.last[serial]; ok && step <= last {
		return false
	}
	if len(g.last) >= maxGuardedDevices {
		for k, v := range g.last {
			if v < step-2*totpWindow {
				delete(g.last, k)
			}
		}
	}
	g.last[serial] = step
	return true
}
