package sigv4

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

// A store that keeps only the SHA-256 of a session token hands the verifier
// the digest; every rule of the plain-token form holds for it.
func TestVerifySessionTokenDigest(t *testing.T) {
	digest := sha256.Sum256([]byte(testSessionToken))
	store := memoryStore{testTempKeyID: {
		AccessKeyID:        testTempKeyID,
		SecretAccessKey:    testTempSecret,
		SessionTokenSHA256: digest[:],
		Expires:            testTime.Add(time.Hour),
	}}
	signed := sdkRequest{body: "Action=GetCallerIdentity&Version=2011-06-15", service: "sts",
		headers: [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}},
		keyID:   testTempKeyID, secret: testTempSecret, token: testSessionToken}
	tests := []struct {
		name  string
		token string
		now   time.Time
		code  string // "" for success
	}{
		{name: "the token", token: testSessionToken},
		{name: "another token", token: testSessionToken + "x", code: warden.EInvalidClientTokenID},
		{name: "a prefix of the token", token: testSessionToken[:20], code: warden.EInvalidClientTokenID},
		{name: "no token", token: "", code: warden.EInvalidClientTokenID},
		{name: "the token after expiry", token: testSessionToken, now: testTime.Add(time.Hour), code: warden.EExpiredToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.now
			if now.IsZero() {
				now = testTime
			}
			v := newTestVerifier(now)
			v.Credentials = store
			s := signed
			s.token, s.at = tt.token, now
			r, body := s.sign(t)
			res, err := v.Verify(r, body)
			if got := warden.ErrorCode(err); got != tt.code {
				t.Fatalf("Verify: %v (code %q), want code %q", err, got, tt.code)
			}
			if tt.code == "" && !res.Credentials.Temporary() {
				t.Error("digest-only credentials are not reported as temporary")
			}
		})
	}
}
