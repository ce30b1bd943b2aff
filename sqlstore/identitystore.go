package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/warden-iam/warden"
)

// AWS Identity Store: one store per account and its users. A user's
// optional attributes are kept as one JSON object; the store looks users
// up by ID and user name only. No cached authorization answer depends on
// these tables.

var _ warden.IdentityStoreService = (*Store)(nil)

// userAttributes is the JSON of identity_store_users.attributes.
type userAttributes struct {
	DisplayName       string                      `json:",omitempty"`
	Name              warden.PersonName           `json:",omitzero"`
	Emails            []warden.IdentityStoreEmail `json:",omitempty"`
	NickName          string                      `json:",omitempty"`
	ProfileURL        string                      `json:",omitempty"`
	UserType          string                      `json:",omitempty"`
	Title             string                      `json:",omitempty"`
	PreferredLanguage string                      `json:",omitempty"`
	Locale            string                      `json:",omitempty"`
	Timezone          string                      `json:",omitempty"`
}

func (s *Store) IdentityStore(ctx context.Context, account string) (*warden.IdentityStore, error) {
	var st *warden.IdentityStore
	err := s.view(ctx, "sqlstore.IdentityStore", func(q querier) error {
		var err error
		st, err = identityStoreOf(ctx, q, account)
		return err
	})
	if err == nil || warden.ErrorCode(err) != warden.ENoSuchEntity {
		return st, err
	}
	// The first request for it creates it; a concurrent first request
	// finds the other's inside the write transaction.
	err = s.withTx(ctx, "sqlstore.IdentityStore", false, func(tx querier) error {
		if st, err = identityStoreOf(ctx, tx, account); warden.ErrorCode(err) != warden.ENoSuchEntity {
			return err
		}
		if _, err := s.account(ctx, tx, account); err != nil {
			return err
		}
		st = &warden.IdentityStore{ID: warden.NewIdentityStoreID(), AccountID: account, CreatedAt: s.clock()}
		_, err := tx.ExecContext(ctx, `INSERT INTO identity_stores (id, account_id, created_at) VALUES ($1, $2, $3)`,
			st.ID, st.AccountID, micros(st.CreatedAt))
		return err
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

func identityStoreOf(ctx context.Context, q querier, account string) (*warden.IdentityStore, error) {
	st := &warden.IdentityStore{AccountID: account}
	var created int64
	err := q.QueryRowContext(ctx, `SELECT id, created_at FROM identity_stores WHERE account_id = $1`, account).Scan(&st.ID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.Errorf(warden.ENoSuchEntity, "Account %s has no identity store.", account)
	}
	if err != nil {
		return nil, err
	}
	st.CreatedAt = fromMicros(created)
	return st, nil
}

func identityStoreNotFound(id string) error {
	return warden.Errorf(warden.ENoSuchEntity, "Identity store %s not found.", id)
}

func identityStoreUserNotFound(id string) error {
	return warden.Errorf(warden.ENoSuchEntity, "User %s not found.", id)
}

const identityStoreUserColumns = `id, identity_store_id, user_name, attributes, created_by, created_at`

func scanIdentityStoreUser(row interface{ Scan(...any) error }) (*warden.IdentityStoreUser, error) {
	var u warden.IdentityStoreUser
	var attrs string
	var created int64
	if err := row.Scan(&u.ID, &u.IdentityStoreID, &u.UserName, &attrs, &u.CreatedBy, &created); err != nil {
		return nil, err
	}
	var a userAttributes
	if err := json.Unmarshal([]byte(attrs), &a); err != nil {
		return nil, fmt.Errorf("user %s: attributes: %w", u.ID, err)
	}
	u.DisplayName, u.Name, u.Emails, u.NickName, u.ProfileURL = a.DisplayName, a.Name, a.Emails, a.NickName, a.ProfileURL
	u.UserType, u.Title, u.PreferredLanguage, u.Locale, u.Timezone = a.UserType, a.Title, a.PreferredLanguage, a.Locale, a.Timezone
	u.CreatedAt = fromMicros(created)
	return &u, nil
}

func (s *Store) CreateIdentityStoreUser(ctx context.Context, in warden.IdentityStoreUser) (*warden.IdentityStoreUser, error) {
	if err := warden.CheckUserName(in.UserName); err != nil {
		return nil, err
	}
	attrs, err := json.Marshal(userAttributes{
		DisplayName: in.DisplayName, Name: in.Name, Emails: in.Emails, NickName: in.NickName, ProfileURL: in.ProfileURL,
		UserType: in.UserType, Title: in.Title, PreferredLanguage: in.PreferredLanguage, Locale: in.Locale, Timezone: in.Timezone,
	})
	if err != nil {
		return nil, err
	}
	u := in
	u.ID, u.CreatedAt = warden.NewIdentityStoreUserID(in.IdentityStoreID), s.clock()
	err = s.withTx(ctx, "sqlstore.CreateIdentityStoreUser", false, func(tx querier) error {
		if n, err := count(ctx, tx, `SELECT count(*) FROM identity_stores WHERE id = $1`, u.IdentityStoreID); err != nil {
			return err
		} else if n == 0 {
			return identityStoreNotFound(u.IdentityStoreID)
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM identity_store_users WHERE identity_store_id = $1 AND user_name = $2`,
			u.IdentityStoreID, u.UserName); err != nil {
			return err
		} else if n > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "Duplicate UserName: a user named %s already exists.", u.UserName)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO identity_store_users (`+identityStoreUserColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
			u.ID, u.IdentityStoreID, u.UserName, string(attrs), u.CreatedBy, micros(u.CreatedAt))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

func (s *Store) IdentityStoreUser(ctx context.Context, storeID, userID string) (*warden.IdentityStoreUser, error) {
	var u *warden.IdentityStoreUser
	err := s.view(ctx, "sqlstore.IdentityStoreUser", func(q querier) error {
		var err error
		u, err = scanIdentityStoreUser(q.QueryRowContext(ctx, `SELECT `+identityStoreUserColumns+` FROM identity_store_users
			WHERE identity_store_id = $1 AND id = $2`, storeID, userID))
		if errors.Is(err, sql.ErrNoRows) {
			return identityStoreUserNotFound(userID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Store) ListIdentityStoreUsers(ctx context.Context, storeID, userName string, opts warden.ListOptions) (*warden.Page[*warden.IdentityStoreUser], error) {
	pq, err := pathlessPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var users []*warden.IdentityStoreUser
	err = s.view(ctx, "sqlstore.ListIdentityStoreUsers", func(q querier) error {
		rows, err := q.QueryContext(ctx, `SELECT `+identityStoreUserColumns+` FROM identity_store_users
			WHERE identity_store_id = $1 AND ($2 = '' OR user_name = $2) AND id > $3 ORDER BY id LIMIT $4`,
			storeID, userName, pq.after, pq.fetch())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanIdentityStoreUser(rows)
			if err != nil {
				return err
			}
			users = append(users, u)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return finish(pq, users, func(u *warden.IdentityStoreUser) string { return u.ID }), nil
}

func (s *Store) DeleteIdentityStoreUser(ctx context.Context, storeID, userID string) error {
	return s.withTx(ctx, "sqlstore.DeleteIdentityStoreUser", false, func(tx querier) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM identity_store_users WHERE identity_store_id = $1 AND id = $2`, storeID, userID)
		if err != nil {
			return err
		}
		return mustAffect(res, identityStoreUserNotFound(userID))
	})
}
