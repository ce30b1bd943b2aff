package orgsapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

func (a *API) registerUnits() {
	register(a, "CreateOrganizationalUnit", a.createOrganizationalUnit)
	register(a, "ListOrganizationalUnitsForParent", a.listOrganizationalUnitsForParent)
	register(a, "ListChildren", a.listChildren)
}

// parent resolves the root or OU a request names as its ParentId.
func (a *API) parent(ctx context.Context, c *authz.Caller, parentID string) (*warden.Organization, resource, error) {
	org, err := a.managed(ctx, c)
	if err != nil {
		return nil, resource{}, err
	}
	r, err := a.node(ctx, org, parentID, warden.ErrParentNotFound)
	return org, r, err
}

func (a *API) createOrganizationalUnit(ctx context.Context, c *authz.Caller, in *CreateOrganizationalUnitInput) (*OrganizationalUnitOutput, error) {
	tags := tagsIn(in.Tags)
	if err := warden.ValidateOrganizationalUnitName(*in.Name); err != nil {
		return nil, err
	}
	if err := warden.ValidateOrganizationTags(tags); err != nil {
		return nil, err
	}
	_, parent, err := a.parent(ctx, c, *in.ParentId)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "CreateOrganizationalUnit", authz.Call{RequestTags: tags}, parent); err != nil {
		return nil, err
	}
	ou, err := a.store.CreateOrganizationalUnit(ctx, account(c), *in.ParentId, *in.Name, tags)
	if err != nil {
		return nil, err
	}
	return &OrganizationalUnitOutput{OrganizationalUnit: unitOut(ou)}, nil
}

func (a *API) listOrganizationalUnitsForParent(ctx context.Context, c *authz.Caller, in *ListOrganizationalUnitsForParentInput) (*ListOrganizationalUnitsForParentOutput, error) {
	_, parent, err := a.parent(ctx, c, *in.ParentId)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "ListOrganizationalUnitsForParent", authz.Call{}, parent); err != nil {
		return nil, err
	}
	page, err := a.store.ListOrganizationalUnits(ctx, account(c), *in.ParentId, in.listOptions())
	if err != nil {
		return nil, err
	}
	out := &ListOrganizationalUnitsForParentOutput{OrganizationalUnits: make([]OrganizationalUnit, len(page.Items)), NextToken: nextToken(page)}
	for i, ou := range page.Items {
		out.OrganizationalUnits[i] = unitOut(ou)
	}
	return out, nil
}

func (a *API) listChildren(ctx context.Context, c *authz.Caller, in *ListChildrenInput) (*ListChildrenOutput, error) {
	_, parent, err := a.parent(ctx, c, *in.ParentId)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "ListChildren", authz.Call{}, parent); err != nil {
		return nil, err
	}
	childType := warden.ChildType(*in.ChildType)
	page, err := a.store.ListOrganizationChildren(ctx, account(c), *in.ParentId, childType, in.listOptions())
	if err != nil {
		return nil, err
	}
	out := &ListChildrenOutput{Children: make([]Child, len(page.Items)), NextToken: nextToken(page)}
	for i, id := range page.Items {
		out.Children[i] = Child{Id: id, Type: string(childType)}
	}
	return out, nil
}
