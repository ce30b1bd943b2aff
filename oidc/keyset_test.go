package oidc

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/oidc/oidctest"
)

func TestParseSource(t *testing.T) {
	tests := []struct {
		in      string
		want    Source
		wantErr string
	}{
		{in: "https://idp.example.test=/etc/warden/jwks.json", want: Source{Issuer: "https://idp.example.test", Location: "/etc/warden/jwks.json"}},
		{in: "https://idp.example.test/t1=http://127.0.0.1:8080/jwks", want: Source{Issuer: "https://idp.example.test/t1", Location: "http://127.0.0.1:8080/jwks"}},
		{in: "https://idp.example.test=http://localhost:8080/keys", want: Source{Issuer: "https://idp.example.test", Location: "http://localhost:8080/keys"}},
		{in: "https://idp.example.test=http://[::1]:8080/keys", want: Source{Issuer: "https://idp.example.test", Location: "http://[::1]:8080/keys"}},
		{in: "https://idp.example.test=https://127.0.0.2/keys", want: Source{Issuer: "https://idp.example.test", Location: "https://127.0.0.2/keys"}},
		{in: "https://idp.example.test=jwks.json", want: Source{Issuer: "https://idp.example.test", Location: "jwks.json"}},

		{in: "https://idp.example.test", wantErr: "is not ISSUER=FILE or ISSUER=URL"},
		{in: "=jwks.json", wantErr: "is not ISSUER=FILE or ISSUER=URL"},
		{in: "https://idp.example.test=", wantErr: "is not ISSUER=FILE or ISSUER=URL"},
		{in: "http://idp.example.test=jwks.json", wantErr: "must begin with https://"},
		{in: "https://idp.example.test?x=1=jwks.json", wantErr: "must begin with https://"},
		{in: "https://idp.example.test=https://www.googleapis.com/oauth2/v3/certs", wantErr: "not on the loopback interface"},
		{in: "https://idp.example.test=http://10.0.0.1/keys", wantErr: "not on the loopback interface"},
		{in: "https://idp.example.test=http://localhost.evil.example/keys", wantErr: "not on the loopback interface"},
		{in: "https://idp.example.test=ftp://127.0.0.1/keys", wantErr: "neither a file nor an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSource(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseSource = %+v, %v; want error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseSource = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestNewKeySet(t *testing.T) {
	rs := rsaKey(t, "k1", "RS256")
	t.Run("reads files at once", func(t *testing.T) {
		_, err := NewKeySet(Source{Issuer: testIssuer, Location: filepath.Join(t.TempDir(), "missing.json")})
		if err == nil || !strings.Contains(err.Error(), "missing.json") {
			t.Fatalf("NewKeySet = %v; want the missing file named", err)
		}
	})
	t.Run("a file without usable keys", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "jwks.json")
		os.WriteFile(path, []byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`), 0o600)
		_, err := NewKeySet(Source{Issuer: testIssuer, Location: path})
		if err == nil || !strings.Contains(err.Error(), "no RSA or EC signature key") {
			t.Fatalf("NewKeySet = %v", err)
		}
	})
	t.Run("not a key set", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "jwks.json")
		os.WriteFile(path, []byte(`{"kty":"RSA"}`), 0o600)
		if _, err := NewKeySet(Source{Issuer: testIssuer, Location: path}); err == nil || !strings.Contains(err.Error(), "no keys member") {
			t.Fatalf("NewKeySet = %v", err)
		}
	})
	t.Run("the same issuer twice", func(t *testing.T) {
		path := oidctest.WriteJWKS(t, rs)
		_, err := NewKeySet(Source{Issuer: testIssuer, Location: path}, Source{Issuer: testIssuer, Location: path})
		if err == nil || !strings.Contains(err.Error(), "given twice") {
			t.Fatalf("NewKeySet = %v", err)
		}
	})
	t.Run("URLs are read when needed", func(t *testing.T) {
		ks, err := NewKeySet(Source{Issuer: testIssuer, Location: "http://127.0.0.1:1/jwks"})
		if err != nil {
			t.Fatal(err)
		}
		if !ks.Has(testIssuer) || !ks.Has("idp.example.test/tenant") || ks.Has("https://idp.example.test") {
			t.Error("Has answers wrongly")
		}
		_, err = ks.keys(t.Context(), testIssuer, "k1", "RS256")
		if warden.ErrorCode(err) != warden.EIDPCommunicationError {
			t.Fatalf("keys from a closed port = %v; want IDPCommunicationError", err)
		}
	})
}

func TestParseKeySetSkipsUnusableKeys(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	good := rsaKey(t, "good", "RS256").JWK()
	ec := oidctest.NewECKey(t, "ec", "ES256").JWK()
	offCurve := oidctest.NewECKey(t, "off", "ES256").JWK()
	offCurve["y"] = ec["x"]
	enc := rsaKey(t, "enc", "").JWK()
	enc["use"] = "enc"
	mismatched := oidctest.NewECKey(t, "mismatch", "ES256").JWK()
	mismatched["alg"] = "RS256"
	set := map[string]any{"keys": []any{
		good, ec, offCurve, enc, mismatched,
		map[string]any{"kty": "RSA", "kid": "small", "alg": "RS256", "n": b64(small.N.Bytes()), "e": "AQAB"},
		map[string]any{"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
		map[string]any{"kty": "OKP", "kid": "ed", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
		map[string]any{"kty": "EC", "kid": "short", "crv": "P-256", "x": "AQ", "y": "AQ"},
		map[string]any{"kty": "RSA", "kid": "even", "n": good["n"], "e": "AQA"},
		"not an object",
	}}
	keys, err := parseKeySet(mustJSON(set))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range keys {
		ids = append(ids, k.id)
	}
	if strings.Join(ids, ",") != "good,ec" {
		t.Fatalf("usable keys = %v; want good,ec", ids)
	}
	if _, err := parseKeySet([]byte(`{"keys":[` + strings.Repeat(`{},`, maxKeys) + `{}]}`)); err == nil {
		t.Fatal("a set of 101 keys was accepted")
	}
}

// jwksServer serves a key set on the loopback interface and counts the
// requests it answers.
type jwksServer struct {
	*httptest.Server
	mu   sync.Mutex
	body []byte
	hits atomic.Int32
	fail bool
}

func newJWKSServer(t *testing.T, keys ...*oidctest.Key) *jwksServer {
	s := &jwksServer{body: oidctest.JWKS(keys...)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.fail {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.Write(s.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) publish(keys ...*oidctest.Key) {
	s.mu.Lock()
	s.body = oidctest.JWKS(keys...)
	s.mu.Unlock()
}

func (s *jwksServer) setFailing(fail bool) {
	s.mu.Lock()
	s.fail = fail
	s.mu.Unlock()
}

func TestKeySetRefresh(t *testing.T) {
	old := oidctest.NewECKey(t, "2025", "ES256")
	next := oidctest.NewECKey(t, "2026", "ES256")
	srv := newJWKSServer(t, old)
	ks, err := NewKeySet(Source{Issuer: testIssuer, Location: srv.URL + "/.well-known/jwks.json"})
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Unix(1_800_000_000, 0)
	ks.now = func() time.Time { return clock }
	find := func(kid string) error {
		t.Helper()
		_, err := ks.keys(t.Context(), testIssuer, kid, "ES256")
		return err
	}

	if err := find("2025"); err != nil {
		t.Fatal(err)
	}
	if err := find("2025"); err != nil || srv.hits.Load() != 1 {
		t.Fatalf("second lookup: %v, %d fetches; want the cached set", err, srv.hits.Load())
	}

	// The provider rotates: a token with the new kid makes Warden read the
	// set again, but not more often than MinRefresh.
	srv.publish(old, next)
	if err := find("2026"); warden.ErrorCode(err) != warden.EInvalidIdentityToken || srv.hits.Load() != 1 {
		t.Fatalf("unknown kid within MinRefresh: %v, %d fetches", err, srv.hits.Load())
	}
	clock = clock.Add(ks.MinRefresh)
	if err := find("2026"); err != nil || srv.hits.Load() != 2 {
		t.Fatalf("unknown kid after MinRefresh: %v, %d fetches", err, srv.hits.Load())
	}

	// A key withdrawn stops being trusted once the set is older than
	// MaxAge.
	srv.publish(next)
	clock = clock.Add(ks.MaxAge)
	if err := find("2025"); warden.ErrorCode(err) != warden.EInvalidIdentityToken || srv.hits.Load() != 3 {
		t.Fatalf("withdrawn key: %v, %d fetches", err, srv.hits.Load())
	}

	// A failed read keeps the keys read before.
	srv.setFailing(true)
	clock = clock.Add(ks.MaxAge)
	if err := find("2026"); err != nil || srv.hits.Load() != 4 {
		t.Fatalf("during an outage: %v, %d fetches", err, srv.hits.Load())
	}
}

func TestKeySetFetchRefusals(t *testing.T) {
	key := rsaKey(t, "k1", "RS256")
	t.Run("redirect", func(t *testing.T) {
		target := newJWKSServer(t, key)
		redirect := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusFound))
		t.Cleanup(redirect.Close)
		ks, err := NewKeySet(Source{Issuer: testIssuer, Location: redirect.URL})
		if err != nil {
			t.Fatal(err)
		}
		_, err = ks.keys(t.Context(), testIssuer, "k1", "RS256")
		if warden.ErrorCode(err) != warden.EIDPCommunicationError || target.hits.Load() != 0 {
			t.Fatalf("keys behind a redirect = %v (%d fetches of the target)", err, target.hits.Load())
		}
	})
	t.Run("error status", func(t *testing.T) {
		srv := newJWKSServer(t, key)
		srv.setFailing(true)
		ks, err := NewKeySet(Source{Issuer: testIssuer, Location: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		_, err = ks.keys(t.Context(), testIssuer, "k1", "RS256")
		if warden.ErrorCode(err) != warden.EIDPCommunicationError || !strings.Contains(err.Error(), "503") {
			t.Fatalf("keys = %v; want IDPCommunicationError with the status", err)
		}
		// A failure is not retried before MinRefresh.
		if _, err := ks.keys(t.Context(), testIssuer, "k1", "RS256"); warden.ErrorCode(err) != warden.EIDPCommunicationError || srv.hits.Load() != 1 {
			t.Fatalf("retry: %v, %d fetches", err, srv.hits.Load())
		}
	})
	t.Run("oversized", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"keys":[`))
			w.Write([]byte(strings.Repeat(" ", maxKeySetBytes)))
			w.Write([]byte(`]}`))
		}))
		t.Cleanup(srv.Close)
		ks, err := NewKeySet(Source{Issuer: testIssuer, Location: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ks.keys(t.Context(), testIssuer, "k1", "RS256"); warden.ErrorCode(err) != warden.EIDPCommunicationError || !strings.Contains(err.Error(), "larger than") {
			t.Fatalf("keys = %v", err)
		}
	})
	t.Run("a name that resolves elsewhere is not dialled", func(t *testing.T) {
		// The client checks the address it dials, not the name: a loopback
		// name is the only kind a Source accepts, and this shows the check
		// holds even when the transport is handed another address.
		_, err := loopbackClient().Get("http://192.0.2.1:80/jwks")
		if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
			t.Fatalf("Get = %v", err)
		}
	})
}

// FuzzParseKeySet checks that no key set makes the parser fail other than
// with an error, and that every key it keeps can be used.
func FuzzParseKeySet(f *testing.F) {
	f.Add(oidctest.JWKS(rsaKey(f, "k1", "RS256"), oidctest.NewECKey(f, "k2", "ES256")))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"AQ","y":"AQ"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}`))
	f.Add([]byte(`{"keys":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := parseKeySet(data)
		if err != nil {
			return
		}
		for _, k := range keys {
			if (k.rsa == nil) == (k.ec == nil) {
				t.Fatalf("key %q has no or two public keys", k.id)
			}
			if k.rsa != nil && k.rsa.N.BitLen() < minRSABits {
				t.Fatalf("key %q is a %d-bit RSA key", k.id, k.rsa.N.BitLen())
			}
			// Verifying must not panic, whatever the key.
			k.verify("RS256", "a.b", []byte{1})
			k.verify("ES256", "a.b", make([]byte, 64))
		}
	})
}

// TestKeySetConcurrentUse looks keys up from many goroutines while the set
// is being refreshed; run with -race.
func TestKeySetConcurrentUse(t *testing.T) {
	key := oidctest.NewECKey(t, "k1", "ES256")
	srv := newJWKSServer(t, key)
	ks, err := NewKeySet(Source{Issuer: testIssuer, Location: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	// Every lookup sees a clock a second later: the set is always due.
	var ticks atomic.Int64
	ks.now = func() time.Time { return time.Unix(1_800_000_000+ticks.Add(1), 0) }
	ks.MaxAge, ks.MinRefresh = time.Second, 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if _, err := ks.keys(t.Context(), testIssuer, "k1", "ES256"); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if srv.hits.Load() != 8*50 {
		t.Errorf("%d fetches; want one per lookup", srv.hits.Load())
	}
}
