package healthapi

import (
	"context"
	"maps"
	"slices"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/restjson"
)

// target is one resource a request acts on, as authorization sees it.
type target struct {
	arn string
	// tags are what policies see as aws:ResourceTag/*. Connect Health tags
	// domains only; a subscription or job is seen with its domain's tags,
	// so that a policy conditioned on aws:ResourceTag governs everything
	// in a domain alike.
	tags []warden.Tag
}

// authorize asks whether the caller may perform action on every target
// and turns the first denial into AccessDenied (AccessDeniedException,
// HTTP 401). An action the Service Authorization Reference lists with
// several required resource types (GetSubscription: Domain and
// Subscription) is allowed only when it is allowed on each of them; one
// without resource types is authorized on "*". call carries the request's
// own keys (aws:RequestTag, aws:TagKeys, iam:PassedToService).
func (a *API) authorize(ctx context.Context, c *authz.Caller, action string, call authz.Call, targets ...target) error {
	call.Action = action
	if len(targets) == 0 {
		targets = []target{{arn: "*"}}
	}
	for _, t := range targets {
		call.Resource, call.ResourceTags, call.ResourceAccount = t.arn, t.tags, resourceAccount(t.arn)
		d, err := a.authz.Authorize(ctx, c, &call)
		if err != nil {
			return err
		}
		if err := d.Err(); err != nil {
			return err
		}
	}
	return nil
}

// resourceAccount returns the account field of an ARN, "" (the caller's
// account) for "*" or anything unparsable.
func resourceAccount(resource string) string {
	a, err := warden.ParseARN(resource)
	if err != nil {
		return ""
	}
	return a.AccountID
}

// requiredCall is one further authorization an operation needs: an action
// of its model's aws.iam#requiredActions, when the request does what
// needs it.
type requiredCall struct {
	call   authz.Call
	target target
}

// authorizeRequired authorizes the operation's required actions that the
// request calls for, given by action. Every required action of the model
// must be one the handler knows when to ask for: an action missing from
// known means the model changed and the handler did not, and fails the
// request rather than skip a check.
func (a *API) authorizeRequired(ctx context.Context, c *authz.Caller, op *restjson.Operation, known map[string]*requiredCall) error {
	for _, action := range op.RequiredActions {
		rc, ok := known[action]
		if !ok {
			return &warden.Error{Code: warden.EInternalFailure, Message: "An internal error occurred.", Op: "healthapi." + op.Name,
				Err: errUnknownRequiredAction(action)}
		}
		if rc == nil {
			continue // the request does not do what needs it
		}
		if err := a.authorize(ctx, c, action, rc.call, rc.target); err != nil {
			return err
		}
	}
	return nil
}

type errUnknownRequiredAction string

func (e errUnknownRequiredAction) Error() string {
	return "the model requires " + string(e) + ", which the handler does not authorize"
}

// tagsIn turns a request's tag map into tags sorted by key, the order in
// which aws:TagKeys lists them.
func tagsIn(m map[string]string) []warden.Tag {
	if len(m) == 0 {
		return nil
	}
	tags := make([]warden.Tag, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		tags = append(tags, warden.Tag{Key: k, Value: m[k]})
	}
	return tags
}

// tagsOut turns tags into the API's map, nil for none.
func tagsOut(tags []warden.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// passedRole checks that a role ARN given to Connect Health names a role
// that exists. Roles of other accounts never get here: passing one is
// denied, as no resource-based policy can allow iam:PassRole.
//
// Returns ValidationError.
func (a *API) passedRole(ctx context.Context, c *authz.Caller, roleARN string) error {
	arn, err := warden.ParseARN(roleARN)
	typ, _, name, ok := arn.IAMResource()
	if err != nil || !ok || typ != "role" {
		return warden.Errorf(warden.EValidationError, "%s is not the ARN of an IAM role.", roleARN)
	}
	role, err := a.store.Role(ctx, account(c), name)
	if warden.ErrorCode(err) == warden.ENoSuchEntity || err == nil && role.ARN != roleARN {
		return warden.Errorf(warden.EValidationError, "Role %s does not exist.", roleARN)
	}
	return err
}

// notFound reports a resource that is not in the caller's account and
// region. A resource named by an ARN of another account or region is
// never looked up: the caller may only reach its own.
func notFound(kind, id string) error {
	return warden.Errorf(warden.ENoSuchEntity, "%s %s not found.", kind, id)
}

// scoped reports whether an ARN's account and region are the caller's.
func scoped(c *authz.Caller, r warden.HealthResource) bool {
	return r.AccountID == account(c) && r.Region == c.Region
}
