package sqlstore_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/warden-iam/warden"
)

func TestEventIntegrationLifecycle(t *testing.T) {
	RunWithStore(t, "lifecycle", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct, other := newAccount(t, s), newAccount(t, s)
		in := warden.CreateEventIntegrationInput{Name: "orders/v1", AccountID: acct, Region: healthRegion, Description: "orders",
			Source: "aws.partner/x", EventBridgeBus: "default", ClientToken: "token-1",
			Tags: []warden.Tag{{Key: "team", Value: "a"}, {Key: "Team", Value: "b"}}}
		created, err := s.CreateEventIntegration(ctx, in)
		noErr(t, err)
		if created.ARN() != "arn:aws:app-integrations:us-east-1:"+acct+":event-integration/orders/v1" || created.CreatedAt.IsZero() {
			t.Fatalf("CreateEventIntegration = %+v", created)
		}

		// The same client token is a retry; another is a conflict.
		again, err := s.CreateEventIntegration(ctx, in)
		noErr(t, err)
		if !again.CreatedAt.Equal(created.CreatedAt) {
			t.Errorf("a retried create returned %+v", again)
		}
		in.ClientToken = "token-2"
		_, err = s.CreateEventIntegration(ctx, in)
		wantErr(t, err, warden.EEntityAlreadyExists, "")

		got, err := s.EventIntegration(ctx, acct, healthRegion, "orders/v1")
		noErr(t, err)
		wantTags := []warden.Tag{{Key: "Team", Value: "b"}, {Key: "team", Value: "a"}}
		if got.Description != "orders" || got.Source != "aws.partner/x" || got.EventBridgeBus != "default" || !slices.Equal(got.Tags, wantTags) {
			t.Fatalf("EventIntegration = %+v", got)
		}
		// Scoped to the account and region.
		_, err = s.EventIntegration(ctx, other, healthRegion, "orders/v1")
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.EventIntegration(ctx, acct, "eu-west-1", "orders/v1")
		wantErr(t, err, warden.ENoSuchEntity, "")

		noErr(t, s.UpdateEventIntegration(ctx, acct, healthRegion, "orders/v1", "all orders"))
		wantErr(t, s.UpdateEventIntegration(ctx, other, healthRegion, "orders/v1", "x"), warden.ENoSuchEntity, "")

		noErr(t, s.TagEventIntegration(ctx, acct, healthRegion, "orders/v1", []warden.Tag{{Key: "team", Value: "c"}, {Key: "env", Value: "prod"}}))
		noErr(t, s.UntagEventIntegration(ctx, acct, healthRegion, "orders/v1", []string{"Team", "absent"}))
		got, err = s.EventIntegration(ctx, acct, healthRegion, "orders/v1")
		noErr(t, err)
		wantTags = []warden.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "c"}}
		if got.Description != "all orders" || !slices.Equal(got.Tags, wantTags) {
			t.Fatalf("after update and tagging: %+v", got)
		}
		wantErr(t, s.TagEventIntegration(ctx, acct, healthRegion, "orders/v1", []warden.Tag{{Key: "aws:x", Value: "1"}}), warden.EValidationError, "")
		wantErr(t, s.TagEventIntegration(ctx, acct, healthRegion, "missing", []warden.Tag{{Key: "a", Value: "1"}}), warden.ENoSuchEntity, "")
		wantErr(t, s.UntagEventIntegration(ctx, acct, healthRegion, "missing", []string{"a"}), warden.ENoSuchEntity, "")

		noErr(t, s.DeleteEventIntegration(ctx, acct, healthRegion, "orders/v1"))
		wantErr(t, s.DeleteEventIntegration(ctx, acct, healthRegion, "orders/v1"), warden.ENoSuchEntity, "")
		_, err = s.EventIntegration(ctx, acct, healthRegion, "orders/v1")
		wantErr(t, err, warden.ENoSuchEntity, "")
		// The name is free again, and the new integration has no old tags.
		in.Tags = nil
		fresh, err := s.CreateEventIntegration(ctx, in)
		noErr(t, err)
		if got, _ := s.EventIntegration(ctx, acct, healthRegion, fresh.Name); len(got.Tags) != 0 {
			t.Errorf("a recreated integration has tags %v", got.Tags)
		}
	})
}

func TestEventIntegrationTagQuota(t *testing.T) {
	RunWithStore(t, "quota", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		tags := make([]warden.Tag, warden.MaxAppIntegrationsTags)
		for i := range tags {
			tags[i] = warden.Tag{Key: fmt.Sprintf("k%03d", i), Value: "v"}
		}
		_, err := s.CreateEventIntegration(ctx, warden.CreateEventIntegrationInput{Name: "full", AccountID: acct, Region: healthRegion,
			Source: "s", EventBridgeBus: "default", Tags: tags})
		noErr(t, err)
		// Replacing a value stays within the quota; a new key does not.
		noErr(t, s.TagEventIntegration(ctx, acct, healthRegion, "full", []warden.Tag{{Key: "k000", Value: "w"}}))
		wantErr(t, s.TagEventIntegration(ctx, acct, healthRegion, "full", []warden.Tag{{Key: "one-more", Value: "v"}}), warden.ELimitExceeded, "")
	})
}

func TestListEventIntegrations(t *testing.T) {
	RunWithStore(t, "list", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		for _, name := range []string{"c", "a/b", "b", "a"} {
			_, err := s.CreateEventIntegration(ctx, warden.CreateEventIntegrationInput{Name: name, AccountID: acct, Region: healthRegion,
				Source: "s", EventBridgeBus: "default", Tags: []warden.Tag{{Key: "name", Value: name}}})
			noErr(t, err)
		}
		var names []string
		opts := warden.ListOptions{MaxItems: 3}
		for {
			page, err := s.ListEventIntegrations(ctx, acct, healthRegion, opts)
			noErr(t, err)
			for _, e := range page.Items {
				if len(e.Tags) != 1 || e.Tags[0].Value != e.Name {
					t.Errorf("%s listed with tags %v", e.Name, e.Tags)
				}
				names = append(names, e.Name)
			}
			if !page.IsTruncated {
				break
			}
			opts.Marker = page.Marker
		}
		if want := []string{"a", "a/b", "b", "c"}; !slices.Equal(names, want) {
			t.Fatalf("names %v, want %v", names, want)
		}
		_, err := s.ListEventIntegrations(ctx, acct, healthRegion, warden.ListOptions{Marker: "!"})
		wantErr(t, err, warden.EInvalidInput, "")
		empty, err := s.ListEventIntegrations(ctx, acct, "eu-west-1", warden.ListOptions{})
		noErr(t, err)
		if len(empty.Items) != 0 {
			t.Errorf("another region lists %d integrations", len(empty.Items))
		}
	})
}
