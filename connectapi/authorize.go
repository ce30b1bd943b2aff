package connectapi

import (
	"context"
	"maps"
	"slices"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/catalog"
)

// Resource types of the Service Authorization Reference's Amazon Connect
// page that requests name.
const (
	typeInstance            = "instance"
	typeUser                = "user"
	typeRoutingProfile      = "routing-profile"
	typeSecurityProfile     = "security-profile"
	typeHierarchyGroup      = "hierarchy-group"
	typeContactFlow         = "contact-flow"
	typePhoneNumber         = "phone-number"
	typeWildcardPhoneNumber = "wildcard-phone-number"
)

// Actions a request may need besides its operation's own.
const actionTagResource = "connect:TagResource"

// keyInstanceID is Amazon Connect's condition key for the instance a
// request acts in.
const keyInstanceID = "connect:InstanceId"

// target is one resource a request acts on, as authorization sees it.
type target struct {
	arn  string
	tags []warden.Tag // aws:ResourceTag/*
}

// request is what one authorization of an action needs: the resources the
// request names, by the reference's resource type, the instance it acts
// in, and the request's own keys.
type request struct {
	resources  map[string][]target
	instanceID string
	call       authz.Call
}

// authorize asks whether the caller may perform action on the resources
// the Service Authorization Reference lists for it, and turns the first
// denial into AccessDenied (AccessDeniedException, HTTP 403). Each
// resource type the request names is authorized, each of its resources on
// its own (UpdateUserSecurityProfiles on every security profile and on the
// user); a type the reference requires and the request does not name is
// an error in the handler, never a skipped check. An action without
// resource types is authorized on "*". connect:InstanceId is set only for
// actions the reference lists it for ("Condition keys for Amazon
// Connect").
//
// An action the reference does not list (UpdateUserConfig, newer than the
// snapshot) is authorized on every resource the request names: for
// UpdateUserConfig, the user.
func (a *API) authorize(ctx context.Context, c *authz.Caller, action string, r request) error {
	call := r.call
	call.Action = action
	var targets []target
	act, known := a.catalog.LookupAction(action)
	switch {
	case !known:
		for _, typ := range slices.Sorted(maps.Keys(r.resources)) {
			targets = append(targets, r.resources[typ]...)
		}
		if r.instanceID != "" {
			call.Keys = map[string]string{keyInstanceID: r.instanceID}
		}
	default:
		for _, rt := range act.ResourceTypes {
			named := r.resources[rt.Name]
			if len(named) == 0 && rt.Required {
				return &warden.Error{Code: warden.EInternalFailure, Message: "An internal error occurred.", Op: "connectapi." + act.Name,
					Err: errMissingResource(rt.Name)}
			}
			targets = append(targets, named...)
		}
		if r.instanceID != "" && slices.Contains(act.SupportedConditionKeys(), keyInstanceID) {
			call.Keys = map[string]string{keyInstanceID: r.instanceID}
		}
		if len(act.ResourceTypes) == 0 {
			targets = []target{{arn: "*"}}
		}
	}
	if len(targets) == 0 {
		// Only optional types, none of them named: the request names a
		// resource the action cannot be authorized on.
		return warden.Errorf(warden.ENoSuchEntity, "The resource is not one %s applies to.", action)
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

// listsType reports whether the reference lists a resource type for an
// action.
func (a *API) listsType(action, typ string) bool {
	act, ok := a.catalog.LookupAction(action)
	return ok && slices.ContainsFunc(act.ResourceTypes, func(r catalog.ActionResource) bool { return r.Name == typ })
}

type errMissingResource string

func (e errMissingResource) Error() string {
	return "the reference requires a " + string(e) + " resource, which the handler does not name"
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

// arns builds the ARNs of the resources of one instance of the caller's
// account and region.
type arns struct {
	region, account, instanceID string
}

func arnsOf(c *authz.Caller, instanceID string) arns {
	return arns{region: c.Region, account: account(c), instanceID: instanceID}
}

func (x arns) instance() string { return warden.ConnectInstanceARN(x.region, x.account, x.instanceID) }

func (x arns) user(id string) string {
	return warden.ConnectUserARN(x.region, x.account, x.instanceID, id)
}

// under is the ARN of a resource of the instance Warden holds only by ID.
func (x arns) under(kind, id string) string { return x.instance() + "/" + kind + "/" + id }

func (x arns) routingProfile(id string) target  { return target{arn: x.under("routing-profile", id)} }
func (x arns) securityProfile(id string) target { return target{arn: x.under("security-profile", id)} }
func (x arns) hierarchyGroup(id string) target  { return target{arn: x.under("agent-group", id)} }
func (x arns) contactFlow(id string) target     { return target{arn: x.under("contact-flow", id)} }
