package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
)

// identities creates one identity of each kind and returns them.
func identities(t *testing.T, s warden.Store, account string) []warden.Identity {
	createUser(t, s, account, "alice")
	createGroup(t, s, account, "devs")
	createRole(t, s, account, "worker")
	return []warden.Identity{warden.UserIdentity("alice"), warden.GroupIdentity("devs"), warden.RoleIdentity("worker")}
}

func TestAttachedPolicies(t *testing.T) {
	RunWithStore(t, "OK", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		custom := createPolicy(t, s, acct, "Custom")
		pathed, err := s.CreatePolicy(ctx, acct, warden.CreatePolicyInput{Name: "zz-pathed", Path: "/service-role/", Document: doc("a:b")})
		noErr(t, err)
		for _, id := range identities(t, s, acct) {
			t.Run(string(id.Kind), func(t *testing.T) {
				for _, arn := range []string{custom.ARN, readOnlyARN, lambdaARN, pathed.ARN, custom.ARN} {
					noErr(t, s.AttachPolicy(ctx, acct, id, arn)) // the repeat is a no-op
				}
				all, pages := collect(t, 3, func(o warden.ListOptions) (*warden.Page[warden.AttachedPolicy], error) {
					return s.ListAttachedPolicies(ctx, acct, id, o)
				})
				if got := names(all, func(p warden.AttachedPolicy) string { return p.Name }); got != "AWSLambdaRole,Custom,ReadOnlyAccess,zz-pathed" || pages != 2 {
					t.Fatalf("ListAttachedPolicies = %s in %d pages", got, pages)
				}
				page, err := s.ListAttachedPolicies(ctx, acct, id, warden.ListOptions{PathPrefix: "/service-role/"})
				noErr(t, err)
				if got := names(page.Items, func(p warden.AttachedPolicy) string { return p.ARN }); got != lambdaARN+","+pathed.ARN {
					t.Fatalf("ListAttachedPolicies /service-role/ = %s", got)
				}
				noErr(t, s.DetachPolicy(ctx, acct, id, readOnlyARN))
				wantErr(t, s.DetachPolicy(ctx, acct, id, readOnlyARN), warden.ENoSuchEntity, "Policy "+readOnlyARN+" was not found.")
			})
		}
		p, err := s.Policy(ctx, acct, custom.ARN)
		noErr(t, err)
		if p.AttachmentCount != 3 {
			t.Fatalf("AttachmentCount = %d, want 3", p.AttachmentCount)
		}
	})

	RunWithStore(t, "Errors", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct, other := newAccount(t, s), newAccount(t, s)
		ids := identities(t, s, acct)
		theirs := createPolicy(t, s, other, "theirs")
		for _, id := range ids {
			for _, arn := range []string{theirs.ARN, "arn:aws:iam::" + acct + ":policy/none", "arn:aws:iam::aws:policy/None", notAttachARN} {
				wantErr(t, s.AttachPolicy(ctx, acct, id, arn), warden.ENoSuchEntity, "Policy "+arn+" does not exist or is not attachable.")
			}
			wantErr(t, s.AttachPolicy(ctx, acct, id, "arn:aws:iam::"+acct+":group/devs"), warden.EInvalidInput, "")
		}
		for id, msg := range map[warden.Identity]string{
			warden.UserIdentity("ghost"):  "The user with name ghost cannot be found.",
			warden.GroupIdentity("ghost"): "The group with name ghost cannot be found.",
			warden.RoleIdentity("ghost"):  "The role with name ghost cannot be found.",
		} {
			wantErr(t, s.AttachPolicy(ctx, acct, id, readOnlyARN), warden.ENoSuchEntity, msg)
			wantErr(t, s.DetachPolicy(ctx, acct, id, readOnlyARN), warden.ENoSuchEntity, msg)
			_, err := s.ListAttachedPolicies(ctx, acct, id, warden.ListOptions{})
			wantErr(t, err, warden.ENoSuchEntity, msg)
			wantErr(t, s.PutInlinePolicy(ctx, acct, id, "p", doc("a:b")), warden.ENoSuchEntity, msg)
		}
		wantErr(t, s.AttachPolicy(ctx, acct, warden.Identity{Kind: "Robot", Name: "x"}, readOnlyARN), warden.EValidationError, "")
	})

	RunWithStore(t, "Quota", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		var arns []string
		for i := range 11 {
			arns = append(arns, createPolicy(t, s, acct, fmt.Sprintf("p%02d", i)).ARN)
		}
		quota := map[warden.IdentityKind]string{warden.IdentityUser: "PoliciesPerUser", warden.IdentityGroup: "PoliciesPerGroup", warden.IdentityRole: "PoliciesPerRole"}
		for _, id := range identities(t, s, acct) {
			for _, arn := range arns[:10] {
				noErr(t, s.AttachPolicy(ctx, acct, id, arn))
			}
			noErr(t, s.AttachPolicy(ctx, acct, id, arns[0])) // re-attaching is not a new attachment
			wantErr(t, s.AttachPolicy(ctx, acct, id, arns[10]), warden.ELimitExceeded, "Cannot exceed quota for "+quota[id.Kind]+": 10")
		}
	})
}

func TestInlinePolicies(t *testing.T) {
	RunWithStore(t, "OK", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		for _, id := range identities(t, s, acct) {
			t.Run(string(id.Kind), func(t *testing.T) {
				label := strings.ToLower(string(id.Kind))
				text := "{ \"Version\": \"2012-10-17\",\n\t\"Statement\": [] }"
				noErr(t, s.PutInlinePolicy(ctx, acct, id, "Beta", text))
				noErr(t, s.PutInlinePolicy(ctx, acct, id, "alpha", doc("a:b")))
				p, err := s.InlinePolicy(ctx, acct, id, "beta")
				noErr(t, err)
				if p.Name != "Beta" || p.Document != text || p.Identity.Kind != id.Kind {
					t.Fatalf("InlinePolicy = %+v", p)
				}
				// Putting a policy again replaces it, names compared without case.
				noErr(t, s.PutInlinePolicy(ctx, acct, id, "BETA", doc("c:d")))
				p, err = s.InlinePolicy(ctx, acct, id, "beta")
				noErr(t, err)
				if p.Name != "BETA" || p.Document != doc("c:d") {
					t.Fatalf("InlinePolicy after replace = %+v", p)
				}
				all, pages := collect(t, 1, func(o warden.ListOptions) (*warden.Page[string], error) {
					return s.ListInlinePolicies(ctx, acct, id, o)
				})
				if strings.Join(all, ",") != "alpha,BETA" || pages != 2 {
					t.Fatalf("ListInlinePolicies = %v in %d pages", all, pages)
				}
				noErr(t, s.DeleteInlinePolicy(ctx, acct, id, "Alpha"))
				msg := "The " + label + " policy with name alpha cannot be found."
				wantErr(t, s.DeleteInlinePolicy(ctx, acct, id, "alpha"), warden.ENoSuchEntity, msg)
				_, err = s.InlinePolicy(ctx, acct, id, "alpha")
				wantErr(t, err, warden.ENoSuchEntity, msg)
				wantErr(t, s.PutInlinePolicy(ctx, acct, id, "bad name", doc("a:b")), warden.EValidationError, "")
				wantErr(t, s.PutInlinePolicy(ctx, acct, id, "empty", ""), warden.EValidationError, "")
			})
		}
	})

	RunWithStore(t, "AggregateSize", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		ids := identities(t, s, acct)
		for i, limit := range []int{2048, 5120, 10240} {
			id := ids[i]
			t.Run(string(id.Kind), func(t *testing.T) {
				// A document of exactly n counted characters.
				sized := func(n int) string {
					base := doc("")
					return doc(strings.Repeat("x", n-warden.PolicySize(base)))
				}
				noErr(t, s.PutInlinePolicy(ctx, acct, id, "one", sized(limit/2)))
				noErr(t, s.PutInlinePolicy(ctx, acct, id, "two", sized(limit-limit/2)))
				wantErr(t, s.PutInlinePolicy(ctx, acct, id, "three", sized(100)), warden.ELimitExceeded,
					fmt.Sprintf("Maximum policy size of %d bytes exceeded for %s %s", limit, strings.ToLower(string(id.Kind)), id.Name))
				// Replacing a policy counts its new size, not old plus new;
				// white space is not counted.
				noErr(t, s.PutInlinePolicy(ctx, acct, id, "two", sized(limit-limit/2)+strings.Repeat(" ", 5000)))
				wantErr(t, s.PutInlinePolicy(ctx, acct, id, "two", sized(limit-limit/2+1)), warden.ELimitExceeded, "")
			})
		}
	})
}
