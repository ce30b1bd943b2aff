package httpapi

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sigv4"
)

// credentialStore resolves access keys for the SigV4 verifier from the
// store's cached request-path lookup.
type credentialStore struct {
	source warden.AuthorizationSource
}

func (c credentialStore) LookupAccessKey(ctx context.Context, id string) (*sigv4.Credentials, error) {
	key, principal, err := c.source.AccessKey(ctx, id)
	if warden.ErrorCode(err) == warden.ENoSuchEntity || (err == nil && key.Status != warden.AccessKeyActive) {
		// AWS answers an unknown and an inactive key alike.
		return nil, warden.Errorf(warden.EInvalidClientTokenID, "The security token included in the request is invalid.")
	}
	if err != nil {
		return nil, err
	}
	creds := &sigv4.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.SecretAccessKey, Principal: principal}
	if s := principal.Session; s != nil {
		// The store keeps only a digest of the session token.
		creds.SessionTokenSHA256, creds.Expires = s.TokenSHA256[:], s.Expires
	}
	return creds, nil
}

// lastUsedRecorder notes which access key signed what, off the request
// path: uses are coalesced per key and written once a second, since AWS
// documents last-used information as approximate and a write per request
// would cost every request a disk sync.
type lastUsedRecorder struct {
	keys    warden.AccessKeyService
	logger  *slog.Logger
	mu      sync.Mutex
	pending map[string]keyUse
	stop    chan struct{}
	done    chan struct{}
}

type keyUse struct {
	service, region string
	at              time.Time
}

func newLastUsedRecorder(keys warden.AccessKeyService, logger *slog.Logger) *lastUsedRecorder {
	r := &lastUsedRecorder{keys: keys, logger: logger, pending: map[string]keyUse{}, stop: make(chan struct{}), done: make(chan struct{})}
	go r.loop()
	return r
}

func (r *lastUsedRecorder) record(keyID, service, region string, at time.Time) {
	if warden.IsTemporaryAccessKeyID(keyID) {
		// Last-used data belongs to long-term keys; a role session is
		// recorded as the role's last use when it is issued.
		return
	}
	r.mu.Lock()
	r.pending[keyID] = keyUse{service, region, at}
	r.mu.Unlock()
}

func (r *lastUsedRecorder) loop() {
	defer close(r.done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			r.flush(context.Background())
		case <-r.stop:
			return
		}
	}
}

func (r *lastUsedRecorder) flush(ctx context.Context) {
	r.mu.Lock()
	batch := r.pending
	r.pending = map[string]keyUse{}
	r.mu.Unlock()
	for id, u := range batch {
		if err := r.keys.RecordAccessKeyUse(ctx, id, u.service, u.region, u.at); err != nil && warden.ErrorCode(err) != warden.ENoSuchEntity {
			r.logger.Warn("recording access key use", "access_key", id, "error", err)
		}
	}
}

func (r *lastUsedRecorder) close(ctx context.Context) {
	select {
	case <-r.stop:
		return
	default:
	}
	close(r.stop)
	<-r.done
	r.flush(ctx)
}
