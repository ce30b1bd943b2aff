package main

import (
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Amazon Connect end to end with the real `aws connect` CLI: instances,
// users with every UpdateUser* command, phone numbers and tags, and the
// Amazon Connect Administrator Guide's example policies (describe and
// update by aws:ResourceTag, create by aws:RequestTag) beside an
// instance-scoped policy.

// connect runs `aws connect ARGS`; see cliJSON.
func (ts *testServer) connect(t *testing.T, creds aws.Credentials, args ...string) (map[string]any, *cliError) {
	t.Helper()
	return ts.cliJSON(t, creds, "connect", args...)
}

func (ts *testServer) mustConnect(t *testing.T, creds aws.Credentials, args ...string) map[string]any {
	t.Helper()
	return ts.mustCLIJSON(t, creds, "connect", args...)
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// connectUserArgs is create-user for an instance with tags as KEY=VALUE,…
// (none when "").
func connectUserArgs(instanceID, username, tags string) []string {
	args := []string{"create-user", "--instance-id", instanceID, "--username", username, "--password", "Passw0rd-x",
		"--identity-info", "FirstName=Ada,LastName=Lovelace,Email=ada@example.com",
		"--phone-config", "PhoneType=SOFT_PHONE,AutoAccept=false,AfterContactWorkTimeLimit=30",
		"--security-profile-ids", "11111111-2222-3333-4444-555555555555", "--routing-profile-id", "66666666-7777-8888-9999-000000000000"}
	if tags != "" {
		args = append(args, "--tags", tags)
	}
	return args
}

// updateUserCommands are every update-user-* command for a user of an
// instance.
func updateUserCommands(instanceID, userID string) [][]string {
	user := []string{"--instance-id", instanceID, "--user-id", userID}
	return [][]string{
		append([]string{"update-user-identity-info", "--identity-info", "FirstName=Grace,LastName=Hopper"}, user...),
		append([]string{"update-user-phone-config", "--phone-config", "PhoneType=DESK_PHONE,AutoAccept=true,AfterContactWorkTimeLimit=10,DeskPhoneNumber=+12065550123"}, user...),
		append([]string{"update-user-routing-profile", "--routing-profile-id", "rp-2"}, user...),
		append([]string{"update-user-security-profiles", "--security-profile-ids", "sp-2", "sp-3"}, user...),
		append([]string{"update-user-hierarchy", "--hierarchy-group-id", "hg-1"}, user...),
		append([]string{"update-user-proficiencies", "--user-proficiencies", "AttributeName=Language,AttributeValue=English,Level=4"}, user...),
		append([]string{"update-user-config", "--auto-accept-configs", "Channel=VOICE,AutoAccept=true"}, user...),
	}
}

func TestE2EConnectEveryCommand(t *testing.T) {
	t.Parallel()
	ts := startServer(t, "")
	account := serverAccount(t, ts)
	root := ts.Root

	created := ts.mustConnect(t, root, "create-instance", "--identity-management-type", "CONNECT_MANAGED", "--instance-alias", "clinic-desk",
		"--inbound-calls-enabled", "--no-outbound-calls-enabled", "--tags", "Team=Desk")
	instanceID, instanceARN := str(created, "Id"), str(created, "Arn")
	if !uuidRE.MatchString(instanceID) || instanceARN != "arn:aws:connect:us-east-1:"+account+":instance/"+instanceID {
		t.Fatalf("create-instance = %v", created)
	}
	desc := ts.mustConnect(t, root, "describe-instance", "--instance-id", instanceID)
	if str(desc, "Instance", "InstanceStatus") != "ACTIVE" || str(desc, "Instance", "InstanceAlias") != "clinic-desk" ||
		str(desc, "Instance", "Tags", "Team") != "Desk" || desc["Instance"].(map[string]any)["OutboundCallsEnabled"] != false {
		t.Errorf("describe-instance = %v", desc)
	}
	if got := ts.mustConnect(t, root, "list-instances"); len(got["InstanceSummaryList"].([]any)) != 1 {
		t.Errorf("list-instances = %v", got)
	}
	_, cerr := ts.connect(t, root, "create-instance", "--identity-management-type", "CONNECT_MANAGED",
		"--inbound-calls-enabled", "--outbound-calls-enabled")
	wantCLIError(t, cerr, "InvalidRequestException", "InstanceAlias")

	u := ts.mustConnect(t, root, connectUserArgs(instanceID, "ada", "Department=Test")...)
	userID, userARN := str(u, "UserId"), str(u, "UserArn")
	if !uuidRE.MatchString(userID) || userARN != instanceARN+"/agent/"+userID {
		t.Fatalf("create-user = %v", u)
	}
	_, cerr = ts.connect(t, root, connectUserArgs(instanceID, "ada", "")...)
	wantCLIError(t, cerr, "DuplicateResourceException", "ada")
	for _, cmd := range updateUserCommands(instanceID, userID) {
		ts.mustConnect(t, root, cmd...)
	}
	ts.mustConnect(t, root, "update-user-hierarchy-structure", "--instance-id", instanceID,
		"--hierarchy-structure", `{"LevelOne":{"Name":"Region"},"LevelTwo":{"Name":"Site"}}`)
	ts.mustConnect(t, root, "update-user-hierarchy-group-name", "--instance-id", instanceID, "--hierarchy-group-id", "hg-1", "--name", "North")
	_, cerr = ts.connect(t, root, "update-user-hierarchy-group-name", "--instance-id", instanceID, "--hierarchy-group-id", "hg-2", "--name", "North")
	wantCLIError(t, cerr, "DuplicateResourceException", "North")
	_, cerr = ts.connect(t, root, "update-user-notification-status", "--instance-id", instanceID, "--user-id", userID,
		"--notification-id", "n-1", "--status", "READ")
	wantCLIError(t, cerr, "ResourceNotFoundException", "n-1")

	user := ts.mustConnect(t, root, "describe-user", "--instance-id", instanceID, "--user-id", userID)["User"].(map[string]any)
	if str(user, "IdentityInfo", "FirstName") != "Grace" || str(user, "PhoneConfig", "PhoneType") != "DESK_PHONE" ||
		str(user, "RoutingProfileId") != "rp-2" || str(user, "HierarchyGroupId") != "hg-1" || str(user, "Tags", "Department") != "Test" ||
		len(user["SecurityProfileIds"].([]any)) != 2 || len(user["AutoAcceptConfigs"].([]any)) != 1 {
		t.Errorf("describe-user after every update = %v", user)
	}
	if got := ts.mustConnect(t, root, "list-users", "--instance-id", instanceID); len(got["UserSummaryList"].([]any)) != 1 {
		t.Errorf("list-users = %v", got)
	}

	ts.mustConnect(t, root, "tag-resource", "--resource-arn", userARN, "--tags", "Owner=TeamA")
	ts.mustConnect(t, root, "untag-resource", "--resource-arn", userARN, "--tag-keys", "Owner")
	if got := ts.mustConnect(t, root, "list-tags-for-resource", "--resource-arn", userARN); str(got, "tags", "Department") != "Test" || str(got, "tags", "Owner") != "" {
		t.Errorf("list-tags-for-resource = %v", got)
	}
	_, cerr = ts.connect(t, root, "tag-resource", "--resource-arn", instanceARN+"/queue/q-1", "--tags", "a=b")
	wantCLIError(t, cerr, "ResourceNotFoundException")

	// Phone numbers: each instance has a DID and a toll-free number.
	numbers := ts.mustConnect(t, root, "list-phone-numbers-v2", "--instance-id", instanceID)["ListPhoneNumbersSummaryList"].([]any)
	if len(numbers) != 2 || str(numbers[0].(map[string]any), "PhoneNumber") != "+12065550100" ||
		str(numbers[1].(map[string]any), "PhoneNumberType") != "TOLL_FREE" || str(numbers[0].(map[string]any), "TargetArn") != instanceARN {
		t.Fatalf("list-phone-numbers-v2 = %v", numbers)
	}
	tollFree := ts.mustConnect(t, root, "list-phone-numbers-v2", "--phone-number-types", "TOLL_FREE")["ListPhoneNumbersSummaryList"].([]any)
	if len(tollFree) != 1 || str(tollFree[0].(map[string]any), "PhoneNumber") != "+18005550100" {
		t.Errorf("toll-free numbers = %v", tollFree)
	}
	numberID := str(numbers[0].(map[string]any), "PhoneNumberId")
	ts.mustConnect(t, root, "associate-phone-number-contact-flow", "--phone-number-id", numberID, "--instance-id", instanceID,
		"--contact-flow-id", "flow-1")
	_, cerr = ts.connect(t, root, "associate-phone-number-contact-flow", "--phone-number-id", "00000000-0000-4000-8000-000000000000",
		"--instance-id", instanceID, "--contact-flow-id", "flow-1")
	wantCLIError(t, cerr, "ResourceNotFoundException")

	// A user without permissions is refused with Connect's
	// AccessDeniedException (HTTP 403).
	createUsers(t, ts, "nobody")
	nobody := userCredentials(t, ts, "nobody")
	for _, tt := range []struct {
		args             []string
		action, resource string
	}{
		{[]string{"describe-user", "--instance-id", instanceID, "--user-id", userID}, "DescribeUser", userARN},
		{[]string{"list-phone-numbers-v2"}, "ListPhoneNumbersV2", "arn:aws:connect:us-east-1:" + account + ":phone-number/*"},
	} {
		_, cerr := ts.connect(t, nobody, tt.args...)
		wantCLIError(t, cerr, "AccessDeniedException", denied(account, "nobody", "connect:"+tt.action, tt.resource,
			"because no identity-based policy allows the connect:"+tt.action+" action"))
	}

	ts.mustConnect(t, root, "delete-user", "--instance-id", instanceID, "--user-id", userID)
	ts.mustConnect(t, root, "delete-instance", "--instance-id", instanceID)
	_, cerr = ts.connect(t, root, "describe-instance", "--instance-id", instanceID)
	wantCLIError(t, cerr, "ResourceNotFoundException")
}

// TestE2EConnectSeedPolicies drives the Administrator Guide's example
// policies: describe and update only users tagged Department=Test, create
// only with Owner=TeamA, view users, and a policy scoped to one instance.
func TestE2EConnectSeedPolicies(t *testing.T) {
	t.Parallel()
	ts := startServer(t, "")
	account := serverAccount(t, ts)
	root := ts.Root
	// The instance is tagged like the users the policy is for:
	// UpdateUserProficiencies is authorized on the instance too.
	instanceID := str(ts.mustConnect(t, root, "create-instance", "--identity-management-type", "CONNECT_MANAGED", "--instance-alias", "seeds",
		"--inbound-calls-enabled", "--outbound-calls-enabled", "--tags", "Department=Test"), "Id")
	otherInstance := str(ts.mustConnect(t, root, "create-instance", "--identity-management-type", "CONNECT_MANAGED", "--instance-alias", "other",
		"--inbound-calls-enabled", "--outbound-calls-enabled"), "Id")
	tagged := str(ts.mustConnect(t, root, connectUserArgs(instanceID, "tagged", "Department=Test")...), "UserId")
	untagged := str(ts.mustConnect(t, root, connectUserArgs(instanceID, "untagged", "Department=Prod")...), "UserId")
	instanceARN := "arn:aws:connect:us-east-1:" + account + ":instance/" + instanceID

	createUsers(t, ts, "tester", "creator", "viewer", "scoped")
	putUserPolicy(t, ts, "tester", "seed", seedPolicy(t, "connect--describe-update-users-by-tag.json", account))
	putUserPolicy(t, ts, "creator", "seed", seedPolicy(t, "connect--create-users-by-request-tag.json", account))
	putUserPolicy(t, ts, "viewer", "seed", seedPolicy(t, "connect--view-connect-users.json", account))
	// Everything on one instance and what is under it, by ARN, and
	// nothing anywhere else, by connect:InstanceId.
	putUserPolicy(t, ts, "scoped", "instance", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"connect:*","Resource":["`+instanceARN+`","`+instanceARN+`/*"]},
		{"Effect":"Deny","Action":"connect:*","Resource":"*","Condition":{"StringNotEquals":{"connect:InstanceId":"`+instanceID+`"}}}]}`)

	tester := userCredentials(t, ts, "tester")
	user := func(id string) []string { return []string{"--instance-id", instanceID, "--user-id", id} }
	ts.mustConnect(t, tester, append([]string{"describe-user"}, user(tagged)...)...)
	ts.mustConnect(t, tester, append([]string{"update-user-identity-info", "--identity-info", "FirstName=Grace,LastName=Hopper"}, user(tagged)...)...)
	ts.mustConnect(t, tester, append([]string{"update-user-proficiencies", "--user-proficiencies", "AttributeName=Language,AttributeValue=English,Level=4"}, user(tagged)...)...)
	_, cerr := ts.connect(t, tester, append([]string{"describe-user"}, user(untagged)...)...)
	wantCLIError(t, cerr, "AccessDeniedException", "connect:DescribeUser on resource: "+instanceARN+"/agent/"+untagged)
	_, cerr = ts.connect(t, tester, append([]string{"update-user-identity-info", "--identity-info", "FirstName=Grace,LastName=Hopper"}, user(untagged)...)...)
	wantCLIError(t, cerr, "AccessDeniedException", "connect:UpdateUserIdentityInfo")
	// The routing profile is a resource of UpdateUserRoutingProfile too,
	// and it carries no Department tag.
	_, cerr = ts.connect(t, tester, append([]string{"update-user-routing-profile", "--routing-profile-id", "rp-2"}, user(tagged)...)...)
	wantCLIError(t, cerr, "AccessDeniedException", "on resource: "+instanceARN+"/routing-profile/rp-2")
	_, cerr = ts.connect(t, tester, append([]string{"delete-user"}, user(tagged)...)...)
	wantCLIError(t, cerr, "AccessDeniedException", "connect:DeleteUser")

	creator := userCredentials(t, ts, "creator")
	ts.mustConnect(t, creator, connectUserArgs(instanceID, "team-a", "Owner=TeamA")...)
	_, cerr = ts.connect(t, creator, connectUserArgs(instanceID, "team-b", "Owner=TeamB")...)
	wantCLIError(t, cerr, "AccessDeniedException", "connect:CreateUser")
	_, cerr = ts.connect(t, creator, connectUserArgs(instanceID, "no-tags", "")...)
	wantCLIError(t, cerr, "AccessDeniedException", "connect:CreateUser")

	viewer := userCredentials(t, ts, "viewer")
	ts.mustConnect(t, viewer, append([]string{"describe-user"}, user(untagged)...)...)
	if got := ts.mustConnect(t, viewer, "list-users", "--instance-id", instanceID); len(got["UserSummaryList"].([]any)) != 3 {
		t.Errorf("list-users as viewer = %v", got)
	}
	_, cerr = ts.connect(t, viewer, append([]string{"update-user-hierarchy"}, user(untagged)...)...)
	wantCLIError(t, cerr, "AccessDeniedException", "connect:UpdateUserHierarchy")

	scoped := userCredentials(t, ts, "scoped")
	ts.mustConnect(t, scoped, "describe-instance", "--instance-id", instanceID)
	ts.mustConnect(t, scoped, connectUserArgs(instanceID, "scoped-made", "")...)
	_, cerr = ts.connect(t, scoped, "describe-instance", "--instance-id", otherInstance)
	wantCLIError(t, cerr, "AccessDeniedException", "connect:DescribeInstance")
	_, cerr = ts.connect(t, scoped, connectUserArgs(otherInstance, "elsewhere", "")...)
	wantCLIError(t, cerr, "AccessDeniedException", "connect:CreateUser")
}
