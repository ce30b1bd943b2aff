package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/warden-iam/warden"
)

// Invitation handshakes: a row per invitation, open until the invited
// account accepts or declines it, the management account cancels it, or it
// expires, which is decided when it is read.

const handshakeColumns = `id, organization_id, management_account_id, account_id, state, management_name, feature_set, notes, tags, requested_at, expires_at`

func (s *Store) scanHandshake(row interface{ Scan(...any) error }) (*warden.Handshake, error) {
	h := &warden.Handshake{Action: warden.HandshakeActionInvite}
	var state, feature, tags string
	var requested, expires int64
	if err := row.Scan(&h.ID, &h.OrganizationID, &h.ManagementAccountID, &h.AccountID, &state, &h.ManagementName, &feature, &h.Notes, &tags,
		&requested, &expires); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(tags), &h.Tags); err != nil {
		return nil, err
	}
	h.State, h.FeatureSet = warden.HandshakeState(state), warden.OrganizationFeatureSet(feature)
	h.RequestedDate, h.ExpirationDate = fromMicros(requested), fromMicros(expires)
	h.ARN = warden.HandshakeARN(h.ManagementAccountID, h.OrganizationID, h.ID)
	if h.State == warden.HandshakeOpen && !s.clock().Before(h.ExpirationDate) {
		h.State = warden.HandshakeExpired
	}
	return h, nil
}

// handshakeOf returns a handshake the account is a party of.
func (s *Store) handshakeOf(ctx context.Context, q querier, account, id string) (*warden.Handshake, error) {
	h, err := s.scanHandshake(q.QueryRowContext(ctx, `SELECT `+handshakeColumns+` FROM organization_handshakes
		WHERE id = $1 AND (account_id = $2 OR management_account_id = $2)`, id, account))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.ErrHandshakeNotFound()
	}
	return h, err
}

func (s *Store) handshakes(ctx context.Context, q querier, where string, arg string) ([]*warden.Handshake, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+handshakeColumns+` FROM organization_handshakes WHERE `+where+` = $1`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*warden.Handshake
	for rows.Next() {
		h, err := s.scanHandshake(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func errAlreadyInOrganization() error {
	return warden.ReasonErrorf(warden.EHandshakeConstraintViolation, warden.ReasonAlreadyInAnOrganization,
		"The handshake request is invalid because the invited account is already a member of an organization.")
}

func (s *Store) InviteOrganizationAccount(ctx context.Context, management string, in warden.InviteAccountInput) (*warden.Handshake, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.Tags == nil {
		in.Tags = []warden.Tag{}
	}
	tags, err := json.Marshal(in.Tags)
	if err != nil {
		return nil, err
	}
	var h *warden.Handshake
	err = s.update(ctx, "sqlstore.InviteOrganizationAccount", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		if _, err := s.account(ctx, tx, in.AccountID); warden.ErrorCode(err) == warden.ENoSuchEntity {
			return warden.Errorf(warden.EInvalidInputException, "We can't find an AWS account with the ID %s to invite.", in.AccountID)
		} else if err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM organization_accounts WHERE account_id = $1`, in.AccountID); err != nil {
			return err
		} else if n > 0 {
			return errAlreadyInOrganization()
		}
		open, err := s.handshakes(ctx, tx, "account_id", in.AccountID)
		if err != nil {
			return err
		}
		for _, o := range open {
			if o.OrganizationID == org.ID && o.State == warden.HandshakeOpen {
				return warden.Errorf(warden.EDuplicateHandshake, "A handshake with the same action and target already exists.")
			}
		}
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM organization_accounts WHERE account_id = $1`, management).Scan(&name); err != nil {
			return err
		}
		now := s.clock()
		h = &warden.Handshake{ID: warden.NewHandshakeID(), OrganizationID: org.ID, ManagementAccountID: management, AccountID: in.AccountID,
			Action: warden.HandshakeActionInvite, State: warden.HandshakeOpen, RequestedDate: now, ExpirationDate: now.Add(warden.HandshakeInvitationLifetime),
			ManagementName: name, FeatureSet: org.FeatureSet, Notes: in.Notes, Tags: in.Tags}
		h.ARN = warden.HandshakeARN(management, org.ID, h.ID)
		_, err = tx.ExecContext(ctx, `INSERT INTO organization_handshakes (`+handshakeColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			h.ID, h.OrganizationID, management, h.AccountID, string(h.State), name, string(h.FeatureSet), h.Notes, string(tags),
			micros(h.RequestedDate), micros(h.ExpirationDate))
		return err
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

func (s *Store) Handshake(ctx context.Context, account, handshakeID string) (*warden.Handshake, error) {
	var h *warden.Handshake
	err := s.view(ctx, "sqlstore.Handshake", func(tx querier) (err error) {
		h, err = s.handshakeOf(ctx, tx, account, handshakeID)
		return err
	})
	return h, err
}

// respond moves a handshake from OPEN to the state the party asks for;
// accepting it joins the invited account to the organization.
// AWS tells a repeated request (HandshakeAlreadyInStateException) from one
// the state forbids (InvalidHandshakeTransitionException): "you can't
// cancel a handshake that was already accepted or accept a handshake that
// was already declined" (AWS Organizations API Reference).
func (s *Store) respond(ctx context.Context, op, account, handshakeID string, to warden.HandshakeState) (*warden.Handshake, error) {
	var h *warden.Handshake
	err := s.update(ctx, op, func(tx querier) error {
		var err error
		if h, err = s.handshakeOf(ctx, tx, account, handshakeID); err != nil {
			return err
		}
		// The invited account accepts and declines; the inviting one
		// cancels.
		party := h.AccountID
		if to == warden.HandshakeCanceled {
			party = h.ManagementAccountID
		}
		switch {
		case account != party:
			return warden.ErrManagementOnly()
		case h.State == to:
			return warden.Errorf(warden.EHandshakeAlreadyInState, "The specified handshake is already in the requested state.")
		case h.State != warden.HandshakeOpen:
			return warden.Errorf(warden.EInvalidHandshakeTransition, "You can't perform the operation on the handshake in its current state (%s).", h.State)
		}
		if to == warden.HandshakeAccepted {
			if err := s.join(ctx, tx, h); err != nil {
				return err
			}
		}
		h.State = to
		_, err = tx.ExecContext(ctx, `UPDATE organization_handshakes SET state = $1 WHERE id = $2`, string(to), h.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// join makes the invited account a member of the inviting organization,
// in its root, governed from then on by its SCPs and RCPs. Unlike
// CreateAccount, an invitation makes no OrganizationAccountAccessRole:
// the invited account's administrators create it themselves ("Creating
// the OrganizationAccountAccessRole in an invited member account", AWS
// Organizations User Guide).
func (s *Store) join(ctx context.Context, tx querier, h *warden.Handshake) error {
	if _, err := s.organizationOf(ctx, tx, h.AccountID); err == nil {
		return errAlreadyInOrganization()
	} else if warden.ErrorCode(err) != warden.EAWSOrganizationsNotInUse {
		return err
	}
	org, err := s.organizationOf(ctx, tx, h.ManagementAccountID)
	if err != nil {
		return err
	}
	a, err := s.account(ctx, tx, h.AccountID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO organization_accounts (account_id, organization_id, parent_id, name, email, email_key, joined_method, joined_at)
		VALUES ($1, $2, $3, $4, NULL, NULL, $5, $6)`, a.ID, org.ID, org.RootID, cmp.Or(a.Alias, a.ID), warden.JoinedInvited, micros(s.clock())); err != nil {
		return err
	}
	if err := s.attachFullAccess(ctx, tx, org, a.ID); err != nil {
		return err
	}
	return putOrgTags(ctx, tx, a.ID, h.Tags)
}

func (s *Store) AcceptHandshake(ctx context.Context, account, handshakeID string) (*warden.Handshake, error) {
	return s.respond(ctx, "sqlstore.AcceptHandshake", account, handshakeID, warden.HandshakeAccepted)
}

func (s *Store) DeclineHandshake(ctx context.Context, account, handshakeID string) (*warden.Handshake, error) {
	return s.respond(ctx, "sqlstore.DeclineHandshake", account, handshakeID, warden.HandshakeDeclined)
}

func (s *Store) CancelHandshake(ctx context.Context, account, handshakeID string) (*warden.Handshake, error) {
	return s.respond(ctx, "sqlstore.CancelHandshake", account, handshakeID, warden.HandshakeCanceled)
}

func (s *Store) ListAccountHandshakes(ctx context.Context, account string, opts warden.ListOptions) (*warden.Page[*warden.Handshake], error) {
	pq, err := orgPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[*warden.Handshake]
	err = s.view(ctx, "sqlstore.ListAccountHandshakes", func(tx querier) error {
		hs, err := s.handshakes(ctx, tx, "account_id", account)
		if err != nil {
			return err
		}
		page = pageOf(pq, hs, func(h *warden.Handshake) string { return h.ID })
		return nil
	})
	return page, err
}

func (s *Store) ListOrganizationHandshakes(ctx context.Context, management string, opts warden.ListOptions) (*warden.Page[*warden.Handshake], error) {
	pq, err := orgPageQuery(opts)
	if err != nil {
		return nil, err
	}
	var page *warden.Page[*warden.Handshake]
	err = s.view(ctx, "sqlstore.ListOrganizationHandshakes", func(tx querier) error {
		org, err := s.managedOrganization(ctx, tx, management)
		if err != nil {
			return err
		}
		hs, err := s.handshakes(ctx, tx, "organization_id", org.ID)
		if err != nil {
			return err
		}
		page = pageOf(pq, hs, func(h *warden.Handshake) string { return h.ID })
		return nil
	})
	return page, err
}
