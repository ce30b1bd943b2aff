package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/warden-iam/warden"
)

func loginProfileNotFound(name string) error {
	return warden.Errorf(warden.ENoSuchEntity, "Login Profile for User %s cannot be found.", name)
}

func (s *Store) CreateLoginProfile(ctx context.Context, account, userName, password string, resetRequired bool) (*warden.LoginProfile, error) {
	if err := warden.ValidatePassword(password); err != nil {
		return nil, err
	}
	// Hash outside the transaction: it is slow on purpose, and the write
	// connection must not wait for it.
	hash := warden.HashPassword(password)
	var p *warden.LoginProfile
	err := s.update(ctx, "sqlstore.CreateLoginProfile", func(tx querier) error {
		u, err := s.findUser(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM login_profiles WHERE user_id = $1`, u.ID); err != nil {
			return err
		} else if n > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "Login Profile for User %s already exists.", u.Name)
		}
		p = &warden.LoginProfile{UserName: u.Name, CreateDate: s.clock(), PasswordResetRequired: resetRequired}
		_, err = tx.ExecContext(ctx, `INSERT INTO login_profiles (user_id, password_hash, reset_required, created_at) VALUES ($1, $2, $3, $4)`,
			u.ID, hash, resetRequired, micros(p.CreateDate))
		return err
	})
	return p, err
}

// loginProfile returns a user's profile and password hash.
func (s *Store) loginProfile(ctx context.Context, q querier, account, userName string) (*warden.LoginProfile, string, error) {
	u, err := s.findUser(ctx, q, account, userName)
	if err != nil {
		return nil, "", err
	}
	p := &warden.LoginProfile{UserName: u.Name}
	var hash string
	var created int64
	err = q.QueryRowContext(ctx, `SELECT password_hash, reset_required, created_at FROM login_profiles WHERE user_id = $1`, u.ID).
		Scan(&hash, &p.PasswordResetRequired, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", loginProfileNotFound(u.Name)
	}
	if err != nil {
		return nil, "", err
	}
	p.CreateDate = fromMicros(created)
	return p, hash, nil
}

func (s *Store) LoginProfile(ctx context.Context, account, userName string) (*warden.LoginProfile, error) {
	var p *warden.LoginProfile
	err := s.view(ctx, "sqlstore.LoginProfile", func(tx querier) (err error) {
		p, _, err = s.loginProfile(ctx, tx, account, userName)
		return err
	})
	return p, err
}

func (s *Store) UpdateLoginProfile(ctx context.Context, account, userName string, in warden.UpdateLoginProfileInput) error {
	var hash string
	if in.Password != nil {
		if err := warden.ValidatePassword(*in.Password); err != nil {
			return err
		}
		hash = warden.HashPassword(*in.Password)
	}
	return s.update(ctx, "sqlstore.UpdateLoginProfile", func(tx querier) error {
		p, oldHash, err := s.loginProfile(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		if hash == "" {
			hash = oldHash
		}
		if in.PasswordResetRequired != nil {
			p.PasswordResetRequired = *in.PasswordResetRequired
		}
		_, err = tx.ExecContext(ctx, `UPDATE login_profiles SET password_hash = $1, reset_required = $2
			WHERE user_id = (SELECT id FROM users WHERE account_id = $3 AND name_key = $4)`,
			hash, p.PasswordResetRequired, account, nameKey(userName))
		return err
	})
}

func (s *Store) DeleteLoginProfile(ctx context.Context, account, userName string) error {
	return s.update(ctx, "sqlstore.DeleteLoginProfile", func(tx querier) error {
		u, err := s.findUser(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		return expectOne(tx.ExecContext(ctx, `DELETE FROM login_profiles WHERE user_id = $1`, u.ID))(loginProfileNotFound(u.Name))
	})
}

func (s *Store) VerifyPassword(ctx context.Context, account, userName, password string) (bool, error) {
	var hash string
	err := s.view(ctx, "sqlstore.VerifyPassword", func(tx querier) (err error) {
		_, hash, err = s.loginProfile(ctx, tx, account, userName)
		return err
	})
	if err != nil {
		return false, err
	}
	ok, err := warden.CheckPassword(hash, password)
	if err != nil {
		return false, fmt.Errorf("sqlstore.VerifyPassword: stored hash of user %s: %w", userName, err)
	}
	return ok, nil
}
