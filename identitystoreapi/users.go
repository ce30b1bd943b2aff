package identitystoreapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

// The actions, named as the Service Authorization Reference names them.
const (
	actionCreateUser   = "identitystore:CreateUser"
	actionDescribeUser = "identitystore:DescribeUser"
	actionListUsers    = "identitystore:ListUsers"
	actionDeleteUser   = "identitystore:DeleteUser"
)

// allUsers is the AllUsers resource of ListUsers.
var allUsers = warden.IdentityStoreUserARN("*")

// CreateUser creates a user in the caller's account's identity store,
// authorized as identitystore:CreateUser on the store.
//
// Returns ValidationError, AccessDenied, NoSuchEntity for another store
// and EntityAlreadyExists (ConflictException) for a UserName in use.
func (a *API) CreateUser(ctx context.Context, c *authz.Caller, in *CreateUserInput) (*CreateUserOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, err := a.resolve(ctx, c, *in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, actionCreateUser, st.arn); err != nil {
		return nil, err
	}
	if st.missing != nil {
		return nil, st.missing
	}
	u := warden.IdentityStoreUser{
		IdentityStoreID: st.store.ID, UserName: *in.UserName, DisplayName: deref(in.DisplayName), NickName: deref(in.NickName),
		ProfileURL: deref(in.ProfileUrl), UserType: deref(in.UserType), Title: deref(in.Title),
		PreferredLanguage: deref(in.PreferredLanguage), Locale: deref(in.Locale), Timezone: deref(in.Timezone),
		CreatedBy: c.Principal.ARN,
	}
	if n := in.Name; n != nil {
		u.Name = warden.PersonName{
			Formatted: deref(n.Formatted), FamilyName: deref(n.FamilyName), GivenName: deref(n.GivenName),
			MiddleName: deref(n.MiddleName), HonorificPrefix: deref(n.HonorificPrefix), HonorificSuffix: deref(n.HonorificSuffix),
		}
	}
	for _, e := range in.Emails {
		u.Emails = append(u.Emails, warden.IdentityStoreEmail{Value: deref(e.Value), Type: deref(e.Type), Primary: e.Primary != nil && *e.Primary})
	}
	created, err := a.store.CreateIdentityStoreUser(ctx, u)
	if err != nil {
		if warden.ErrorCode(err) == warden.EEntityAlreadyExists {
			return nil, warden.ReasonErrorf(warden.EEntityAlreadyExists, "UNIQUENESS_CONSTRAINT_VIOLATION", "%s", warden.ErrorMessage(err))
		}
		return nil, err
	}
	return &CreateUserOutput{IdentityStoreId: created.IdentityStoreID, UserId: created.ID}, nil
}

// DescribeUser returns a user of the caller's account's identity store,
// authorized as identitystore:DescribeUser on the store and on the user.
//
// Returns ValidationError, AccessDenied and NoSuchEntity
// (ResourceNotFoundException) for another store or a user it does not
// have.
func (a *API) DescribeUser(ctx context.Context, c *authz.Caller, in *DescribeUserInput) (*DescribeUserOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, err := a.resolve(ctx, c, *in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, actionDescribeUser, st.arn, warden.IdentityStoreUserARN(*in.UserId)); err != nil {
		return nil, err
	}
	if st.missing != nil {
		return nil, st.missing
	}
	u, err := a.store.IdentityStoreUser(ctx, st.store.ID, *in.UserId)
	if err != nil {
		return nil, err
	}
	out := userOut(u)
	return &out, nil
}

// ListUsers lists the users of the caller's account's identity store,
// authorized as identitystore:ListUsers on the store and on all users.
//
// Returns ValidationError, AccessDenied and NoSuchEntity
// (ResourceNotFoundException) for another store.
func (a *API) ListUsers(ctx context.Context, c *authz.Caller, in *ListUsersInput) (*ListUsersOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, err := a.resolve(ctx, c, *in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, actionListUsers, st.arn, allUsers); err != nil {
		return nil, err
	}
	if st.missing != nil {
		return nil, st.missing
	}
	opts := warden.ListOptions{Marker: deref(in.NextToken), MaxItems: maxResults}
	if in.MaxResults != nil {
		opts.MaxItems = int(*in.MaxResults)
	}
	var userName string
	for _, f := range in.Filters {
		userName = *f.AttributeValue
	}
	page, err := a.store.ListIdentityStoreUsers(ctx, st.store.ID, userName, opts)
	if err != nil {
		return nil, err
	}
	out := &ListUsersOutput{Users: make([]User, len(page.Items))}
	for i, u := range page.Items {
		out.Users[i] = userOut(u)
	}
	if page.IsTruncated {
		out.NextToken = new(page.Marker)
	}
	return out, nil
}

func (a *API) deleteUser(ctx context.Context, c *authz.Caller, in *DeleteUserInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, err := a.resolve(ctx, c, *in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, actionDeleteUser, st.arn, warden.IdentityStoreUserARN(*in.UserId)); err != nil {
		return nil, err
	}
	if st.missing != nil {
		return nil, st.missing
	}
	if err := a.store.DeleteIdentityStoreUser(ctx, st.store.ID, *in.UserId); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
