package orgsapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

func (a *API) registerAccounts() {
	register(a, "CreateAccount", a.createAccount)
	register(a, "DescribeCreateAccountStatus", a.describeCreateAccountStatus)
	register(a, "ListAccounts", a.listAccounts)
	registerNoResult(a, "MoveAccount", a.moveAccount)
}

// createAccount creates the account at once: its status is SUCCEEDED (or
// FAILED) in the response itself, where AWS answers IN_PROGRESS and
// finishes later. IamUserAccessToBilling is accepted and has no effect:
// Warden keeps no billing.
func (a *API) createAccount(ctx context.Context, c *authz.Caller, in *CreateAccountInput) (*CreateAccountStatusOutput, error) {
	create := warden.CreateOrganizationAccountInput{Email: *in.Email, Name: *in.AccountName, RoleName: deref(in.RoleName), Tags: tagsIn(in.Tags)}
	if err := create.Validate(); err != nil {
		return nil, err
	}
	if _, err := a.managed(ctx, c); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "CreateAccount", authz.Call{RequestTags: create.Tags}); err != nil {
		return nil, err
	}
	status, err := a.store.CreateOrganizationAccount(ctx, account(c), create)
	if err != nil {
		return nil, err
	}
	return &CreateAccountStatusOutput{CreateAccountStatus: createAccountStatusOut(status)}, nil
}

func (a *API) describeCreateAccountStatus(ctx context.Context, c *authz.Caller, in *DescribeCreateAccountStatusInput) (*CreateAccountStatusOutput, error) {
	if _, err := a.managed(ctx, c); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "DescribeCreateAccountStatus", authz.Call{}); err != nil {
		return nil, err
	}
	status, err := a.store.CreateAccountStatus(ctx, account(c), *in.CreateAccountRequestId)
	if err != nil {
		return nil, err
	}
	return &CreateAccountStatusOutput{CreateAccountStatus: createAccountStatusOut(status)}, nil
}

func (a *API) listAccounts(ctx context.Context, c *authz.Caller, in *ListAccountsInput) (*ListAccountsOutput, error) {
	if _, err := a.managed(ctx, c); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "ListAccounts", authz.Call{}); err != nil {
		return nil, err
	}
	page, err := a.store.ListOrganizationAccounts(ctx, account(c), in.listOptions())
	if err != nil {
		return nil, err
	}
	out := &ListAccountsOutput{Accounts: make([]Account, len(page.Items)), NextToken: nextToken(page)}
	for i, acct := range page.Items {
		out.Accounts[i] = accountOut(acct)
	}
	return out, nil
}

// moveAccount is authorized on the account and on both containers, the
// resources the Service Authorization Reference lists for MoveAccount.
func (a *API) moveAccount(ctx context.Context, c *authz.Caller, in *MoveAccountInput) error {
	org, err := a.managed(ctx, c)
	if err != nil {
		return err
	}
	acct, err := a.node(ctx, org, *in.AccountId, warden.ErrAccountNotFound)
	if err != nil {
		return err
	}
	source, err := a.node(ctx, org, *in.SourceParentId, func() error {
		return warden.Errorf(warden.ESourceParentNotFound, "We can't find a source root or OU with the ParentId that you specified.")
	})
	if err != nil {
		return err
	}
	destination, err := a.node(ctx, org, *in.DestinationParentId, func() error {
		return warden.Errorf(warden.EDestinationParentNotFound, "We can't find the destination container (a root or OU) with the ParentId that you specified.")
	})
	if err != nil {
		return err
	}
	if err := a.authorize(ctx, c, "MoveAccount", authz.Call{}, acct, source, destination); err != nil {
		return err
	}
	return a.store.MoveOrganizationAccount(ctx, account(c), *in.AccountId, *in.SourceParentId, *in.DestinationParentId)
}
