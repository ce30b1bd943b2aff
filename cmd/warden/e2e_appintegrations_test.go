package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Amazon AppIntegrations end to end: every event integration and tagging
// command of `aws appintegrations` against `warden serve`, the Amazon
// Connect documentation's two AppIntegrations policies (with the typos
// that keep the published documents from validating fixed: the broken
// originals are checked in the seed suite), and tag-based access control.

// appint runs `aws appintegrations ARGS`; see cliJSON.
func (ts *testServer) appint(t *testing.T, creds aws.Credentials, args ...string) (map[string]any, *cliError) {
	t.Helper()
	return ts.cliJSON(t, creds, "appintegrations", args...)
}

func (ts *testServer) mustAppint(t *testing.T, creds aws.Credentials, args ...string) map[string]any {
	t.Helper()
	return ts.mustCLIJSON(t, creds, "appintegrations", args...)
}

// createIntegration is the create-event-integration command for a name,
// with tags as KEY=VALUE,… when not empty.
func createIntegration(name, tags string) []string {
	args := []string{"create-event-integration", "--name", name, "--event-filter", "Source=aws.partner/example.com/" + name,
		"--event-bridge-bus", "default"}
	if tags != "" {
		args = append(args, "--tags", tags)
	}
	return args
}

func TestE2EAppIntegrationsEveryCommand(t *testing.T) {
	t.Parallel()
	ts := startServer(t, "")
	acct := serverAccount(t, ts)
	arn := "arn:aws:app-integrations:us-east-1:" + acct + ":event-integration/orders/v1"

	out := ts.mustAppint(t, ts.Root, append(createIntegration("orders/v1", "Team=A"), "--description", "order events")...)
	if got := str(out, "EventIntegrationArn"); got != arn {
		t.Fatalf("EventIntegrationArn = %s, want %s", got, arn)
	}
	got := ts.mustAppint(t, ts.Root, "get-event-integration", "--name", "orders/v1")
	if str(got, "Name") != "orders/v1" || str(got, "Description") != "order events" || str(got, "EventBridgeBus") != "default" ||
		str(got, "EventFilter", "Source") != "aws.partner/example.com/orders/v1" || str(got, "Tags", "Team") != "A" {
		t.Fatalf("get-event-integration: %v", got)
	}

	ts.mustAppint(t, ts.Root, "update-event-integration", "--name", "orders/v1", "--description", "all order events")
	if got := ts.mustAppint(t, ts.Root, "get-event-integration", "--name", "orders/v1"); str(got, "Description") != "all order events" {
		t.Fatalf("after update: %v", got)
	}

	ts.mustAppint(t, ts.Root, "tag-resource", "--resource-arn", arn, "--tags", "Stage=prod,Team=B")
	tags := ts.mustAppint(t, ts.Root, "list-tags-for-resource", "--resource-arn", arn)
	if str(tags, "tags", "Stage") != "prod" || str(tags, "tags", "Team") != "B" {
		t.Fatalf("list-tags-for-resource: %v", tags)
	}
	ts.mustAppint(t, ts.Root, "untag-resource", "--resource-arn", arn, "--tag-keys", "Stage")
	if tags := ts.mustAppint(t, ts.Root, "list-tags-for-resource", "--resource-arn", arn); len(tags["tags"].(map[string]any)) != 1 {
		t.Fatalf("after untag: %v", tags)
	}

	// Listing pages through every integration by name.
	ts.mustAppint(t, ts.Root, createIntegration("alerts", "")...)
	ts.mustAppint(t, ts.Root, createIntegration("billing", "")...)
	var names []string
	page := ts.mustAppint(t, ts.Root, "list-event-integrations", "--max-results", "2")
	for _, e := range page["EventIntegrations"].([]any) {
		names = append(names, str(e.(map[string]any), "Name"))
	}
	page = ts.mustAppint(t, ts.Root, "list-event-integrations", "--max-results", "2", "--next-token", str(page, "NextToken"))
	for _, e := range page["EventIntegrations"].([]any) {
		names = append(names, str(e.(map[string]any), "Name"))
	}
	if strings.Join(names, " ") != "alerts billing orders/v1" || page["NextToken"] != nil {
		t.Fatalf("list-event-integrations: %v, last page %v", names, page)
	}

	_, cerr := ts.appint(t, ts.Root, createIntegration("alerts", "")...)
	wantCLIError(t, cerr, "DuplicateResourceException", "alerts")
	_, cerr = ts.appint(t, ts.Root, "create-event-integration", "--name", "bad name", "--event-filter", "Source=x", "--event-bridge-bus", "default")
	wantCLIError(t, cerr, "InvalidRequestException")
	_, cerr = ts.appint(t, ts.Root, createIntegration("reserved", "aws:owner=x")...)
	wantCLIError(t, cerr, "InvalidRequestException")

	ts.mustAppint(t, ts.Root, "delete-event-integration", "--name", "orders/v1")
	_, cerr = ts.appint(t, ts.Root, "get-event-integration", "--name", "orders/v1")
	wantCLIError(t, cerr, "ResourceNotFoundException", "orders/v1")
	_, cerr = ts.appint(t, ts.Root, "list-tags-for-resource", "--resource-arn", arn)
	wantCLIError(t, cerr, "ResourceNotFoundException")

	// Operations on applications and data integrations are routed, but
	// not served.
	_, cerr = ts.appint(t, ts.Root, "list-applications")
	if cerr == nil || cerr.code == "AccessDeniedException" {
		t.Fatalf("list-applications: %v", cerr)
	}
}

// TestE2EAppIntegrationsSeedPolicies runs the documentation's
// AppIntegrations policies as published, once their typos are fixed: "all
// actions" allows deleting, "create and view" does not.
func TestE2EAppIntegrationsSeedPolicies(t *testing.T) {
	t.Parallel()
	ts := startServer(t, "")
	acct := serverAccount(t, ts)
	createUsers(t, ts, "viewer", "operator")
	putUserPolicy(t, ts, "viewer", "CreateView", strings.Replace(seedPolicy(t, "connect--appintegrations-create-view.json", acct),
		`"app-integrations::ListEventIntegrations", ]`, `"app-integrations:ListEventIntegrations" ]`, 1))
	putUserPolicy(t, ts, "operator", "AllActions", strings.ReplaceAll(seedPolicy(t, "connect--appintegrations-all-actions.json", acct),
		"app-integartions:", "app-integrations:"))
	viewer, operator := userCredentials(t, ts, "viewer"), userCredentials(t, ts, "operator")

	ts.mustAppint(t, viewer, createIntegration("viewer-made", "")...)
	ts.mustAppint(t, viewer, "get-event-integration", "--name", "viewer-made")
	ts.mustAppint(t, viewer, "list-event-integrations")
	arn := "arn:aws:app-integrations:us-east-1:" + acct + ":event-integration/viewer-made"
	_, cerr := ts.appint(t, viewer, "delete-event-integration", "--name", "viewer-made")
	wantCLIError(t, cerr, "AccessDeniedException",
		denied(acct, "viewer", "app-integrations:DeleteEventIntegration", arn, "because no identity-based policy allows the app-integrations:DeleteEventIntegration action"))
	_, cerr = ts.appint(t, viewer, "update-event-integration", "--name", "viewer-made", "--description", "x")
	wantCLIError(t, cerr, "AccessDeniedException", "app-integrations:UpdateEventIntegration")

	ts.mustAppint(t, operator, "update-event-integration", "--name", "viewer-made", "--description", "x")
	ts.mustAppint(t, operator, "delete-event-integration", "--name", "viewer-made")
	// Tagging is not among the policy's actions.
	ts.mustAppint(t, operator, createIntegration("operator-made", "")...)
	_, cerr = ts.appint(t, operator, "tag-resource", "--resource-arn", strings.Replace(arn, "viewer-made", "operator-made", 1), "--tags", "a=b")
	wantCLIError(t, cerr, "AccessDeniedException", "app-integrations:TagResource")
}

// TestE2EAppIntegrationsABAC grants a team its own event integrations by
// tag: aws:RequestTag on create and tag, aws:ResourceTag on the rest.
func TestE2EAppIntegrationsABAC(t *testing.T) {
	t.Parallel()
	ts := startServer(t, "")
	acct := serverAccount(t, ts)
	createUsers(t, ts, "team-a")
	putUserPolicy(t, ts, "team-a", "TeamA", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["app-integrations:CreateEventIntegration","app-integrations:TagResource"],"Resource":"*",
		 "Condition":{"StringEquals":{"aws:RequestTag/Team":"A"},"ForAllValues:StringEquals":{"aws:TagKeys":["Team"]}}},
		{"Effect":"Allow","Action":["app-integrations:GetEventIntegration","app-integrations:UpdateEventIntegration",
		 "app-integrations:DeleteEventIntegration","app-integrations:ListTagsForResource"],"Resource":"*",
		 "Condition":{"StringEquals":{"aws:ResourceTag/Team":"A"}}}]}`)
	teamA := userCredentials(t, ts, "team-a")
	ts.mustAppint(t, ts.Root, createIntegration("b-events", "Team=B")...)

	ts.mustAppint(t, teamA, createIntegration("a-events", "Team=A")...)
	ts.mustAppint(t, teamA, "get-event-integration", "--name", "a-events")
	ts.mustAppint(t, teamA, "update-event-integration", "--name", "a-events", "--description", "ours")

	bARN := "arn:aws:app-integrations:us-east-1:" + acct + ":event-integration/b-events"
	_, cerr := ts.appint(t, teamA, "get-event-integration", "--name", "b-events")
	wantCLIError(t, cerr, "AccessDeniedException",
		denied(acct, "team-a", "app-integrations:GetEventIntegration", bARN, "because no identity-based policy allows the app-integrations:GetEventIntegration action"))
	_, cerr = ts.appint(t, teamA, "delete-event-integration", "--name", "b-events")
	wantCLIError(t, cerr, "AccessDeniedException", "app-integrations:DeleteEventIntegration")
	_, cerr = ts.appint(t, teamA, createIntegration("c-events", "Team=B")...)
	wantCLIError(t, cerr, "AccessDeniedException", "app-integrations:CreateEventIntegration")
	_, cerr = ts.appint(t, teamA, createIntegration("d-events", "Team=A,Owner=me")...)
	wantCLIError(t, cerr, "AccessDeniedException", "app-integrations:CreateEventIntegration")
	_, cerr = ts.appint(t, teamA, "list-tags-for-resource", "--resource-arn", bARN)
	wantCLIError(t, cerr, "AccessDeniedException", "app-integrations:ListTagsForResource")

	ts.mustAppint(t, teamA, "delete-event-integration", "--name", "a-events")
	if _, cerr := ts.appint(t, ts.Root, "get-event-integration", "--name", "b-events"); cerr != nil {
		t.Fatalf("b-events: %v", cerr)
	}
}
