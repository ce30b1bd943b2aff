package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/warden-iam/warden"
)

// Medical scribe listening sessions, found through their subscription and
// domain like jobs are. Like the rest of Connect Health, no cached
// authorization answer depends on them.

var _ warden.ScribeSessionService = (*Store)(nil)

const scribeColumns = `s.id, s.domain_id, s.subscription_id, d.account_id, d.region, s.language_code, s.sample_rate,
	s.media_encoding, s.status, s.configuration, s.audio_bytes, s.audio_uri, s.record_uri, s.failure_reason,
	s.created_at, s.ended_at`

// scribeAAD binds a sealed configuration to its session.
func scribeAAD(subscriptionID, id string) string {
	return "health-scribe-session:" + subscriptionID + "/" + id
}

func (s *Store) scanScribeSession(row interface{ Scan(...any) error }) (*warden.ScribeSession, error) {
	var ss warden.ScribeSession
	var status string
	var sealed []byte
	var created int64
	var ended sql.NullInt64
	if err := row.Scan(&ss.ID, &ss.DomainID, &ss.SubscriptionID, &ss.AccountID, &ss.Region, &ss.LanguageCode, &ss.SampleRate,
		&ss.MediaEncoding, &status, &sealed, &ss.AudioBytes, &ss.AudioURI, &ss.RecordURI, &ss.FailureReason, &created, &ended); err != nil {
		return nil, err
	}
	if len(sealed) > 0 {
		config, err := s.keys.open(scribeAAD(ss.SubscriptionID, ss.ID), sealed)
		if err != nil {
			return nil, fmt.Errorf("scribe session %s: %w", ss.ID, err)
		}
		ss.Configuration = config
	}
	ss.Status, ss.CreatedAt = warden.ScribeSessionStatus(status), fromMicros(created)
	if ended.Valid {
		ss.EndedAt = fromMicros(ended.Int64)
	}
	return &ss, nil
}

func (s *Store) scribeSession(ctx context.Context, q querier, account, region, domainID, subscriptionID, id string) (*warden.ScribeSession, error) {
	ss, err := s.scanScribeSession(q.QueryRowContext(ctx, `SELECT `+scribeColumns+`
		FROM health_scribe_sessions s JOIN health_domains d ON d.id = s.domain_id
		WHERE s.subscription_id = $1 AND s.id = $2 AND s.domain_id = $3 AND d.account_id = $4 AND d.region = $5`,
		subscriptionID, id, domainID, account, region))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.Errorf(warden.ENoSuchEntity, "Medical scribe listening session %s not found in subscription %s.", id, subscriptionID)
	}
	return ss, err
}

func (s *Store) CreateScribeSession(ctx context.Context, in *warden.ScribeSession) (*warden.ScribeSession, error) {
	ss := *in
	ss.Status, ss.Configuration, ss.AudioBytes, ss.AudioURI, ss.RecordURI, ss.FailureReason = warden.ScribeInProgress, nil, 0, "", "", ""
	ss.CreatedAt, ss.EndedAt = s.clock(), time.Time{}
	err := s.changeHealth(ctx, "sqlstore.CreateScribeSession", func(tx querier) error {
		d, err := s.domain(ctx, tx, ss.AccountID, ss.Region, ss.DomainID)
		if err != nil {
			return err
		}
		sub, err := s.subscription(ctx, tx, ss.AccountID, ss.Region, ss.DomainID, ss.SubscriptionID)
		if err != nil {
			return err
		}
		if d.Status != warden.DomainActive {
			return warden.ErrDomainNotActive(d)
		}
		if err := sub.CheckStreamable(); err != nil {
			return err
		}
		if taken, err := count(ctx, tx, `SELECT count(*) FROM health_scribe_sessions WHERE subscription_id = $1 AND id = $2`,
			ss.SubscriptionID, ss.ID); err != nil {
			return err
		} else if taken > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "Medical scribe listening session %s already exists in subscription %s.", ss.ID, ss.SubscriptionID)
		}
		streaming, err := count(ctx, tx, `SELECT count(*) FROM health_scribe_sessions s JOIN health_domains d ON d.id = s.domain_id
			WHERE s.status = 'IN_PROGRESS' AND d.account_id = $1 AND d.region = $2`, ss.AccountID, ss.Region)
		if err != nil {
			return err
		}
		if streaming >= warden.MaxConcurrentScribeSessions {
			return warden.Errorf(warden.ELimitExceeded, "The account already streams %d medical scribe listening sessions in %s, the most it may stream at once.",
				warden.MaxConcurrentScribeSessions, ss.Region)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO health_scribe_sessions (subscription_id, id, domain_id, language_code, sample_rate,
			media_encoding, status, configuration, audio_bytes, audio_uri, record_uri, failure_reason, created_at, ended_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, '', '', '', $9, NULL)`,
			ss.SubscriptionID, ss.ID, ss.DomainID, ss.LanguageCode, ss.SampleRate, ss.MediaEncoding, string(ss.Status), []byte{}, micros(ss.CreatedAt))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ss, nil
}

func (s *Store) ScribeSession(ctx context.Context, account, region, domainID, subscriptionID, id string) (*warden.ScribeSession, error) {
	var ss *warden.ScribeSession
	err := s.view(ctx, "sqlstore.ScribeSession", func(q querier) error {
		var err error
		ss, err = s.scribeSession(ctx, q, account, region, domainID, subscriptionID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ss, nil
}

func (s *Store) EndScribeSession(ctx context.Context, account, region, domainID, subscriptionID, id string, end warden.ScribeSessionEnd) (*warden.ScribeSession, error) {
	if end.Status != warden.ScribeCompleted && end.Status != warden.ScribeFailed {
		return nil, warden.Errorf(warden.EValidationError, "A listening session ends COMPLETED or FAILED, not %s.", end.Status)
	}
	var ss *warden.ScribeSession
	err := s.changeHealth(ctx, "sqlstore.EndScribeSession", func(tx querier) error {
		var err error
		if ss, err = s.scribeSession(ctx, tx, account, region, domainID, subscriptionID, id); err != nil {
			return err
		}
		if ss.Status != warden.ScribeInProgress {
			return warden.Errorf(warden.EValidationError, "Medical scribe listening session %s has already ended %s.", id, ss.Status)
		}
		ss.Status, ss.Configuration, ss.AudioBytes = end.Status, slices.Clone(end.Configuration), end.AudioBytes
		ss.AudioURI, ss.RecordURI, ss.FailureReason, ss.EndedAt = end.AudioURI, end.RecordURI, end.FailureReason, s.clock()
		sealed := []byte{}
		if len(ss.Configuration) > 0 {
			sealed = s.keys.seal(scribeAAD(subscriptionID, id), ss.Configuration)
		}
		_, err = tx.ExecContext(ctx, `UPDATE health_scribe_sessions SET status = $1, configuration = $2, audio_bytes = $3,
			audio_uri = $4, record_uri = $5, failure_reason = $6, ended_at = $7 WHERE subscription_id = $8 AND id = $9`,
			string(ss.Status), sealed, ss.AudioBytes, ss.AudioURI, ss.RecordURI, ss.FailureReason, micros(ss.EndedAt), subscriptionID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ss, nil
}

// scribeKey is the position of a session in a domain's list: sessions of
// different subscriptions may share an ID, so the key holds both.
func scribeKey(ss *warden.ScribeSession) string {
	return creationKey(micros(ss.CreatedAt), ss.SubscriptionID+"/"+ss.ID)
}

func (s *Store) ListScribeSessions(ctx context.Context, account, region, domainID string, opts warden.ListOptions) (*warden.Page[*warden.ScribeSession], error) {
	pq, after, err := creationPage(opts)
	if err != nil {
		return nil, err
	}
	afterSub, afterID, _ := strings.Cut(after.id, "/")
	var sessions []*warden.ScribeSession
	err = s.view(ctx, "sqlstore.ListScribeSessions", func(q querier) error {
		if _, err := s.domain(ctx, q, account, region, domainID); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, `SELECT `+scribeColumns+`
			FROM health_scribe_sessions s JOIN health_domains d ON d.id = s.domain_id
			WHERE s.domain_id = $1 AND (s.created_at > $2 OR s.created_at = $2
				AND (s.subscription_id > $3 OR s.subscription_id = $3 AND s.id > $4))
			ORDER BY s.created_at, s.subscription_id, s.id LIMIT $5`, domainID, after.at, afterSub, afterID, pq.fetch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			ss, err := s.scanScribeSession(rows)
			if err != nil {
				return err
			}
			ss.Configuration = nil
			sessions = append(sessions, ss)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, sessions, scribeKey), nil
}

func (s *Store) FailUnfinishedScribeSessions(ctx context.Context, before time.Time, reason string) (int, error) {
	var n int64
	err := s.changeHealth(ctx, "sqlstore.FailUnfinishedScribeSessions", func(tx querier) error {
		res, err := tx.ExecContext(ctx, `UPDATE health_scribe_sessions SET status = 'FAILED', failure_reason = $1, ended_at = $2
			WHERE status = 'IN_PROGRESS' AND created_at < $3`, reason, micros(s.clock()), micros(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
