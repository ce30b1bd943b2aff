package connectapi

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/connectapi/connectshapes"
	"github.com/warden-iam/warden/restjson"
)

// settings is the part of a user the store keeps as one JSON document
// (warden.ConnectUser.Settings): what DescribeUser returns beyond IDs,
// and the proficiencies UpdateUserProficiencies sets.
type settings struct {
	IdentityInfo                *s.UserIdentityInfo                  `json:",omitempty"`
	PhoneConfig                 *s.UserPhoneConfig                   `json:",omitempty"`
	AutoAcceptConfigs           []s.AutoAcceptConfig                 `json:",omitempty"`
	AfterContactWorkConfigs     []s.AfterContactWorkConfigPerChannel `json:",omitempty"`
	PhoneNumberConfigs          []s.PhoneNumberConfig                `json:",omitempty"`
	PersistentConnectionConfigs []s.PersistentConnectionConfig       `json:",omitempty"`
	VoiceEnhancementConfigs     []s.VoiceEnhancementConfig           `json:",omitempty"`
	Proficiencies               []s.UserProficiency                  `json:",omitempty"`
}

func readSettings(u *warden.ConnectUser) (*settings, error) {
	var st settings
	if err := json.Unmarshal(u.Settings, &st); err != nil {
		return nil, &warden.Error{Code: warden.EInternalFailure, Message: "An internal error occurred.", Op: "connectapi.readSettings",
			Err: fmt.Errorf("user %s: %w", u.ID, err)}
	}
	return &st, nil
}

func (st *settings) encode() ([]byte, error) { return json.Marshal(st) }

// userRef is a user a request names by ID, looked up before the request
// is authorized: its tags are the request's aws:ResourceTag.
type userRef struct {
	user    *warden.ConnectUser // nil when there is none
	missing error
	target  target
}

func (a *API) findUser(ctx context.Context, c *authz.Caller, instanceID, id string) (*userRef, error) {
	ref := &userRef{target: target{arn: arnsOf(c, instanceID).user(id)}}
	u, err := a.store.ConnectUser(ctx, account(c), c.Region, instanceID, id)
	switch {
	case warden.ErrorCode(err) == warden.ENoSuchEntity:
		ref.missing = err
	case err != nil:
		return nil, err
	default:
		ref.user, ref.target.tags = u, u.Tags
	}
	return ref, nil
}

// authorizeUser authorizes an action on the user the request names, and on
// the further resources it names (a routing profile, security profiles),
// and on the instance for actions the reference lists it for
// (UpdateUserProficiencies). It returns the user.
func (a *API) authorizeUser(ctx context.Context, c *authz.Caller, action, instanceID, id string, more map[string][]target) (*warden.ConnectUser, error) {
	ref, err := a.findUser(ctx, c, instanceID, id)
	if err != nil {
		return nil, err
	}
	resources := map[string][]target{typeUser: {ref.target}}
	for typ, t := range more {
		resources[typ] = t
	}
	if _, ok := resources[typeInstance]; !ok && a.listsType(action, typeInstance) {
		inst, err := a.findInstance(ctx, c, instanceID)
		if err != nil {
			return nil, err
		}
		resources[typeInstance] = []target{inst.target}
	}
	if err := a.authorize(ctx, c, action, request{resources: resources, instanceID: instanceID}); err != nil {
		return nil, err
	}
	return ref.user, ref.missing
}

// updateUser authorizes an UpdateUser* operation and applies change to
// the user and its settings in one store transaction.
func (a *API) updateUser(ctx context.Context, c *authz.Caller, action, instanceID, id string, more map[string][]target,
	change func(u *warden.ConnectUser, st *settings) error) error {
	if _, err := a.authorizeUser(ctx, c, action, instanceID, id, more); err != nil {
		return err
	}
	_, err := a.store.UpdateConnectUser(ctx, account(c), c.Region, instanceID, id, func(u *warden.ConnectUser) error {
		st, err := readSettings(u)
		if err != nil {
			return err
		}
		if err := change(u, st); err != nil {
			return err
		}
		u.Settings, err = st.encode()
		return err
	})
	return err
}

// checkIdentity applies what the API reference says of UserIdentityInfo
// beyond the model: FirstName and LastName are required for an instance
// that uses Amazon Connect or SAML for identity management.
func checkIdentity(i *warden.ConnectInstance, info *s.UserIdentityInfo) error {
	if i.IdentityManagementType == string(s.DirectoryTypeExistingDirectory) {
		return nil
	}
	if info == nil || deref(info.FirstName) == "" || deref(info.LastName) == "" {
		return warden.Errorf(warden.EInvalidParameterValue, "IdentityInfo.FirstName and IdentityInfo.LastName are required for an instance with %s identity management.", i.IdentityManagementType)
	}
	return nil
}

func (a *API) createUser(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.CreateUserInput) (*s.CreateUserOutput, error) {
	tags := tagsIn(in.Tags)
	if err := warden.ValidateConnectTags(tags); err != nil {
		return nil, err
	}
	inst, err := a.findInstance(ctx, c, in.InstanceId)
	if err != nil {
		return nil, err
	}
	id := warden.NewConnectID()
	x := arnsOf(c, in.InstanceId)
	resources := map[string][]target{
		typeUser:           {{arn: x.user(id)}},
		typeInstance:       {inst.target},
		typeRoutingProfile: {x.routingProfile(in.RoutingProfileId)},
	}
	for _, sp := range in.SecurityProfileIds {
		resources[typeSecurityProfile] = append(resources[typeSecurityProfile], x.securityProfile(sp))
	}
	if in.HierarchyGroupId != nil {
		resources[typeHierarchyGroup] = []target{x.hierarchyGroup(*in.HierarchyGroupId)}
	}
	if err := a.authorize(ctx, c, op.Action, request{resources: resources, instanceID: in.InstanceId, call: authz.Call{RequestTags: tags}}); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		// Tags on create tag the new user: the Amazon Connect
		// Administrator Guide's example "Create Amazon Connect users
		// based on tags" grants connect:TagResource beside
		// connect:CreateUser for this.
		if err := a.authorize(ctx, c, actionTagResource, request{resources: map[string][]target{typeUser: {{arn: x.user(id)}}},
			instanceID: in.InstanceId, call: authz.Call{RequestTags: tags}}); err != nil {
			return nil, err
		}
	}
	if inst.missing != nil {
		return nil, inst.missing
	}
	if err := checkIdentity(inst.instance, in.IdentityInfo); err != nil {
		return nil, err
	}
	// A password is required when Amazon Connect manages identities and
	// an error otherwise (CreateUser, Amazon Connect API Reference).
	// Warden signs no agent in, so the password is checked against the
	// model and not kept.
	managed := inst.instance.IdentityManagementType == string(s.DirectoryTypeConnectManaged)
	if managed && in.Password == nil {
		return nil, warden.Errorf(warden.EInvalidParameterValue, "Password is required for an instance with CONNECT_MANAGED identity management.")
	}
	if !managed && in.Password != nil {
		return nil, warden.Errorf(warden.EInvalidParameterValue, "Password is allowed only for an instance with CONNECT_MANAGED identity management.")
	}
	st := &settings{
		IdentityInfo: in.IdentityInfo, PhoneConfig: in.PhoneConfig, AutoAcceptConfigs: in.AutoAcceptConfigs,
		AfterContactWorkConfigs: in.AfterContactWorkConfigs, PhoneNumberConfigs: in.PhoneNumberConfigs,
		PersistentConnectionConfigs: in.PersistentConnectionConfigs, VoiceEnhancementConfigs: in.VoiceEnhancementConfigs,
	}
	if st.PhoneConfig == nil {
		st.PhoneConfig = &s.UserPhoneConfig{PhoneType: s.PhoneTypeSoftPhone}
	}
	doc, err := st.encode()
	if err != nil {
		return nil, err
	}
	u, err := a.store.CreateConnectUser(ctx, &warden.ConnectUser{
		ID: id, AccountID: account(c), Region: c.Region, InstanceID: in.InstanceId, Username: in.Username,
		DirectoryUserID: deref(in.DirectoryUserId), SecurityProfileIDs: in.SecurityProfileIds, RoutingProfileID: in.RoutingProfileId,
		HierarchyGroupID: deref(in.HierarchyGroupId), Settings: doc, Tags: tags,
	})
	if err != nil {
		return nil, err
	}
	return &s.CreateUserOutput{UserId: new(u.ID), UserArn: new(u.ARN())}, nil
}

func (a *API) describeUser(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.DescribeUserInput) (*s.DescribeUserOutput, error) {
	u, err := a.authorizeUser(ctx, c, op.Action, in.InstanceId, in.UserId, nil)
	if err != nil {
		return nil, err
	}
	st, err := readSettings(u)
	if err != nil {
		return nil, err
	}
	out := &s.User{
		Id: new(u.ID), Arn: new(u.ARN()), Username: new(u.Username), IdentityInfo: st.IdentityInfo, PhoneConfig: st.PhoneConfig,
		SecurityProfileIds: u.SecurityProfileIDs, RoutingProfileId: new(u.RoutingProfileID), Tags: tagsOut(u.Tags),
		AutoAcceptConfigs: st.AutoAcceptConfigs, AfterContactWorkConfigs: st.AfterContactWorkConfigs, PhoneNumberConfigs: st.PhoneNumberConfigs,
		PersistentConnectionConfigs: st.PersistentConnectionConfigs, VoiceEnhancementConfigs: st.VoiceEnhancementConfigs,
		LastModifiedTime: new(u.LastModified), LastModifiedRegion: new(u.Region),
	}
	if u.DirectoryUserID != "" {
		out.DirectoryUserId = new(u.DirectoryUserID)
	}
	if u.HierarchyGroupID != "" {
		out.HierarchyGroupId = new(u.HierarchyGroupID)
	}
	return &s.DescribeUserOutput{User: out}, nil
}

func (a *API) listUsers(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ListUsersInput) (*s.ListUsersOutput, error) {
	if _, err := a.authorizeInstance(ctx, c, op.Action, in.InstanceId); err != nil {
		return nil, err
	}
	page, err := a.store.ListConnectUsers(ctx, account(c), c.Region, in.InstanceId, listOptions(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := &s.ListUsersOutput{UserSummaryList: make([]s.UserSummary, len(page.Items)), NextToken: nextToken(page)}
	for n, u := range page.Items {
		out.UserSummaryList[n] = s.UserSummary{Id: new(u.ID), Arn: new(u.ARN()), Username: new(u.Username),
			LastModifiedTime: new(u.LastModified), LastModifiedRegion: new(u.Region)}
	}
	return out, nil
}

func (a *API) deleteUser(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.DeleteUserInput) (restjson.Output, error) {
	if _, err := a.authorizeUser(ctx, c, op.Action, in.InstanceId, in.UserId, nil); err != nil {
		return nil, err
	}
	return nil, a.store.DeleteConnectUser(ctx, account(c), c.Region, in.InstanceId, in.UserId)
}

func (a *API) updateUserIdentityInfo(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UpdateUserIdentityInfoInput) (restjson.Output, error) {
	return nil, a.updateUser(ctx, c, op.Action, in.InstanceId, in.UserId, nil, func(_ *warden.ConnectUser, st *settings) error {
		st.IdentityInfo = &in.IdentityInfo
		return nil
	})
}

func (a *API) updateUserPhoneConfig(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UpdateUserPhoneConfigInput) (restjson.Output, error) {
	if in.PhoneConfig.PhoneType == s.PhoneTypeDeskPhone && in.PhoneConfig.DeskPhoneNumber == nil {
		return nil, warden.Errorf(warden.EInvalidParameterValue, "DeskPhoneNumber is required when PhoneType is DESK_PHONE.")
	}
	return nil, a.updateUser(ctx, c, op.Action, in.InstanceId, in.UserId, nil, func(_ *warden.ConnectUser, st *settings) error {
		st.PhoneConfig = &in.PhoneConfig
		return nil
	})
}

func (a *API) updateUserRoutingProfile(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UpdateUserRoutingProfileInput) (restjson.Output, error) {
	x := arnsOf(c, in.InstanceId)
	more := map[string][]target{typeRoutingProfile: {x.routingProfile(in.RoutingProfileId)}}
	return nil, a.updateUser(ctx, c, op.Action, in.InstanceId, in.UserId, more, func(u *warden.ConnectUser, _ *settings) error {
		u.RoutingProfileID = in.RoutingProfileId
		return nil
	})
}

func (a *API) updateUserSecurityProfiles(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UpdateUserSecurityProfilesInput) (restjson.Output, error) {
	x := arnsOf(c, in.InstanceId)
	more := map[string][]target{}
	for _, sp := range in.SecurityProfileIds {
		more[typeSecurityProfile] = append(more[typeSecurityProfile], x.securityProfile(sp))
	}
	return nil, a.updateUser(ctx, c, op.Action, in.InstanceId, in.UserId, more, func(u *warden.ConnectUser, _ *settings) error {
		u.SecurityProfileIDs = in.SecurityProfileIds
		return nil
	})
}

func (a *API) updateUserHierarchy(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UpdateUserHierarchyInput) (restjson.Output, error) {
	more := map[string][]target{}
	if in.HierarchyGroupId != nil {
		more[typeHierarchyGroup] = []target{arnsOf(c, in.InstanceId).hierarchyGroup(*in.HierarchyGroupId)}
	}
	// Without HierarchyGroupId the user leaves its group.
	return nil, a.updateUser(ctx, c, op.Action, in.InstanceId, in.UserId, more, func(u *warden.ConnectUser, _ *settings) error {
		u.HierarchyGroupID = deref(in.HierarchyGroupId)
		return nil
	})
}

func (a *API) updateUserProficiencies(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UpdateUserProficienciesInput) (restjson.Output, error) {
	// UpdateUserProficiencies changes the levels of proficiencies the user
	// has, and adds none (AssociateUserProficiencies does).
	return nil, a.updateUser(ctx, c, op.Action, in.InstanceId, in.UserId, nil, func(_ *warden.ConnectUser, st *settings) error {
		for _, p := range in.UserProficiencies {
			found := false
			for n := range st.Proficiencies {
				if st.Proficiencies[n].AttributeName == p.AttributeName && st.Proficiencies[n].AttributeValue == p.AttributeValue {
					st.Proficiencies[n].Level, found = p.Level, true
				}
			}
			if !found {
				// Creating a user gives it no proficiencies, and Warden
				// does not serve AssociateUserProficiencies: record it.
				st.Proficiencies = append(st.Proficiencies, p)
			}
		}
		return nil
	})
}

func (a *API) updateUserConfig(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UpdateUserConfigInput) (restjson.Output, error) {
	return nil, a.updateUser(ctx, c, op.Action, in.InstanceId, in.UserId, nil, func(_ *warden.ConnectUser, st *settings) error {
		// Only the configurations the request gives are replaced.
		if in.AutoAcceptConfigs != nil {
			st.AutoAcceptConfigs = in.AutoAcceptConfigs
		}
		if in.AfterContactWorkConfigs != nil {
			st.AfterContactWorkConfigs = in.AfterContactWorkConfigs
		}
		if in.PhoneNumberConfigs != nil {
			st.PhoneNumberConfigs = in.PhoneNumberConfigs
		}
		if in.PersistentConnectionConfigs != nil {
			st.PersistentConnectionConfigs = in.PersistentConnectionConfigs
		}
		if in.VoiceEnhancementConfigs != nil {
			st.VoiceEnhancementConfigs = in.VoiceEnhancementConfigs
		}
		return nil
	})
}

func (a *API) updateUserNotificationStatus(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UpdateUserNotificationStatusInput) (*s.UpdateUserNotificationStatusOutput, error) {
	if _, err := a.authorizeUser(ctx, c, op.Action, in.InstanceId, in.UserId, nil); err != nil {
		return nil, err
	}
	// Notifications are created with CreateNotification, which Warden
	// does not serve: no user has one.
	return nil, warden.Errorf(warden.ENoSuchEntity, "Notification %s not found.", in.NotificationId)
}
