package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/identitystoreapi"
	"github.com/warden-iam/warden/policy"
	"github.com/warden-iam/warden/sqlstore"
	"github.com/warden-iam/warden/stsapi"
)

// webappCommand is `warden webapp`: what a Connect Health domain's web
// app does on a clinician's behalf, run against the data directory so
// that administrators can test the domain's role.
func (m *Main) webappCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webapp",
		Short: "Simulate what a Connect Health domain's web app does with the domain's role",
	}
	var o signInOptions
	signIn := &cobra.Command{
		Use:   "sign-in --domain-id DOMAIN --user-id USERID",
		Short: "Simulate a clinician signing in to a domain's web app",
		Long: `Simulates a clinician, an identity store user, signing in to a Connect Health
domain's web app. Amazon Connect Health (health-agent.amazonaws.com) assumes the
domain's role (its webAppSetupConfiguration.ehrRole, or --role-arn when the domain
has none) with aws:SourceArn naming a session of the domain
(arn:aws:health-agent:REGION:ACCOUNT:domain/DOMAIN/session/ID), aws:SourceAccount,
and SourceIdentity set to the user's ID, which the trust policy must allow with
sts:SetSourceIdentity. As that role session it then reads the signed-in user
(identitystore:DescribeUser) and another user of the identity store (--other-user-id,
by default another existing user), and prints each decision and the statements
behind it.

A role scoped as the Connect Health documentation shows
(arn:aws:identitystore:::user/${aws:SourceIdentity}) lets the session read the
signed-in user only. The exit status is 0 when that holds, 1 when the role cannot
be assumed, cannot read the signed-in user or can read another user.

The command works on the data directory, like 'warden admin', rather than
against a running server: the role is assumed as an AWS service principal, which
no access key can sign as. SQLite lets it run beside a serving Warden.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := m.envFlags(cmd); err != nil {
				return err
			}
			if o.domainID == "" || o.userID == "" {
				return usagef("--domain-id and --user-id are required")
			}
			store, err := openStore(cmd.Context(), o.dataDir, nil)
			if err != nil {
				return err
			}
			defer store.Close()
			return webAppSignIn(cmd.Context(), m.Stdout, store, o)
		},
	}
	f := signIn.Flags()
	f.StringVar(&o.dataDir, "data", defaultDataDir, "data directory")
	f.StringVar(&o.domainID, "domain-id", "", "the Connect Health domain whose web app is signed in to")
	f.StringVar(&o.userID, "user-id", "", "the identity store user who signs in")
	f.StringVar(&o.otherUserID, "other-user-id", "", "another identity store user the session must not read (default: another user of the store)")
	f.StringVar(&o.roleARN, "role-arn", "", "the role to assume when the domain has no web app role")
	f.StringVar(&o.accountID, "account-id", "", "the domain's account (default: the installation's account)")
	f.StringVar(&o.region, "region", "", "the domain's region (default: the installation's region)")
	cmd.AddCommand(signIn)
	return cmd
}

type signInOptions struct {
	dataDir, domainID, userID, otherUserID, roleARN, accountID, region string
}

// webAppSignIn runs the simulation and prints what was decided.
func webAppSignIn(ctx context.Context, w io.Writer, store *sqlstore.Store, o signInOptions) error {
	ep, err := store.Endpoint(ctx)
	if err != nil {
		return err
	}
	account, region := o.accountID, o.region
	if account == "" {
		account = ep.AccountID
	}
	if region == "" {
		region = ep.Region
	}
	if !warden.ValidIdentityStoreUserID(o.userID) {
		return usagef("--user-id %q is not an identity store user ID", o.userID)
	}
	if o.otherUserID != "" && (!warden.ValidIdentityStoreUserID(o.otherUserID) || o.otherUserID == o.userID) {
		return usagef("--other-user-id %q is not another identity store user ID", o.otherUserID)
	}
	d, err := store.Domain(ctx, account, region, o.domainID)
	if warden.ErrorCode(err) == warden.ENoSuchEntity {
		return fmt.Errorf("domain %s not found in account %s, region %s", o.domainID, account, region)
	}
	if err != nil {
		return err
	}
	role := o.roleARN
	switch {
	case role == "" && d.WebApp != nil:
		role = d.WebApp.RoleARN
	case role == "":
		return usagef("domain %s has no web app role; give one with --role-arn", d.ID)
	case d.WebApp != nil && d.WebApp.RoleARN != role:
		return usagef("domain %s has the web app role %s; --role-arn is for domains without one", d.ID, d.WebApp.RoleARN)
	}
	ids, err := store.IdentityStore(ctx, account)
	if err != nil {
		return err
	}
	other := o.otherUserID
	if other == "" {
		if other, err = anotherUser(ctx, store, ids.ID, o.userID); err != nil {
			return err
		}
	}

	az := authz.New(store)
	// The web app acts for a session of the domain, named like the
	// domain's other sessions (a UUID under domain/DOMAIN/session/).
	sourceARN := d.ARN() + "/session/" + warden.NewJobID()
	fmt.Fprintf(w, "Web app sign-in to domain %s as identity store user %s (identity store %s)\n", d.ID, o.userID, ids.ID)
	fmt.Fprintf(w, "\nsts:AssumeRole %s\n  as %s with aws:SourceArn=%s aws:SourceAccount=%s SourceIdentity=%s\n",
		role, warden.HealthServicePrincipal, sourceARN, account, o.userID)
	sess, err := stsapi.New(store, az).AssumeRoleAsService(ctx, stsapi.ServiceRoleRequest{
		Service: warden.HealthServicePrincipal, RoleARN: role, SourceArn: sourceARN, SourceAccount: account,
		SessionName: "webapp-" + o.userID, SourceIdentity: o.userID, Region: region,
	})
	if err != nil {
		if warden.ErrorCode(err) != warden.EAccessDenied {
			return err
		}
		fmt.Fprintf(w, "  DENIED: %s\n", denialText(err, "sts:AssumeRole"))
		writeExplanation(w, err)
		fmt.Fprintln(w, "\nThe web app cannot sign anyone in with this role.")
		return errFindings
	}
	fmt.Fprintf(w, "  ALLOWED: session %s\n", sess.ARN())

	caller := &authz.Caller{
		Principal: sess.Principal(), AccessKeyID: sess.AccessKeyID, Temporary: true, SecureTransport: true,
		UserAgent: warden.HealthServicePrincipal, Region: region,
	}
	api := identitystoreapi.New(store, az)
	ownAllowed := describeAs(ctx, w, api, az, caller, ids, o.userID, "the signed-in user")
	otherAllowed := describeAs(ctx, w, api, az, caller, ids, other, "another user")
	fmt.Fprintln(w)
	switch {
	case !ownAllowed:
		fmt.Fprintln(w, "The role cannot read the signed-in user: the web app cannot show who signed in.")
	case otherAllowed:
		fmt.Fprintln(w, "The role can read other users: scope identitystore:DescribeUser to arn:aws:identitystore:::user/${aws:SourceIdentity}.")
	default:
		fmt.Fprintln(w, "The role reads the signed-in user only.")
		return nil
	}
	return errFindings
}

// anotherUser returns a user of the store other than userID: the first
// by ID, or a fresh ID when there is none (authorization is decided before
// the user is looked up, so a missing user still shows the decision).
func anotherUser(ctx context.Context, store *sqlstore.Store, storeID, userID string) (string, error) {
	page, err := store.ListIdentityStoreUsers(ctx, storeID, "", warden.ListOptions{MaxItems: 2})
	if err != nil {
		return "", err
	}
	for _, u := range page.Items {
		if u.ID != userID {
			return u.ID, nil
		}
	}
	return warden.NewIdentityStoreUserID(storeID), nil
}

// describeAs performs identitystore:DescribeUser as the session and
// prints the outcome and, for each resource it is authorized on, the
// decision with its statements. It reports whether the read was allowed.
func describeAs(ctx context.Context, w io.Writer, api *identitystoreapi.API, az *authz.Authorizer, c *authz.Caller,
	ids *warden.IdentityStore, userID, who string) bool {
	const action = "identitystore:DescribeUser"
	fmt.Fprintf(w, "\n%s %s (%s)\n", action, userID, who)
	out, err := api.DescribeUser(ctx, c, &identitystoreapi.DescribeUserInput{IdentityStoreId: &ids.ID, UserId: &userID})
	allowed := true
	switch code := warden.ErrorCode(err); {
	case err == nil:
		fmt.Fprintf(w, "  ALLOWED: user name %s\n", aws.ToString(out.UserName))
	case code == warden.ENoSuchEntity:
		fmt.Fprintf(w, "  ALLOWED, but the identity store has no such user\n")
	case code == warden.EAccessDenied:
		allowed = false
		fmt.Fprintf(w, "  DENIED: %s\n", denialText(err, action))
	default:
		allowed = false
		fmt.Fprintf(w, "  FAILED: %s: %s\n", code, warden.ErrorMessage(err))
	}
	for _, resource := range []string{ids.ARN(), warden.IdentityStoreUserARN(userID)} {
		ex, err := az.Explain(ctx, c, &authz.Call{Action: action, Resource: resource})
		if err != nil {
			fmt.Fprintf(w, "  %s: %v\n", resource, err)
			continue
		}
		fmt.Fprintf(w, "  on %s: %s\n", resource, ex.Decision)
		writeStatements(w, ex)
	}
	return allowed
}

// denialText is an AccessDenied message with the reason AWS's wording may
// leave out.
func denialText(err error, action string) string {
	msg := warden.ErrorMessage(err)
	if d, ok := errors.AsType[*authz.Denied](err); ok && d.Explanation != nil {
		if phrase := d.Explanation.Reason.Phrase(action); phrase != "" && !strings.Contains(msg, phrase) {
			msg += " " + phrase
		}
	}
	return msg
}

// writeExplanation prints the statements behind a denial, if err carries
// them.
func writeExplanation(w io.Writer, err error) {
	if d, ok := errors.AsType[*authz.Denied](err); ok && d.Explanation != nil {
		writeStatements(w, d.Explanation)
	}
}

// writeStatements prints the deciding statements of a decision and the
// statements that matched the action but not the request, with why.
func writeStatements(w io.Writer, ex *policy.Explanation) {
	for _, s := range ex.Deciding {
		fmt.Fprintf(w, "    decided by %s %s[%d]%s\n", s.Layer, s.Policy, s.Index, sidText(s.Sid))
	}
	for _, le := range ex.Layers {
		for _, s := range le.Failed {
			fmt.Fprintf(w, "    %s %s %s[%d]%s does not apply: %s %s\n", le.Layer, s.Effect, s.Policy, s.Index, sidText(s.Sid), s.Path, s.Detail)
		}
	}
}
