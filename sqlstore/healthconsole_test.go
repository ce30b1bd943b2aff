package sqlstore_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/warden-iam/warden"
)

func createAgent(t testing.TB, s warden.Store, d *warden.Domain, name string, tags ...warden.Tag) *warden.Agent {
	t.Helper()
	a, err := s.CreateAgent(t.Context(), warden.CreateAgentInput{ID: warden.NewAgentID(), DomainID: d.ID, AccountID: d.AccountID,
		Region: d.Region, Name: name, Instructions: "v1", Tags: tags})
	noErr(t, err)
	return a
}

// CreateAgent makes version 1 a DRAFT; UpdateAgent edits the draft in
// place, or starts a new draft from a published version; PublishAgent
// publishes a draft and archives the version published before.
func TestHealthAgentVersions(t *testing.T) {
	RunWithStore(t, "agent versions", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		d := createDomain(t, s, acct, "clinic")
		a := createAgent(t, s, d, "intake", warden.Tag{Key: "team", Value: "blue"})
		if a.LatestVersion != 1 || a.PublishedVersion != 0 || a.Version.Version != 1 || a.Version.Status != warden.AgentDraft ||
			a.ARN() != d.ARN()+"/agent/"+a.ID {
			t.Fatalf("CreateAgent = %+v", a)
		}
		edited, err := s.UpdateAgent(ctx, acct, healthRegion, d.ID, a.ID, warden.AgentUpdate{Instructions: new("v1 edited")})
		noErr(t, err)
		if edited.Version.Version != 1 || edited.Version.Instructions != "v1 edited" || edited.LatestVersion != 1 {
			t.Fatalf("editing the draft: %+v", edited)
		}
		_, err = s.PublishAgent(ctx, acct, healthRegion, d.ID, a.ID, 2)
		wantErr(t, err, warden.ENoSuchEntity, "Agent "+a.ID+" has no version 2.")
		pub, err := s.PublishAgent(ctx, acct, healthRegion, d.ID, a.ID, 0)
		noErr(t, err)
		if pub.Version.Status != warden.AgentPublished || pub.PublishedVersion != 1 || pub.Version.PublishedAt.IsZero() {
			t.Fatalf("PublishAgent = %+v", pub)
		}
		_, err = s.PublishAgent(ctx, acct, healthRegion, d.ID, a.ID, 1)
		wantErr(t, err, warden.EEntityAlreadyExists, "Version 1 of agent "+a.ID+" is PUBLISHED; only a DRAFT version can be published.")

		draft, err := s.UpdateAgent(ctx, acct, healthRegion, d.ID, a.ID, warden.AgentUpdate{Name: new("intake v2"), Description: new("second")})
		noErr(t, err)
		if draft.Version.Version != 2 || draft.Version.Status != warden.AgentDraft || draft.Version.Instructions != "v1 edited" ||
			draft.Version.Description != "second" || draft.Name != "intake v2" || draft.LatestVersion != 2 || draft.PublishedVersion != 1 {
			t.Fatalf("a new draft from the published version: %+v", draft)
		}
		again, err := s.UpdateAgent(ctx, acct, healthRegion, d.ID, a.ID, warden.AgentUpdate{Description: new("second, edited")})
		noErr(t, err)
		if again.Version.Version != 2 {
			t.Fatalf("a second edit made version %d; want the draft 2 edited", again.Version.Version)
		}
		_, err = s.PublishAgent(ctx, acct, healthRegion, d.ID, a.ID, 2)
		noErr(t, err)

		got, err := s.Agent(ctx, acct, healthRegion, d.ID, a.ID, 0)
		noErr(t, err)
		if got.Version.Version != 2 || got.Version.Status != warden.AgentPublished || got.Name != "intake v2" ||
			!slices.Equal(got.Tags, []warden.Tag{{Key: "team", Value: "blue"}}) {
			t.Fatalf("Agent(latest) = %+v", got)
		}
		v1, err := s.Agent(ctx, acct, healthRegion, d.ID, a.ID, 1)
		noErr(t, err)
		if v1.Version.Status != warden.AgentArchived || v1.Version.Instructions != "v1 edited" {
			t.Fatalf("Agent(1) = %+v; want it ARCHIVED", v1.Version)
		}
		first, err := s.ListAgentVersions(ctx, acct, healthRegion, d.ID, a.ID, warden.ListOptions{MaxItems: 1})
		noErr(t, err)
		if len(first.Items) != 1 || first.Items[0].Version != 1 || !first.IsTruncated {
			t.Fatalf("ListAgentVersions page 1 = %+v", first)
		}
		page, err := s.ListAgentVersions(ctx, acct, healthRegion, d.ID, a.ID, warden.ListOptions{Marker: first.Marker})
		noErr(t, err)
		if len(page.Items) != 1 || page.Items[0].Version != 2 || page.IsTruncated {
			t.Fatalf("ListAgentVersions page 2 = %+v", page)
		}
		// A marker belongs to its agent.
		other := createAgent(t, s, d, "billing")
		_, err = s.ListAgentVersions(ctx, acct, healthRegion, d.ID, other.ID, warden.ListOptions{Marker: first.Marker})
		wantErr(t, err, warden.EInvalidInput, "")

		agents, err := s.ListAgents(ctx, acct, healthRegion, d.ID, warden.ListOptions{})
		noErr(t, err)
		if len(agents.Items) != 2 || agents.Items[0].ID != a.ID || agents.Items[0].Version.Version != 2 || agents.Items[1].ID != other.ID {
			t.Fatalf("ListAgents = %+v", agents.Items)
		}

		noErr(t, s.DeleteAgent(ctx, acct, healthRegion, d.ID, a.ID))
		_, err = s.Agent(ctx, acct, healthRegion, d.ID, a.ID, 1)
		wantErr(t, err, warden.ENoSuchEntity, "Agent "+a.ID+" not found.")
		wantErr(t, s.DeleteAgent(ctx, acct, healthRegion, d.ID, a.ID), warden.ENoSuchEntity, "")
		// Another account or region sees nothing.
		_, err = s.Agent(ctx, newAccount(t, s), healthRegion, d.ID, other.ID, 0)
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.Agent(ctx, acct, "eu-west-1", d.ID, other.ID, 0)
		wantErr(t, err, warden.ENoSuchEntity, "")
	})
}

func TestHealthIntegrations(t *testing.T) {
	RunWithStore(t, "integrations", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		d := createDomain(t, s, acct, "clinic")
		secret := "arn:aws:secretsmanager:us-east-1:" + acct + ":secret:ehr-abc123"
		in := warden.CreateIntegrationInput{ID: warden.NewIntegrationID(), DomainID: d.ID, AccountID: acct, Region: healthRegion, Name: "epic",
			Type: warden.IntegrationFHIR, Endpoint: "https://ehr.example.com/fhir", AuthSecretARN: secret}
		i, err := s.CreateIntegration(ctx, in)
		noErr(t, err)
		if i.Status != warden.IntegrationActive || i.ARN() != d.ARN()+"/integration/"+i.ID {
			t.Fatalf("CreateIntegration = %+v", i)
		}
		dup := in
		dup.ID = warden.NewIntegrationID()
		_, err = s.CreateIntegration(ctx, dup)
		wantErr(t, err, warden.EEntityAlreadyExists, "Domain "+d.ID+" already has an integration named epic.")
		dup.Name = "hl7 feed"
		dup.Type = warden.IntegrationHL7
		second, err := s.CreateIntegration(ctx, dup)
		noErr(t, err)

		_, err = s.UpdateIntegration(ctx, acct, healthRegion, d.ID, second.ID, warden.IntegrationUpdate{Name: new("epic")})
		wantErr(t, err, warden.EEntityAlreadyExists, "")
		inactive := warden.IntegrationInactive
		up, err := s.UpdateIntegration(ctx, acct, healthRegion, d.ID, i.ID, warden.IntegrationUpdate{Status: &inactive, Endpoint: new("https://ehr2.example.com/")})
		noErr(t, err)
		if up.Status != warden.IntegrationInactive || up.Endpoint != "https://ehr2.example.com/" || up.Name != "epic" || up.AuthSecretARN != secret {
			t.Fatalf("UpdateIntegration = %+v", up)
		}
		got, err := s.Integration(ctx, acct, healthRegion, d.ID, i.ID)
		noErr(t, err)
		if got.Status != warden.IntegrationInactive || !got.UpdatedAt.Equal(up.UpdatedAt) {
			t.Fatalf("Integration = %+v", got)
		}
		list, err := s.ListIntegrations(ctx, acct, healthRegion, d.ID, warden.ListOptions{})
		noErr(t, err)
		if len(list.Items) != 2 || list.Items[0].ID != i.ID || list.Items[1].ID != second.ID {
			t.Fatalf("ListIntegrations = %+v", list.Items)
		}
		noErr(t, s.DeleteIntegration(ctx, acct, healthRegion, d.ID, i.ID))
		_, err = s.Integration(ctx, acct, healthRegion, d.ID, i.ID)
		wantErr(t, err, warden.ENoSuchEntity, "Integration "+i.ID+" not found.")
		_, err = s.ListIntegrations(ctx, acct, healthRegion, "dom-nosuchdomain0000", warden.ListOptions{})
		wantErr(t, err, warden.ENoSuchEntity, "")
	})
}

func TestHealthAgentSessions(t *testing.T) {
	RunWithStore(t, "agent sessions", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		d := createDomain(t, s, acct, "clinic")
		a := createAgent(t, s, d, "intake")
		in := warden.CreateAgentSessionInput{ID: warden.NewJobID(), DomainID: d.ID, AccountID: acct, Region: healthRegion, AgentID: a.ID,
			AgentVersion: 2, Context: map[string]string{"patientId": "p-1"}}
		_, err := s.CreateAgentSession(ctx, in)
		wantErr(t, err, warden.ENoSuchEntity, "Agent "+a.ID+" has no version 2.")
		in.AgentVersion = 1
		created, err := s.CreateAgentSession(ctx, in)
		noErr(t, err)
		if created.Status != warden.AgentSessionActive || created.ARN() != d.ARN()+"/session/"+in.ID {
			t.Fatalf("CreateAgentSession = %+v", created)
		}
		_, err = s.CreateAgentSession(ctx, in)
		wantErr(t, err, warden.EEntityAlreadyExists, "")

		up, err := s.UpdateAgentSession(ctx, acct, healthRegion, d.ID, in.ID, warden.AgentSessionUpdate{
			Context: map[string]string{"encounterId": "e-9", "patientId": ""}})
		noErr(t, err)
		if !maps.Equal(up.Context, map[string]string{"encounterId": "e-9"}) || up.Status != warden.AgentSessionActive {
			t.Fatalf("UpdateAgentSession = %+v", up)
		}
		ended := warden.AgentSessionEnded
		up, err = s.UpdateAgentSession(ctx, acct, healthRegion, d.ID, in.ID, warden.AgentSessionUpdate{Status: &ended})
		noErr(t, err)
		if up.Status != warden.AgentSessionEnded || up.EndedAt.IsZero() {
			t.Fatalf("ending: %+v", up)
		}
		_, err = s.UpdateAgentSession(ctx, acct, healthRegion, d.ID, in.ID, warden.AgentSessionUpdate{Context: map[string]string{"x": "y"}})
		wantErr(t, err, warden.EValidationError, "Session "+in.ID+" has ENDED; an ended session does not change.")
		got, err := s.AgentSession(ctx, acct, healthRegion, d.ID, in.ID)
		noErr(t, err)
		if got.Status != warden.AgentSessionEnded || !maps.Equal(got.Context, map[string]string{"encounterId": "e-9"}) || got.AgentVersion != 1 {
			t.Fatalf("AgentSession = %+v", got)
		}
		many := map[string]string{}
		for i := range warden.MaxSessionAttributes + 1 {
			many[string(rune('a'+i%26))+string(rune('a'+i/26))] = "v"
		}
		in.ID, in.Context = warden.NewJobID(), many
		_, err = s.CreateAgentSession(ctx, in)
		wantErr(t, err, warden.EValidationError, "")
	})
}

// Tags of every console resource kind, and what finishing a domain's
// deletion leaves: nothing of its console.
func TestHealthConsoleTagsAndDomainDeletion(t *testing.T) {
	RunWithStore(t, "console tags", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		d := createDomain(t, s, acct, "clinic")
		a := createAgent(t, s, d, "intake")
		i, err := s.CreateIntegration(ctx, warden.CreateIntegrationInput{ID: warden.NewIntegrationID(), DomainID: d.ID, AccountID: acct,
			Region: healthRegion, Name: "epic", Type: warden.IntegrationFHIR, Endpoint: "https://ehr.example.com/",
			AuthSecretARN: "arn:aws:secretsmanager:us-east-1:" + acct + ":secret:x"})
		noErr(t, err)
		sess, err := s.CreateAgentSession(ctx, warden.CreateAgentSessionInput{ID: warden.NewJobID(), DomainID: d.ID, AccountID: acct,
			Region: healthRegion, AgentID: a.ID, AgentVersion: 1})
		noErr(t, err)
		for kind, id := range map[warden.ConsoleKind]string{warden.KindAgent: a.ID, warden.KindIntegration: i.ID, warden.KindSession: sess.ID} {
			noErr(t, s.TagConsoleResource(ctx, acct, healthRegion, d.ID, kind, id, []warden.Tag{{Key: "b", Value: "1"}, {Key: "a", Value: "2"}}))
			noErr(t, s.UntagConsoleResource(ctx, acct, healthRegion, d.ID, kind, id, []string{"b", "absent"}))
			tags, err := s.ConsoleResourceTags(ctx, acct, healthRegion, d.ID, kind, id)
			noErr(t, err)
			if !slices.Equal(tags, []warden.Tag{{Key: "a", Value: "2"}}) {
				t.Errorf("%s tags = %v", kind, tags)
			}
			// The same ID as another kind is not found.
			other := warden.KindAgent
			if kind == warden.KindAgent {
				other = warden.KindIntegration
			}
			_, err = s.ConsoleResourceTags(ctx, acct, healthRegion, d.ID, other, id)
			wantErr(t, err, warden.ENoSuchEntity, "")
		}
		many := make([]warden.Tag, warden.MaxHealthTags)
		for n := range many {
			many[n] = warden.Tag{Key: "k" + string(rune('A'+n)), Value: "v"}
		}
		wantErr(t, s.TagConsoleResource(ctx, acct, healthRegion, d.ID, warden.KindAgent, a.ID, many), warden.ELimitExceeded, "")

		_, err = s.DeleteDomain(ctx, acct, healthRegion, d.ID)
		noErr(t, err)
		_, err = s.CreateAgent(ctx, warden.CreateAgentInput{ID: warden.NewAgentID(), DomainID: d.ID, AccountID: acct, Region: healthRegion, Name: "late"})
		wantErr(t, err, warden.EValidationError, "Domain "+d.ID+" is DELETING; only an ACTIVE domain accepts this request.")
		_, err = s.FinishDomainDeletion(ctx, acct, healthRegion, d.ID)
		noErr(t, err)
		_, err = s.Agent(ctx, acct, healthRegion, d.ID, a.ID, 0)
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.Integration(ctx, acct, healthRegion, d.ID, i.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.AgentSession(ctx, acct, healthRegion, d.ID, sess.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")
		agents, err := s.ListAgents(ctx, acct, healthRegion, d.ID, warden.ListOptions{})
		noErr(t, err)
		if len(agents.Items) != 0 {
			t.Errorf("a deleted domain lists agents %v", agents.Items)
		}
	})
}
