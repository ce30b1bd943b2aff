package iamapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

func (a *API) registerAccount() {
	registerNoResult(a, "CreateAccountAlias", a.createAccountAlias)
	registerNoResult(a, "DeleteAccountAlias", a.deleteAccountAlias)
	register(a, "ListAccountAliases", a.listAccountAliases)
	register(a, "GetAccountSummary", a.getAccountSummary)
}

// authorizeAccount authorizes an account-wide action, which has no
// resource type: IAM authorizes it only with "Resource": "*".
func (a *API) authorizeAccount(ctx context.Context, c *authz.Caller, action string) error {
	return a.authorize(ctx, c, &authz.Call{Action: action, Resource: "*"})
}

func (a *API) createAccountAlias(ctx context.Context, c *authz.Caller, in *s.CreateAccountAliasInput) error {
	if err := a.authorizeAccount(ctx, c, "iam:CreateAccountAlias"); err != nil {
		return err
	}
	return a.store.CreateAccountAlias(ctx, account(c), in.AccountAlias)
}

func (a *API) deleteAccountAlias(ctx context.Context, c *authz.Caller, in *s.DeleteAccountAliasInput) error {
	if err := a.authorizeAccount(ctx, c, "iam:DeleteAccountAlias"); err != nil {
		return err
	}
	return a.store.DeleteAccountAlias(ctx, account(c), in.AccountAlias)
}

// listAccountAliases lists the account's alias. An account has at most
// one, so the list is never truncated and no marker is ever valid.
func (a *API) listAccountAliases(ctx context.Context, c *authz.Caller, in *s.ListAccountAliasesInput) (*s.ListAccountAliasesOutput, error) {
	if err := a.authorizeAccount(ctx, c, "iam:ListAccountAliases"); err != nil {
		return nil, err
	}
	if err := listOptions(nil, in.Marker, in.MaxItems).Validate(); err != nil {
		return nil, err
	}
	if in.Marker != nil {
		return nil, warden.Errorf(warden.EInvalidInput, "Invalid Marker.")
	}
	acct, err := a.store.Account(ctx, account(c))
	if err != nil {
		return nil, err
	}
	out := &s.ListAccountAliasesOutput{AccountAliases: []string{}}
	if acct.Alias != "" {
		out.AccountAliases = append(out.AccountAliases, acct.Alias)
	}
	return out, nil
}

func (a *API) getAccountSummary(ctx context.Context, c *authz.Caller, _ *s.GetAccountSummaryInput) (*s.GetAccountSummaryOutput, error) {
	if err := a.authorizeAccount(ctx, c, "iam:GetAccountSummary"); err != nil {
		return nil, err
	}
	summary, err := a.store.AccountSummary(ctx, account(c))
	if err != nil {
		return nil, err
	}
	out := &s.GetAccountSummaryOutput{SummaryMap: make(map[s.SummaryKeyType]int32, len(summary))}
	for k, v := range summary {
		out.SummaryMap[s.SummaryKeyType(k)] = int32(v)
	}
	return out, nil
}
