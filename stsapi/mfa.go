package stsapi

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/totp"
)

// MFA for AssumeRole and GetSessionToken: the caller names its virtual MFA
// device (SerialNumber) and a current code (TokenCode); a verified code
// makes the session's aws:MultiFactorAuthPresent true
// ("Configuring MFA-protected API access", IAM User Guide). Virtual
// devices compute TOTP codes (RFC 6238): HMAC-SHA1 over 30-second steps,
// six digits.

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
	step, ok := totp.StepOf(d.Seed, *code, now)
	if !ok || !a.mfa.use(d.SerialNumber, step) {
		return time.Time{}, errMFA()
	}
	return now, nil
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
			if v < step-2*totp.Window {
				delete(g.last, k)
			}
		}
	}
	g.last[serial] = step
	return true
}
