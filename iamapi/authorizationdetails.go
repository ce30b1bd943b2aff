package iamapi

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

// GetAccountAuthorizationDetails reports the account's users, groups, roles
// and managed policies with the policies that apply to each. A page holds
// up to MaxItems entities counted across five sections walked in order:
// users, groups, roles, customer managed policies, and the AWS managed
// policies attached in the account (IAM reports those in use, not the whole
// catalogue). Its marker names the section and the store's marker within
// it.

// detailsSection is one section of the report.
type detailsSection int

const (
	detailsUsers detailsSection = iota
	detailsGroups
	detailsRoles
	detailsLocalPolicies
	detailsAWSPolicies
	detailsSections
)

// detailsFilters names each section as the Filter parameter does.
var detailsFilters = [detailsSections]s.EntityType{
	s.EntityTypeUser, s.EntityTypeGroup, s.EntityTypeRole, s.EntityTypeLocalManagedPolicy, s.EntityTypeAWSManagedPolicy,
}

// detailsFill appends up to opts.MaxItems entities of one section to out.
// It returns how many the store listed and, when the section goes on, the
// store's marker for the rest.
type detailsFill func(a *API, ctx context.Context, account string, opts warden.ListOptions, out *s.GetAccountAuthorizationDetailsOutput) (listed int, next string, err error)

var detailsFills = [detailsSections]detailsFill{
	(*API).userDetails, (*API).groupDetails, (*API).roleDetails, (*API).localPolicyDetails, (*API).awsPolicyDetails,
}

// detailsPosition is where a page of the report starts.
type detailsPosition struct {
	section detailsSection
	marker  string // the store's marker within the section; "" at its start
}

// String encodes the position as the opaque Marker the client sends back.
func (p detailsPosition) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(int(p.section)) + "/" + p.marker))
}

// parseDetailsMarker reads a Marker made by detailsPosition.String; the
// empty marker is the start of the report.
//
// Returns InvalidInput ("Invalid Marker.") for anything else.
func parseDetailsMarker(marker string) (detailsPosition, error) {
	if marker == "" {
		return detailsPosition{}, nil
	}
	invalid := warden.Errorf(warden.EInvalidInput, "Invalid Marker.")
	raw, err := base64.RawURLEncoding.DecodeString(marker)
	if err != nil {
		return detailsPosition{}, invalid
	}
	section, inner, ok := strings.Cut(string(raw), "/")
	if !ok || len(section) != 1 || section[0] < '0' || section[0] >= '0'+byte(detailsSections) {
		return detailsPosition{}, invalid
	}
	return detailsPosition{section: detailsSection(section[0] - '0'), marker: inner}, nil
}

func (a *API) getAccountAuthorizationDetails(ctx context.Context, c *authz.Caller, in *s.GetAccountAuthorizationDetailsInput) (*s.GetAccountAuthorizationDetailsOutput, error) {
	if err := a.authorize(ctx, c, &authz.Call{Action: "iam:GetAccountAuthorizationDetails", Resource: "*"}); err != nil {
		return nil, err
	}
	start, err := parseDetailsMarker(deref(in.Marker, ""))
	if err != nil {
		return nil, err
	}
	var wanted [detailsSections]bool
	for sec, filter := range detailsFilters {
		wanted[sec] = len(in.Filter) == 0
		for _, f := range in.Filter {
			wanted[sec] = wanted[sec] || f == filter
		}
	}
	limit := listOptions(nil, nil, in.MaxItems).Limit()
	out := &s.GetAccountAuthorizationDetailsOutput{
		UserDetailList: []s.UserDetail{}, GroupDetailList: []s.GroupDetail{}, RoleDetailList: []s.RoleDetail{}, Policies: []s.ManagedPolicyDetail{},
	}
	n := 0
	for sec := start.section; sec < detailsSections; sec++ {
		if !wanted[sec] {
			continue
		}
		pos := detailsPosition{section: sec}
		if sec == start.section {
			pos.marker = start.marker
		}
		fill := detailsFills[sec]
		if n == limit {
			// The page is full. It is truncated only if something is left,
			// so that the last page never promises an empty one.
			left, _, err := fill(a, ctx, account(c), warden.ListOptions{Marker: pos.marker, MaxItems: 1}, &s.GetAccountAuthorizationDetailsOutput{})
			if err != nil {
				return nil, err
			}
			if left > 0 {
				out.IsTruncated, out.Marker = true, new(pos.String())
				break
			}
			continue
		}
		listed, next, err := fill(a, ctx, account(c), warden.ListOptions{Marker: pos.marker, MaxItems: limit - n}, out)
		if err != nil {
			return nil, err
		}
		n += listed
		if next != "" {
			out.IsTruncated, out.Marker = true, new(detailsPosition{section: sec, marker: next}.String())
			break
		}
	}
	return out, nil
}

// nextMarker is the store's marker for the rest of a list, "" when the page
// is its last.
func nextMarker[T any](p *warden.Page[T]) string {
	if !p.IsTruncated {
		return ""
	}
	return p.Marker
}

// allPages reads every page of a store list.
func allPages[T any](list func(warden.ListOptions) (*warden.Page[T], error)) ([]T, error) {
	opts := warden.ListOptions{MaxItems: 1000}
	var items []T
	for {
		page, err := list(opts)
		if err != nil {
			return nil, err
		}
		items = append(items, page.Items...)
		if !page.IsTruncated {
			return items, nil
		}
		opts.Marker = page.Marker
	}
}

// goneSinceListed reports whether err says an entity the report listed was
// deleted before its details were read: the report goes on without it, as
// a later list would.
func goneSinceListed(err error) bool { return warden.ErrorCode(err) == warden.ENoSuchEntity }

func (a *API) inlinePolicyDetails(ctx context.Context, acct string, id warden.Identity) ([]s.PolicyDetail, error) {
	names, err := allPages(func(o warden.ListOptions) (*warden.Page[string], error) {
		return a.store.ListInlinePolicies(ctx, acct, id, o)
	})
	if err != nil {
		return nil, err
	}
	out := make([]s.PolicyDetail, 0, len(names))
	for _, name := range names {
		p, err := a.store.InlinePolicy(ctx, acct, id, name)
		if err != nil {
			return nil, err
		}
		out = append(out, s.PolicyDetail{PolicyName: &p.Name, PolicyDocument: &p.Document})
	}
	return out, nil
}

func (a *API) attachedPolicyDetails(ctx context.Context, acct string, id warden.Identity) ([]s.AttachedPolicy, error) {
	attached, err := allPages(func(o warden.ListOptions) (*warden.Page[warden.AttachedPolicy], error) {
		return a.store.ListAttachedPolicies(ctx, acct, id, o)
	})
	if err != nil {
		return nil, err
	}
	return attachedOut(attached), nil
}

func (a *API) userDetails(ctx context.Context, acct string, opts warden.ListOptions, out *s.GetAccountAuthorizationDetailsOutput) (int, string, error) {
	page, err := a.store.ListUsers(ctx, acct, opts)
	if err != nil {
		return 0, "", err
	}
	for _, listed := range page.Items {
		d, err := a.userDetail(ctx, acct, listed.Name)
		if goneSinceListed(err) {
			continue
		}
		if err != nil {
			return 0, "", err
		}
		out.UserDetailList = append(out.UserDetailList, *d)
	}
	return len(page.Items), nextMarker(page), nil
}

func (a *API) userDetail(ctx context.Context, acct, name string) (*s.UserDetail, error) {
	u, err := a.store.User(ctx, acct, name)
	if err != nil {
		return nil, err
	}
	d := &s.UserDetail{Path: &u.Path, UserName: &u.Name, UserId: &u.ID, Arn: &u.ARN, CreateDate: &u.CreateDate, GroupList: []string{}, Tags: tagsOut(u.Tags)}
	if u.PermissionsBoundary != "" {
		d.PermissionsBoundary = boundaryOut(u.PermissionsBoundary)
	}
	id := warden.UserIdentity(u.Name)
	if d.UserPolicyList, err = a.inlinePolicyDetails(ctx, acct, id); err != nil {
		return nil, err
	}
	if d.AttachedManagedPolicies, err = a.attachedPolicyDetails(ctx, acct, id); err != nil {
		return nil, err
	}
	groups, err := allPages(func(o warden.ListOptions) (*warden.Page[*warden.Group], error) {
		return a.store.ListGroupsForUser(ctx, acct, u.Name, o)
	})
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		d.GroupList = append(d.GroupList, g.Name)
	}
	return d, nil
}

func (a *API) groupDetails(ctx context.Context, acct string, opts warden.ListOptions, out *s.GetAccountAuthorizationDetailsOutput) (int, string, error) {
	page, err := a.store.ListGroups(ctx, acct, opts)
	if err != nil {
		return 0, "", err
	}
	for _, g := range page.Items {
		d := s.GroupDetail{Path: &g.Path, GroupName: &g.Name, GroupId: &g.ID, Arn: &g.ARN, CreateDate: &g.CreateDate}
		id := warden.GroupIdentity(g.Name)
		if d.GroupPolicyList, err = a.inlinePolicyDetails(ctx, acct, id); err == nil {
			d.AttachedManagedPolicies, err = a.attachedPolicyDetails(ctx, acct, id)
		}
		if goneSinceListed(err) {
			continue
		}
		if err != nil {
			return 0, "", err
		}
		out.GroupDetailList = append(out.GroupDetailList, d)
	}
	return len(page.Items), nextMarker(page), nil
}

func (a *API) roleDetails(ctx context.Context, acct string, opts warden.ListOptions, out *s.GetAccountAuthorizationDetailsOutput) (int, string, error) {
	page, err := a.store.ListRoles(ctx, acct, opts)
	if err != nil {
		return 0, "", err
	}
	for _, listed := range page.Items {
		d, err := a.roleDetail(ctx, acct, listed.Name)
		if goneSinceListed(err) {
			continue
		}
		if err != nil {
			return 0, "", err
		}
		out.RoleDetailList = append(out.RoleDetailList, *d)
	}
	return len(page.Items), nextMarker(page), nil
}

func (a *API) roleDetail(ctx context.Context, acct, name string) (*s.RoleDetail, error) {
	r, err := a.store.Role(ctx, acct, name)
	if err != nil {
		return nil, err
	}
	d := &s.RoleDetail{
		Path: &r.Path, RoleName: &r.Name, RoleId: &r.ID, Arn: &r.ARN, CreateDate: &r.CreateDate,
		AssumeRolePolicyDocument: &r.AssumeRolePolicyDocument,
		// Warden has no instance profiles.
		InstanceProfileList: []s.InstanceProfile{},
		Tags:                tagsOut(r.Tags),
		RoleLastUsed:        &s.RoleLastUsed{},
	}
	if r.PermissionsBoundary != "" {
		d.PermissionsBoundary = boundaryOut(r.PermissionsBoundary)
	}
	if r.LastUsed != nil {
		d.RoleLastUsed = &s.RoleLastUsed{LastUsedDate: &r.LastUsed.Date, Region: &r.LastUsed.Region}
	}
	id := warden.RoleIdentity(r.Name)
	if d.RolePolicyList, err = a.inlinePolicyDetails(ctx, acct, id); err != nil {
		return nil, err
	}
	if d.AttachedManagedPolicies, err = a.attachedPolicyDetails(ctx, acct, id); err != nil {
		return nil, err
	}
	return d, nil
}

func (a *API) localPolicyDetails(ctx context.Context, acct string, opts warden.ListOptions, out *s.GetAccountAuthorizationDetailsOutput) (int, string, error) {
	return a.policyDetails(ctx, acct, warden.ListPoliciesOptions{ListOptions: opts, Scope: warden.PolicyScopeLocal}, out)
}

func (a *API) awsPolicyDetails(ctx context.Context, acct string, opts warden.ListOptions, out *s.GetAccountAuthorizationDetailsOutput) (int, string, error) {
	return a.policyDetails(ctx, acct, warden.ListPoliciesOptions{ListOptions: opts, Scope: warden.PolicyScopeAWS, OnlyAttached: true}, out)
}

func (a *API) policyDetails(ctx context.Context, acct string, opts warden.ListPoliciesOptions, out *s.GetAccountAuthorizationDetailsOutput) (int, string, error) {
	page, err := a.store.ListPolicies(ctx, acct, opts)
	if err != nil {
		return 0, "", err
	}
	for _, p := range page.Items {
		versions, err := allPages(func(o warden.ListOptions) (*warden.Page[*warden.PolicyVersion], error) {
			return a.store.ListPolicyVersions(ctx, acct, p.ARN, o)
		})
		if goneSinceListed(err) {
			continue
		}
		if err != nil {
			return 0, "", err
		}
		// Like ListPolicies, the report leaves out descriptions.
		d := s.ManagedPolicyDetail{
			PolicyName: &p.Name, PolicyId: &p.ID, Arn: &p.ARN, Path: &p.Path, DefaultVersionId: &p.DefaultVersionID,
			AttachmentCount:               new(int32(p.AttachmentCount)),
			PermissionsBoundaryUsageCount: new(int32(p.PermissionsBoundaryUsageCount)),
			IsAttachable:                  p.IsAttachable,
			CreateDate:                    &p.CreateDate,
			UpdateDate:                    &p.UpdateDate,
			PolicyVersionList:             make([]s.PolicyVersion, 0, len(versions)),
		}
		for _, v := range versions {
			d.PolicyVersionList = append(d.PolicyVersionList, versionOut(v, true))
		}
		out.Policies = append(out.Policies, d)
	}
	return len(page.Items), nextMarker(page), nil
}
