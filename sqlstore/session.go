package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/warden-iam/warden"
)

// sessionRetention is how long an expired session stays stored: requests
// signed with it hear ExpiredToken rather than InvalidClientTokenId, as
// AWS answers, until it is purged.
const sessionRetention = 24 * time.Hour

// CreateSession writes the session in a bookkeeping transaction: a new
// session changes no cached answer (a key ID nobody has looked up is in
// no cache), so it does not advance the store generation and costs other
// requests nothing.
func (s *Store) CreateSession(ctx context.Context, in warden.CreateSessionInput) (*warden.Session, error) {
	if err := validateSessionInput(in); err != nil {
		return nil, err
	}
	now := s.clock()
	sess := &warden.Session{
		SecretAccessKey:    warden.NewSecretAccessKey(),
		Token:              warden.NewSessionToken(),
		Kind:               in.Kind,
		AccountID:          in.Parent.AccountID,
		Parent:             in.Parent,
		Name:               in.Name,
		SourceIdentity:     in.SourceIdentity,
		Tags:               in.Tags,
		TransitiveTagKeys:  in.TransitiveTagKeys,
		Policies:           in.Policies,
		MFAAuthenticatedAt: in.MFAAuthenticatedAt.UTC().Truncate(time.Microsecond),
		FederatedProvider:  in.FederatedProvider,
		ContextKeys:        in.ContextKeys,
		IssuedAt:           now,
		Expires:            now.Add(in.Duration),
	}
	sess.Parent.Session = nil
	sess.TokenSHA256 = warden.SessionTokenDigest(sess.Token)
	tags, keys, policies, err := encodeSessionLists(sess)
	if err != nil {
		return nil, err
	}
	contextKeys, err := json.Marshal(sess.ContextKeys)
	if sess.ContextKeys == nil {
		contextKeys = []byte("{}")
	}
	if err != nil {
		return nil, err
	}
	var mfaAt *int64
	if !sess.MFAAuthenticatedAt.IsZero() {
		mfaAt = new(micros(sess.MFAAuthenticatedAt))
	}
	err = s.record(ctx, "sqlstore.CreateSession", func(tx querier) error {
		parentID, err := s.sessionParent(ctx, tx, in, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, micros(now.Add(-sessionRetention))); err != nil {
			return err
		}
		for {
			sess.AccessKeyID = warden.NewTemporaryAccessKeyID()
			if taken, err := count(ctx, tx, `SELECT count(*) FROM sessions WHERE access_key_id = $1`, sess.AccessKeyID); err != nil {
				return err
			} else if taken == 0 {
				break
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sessions (access_key_id, account_id, kind, secret, token_hash, parent_kind, parent_id,
			name, source_identity, tags, transitive_keys, policies, federated_provider, mfa_at, issued_at, expires_at, context_keys)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
			sess.AccessKeyID, sess.AccountID, string(sess.Kind), s.keys.seal(sess.AccessKeyID, []byte(sess.SecretAccessKey)),
			sess.TokenSHA256[:], string(in.Parent.Kind), parentID, sess.Name, sess.SourceIdentity, tags, keys, policies,
			sess.FederatedProvider, mfaAt, micros(sess.IssuedAt), micros(sess.Expires), string(contextKeys))
		return err
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

func validateSessionInput(in warden.CreateSessionInput) error {
	switch {
	case in.Kind != warden.SessionAssumedRole && in.Kind != warden.SessionFederatedUser && in.Kind != warden.SessionToken:
		return fmt.Errorf("sqlstore.CreateSession: unknown session kind %q", in.Kind)
	case in.Kind == warden.SessionAssumedRole && in.Parent.Kind != warden.PrincipalRole,
		in.Kind != warden.SessionAssumedRole && in.Parent.Kind != warden.PrincipalUser && in.Parent.Kind != warden.PrincipalRoot:
		return fmt.Errorf("sqlstore.CreateSession: a %s session cannot stand for a %s", in.Kind, in.Parent.Kind)
	case in.Duration <= 0:
		return fmt.Errorf("sqlstore.CreateSession: duration %v", in.Duration)
	}
	return warden.ValidateAccountID(in.Parent.AccountID)
}

// sessionParent checks that the session's role or user still exists and
// returns its row ID (nil for the root user). A role session records the
// role's last use in the same transaction.
func (s *Store) sessionParent(ctx context.Context, tx querier, in warden.CreateSessionInput, now time.Time) (*string, error) {
	p := in.Parent
	gone := warden.Errorf(warden.ENoSuchEntity, "The principal %s cannot be found.", p.ARN)
	switch p.Kind {
	case warden.PrincipalRole:
		res, err := tx.ExecContext(ctx, `UPDATE roles SET last_used_at = $1, last_used_region = $2 WHERE id = $3 AND account_id = $4`,
			micros(now), in.Region, p.ID, p.AccountID)
		return &p.ID, expectOne(res, err)(gone)
	case warden.PrincipalUser:
		n, err := count(ctx, tx, `SELECT count(*) FROM users WHERE id = $1 AND account_id = $2`, p.ID, p.AccountID)
		if err == nil && n == 0 {
			err = gone
		}
		return &p.ID, err
	}
	if _, err := s.account(ctx, tx, p.AccountID); err != nil {
		return nil, gone
	}
	return nil, nil
}

func encodeSessionLists(sess *warden.Session) (tags, keys, policies string, err error) {
	for _, v := range []struct {
		dst *string
		src any
	}{{&tags, sess.Tags}, {&keys, sess.TransitiveTagKeys}, {&policies, sess.Policies}} {
		b, err := json.Marshal(v.src)
		if err != nil {
			return "", "", "", err
		}
		*v.dst = string(b)
	}
	return tags, keys, policies, nil
}

// loadSessionCredential is AccessKey for a temporary key ID: the session
// as an active key and the principal that signs with it. A session whose
// role or user is gone is unknown, so that deleting an identity ends its
// sessions at once.
func (s *Store) loadSessionCredential(ctx context.Context, q querier, keyID string) (*credential, error) {
	sess := &warden.Session{AccessKeyID: keyID}
	var kind, parentKind, tags, keys, policies, contextKeys string
	var sealed, digest []byte
	var parentID, parentName, parentPath sql.NullString
	var mfaAt sql.NullInt64
	var issued, expires int64
	err := q.QueryRowContext(ctx, `SELECT s.account_id, s.kind, s.secret, s.token_hash, s.parent_kind, s.parent_id, s.name,
		s.source_identity, s.tags, s.transitive_keys, s.policies, s.federated_provider, s.mfa_at, s.issued_at, s.expires_at,
		s.context_keys, COALESCE(r.name, u.name), COALESCE(r.path, u.path)
		FROM sessions s
		LEFT JOIN roles r ON s.parent_kind = 'Role' AND r.id = s.parent_id
		LEFT JOIN users u ON s.parent_kind = 'User' AND u.id = s.parent_id
		WHERE s.access_key_id = $1`, keyID).
		Scan(&sess.AccountID, &kind, &sealed, &digest, &parentKind, &parentID, &sess.Name,
			&sess.SourceIdentity, &tags, &keys, &policies, &sess.FederatedProvider, &mfaAt, &issued, &expires,
			&contextKeys, &parentName, &parentPath)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, keyNotFound(keyID)
	}
	if err != nil {
		return nil, err
	}
	account := sess.AccountID
	switch warden.PrincipalKind(parentKind) {
	case warden.PrincipalRole, warden.PrincipalUser:
		if !parentName.Valid {
			return nil, keyNotFound(keyID)
		}
		typ := "role"
		if parentKind == string(warden.PrincipalUser) {
			typ = "user"
		}
		sess.Parent = warden.Principal{Kind: warden.PrincipalKind(parentKind), AccountID: account, ID: parentID.String,
			Name: parentName.String, Path: parentPath.String, ARN: warden.IAMARN(account, typ, parentPath.String, parentName.String)}
	default:
		sess.Parent = warden.Principal{Kind: warden.PrincipalRoot, AccountID: account, ARN: warden.RootARN(account), ID: account}
	}
	secret, err := s.keys.open(keyID, sealed)
	if err != nil {
		return nil, err
	}
	if len(digest) != len(sess.TokenSHA256) {
		return nil, fmt.Errorf("session %s: token digest of %d bytes", keyID, len(digest))
	}
	copy(sess.TokenSHA256[:], digest)
	sess.SecretAccessKey, sess.Kind = string(secret), warden.SessionKind(kind)
	sess.IssuedAt, sess.Expires = fromMicros(issued), fromMicros(expires)
	if mfaAt.Valid {
		sess.MFAAuthenticatedAt = fromMicros(mfaAt.Int64)
	}
	if err := errors.Join(json.Unmarshal([]byte(tags), &sess.Tags), json.Unmarshal([]byte(keys), &sess.TransitiveTagKeys),
		json.Unmarshal([]byte(policies), &sess.Policies), json.Unmarshal([]byte(contextKeys), &sess.ContextKeys)); err != nil {
		return nil, fmt.Errorf("session %s: %w", keyID, err)
	}
	key := &warden.AccessKey{ID: keyID, AccountID: account, SecretAccessKey: sess.SecretAccessKey,
		Status: warden.AccessKeyActive, CreateDate: sess.IssuedAt}
	if sess.Parent.Kind == warden.PrincipalUser {
		key.UserName = sess.Parent.Name
	}
	return &credential{key: key, principal: sess.Principal()}, nil
}

// messagePurpose keeps sealed messages apart from the secrets sealed under
// the same key, whose additional data is a key ID or serial number.
func messagePurpose(purpose string) string { return "warden message: " + purpose }

func (s *Store) SealMessage(purpose string, plaintext []byte) []byte {
	return s.keys.seal(messagePurpose(purpose), plaintext)
}

func (s *Store) OpenMessage(purpose string, sealed []byte) ([]byte, error) {
	return s.keys.open(messagePurpose(purpose), sealed)
}

func (s *Store) SignMessage(purpose string, message []byte) []byte {
	return s.keys.sign(purpose, message)
}
