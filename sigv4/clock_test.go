package sigv4

import (
	"testing"
	"testing/synctest"
	"time"
)

// TestClockWindowEdges checks that the window is inclusive at exactly
// MaxSkew and at exactly the presign expiry, and that MaxSkew is honoured.
func TestClockWindowEdges(t *testing.T) {
	form := [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}}
	tests := []struct {
		name    string
		signed  time.Duration // signing time relative to the verifier's clock
		maxSkew time.Duration
		code    string // "" means it verifies
	}{
		{"exactly 15 minutes old", -15 * time.Minute, 0, ""},
		{"exactly 15 minutes ahead", 15 * time.Minute, 0, ""},
		{"a second past the window", -15*time.Minute - time.Second, 0, "SignatureDoesNotMatch"},
		{"within a wider window", -29 * time.Minute, 30 * time.Minute, ""},
		{"outside a narrower window", -6 * time.Minute, 5 * time.Minute, "SignatureDoesNotMatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, body := sdkRequest{headers: form, body: "Action=ListUsers&Version=2010-05-08", at: testTime.Add(tt.signed)}.sign(t)
			v := newTestVerifier(testTime)
			v.MaxSkew = tt.maxSkew
			_, err := v.Verify(r, body)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			wantCode(t, err, tt.code)
		})
	}

	t.Run("presigned at exactly its expiry", func(t *testing.T) {
		r, body := sdkRequest{method: "GET", url: "http://127.0.0.1:18080/?Action=ListUsers&Version=2010-05-08&X-Amz-Expires=60"}.presign(t, sha256Hex(""))
		mustVerify(t, newTestVerifier(testTime.Add(time.Minute)), r, body)
	})
	t.Run("presigned url used a day later within seven days", func(t *testing.T) {
		r, body := sdkRequest{method: "GET", url: "http://127.0.0.1:18080/?Action=ListUsers&Version=2010-05-08&X-Amz-Expires=604800"}.presign(t, sha256Hex(""))
		mustVerify(t, newTestVerifier(testTime.Add(24*time.Hour)), r, body)
	})
}

// TestDefaultClock runs a Verifier without an injected clock inside a
// synctest bubble, where time.Now is the bubble's fake clock: a request
// stays good for exactly 15 minutes, and temporary credentials stop at
// their expiry.
func TestDefaultClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		store := testStore()
		store[testTempKeyID].Expires = start.Add(time.Hour)
		v := &Verifier{Credentials: store, Services: map[string]bool{"sts": true}}

		r, body := sdkRequest{service: "sts", body: "Action=GetCallerIdentity&Version=2011-06-15", at: start}.sign(t)
		mustVerify(t, v, r, body)
		time.Sleep(15 * time.Minute)
		mustVerify(t, v, r, body)
		time.Sleep(time.Second)
		_, err := v.Verify(r, body)
		wantCode(t, err, "SignatureDoesNotMatch")

		temp := sdkRequest{service: "sts", keyID: testTempKeyID, secret: testTempSecret, token: testSessionToken}
		time.Sleep(time.Until(start.Add(time.Hour - time.Second)))
		temp.at = time.Now()
		r, body = temp.sign(t)
		mustVerify(t, v, r, body)
		time.Sleep(time.Second)
		_, err = v.Verify(r, body)
		wantCode(t, err, "ExpiredToken")
	})
}
