package iamapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

func (a *API) registerAccessKeys() {
	register(a, "CreateAccessKey", a.createAccessKey)
	register(a, "ListAccessKeys", a.listAccessKeys)
	registerNoResult(a, "UpdateAccessKey", a.updateAccessKey)
	registerNoResult(a, "DeleteAccessKey", a.deleteAccessKey)
	register(a, "GetAccessKeyLastUsed", a.getAccessKeyLastUsed)
}

// credentialOwner resolves the user whose credentials a request manages
// and authorizes the action on it. Without a user name IAM acts on the
// caller ("CreateAccessKey": "If you do not specify a user name, IAM
// determines the user name implicitly based on the Amazon Web Services
// access key ID signing the request"): an IAM user's own credentials or,
// where rootOK, the root user's, which the store addresses by the empty
// name.
func (a *API) credentialOwner(ctx context.Context, c *authz.Caller, action string, userName *string, rootOK bool) (string, error) {
	name := deref(userName, "")
	switch {
	case name != "":
	case c.Principal.Kind == warden.PrincipalUser:
		name = c.Principal.Name
	case c.Principal.Kind == warden.PrincipalRoot && rootOK:
		return "", a.authorize(ctx, c, &authz.Call{Action: action, Resource: c.Principal.ARN})
	default:
		return "", warden.Errorf(warden.EValidationError, "Must specify userName when calling with non-User credentials")
	}
	_, err := a.authorizeUser(ctx, c, action, name, nil)
	return name, err
}

func (a *API) createAccessKey(ctx context.Context, c *authz.Caller, in *s.CreateAccessKeyInput) (*s.CreateAccessKeyOutput, error) {
	owner, err := a.credentialOwner(ctx, c, "iam:CreateAccessKey", in.UserName, true)
	if err != nil {
		return nil, err
	}
	key, err := a.store.CreateAccessKey(ctx, account(c), owner)
	if err != nil {
		return nil, err
	}
	return &s.CreateAccessKeyOutput{AccessKey: s.AccessKey{
		UserName:        key.UserName,
		AccessKeyId:     key.ID,
		Status:          s.StatusType(key.Status),
		SecretAccessKey: key.SecretAccessKey,
		CreateDate:      &key.CreateDate,
	}}, nil
}

func (a *API) listAccessKeys(ctx context.Context, c *authz.Caller, in *s.ListAccessKeysInput) (*s.ListAccessKeysOutput, error) {
	owner, err := a.credentialOwner(ctx, c, "iam:ListAccessKeys", in.UserName, true)
	if err != nil {
		return nil, err
	}
	page, err := a.store.ListAccessKeys(ctx, account(c), owner, listOptions(nil, in.Marker, in.MaxItems))
	if err != nil {
		return nil, err
	}
	out := &s.ListAccessKeysOutput{AccessKeyMetadata: make([]s.AccessKeyMetadata, 0, len(page.Items)), IsTruncated: page.IsTruncated, Marker: marker(page)}
	for _, k := range page.Items {
		m := s.AccessKeyMetadata{AccessKeyId: &k.ID, Status: new(s.StatusType(k.Status)), CreateDate: &k.CreateDate}
		if k.UserName != "" {
			m.UserName = &k.UserName
		}
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, m)
	}
	return out, nil
}

func (a *API) updateAccessKey(ctx context.Context, c *authz.Caller, in *s.UpdateAccessKeyInput) error {
	owner, err := a.credentialOwner(ctx, c, "iam:UpdateAccessKey", in.UserName, true)
	if err != nil {
		return err
	}
	return a.store.UpdateAccessKey(ctx, account(c), owner, in.AccessKeyId, warden.AccessKeyStatus(in.Status))
}

func (a *API) deleteAccessKey(ctx context.Context, c *authz.Caller, in *s.DeleteAccessKeyInput) error {
	owner, err := a.credentialOwner(ctx, c, "iam:DeleteAccessKey", in.UserName, true)
	if err != nil {
		return err
	}
	return a.store.DeleteAccessKey(ctx, account(c), owner, in.AccessKeyId)
}

// notRecorded is what GetAccessKeyLastUsed reports for the service and
// region of a key never used ("AccessKeyLastUsed": "N/A" when "an access
// key exists but has not been used").
const notRecorded = "N/A"

// getAccessKeyLastUsed is authorized on the key's owner, a user or the
// root user. A key the account does not have is authorized against all of
// its users, so that only a caller allowed to ask about any key learns
// that it does not exist.
func (a *API) getAccessKeyLastUsed(ctx context.Context, c *authz.Caller, in *s.GetAccessKeyLastUsedInput) (*s.GetAccessKeyLastUsedOutput, error) {
	used, err := a.store.AccessKeyLastUsed(ctx, account(c), in.AccessKeyId)
	switch {
	case err == nil && used.UserName != "":
		_, err = a.authorizeUser(ctx, c, "iam:GetAccessKeyLastUsed", used.UserName, nil)
	case err == nil:
		err = a.authorize(ctx, c, &authz.Call{Action: "iam:GetAccessKeyLastUsed", Resource: warden.RootARN(account(c))})
	case warden.ErrorCode(err) == warden.ENoSuchEntity:
		if denied := a.authorize(ctx, c, &authz.Call{Action: "iam:GetAccessKeyLastUsed", Resource: warden.IAMARN(account(c), "user", "/", "*")}); denied != nil {
			err = denied
		}
	}
	if err != nil {
		return nil, err
	}
	out := &s.GetAccessKeyLastUsedOutput{AccessKeyLastUsed: &s.AccessKeyLastUsed{ServiceName: notRecorded, Region: notRecorded}}
	if used.UserName != "" {
		out.UserName = &used.UserName
	}
	if !used.Date.IsZero() {
		out.AccessKeyLastUsed = &s.AccessKeyLastUsed{LastUsedDate: &used.Date, ServiceName: used.ServiceName, Region: used.Region}
	}
	return out, nil
}
