package oidc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/warden-iam/warden"
)

// Source says where the operator keeps an identity provider's keys.
type Source struct {
	// Issuer is the provider's URL, the iss claim of its tokens
	// (https://host/path), as registered with CreateOpenIDConnectProvider.
	Issuer string
	// Location is a JWK Set file, or a URL on this machine's loopback
	// interface (http://127.0.0.1:PORT/…, http://[::1]:PORT/…,
	// http://localhost:PORT/…).
	Location string
}

// ParseSource reads the operator's ISSUER=LOCATION form.
func ParseSource(s string) (Source, error) {
	issuer, location, ok := strings.Cut(s, "=")
	if !ok || issuer == "" || location == "" {
		return Source{}, fmt.Errorf("%q is not ISSUER=FILE or ISSUER=URL", s)
	}
	src := Source{Issuer: issuer, Location: location}
	if err := src.check(); err != nil {
		return Source{}, err
	}
	return src, nil
}

func (s Source) check() error {
	if err := warden.ValidateOIDCProviderURL(s.Issuer); err != nil {
		return fmt.Errorf("issuer %q: %s", s.Issuer, warden.ErrorMessage(err))
	}
	if u, ok := s.url(); ok {
		if u.Scheme != "http" && u.Scheme != "https" {
			return fmt.Errorf("keys of %s: %s is neither a file nor an http(s) URL", s.Issuer, s.Location)
		}
		if !loopbackHost(u.Hostname()) {
			// Warden fetches nothing from the network: a remote key set
			// is the operator's to download and serve locally.
			return fmt.Errorf("keys of %s: %s is not on the loopback interface; give a file or a URL on 127.0.0.1, ::1 or localhost", s.Issuer, s.Location)
		}
	}
	return nil
}

// url returns the location as a URL when it is one rather than a path.
func (s Source) url() (*url.URL, bool) {
	if !strings.Contains(s.Location, "://") {
		return nil, false
	}
	u, err := url.Parse(s.Location)
	return u, err == nil
}

func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// KeySet holds the keys of the identity providers the operator named,
// read when first needed and kept. They are read again when a token names
// a key ID the set lacks (a provider rotating its keys), at most every
// MinRefresh, and when older than MaxAge, so that a key withdrawn from the
// file or URL stops being trusted. It is safe for concurrent use.
type KeySet struct {
	providers map[string]*providerKeys // by issuer, without https://
	client    *http.Client
	now       func() time.Time
	// MaxAge and MinRefresh are the refresh periods described above.
	MaxAge     time.Duration
	MinRefresh time.Duration
}

// Defaults of KeySet's refresh periods.
const (
	DefaultMaxAge     = 10 * time.Minute
	DefaultMinRefresh = 10 * time.Second
)

// Bounds on reading a key set.
const (
	maxKeySetBytes = 1 << 20
	fetchTimeout   = 5 * time.Second
)

type providerKeys struct {
	source    Source
	mu        sync.Mutex
	keys      []publicKey
	loaded    time.Time // when keys were last read
	attempted time.Time // when a read was last tried
	err       error     // the last read's failure
}

// NewKeySet returns the key set of the given sources. Key files are read
// now, so that a mistake shows when Warden starts; URLs are read when
// first needed, since their server may start later.
func NewKeySet(sources ...Source) (*KeySet, error) {
	ks := &KeySet{
		providers:  map[string]*providerKeys{},
		client:     loopbackClient(),
		now:        time.Now,
		MaxAge:     DefaultMaxAge,
		MinRefresh: DefaultMinRefresh,
	}
	for _, src := range sources {
		if err := src.check(); err != nil {
			return nil, err
		}
		id := warden.OIDCProviderResource(src.Issuer)
		if _, dup := ks.providers[id]; dup {
			return nil, fmt.Errorf("the keys of %s are given twice", src.Issuer)
		}
		p := &providerKeys{source: src}
		if _, isURL := src.url(); !isURL {
			keys, err := ks.read(context.Background(), src)
			if err != nil {
				return nil, err
			}
			if len(keys) == 0 {
				return nil, fmt.Errorf("keys of %s: %s holds no RSA or EC signature key Warden can use", src.Issuer, src.Location)
			}
			p.keys, p.loaded, p.attempted = keys, ks.now(), ks.now()
		}
		ks.providers[id] = p
	}
	return ks, nil
}

// loopbackClient fetches key sets from loopback URLs only: it dials
// nothing but loopback addresses (whatever a name resolves to), uses no
// proxy and follows no redirect.
func loopbackClient() *http.Client {
	dialer := &net.Dialer{
		Timeout: fetchTimeout,
		Control: func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("%s is not a loopback address", address)
			}
			return nil
		},
	}
	return &http.Client{
		Transport: &http.Transport{DialContext: dialer.DialContext, Proxy: nil, DisableKeepAlives: true},
		Timeout:   fetchTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return errors.New("key set URLs may not redirect")
		},
	}
}

// Has reports whether the operator gave keys for the issuer.
func (ks *KeySet) Has(issuer string) bool {
	if ks == nil {
		return false
	}
	_, ok := ks.providers[warden.OIDCProviderResource(issuer)]
	return ok
}

// keys returns the issuer's keys that may verify a signature made with alg
// by the key kid ("" when the token names none).
//
// Returns IDPCommunicationError when Warden has no keys for the issuer or
// cannot read them, and InvalidIdentityToken when none fits.
func (ks *KeySet) keys(ctx context.Context, issuer, kid, alg string) ([]publicKey, error) {
	var p *providerKeys
	if ks != nil {
		p = ks.providers[warden.OIDCProviderResource(issuer)]
	}
	if p == nil {
		return nil, &warden.Error{Code: warden.EIDPCommunicationError,
			Message: fmt.Sprintf("Warden has no keys for the identity provider %s; the operator supplies them with warden serve --oidc-jwks.", issuer)}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := ks.now()
	if p.keys == nil || now.Sub(p.loaded) >= ks.MaxAge {
		ks.refresh(ctx, p, now)
	}
	if p.keys == nil {
		return nil, &warden.Error{Code: warden.EIDPCommunicationError, Op: "oidc.keys",
			Message: fmt.Sprintf("Warden could not read the keys of the identity provider %s.", issuer), Err: p.err}
	}
	fit := fitting(p.keys, kid, alg)
	if len(fit) == 0 && kid != "" && ks.refresh(ctx, p, now) {
		fit = fitting(p.keys, kid, alg)
	}
	if len(fit) == 0 {
		// AWS's words when the provider publishes no key for the token.
		return nil, warden.Errorf(warden.EInvalidIdentityToken,
			"Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements")
	}
	return fit, nil
}

// refresh reads the provider's keys again unless it was tried within
// MinRefresh, and reports whether it did. A failed read keeps the keys
// read before: a provider's keys do not vanish because a file is being
// replaced.
func (ks *KeySet) refresh(ctx context.Context, p *providerKeys, now time.Time) bool {
	if !p.attempted.IsZero() && now.Sub(p.attempted) < ks.MinRefresh {
		return false
	}
	p.attempted = now
	keys, err := ks.read(ctx, p.source)
	if err != nil {
		p.err = err
		return false
	}
	p.keys, p.loaded, p.err = keys, now, nil
	if p.keys == nil {
		p.keys = []publicKey{} // read, but empty: not "never read"
	}
	return true
}

func fitting(keys []publicKey, kid, alg string) []publicKey {
	var out []publicKey
	for _, k := range keys {
		if (kid == "" || k.id == kid) && k.fits(alg) {
			out = append(out, k)
		}
	}
	return out
}

// read reads and parses a source's key set.
func (ks *KeySet) read(ctx context.Context, src Source) ([]publicKey, error) {
	var data []byte
	var err error
	if u, isURL := src.url(); isURL {
		data, err = ks.fetch(ctx, u)
	} else {
		data, err = readFile(src.Location)
	}
	if err != nil {
		return nil, fmt.Errorf("keys of %s: %w", src.Issuer, err)
	}
	keys, err := parseKeySet(data)
	if err != nil {
		return nil, fmt.Errorf("keys of %s at %s: %w", src.Issuer, src.Location, err)
	}
	return keys, nil
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readBounded(f, path)
}

func (ks *KeySet) fetch(ctx context.Context, u *url.URL) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := ks.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return readBounded(resp.Body, u.String())
}

func readBounded(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxKeySetBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxKeySetBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, maxKeySetBytes)
	}
	return data, nil
}
