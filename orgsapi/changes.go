package orgsapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

// The operations that shrink or rename the organization's tree.

func (a *API) registerChanges() {
	registerNoResult(a, "DeleteOrganization", a.deleteOrganization)
	registerNoResult(a, "RemoveAccountFromOrganization", a.removeAccountFromOrganization)
	register(a, "UpdateOrganizationalUnit", a.updateOrganizationalUnit)
	registerNoResult(a, "DeleteOrganizationalUnit", a.deleteOrganizationalUnit)
}

// deleteOrganization needs an organization with no member accounts
// (OrganizationNotEmptyException, API Reference, DeleteOrganization).
func (a *API) deleteOrganization(ctx context.Context, c *authz.Caller, _ *DeleteOrganizationInput) error {
	if _, err := a.managed(ctx, c); err != nil {
		return err
	}
	if err := a.authorize(ctx, c, "DeleteOrganization", authz.Call{}); err != nil {
		return err
	}
	return a.store.DeleteOrganization(ctx, account(c))
}

func (a *API) removeAccountFromOrganization(ctx context.Context, c *authz.Caller, in *RemoveAccountFromOrganizationInput) error {
	org, err := a.managed(ctx, c)
	if err != nil {
		return err
	}
	acct, err := a.node(ctx, org, *in.AccountId, warden.ErrAccountNotFound)
	if err != nil {
		return err
	}
	if err := a.authorize(ctx, c, "RemoveAccountFromOrganization", authz.Call{}, acct); err != nil {
		return err
	}
	return a.store.RemoveOrganizationAccount(ctx, account(c), *in.AccountId)
}

func (a *API) unit(ctx context.Context, c *authz.Caller, action, ouID string) error {
	org, err := a.managed(ctx, c)
	if err != nil {
		return err
	}
	ou, err := a.node(ctx, org, ouID, warden.ErrOrganizationalUnitNotFound)
	if err != nil {
		return err
	}
	return a.authorize(ctx, c, action, authz.Call{}, ou)
}

func (a *API) updateOrganizationalUnit(ctx context.Context, c *authz.Caller, in *UpdateOrganizationalUnitInput) (*OrganizationalUnitOutput, error) {
	if in.Name != nil {
		if err := warden.ValidateOrganizationalUnitName(*in.Name); err != nil {
			return nil, err
		}
	}
	if err := a.unit(ctx, c, "UpdateOrganizationalUnit", *in.OrganizationalUnitId); err != nil {
		return nil, err
	}
	// Name is optional; without it the OU is returned as it is.
	ou, err := a.store.UpdateOrganizationalUnit(ctx, account(c), *in.OrganizationalUnitId, deref(in.Name))
	if err != nil {
		return nil, err
	}
	return &OrganizationalUnitOutput{OrganizationalUnit: unitOut(ou)}, nil
}

func (a *API) deleteOrganizationalUnit(ctx context.Context, c *authz.Caller, in *DeleteOrganizationalUnitInput) error {
	if err := a.unit(ctx, c, "DeleteOrganizationalUnit", *in.OrganizationalUnitId); err != nil {
		return err
	}
	return a.store.DeleteOrganizationalUnit(ctx, account(c), *in.OrganizationalUnitId)
}

type DeleteOrganizationInput struct{}

type RemoveAccountFromOrganizationInput struct {
	AccountId *string
}

type UpdateOrganizationalUnitInput struct {
	OrganizationalUnitId *string
	Name                 *string
}

type DeleteOrganizationalUnitInput struct {
	OrganizationalUnitId *string
}
