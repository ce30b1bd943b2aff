package connectapi

import (
	"context"
	"strings"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/connectapi/connectshapes"
	"github.com/warden-iam/warden/restjson"
)

// instanceRef is an instance a request names by ID, looked up before the
// request is authorized: its tags are the request's aws:ResourceTag.
type instanceRef struct {
	instance *warden.ConnectInstance // nil when there is none
	// missing is the NoSuchEntity to answer once the caller is
	// authorized: a caller without permission learns nothing of what
	// exists.
	missing error
	target  target
}

func (a *API) findInstance(ctx context.Context, c *authz.Caller, id string) (*instanceRef, error) {
	ref := &instanceRef{target: target{arn: arnsOf(c, id).instance()}}
	i, err := a.store.ConnectInstance(ctx, account(c), c.Region, id)
	switch {
	case warden.ErrorCode(err) == warden.ENoSuchEntity:
		ref.missing = err
	case err != nil:
		return nil, err
	default:
		ref.instance, ref.target.tags = i, i.Tags
	}
	return ref, nil
}

// authorizeInstance authorizes an action whose resource is the instance
// the request names, and returns the instance.
func (a *API) authorizeInstance(ctx context.Context, c *authz.Caller, action, id string) (*warden.ConnectInstance, error) {
	ref, err := a.findInstance(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, action, request{resources: map[string][]target{typeInstance: {ref.target}}, instanceID: id}); err != nil {
		return nil, err
	}
	return ref.instance, ref.missing
}

func (a *API) createInstance(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.CreateInstanceInput) (*s.CreateInstanceOutput, error) {
	tags := tagsIn(in.Tags)
	if err := warden.ValidateConnectTags(tags); err != nil {
		return nil, err
	}
	id := warden.NewConnectID()
	if err := a.authorize(ctx, c, op.Action, request{call: authz.Call{RequestTags: tags}}); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		// Tagging on create is tagging the new instance ("Tagging on
		// creation", AWS Tagging Best Practices).
		x := arnsOf(c, id)
		if err := a.authorize(ctx, c, actionTagResource, request{resources: map[string][]target{typeInstance: {{arn: x.instance()}}},
			instanceID: id, call: authz.Call{RequestTags: tags}}); err != nil {
			return nil, err
		}
	}
	// The alias is required unless the instance uses an existing
	// directory, whose own alias it then takes; a directory is named only
	// with EXISTING_DIRECTORY (CreateInstance, Amazon Connect API
	// Reference).
	alias, directory := deref(in.InstanceAlias), deref(in.DirectoryId)
	switch in.IdentityManagementType {
	case s.DirectoryTypeExistingDirectory:
		if directory == "" {
			return nil, warden.Errorf(warden.EValidationError, "DirectoryId is required when IdentityManagementType is EXISTING_DIRECTORY.")
		}
		if alias == "" {
			alias = directory
		}
	default:
		if alias == "" {
			return nil, warden.Errorf(warden.EValidationError, "InstanceAlias is required when IdentityManagementType is %s.", in.IdentityManagementType)
		}
		if directory != "" {
			return nil, warden.Errorf(warden.EValidationError, "DirectoryId is allowed only when IdentityManagementType is EXISTING_DIRECTORY.")
		}
	}
	i, err := a.store.CreateConnectInstance(ctx, &warden.ConnectInstance{
		ID: id, AccountID: account(c), Region: c.Region, Alias: alias, IdentityManagementType: string(in.IdentityManagementType),
		DirectoryID: directory, InboundCallsEnabled: in.InboundCallsEnabled, OutboundCallsEnabled: in.OutboundCallsEnabled, Tags: tags,
	})
	if warden.ErrorCode(err) == warden.EEntityAlreadyExists {
		// CreateInstance declares no DuplicateResourceException: a taken
		// alias is an invalid request.
		return nil, warden.Errorf(warden.EValidationError, "The instance alias %s is already in use.", alias)
	}
	if err != nil {
		return nil, err
	}
	return &s.CreateInstanceOutput{Id: new(i.ID), Arn: new(i.ARN())}, nil
}

func (a *API) describeInstance(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.DescribeInstanceInput) (*s.DescribeInstanceOutput, error) {
	i, err := a.authorizeInstance(ctx, c, op.Action, in.InstanceId)
	if err != nil {
		return nil, err
	}
	sum := instanceSummary(i)
	return &s.DescribeInstanceOutput{Instance: &s.Instance{
		Id: sum.Id, Arn: sum.Arn, IdentityManagementType: sum.IdentityManagementType, InstanceAlias: sum.InstanceAlias,
		CreatedTime: sum.CreatedTime, ServiceRole: sum.ServiceRole, InstanceStatus: sum.InstanceStatus,
		InboundCallsEnabled: sum.InboundCallsEnabled, OutboundCallsEnabled: sum.OutboundCallsEnabled,
		InstanceAccessUrl: sum.InstanceAccessUrl, Tags: tagsOut(i.Tags),
	}}, nil
}

// instanceSummary describes an instance as ListInstances does. Instances
// are ACTIVE as soon as they are created. The service role is the
// service-linked role Amazon Connect creates for each instance
// (AWSServiceRoleForAmazonConnect_ and a suffix of its own; Warden's is
// taken from the instance ID), and the access URL the instance's
// my.connect.aws address.
func instanceSummary(i *warden.ConnectInstance) s.InstanceSummary {
	suffix := strings.ReplaceAll(i.ID, "-", "")[:20]
	return s.InstanceSummary{
		Id: new(i.ID), Arn: new(i.ARN()), IdentityManagementType: new(s.DirectoryType(i.IdentityManagementType)),
		InstanceAlias: new(i.Alias), CreatedTime: new(i.CreatedAt),
		ServiceRole:          new("arn:" + warden.Partition + ":iam::" + i.AccountID + ":role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_" + suffix),
		InstanceStatus:       new(s.InstanceStatusActive),
		InboundCallsEnabled:  new(i.InboundCallsEnabled),
		OutboundCallsEnabled: new(i.OutboundCallsEnabled),
		InstanceAccessUrl:    new("https://" + i.Alias + ".my.connect.aws"),
	}
}

func (a *API) listInstances(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ListInstancesInput) (*s.ListInstancesOutput, error) {
	if err := a.authorize(ctx, c, op.Action, request{}); err != nil {
		return nil, err
	}
	page, err := a.store.ListConnectInstances(ctx, account(c), c.Region, listOptions(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := &s.ListInstancesOutput{InstanceSummaryList: make([]s.InstanceSummary, len(page.Items)), NextToken: nextToken(page)}
	for n, i := range page.Items {
		out.InstanceSummaryList[n] = instanceSummary(i)
	}
	return out, nil
}

func (a *API) deleteInstance(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.DeleteInstanceInput) (restjson.Output, error) {
	if _, err := a.authorizeInstance(ctx, c, op.Action, in.InstanceId); err != nil {
		return nil, err
	}
	return nil, a.store.DeleteConnectInstance(ctx, account(c), c.Region, in.InstanceId)
}

func (a *API) updateUserHierarchyStructure(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UpdateUserHierarchyStructureInput) (restjson.Output, error) {
	if _, err := a.authorizeInstance(ctx, c, op.Action, in.InstanceId); err != nil {
		return nil, err
	}
	h := in.HierarchyStructure
	var levels [5]string
	for n, l := range []*s.HierarchyLevelUpdate{h.LevelOne, h.LevelTwo, h.LevelThree, h.LevelFour, h.LevelFive} {
		if l != nil {
			levels[n] = l.Name
		}
	}
	// Levels are added from the top: a level below one that is not set
	// would hang from nothing.
	for n := 1; n < len(levels); n++ {
		if levels[n] != "" && levels[n-1] == "" {
			return nil, warden.Errorf(warden.EInvalidParameterValue, "Hierarchy level %d is set but level %d above it is not.", n+1, n)
		}
	}
	return nil, a.store.SetConnectHierarchyLevels(ctx, account(c), c.Region, in.InstanceId, levels)
}

func (a *API) updateUserHierarchyGroupName(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UpdateUserHierarchyGroupNameInput) (restjson.Output, error) {
	ref, err := a.findInstance(ctx, c, in.InstanceId)
	if err != nil {
		return nil, err
	}
	x := arnsOf(c, in.InstanceId)
	if err := a.authorize(ctx, c, op.Action, request{instanceID: in.InstanceId,
		resources: map[string][]target{typeHierarchyGroup: {x.hierarchyGroup(in.HierarchyGroupId)}}}); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	return nil, a.store.RenameConnectHierarchyGroup(ctx, account(c), c.Region, in.InstanceId, in.HierarchyGroupId, in.Name)
}
