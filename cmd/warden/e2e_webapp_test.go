package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestE2EWebAppSignIn is the Connect Health documentation's service role
// at work: a clinician signs in to a domain's web app, Connect Health
// assumes the domain's role with the clinician's identity store user ID as
// the source identity, and the role reads that user and no other.
func TestE2EWebAppSignIn(t *testing.T) {
	t.Parallel()
	ts := startServer(t, "")
	account := serverAccount(t, ts)
	store := identityStoreID(t, ts)
	jones := createIdentityStoreUser(t, ts, store, "jones")
	smith := createIdentityStoreUser(t, ts, store, "smith")
	storeARN := "arn:aws:identitystore::" + account + ":identitystore/" + store

	// The domain names its role, and the role's trust policy names the
	// domain: the role comes first, trusted for a placeholder domain.
	role := createRole(t, ts, "ConnectHealthWebApp", healthSeed(t, "connect-health--service-role-trust.json", account, simDomain))
	domain := str(ts.mustHealth(t, ts.Root, "create-domain", "--name", "clinic",
		"--web-app-setup-configuration", "ehrRole="+role+",idcInstanceId=ssoins-1234,idcRegion=us-east-1"), "domainId")
	trust := healthSeed(t, "connect-health--service-role-trust.json", account, domain)
	setRole := func(trust, permissions string) {
		t.Helper()
		root := ts.iam(ts.Root)
		if _, err := root.UpdateAssumeRolePolicy(t.Context(), &iam.UpdateAssumeRolePolicyInput{
			RoleName: aws.String("ConnectHealthWebApp"), PolicyDocument: aws.String(trust)}); err != nil {
			t.Fatal(err)
		}
		if _, err := root.PutRolePolicy(t.Context(), &iam.PutRolePolicyInput{RoleName: aws.String("ConnectHealthWebApp"),
			PolicyName: aws.String("ServiceRole"), PolicyDocument: aws.String(permissions)}); err != nil {
			t.Fatal(err)
		}
	}
	published := healthSeed(t, "connect-health--service-role-permissions.json", account, domain)
	// The Service Authorization Reference requires the identity store as
	// well as the user for identitystore:DescribeUser; the published
	// statement names the user only.
	const userResource = `"Resource": "arn:aws:identitystore:::user/${aws:SourceIdentity}"`
	if !strings.Contains(published, userResource) {
		t.Fatalf("the seed's DescribeUser statement changed:\n%s", published)
	}
	fixed := strings.Replace(published, userResource,
		`"Resource": ["`+storeARN+`", "arn:aws:identitystore:::user/${aws:SourceIdentity}"]`, 1)
	signIn := func(userID string, extra ...string) (string, int) {
		t.Helper()
		return runWarden(t, append([]string{"webapp", "sign-in", "--data", ts.Dir, "--domain-id", domain, "--user-id", userID}, extra...)...)
	}
	wantOutput := func(out string, parts ...string) {
		t.Helper()
		for _, p := range parts {
			if !strings.Contains(out, p) {
				t.Fatalf("output lacks %q:\n%s", p, out)
			}
		}
	}

	t.Run("the signed-in user only", func(t *testing.T) {
		setRole(trust, fixed)
		out, status := signIn(jones)
		if status != 0 {
			t.Fatalf("status %d:\n%s", status, out)
		}
		wantOutput(out,
			"SourceIdentity="+jones, "ALLOWED: session arn:aws:sts::"+account+":assumed-role/ConnectHealthWebApp/webapp-"+jones,
			"identitystore:DescribeUser "+jones+" (the signed-in user)\n  ALLOWED: user name jones",
			"identitystore:DescribeUser "+smith+" (another user)\n  DENIED: User: arn:aws:sts::"+account+
				":assumed-role/ConnectHealthWebApp/webapp-"+jones+" is not authorized to perform: identitystore:DescribeUser on resource: arn:aws:identitystore:::user/"+smith,
			"(DescribeUserWithSourceIdentity) does not apply: Statement[0].Resource",
			"The role reads the signed-in user only.")
		// Signed in as the other clinician, the roles swap.
		out, status = signIn(smith, "--other-user-id", jones)
		if status != 0 {
			t.Fatalf("status %d:\n%s", status, out)
		}
		wantOutput(out, "ALLOWED: user name smith", "on resource: arn:aws:identitystore:::user/"+jones)
	})

	t.Run("the published statement names no identity store", func(t *testing.T) {
		setRole(trust, published)
		out, status := signIn(jones)
		if status != 1 {
			t.Fatalf("status %d:\n%s", status, out)
		}
		wantOutput(out, "(the signed-in user)\n  DENIED:", "on resource: "+storeARN, "The role cannot read the signed-in user")
	})

	t.Run("a role that reads every user", func(t *testing.T) {
		setRole(trust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"identitystore:DescribeUser","Resource":"*"}]}`)
		out, status := signIn(jones)
		if status != 1 {
			t.Fatalf("status %d:\n%s", status, out)
		}
		wantOutput(out, "ALLOWED: user name smith", "The role can read other users")
	})

	t.Run("a trust policy without sts:SetSourceIdentity", func(t *testing.T) {
		setRole(strings.Replace(trust, `, "sts:SetSourceIdentity"`, "", 1), fixed)
		out, status := signIn(jones)
		if status != 1 {
			t.Fatalf("status %d:\n%s", status, out)
		}
		wantOutput(out, "DENIED: User: health-agent.amazonaws.com is not authorized to perform: sts:SetSourceIdentity", "cannot sign anyone in")
	})

	t.Run("another domain's session", func(t *testing.T) {
		other := str(ts.mustHealth(t, ts.Root, "create-domain", "--name", "other",
			"--web-app-setup-configuration", "ehrRole="+role+",idcInstanceId=ssoins-1234,idcRegion=us-east-1"), "domainId")
		setRole(trust, fixed)
		out, status := runWarden(t, "webapp", "sign-in", "--data", ts.Dir, "--domain-id", other, "--user-id", jones)
		if status != 1 {
			t.Fatalf("status %d:\n%s", status, out)
		}
		wantOutput(out, "DENIED: User: health-agent.amazonaws.com is not authorized to perform: sts:AssumeRole")
	})

	t.Run("bad input", func(t *testing.T) {
		if out, status := signIn("jones"); status != 2 || !strings.Contains(out, "not an identity store user ID") {
			t.Errorf("a user name for --user-id: status %d\n%s", status, out)
		}
		if out, status := runWarden(t, "webapp", "sign-in", "--data", ts.Dir, "--domain-id", "dom-0000000000000000", "--user-id", jones); status == 0 ||
			!strings.Contains(out, "not found") {
			t.Errorf("a missing domain: status %d\n%s", status, out)
		}
	})
}
