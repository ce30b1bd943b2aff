package orgsapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsjson"
)

// Invitations: the management account invites an existing account, which
// accepts or declines; the management account may cancel. The invited
// account need not belong to any organization to see, accept or decline
// its invitations, so those operations do not go through managed.

func (a *API) registerHandshakes() {
	register(a, "InviteAccountToOrganization", a.inviteAccountToOrganization)
	register(a, "AcceptHandshake", a.acceptHandshake)
	register(a, "DeclineHandshake", a.declineHandshake)
	register(a, "CancelHandshake", a.cancelHandshake)
	register(a, "DescribeHandshake", a.describeHandshake)
	register(a, "ListHandshakesForAccount", a.listHandshakesForAccount)
	register(a, "ListHandshakesForOrganization", a.listHandshakesForOrganization)
}

// inviteAccountToOrganization is authorized on the invited account's ARN
// in the organization, the optional resource the Service Authorization
// Reference lists, with the tags the account will get as aws:RequestTag.
func (a *API) inviteAccountToOrganization(ctx context.Context, c *authz.Caller, in *InviteAccountToOrganizationInput) (*HandshakeOutput, error) {
	invite := warden.InviteAccountInput{AccountID: *in.Target.Id, Notes: deref(in.Notes), Tags: tagsIn(in.Tags)}
	if err := invite.Validate(); err != nil {
		return nil, err
	}
	org, err := a.managed(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "InviteAccountToOrganization", authz.Call{RequestTags: invite.Tags}, resource{arn: org.AccountARN(invite.AccountID)}); err != nil {
		return nil, err
	}
	h, err := a.store.InviteOrganizationAccount(ctx, account(c), invite)
	if err != nil {
		return nil, err
	}
	return &HandshakeOutput{Handshake: handshakeOut(h)}, nil
}

// handshake reads the handshake for one of its parties and authorizes the
// action on it. A handshake is the caller's own resource whichever party
// calls: the invited account has no other way to reach it.
func (a *API) handshake(ctx context.Context, c *authz.Caller, action, id string) (*warden.Handshake, error) {
	h, err := a.store.Handshake(ctx, account(c), id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, action, authz.Call{}, resource{arn: h.ARN}); err != nil {
		return nil, err
	}
	return h, nil
}

func (a *API) respond(ctx context.Context, c *authz.Caller, action, id string,
	change func(context.Context, string, string) (*warden.Handshake, error)) (*HandshakeOutput, error) {
	if _, err := a.handshake(ctx, c, action, id); err != nil {
		return nil, err
	}
	h, err := change(ctx, account(c), id)
	if err != nil {
		return nil, err
	}
	return &HandshakeOutput{Handshake: handshakeOut(h)}, nil
}

func (a *API) acceptHandshake(ctx context.Context, c *authz.Caller, in *AcceptHandshakeInput) (*HandshakeOutput, error) {
	return a.respond(ctx, c, "AcceptHandshake", *in.HandshakeId, a.store.AcceptHandshake)
}

func (a *API) declineHandshake(ctx context.Context, c *authz.Caller, in *DeclineHandshakeInput) (*HandshakeOutput, error) {
	return a.respond(ctx, c, "DeclineHandshake", *in.HandshakeId, a.store.DeclineHandshake)
}

func (a *API) cancelHandshake(ctx context.Context, c *authz.Caller, in *CancelHandshakeInput) (*HandshakeOutput, error) {
	return a.respond(ctx, c, "CancelHandshake", *in.HandshakeId, a.store.CancelHandshake)
}

func (a *API) describeHandshake(ctx context.Context, c *authz.Caller, in *DescribeHandshakeInput) (*HandshakeOutput, error) {
	h, err := a.handshake(ctx, c, "DescribeHandshake", *in.HandshakeId)
	if err != nil {
		return nil, err
	}
	return &HandshakeOutput{Handshake: handshakeOut(h)}, nil
}

func (a *API) listHandshakesForAccount(ctx context.Context, c *authz.Caller, in *ListHandshakesForAccountInput) (*ListHandshakesOutput, error) {
	if err := a.authorize(ctx, c, "ListHandshakesForAccount", authz.Call{}); err != nil {
		return nil, err
	}
	return listHandshakes(in.Filter, func() (*warden.Page[*warden.Handshake], error) {
		return a.store.ListAccountHandshakes(ctx, account(c), in.listOptions())
	})
}

func (a *API) listHandshakesForOrganization(ctx context.Context, c *authz.Caller, in *ListHandshakesForOrganizationInput) (*ListHandshakesOutput, error) {
	if _, err := a.managed(ctx, c); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "ListHandshakesForOrganization", authz.Call{}); err != nil {
		return nil, err
	}
	return listHandshakes(in.Filter, func() (*warden.Page[*warden.Handshake], error) {
		return a.store.ListOrganizationHandshakes(ctx, account(c), in.listOptions())
	})
}

// listHandshakes applies the filter: every Warden handshake is an
// invitation without a parent handshake, so a filter on another action or
// on a parent matches nothing.
func listHandshakes(filter *HandshakeFilter, list func() (*warden.Page[*warden.Handshake], error)) (*ListHandshakesOutput, error) {
	out := &ListHandshakesOutput{Handshakes: []Handshake{}}
	if filter != nil && (filter.ParentHandshakeId != nil || filter.ActionType != nil && *filter.ActionType != warden.HandshakeActionInvite) {
		return out, nil
	}
	page, err := list()
	if err != nil {
		return nil, err
	}
	for _, h := range page.Items {
		out.Handshakes = append(out.Handshakes, handshakeOut(h))
	}
	out.NextToken = nextToken(page)
	return out, nil
}

type HandshakePartyInput struct {
	Id   *string
	Type *string
}

type InviteAccountToOrganizationInput struct {
	Target *HandshakePartyInput
	Notes  *string
	Tags   []Tag
}

type AcceptHandshakeInput struct {
	HandshakeId *string
}

type DeclineHandshakeInput AcceptHandshakeInput

type CancelHandshakeInput AcceptHandshakeInput

type DescribeHandshakeInput AcceptHandshakeInput

type HandshakeFilter struct {
	ActionType        *string
	ParentHandshakeId *string
}

type ListHandshakesForAccountInput struct {
	Filter *HandshakeFilter
	paging
}

type ListHandshakesForOrganizationInput ListHandshakesForAccountInput

type HandshakeOutput struct {
	Handshake Handshake
}

type ListHandshakesOutput struct {
	Handshakes []Handshake
	NextToken  *string `json:",omitempty"`
}

type Handshake struct {
	Id                  string
	Arn                 string
	Parties             []HandshakeParty
	State               string
	RequestedTimestamp  awsjson.Timestamp
	ExpirationTimestamp awsjson.Timestamp
	Action              string
	Resources           []HandshakeResource
}

type HandshakeParty struct {
	Id   string
	Type string
}

type HandshakeResource struct {
	Value     string
	Type      string
	Resources []HandshakeResource `json:",omitempty"`
}

// handshakeOut describes an invitation as the API Reference's
// InviteAccountToOrganization example does: the organization (with its
// management account's name and feature set, "FULL" for all features) and
// the invited account as parties and resources, and the notes. Warden's
// accounts have no email, so MASTER_EMAIL is left out.
func handshakeOut(h *warden.Handshake) Handshake {
	feature := string(h.FeatureSet)
	if h.FeatureSet == warden.FeatureSetAll {
		feature = "FULL"
	}
	out := Handshake{
		Id: h.ID, Arn: h.ARN, State: string(h.State), Action: h.Action,
		RequestedTimestamp: awsjson.At(h.RequestedDate), ExpirationTimestamp: awsjson.At(h.ExpirationDate),
		Parties: []HandshakeParty{{Id: h.OrganizationID, Type: "ORGANIZATION"}, {Id: h.AccountID, Type: "ACCOUNT"}},
		Resources: []HandshakeResource{
			{Type: "ORGANIZATION", Value: h.OrganizationID, Resources: []HandshakeResource{
				{Type: "MASTER_NAME", Value: h.ManagementName},
				{Type: "ORGANIZATION_FEATURE_SET", Value: feature},
			}},
			{Type: "ACCOUNT", Value: h.AccountID},
		},
	}
	if h.Notes != "" {
		out.Resources = append(out.Resources, HandshakeResource{Type: "NOTES", Value: h.Notes})
	}
	return out
}
