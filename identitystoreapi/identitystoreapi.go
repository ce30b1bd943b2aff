// Package identitystoreapi implements the AWS Identity Store user
// operations Warden serves (CreateUser, DescribeUser, ListUsers,
// DeleteUser) for authenticated callers, over the awsJson1_1 protocol
// (target prefix AWSIdentityStore). Every account has one identity store,
// created on first use (warden.IdentityStoreService); a request naming
// another store ID is answered ResourceNotFoundException once the caller
// is authorized.
//
// Each operation is authorized as identitystore:ACTION on every resource
// type the Service Authorization Reference marks required for it: the
// identity store (arn:aws:identitystore::ACCOUNT:identitystore/ID) and,
// for DescribeUser and DeleteUser, the user
// (arn:aws:identitystore:::user/USERID), for ListUsers all users
// (arn:aws:identitystore:::user/*). As that reference says, a policy that
// limits the Resource element must name an ARN of each required type; the
// request is allowed only when each is allowed. The request and response
// shapes are written here after the service model.
package identitystoreapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsjson"
)

// API serves Identity Store operations.
type API struct {
	store    warden.IdentityStoreService
	authz    *authz.Authorizer
	service  *awsjson.Service
	handlers map[string]handler
}

type handler func(ctx context.Context, c *authz.Caller, in any) (any, error)

// New returns the Identity Store API over a store.
func New(store warden.IdentityStoreService, az *authz.Authorizer) *API {
	a := &API{store: store, authz: az, handlers: map[string]handler{}, service: &awsjson.Service{
		Name:         "Identity Store",
		TargetPrefix: "AWSIdentityStore",
		JSONVersion:  "1.1",
		SigningName:  warden.IdentityStoreNamespace,
		ARNNamespace: warden.IdentityStoreNamespace,
		Operations:   map[string]*awsjson.Operation{},
		// Warden's shared codes in Identity Store's names. The model
		// gives its errors no HTTP status of their own: client errors
		// are 400, InternalServerException 500.
		Codes: map[string]string{
			warden.EAccessDenied:        "AccessDeniedException",
			warden.ENoSuchEntity:        "ResourceNotFoundException",
			warden.EEntityAlreadyExists: "ConflictException",
			warden.EValidationError:     "ValidationException",
			warden.EInvalidInput:        "ValidationException",
			warden.ELimitExceeded:       "ServiceQuotaExceededException",
			warden.EInternalFailure:     "InternalServerException",
			warden.EServiceFailure:      "InternalServerException",
		},
		Faults: map[string]bool{"InternalServerException": true},
	}}
	register(a, "CreateUser", a.CreateUser)
	register(a, "DescribeUser", a.DescribeUser)
	register(a, "ListUsers", a.ListUsers)
	register(a, "DeleteUser", a.deleteUser)
	return a
}

// Service is the Identity Store service description the JSON runtime
// serves.
func (a *API) Service() *awsjson.Service { return a.service }

// Handle runs one decoded operation for the caller.
func (a *API) Handle(ctx context.Context, c *authz.Caller, op *awsjson.Operation, in any) (any, error) {
	h, ok := a.handlers[op.Name]
	if !ok {
		return nil, warden.Errorf(awsjson.CodeUnknownOperation, "Warden does not serve the Identity Store operation %s.", op.Name)
	}
	return h(ctx, c, in)
}

// register adds an operation: its input type for the JSON runtime and its
// handler. Handlers validate their input first, as they are also called
// in-process (warden webapp sign-in).
func register[I any, PI interface {
	*I
	validate() error
}, O any](a *API, name string, fn func(context.Context, *authz.Caller, PI) (O, error)) {
	a.service.Operations[name] = &awsjson.Operation{Name: name, NewInput: func() any { return PI(new(I)) }}
	a.handlers[name] = func(ctx context.Context, c *authz.Caller, in any) (any, error) {
		out, err := fn(ctx, c, in.(PI))
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

func account(c *authz.Caller) string { return c.Principal.AccountID }

// resolved is the identity store a request names, looked up before the
// request is authorized.
type resolved struct {
	arn string
	// missing is the ResourceNotFoundException to answer once the caller
	// is authorized, when the ID is not the account's store.
	missing error
	store   *warden.IdentityStore
}

// resolve finds the store a request names among the caller's account's:
// an account has one, created on first use.
func (a *API) resolve(ctx context.Context, c *authz.Caller, id string) (*resolved, error) {
	st, err := a.store.IdentityStore(ctx, account(c))
	if err != nil {
		return nil, err
	}
	r := &resolved{arn: warden.IdentityStoreARN(account(c), id), store: st}
	if st.ID != id {
		r.missing = warden.Errorf(warden.ENoSuchEntity, "Identity store %s not found.", id)
	}
	return r, nil
}

// authorize asks whether the caller may perform action on each resource
// and turns the first denial into AccessDenied (AccessDeniedException).
func (a *API) authorize(ctx context.Context, c *authz.Caller, action string, resources ...string) error {
	for _, r := range resources {
		d, err := a.authz.Authorize(ctx, c, &authz.Call{Action: action, Resource: r})
		if err != nil {
			return err
		}
		if err := d.Err(); err != nil {
			return err
		}
	}
	return nil
}
