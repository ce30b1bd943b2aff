package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsquery"
	"github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/sqlstore"
)

// callerIAM records who called GetUser.
type callerIAM struct{ seen *authz.Caller }

func (c *callerIAM) Service() *awsquery.Service { return iamshapes.Service }

func (c *callerIAM) Handle(_ context.Context, caller *authz.Caller, _ *awsquery.Operation, _ awsquery.Input) (awsquery.Output, error) {
	c.seen = caller
	return &iamshapes.GetUserOutput{User: iamshapes.User{UserName: "x", Path: "/"}}, nil
}

// Temporary credentials from the real store authenticate with their own
// token until they expire, and then answer ExpiredToken.
func TestSessionCredentials(t *testing.T) {
	var mu sync.Mutex
	now := time.Now().UTC().Truncate(time.Second)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	st, err := sqlstore.Open(t.Context(), t.TempDir(), sqlstore.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	boot, err := st.Bootstrap(t.Context(), warden.BootstrapInput{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	acct := boot.Account.ID
	role, err := st.CreateRole(t.Context(), acct, warden.CreateRoleInput{Name: "r",
		AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + acct + `"},"Action":"sts:AssumeRole"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := st.CreateSession(t.Context(), warden.CreateSessionInput{Kind: warden.SessionAssumedRole, Name: "s", Duration: 15 * time.Minute,
		Parent: warden.Principal{Kind: warden.PrincipalRole, AccountID: acct, ARN: role.ARN, ID: role.ID, Name: role.Name, Path: role.Path}})
	if err != nil {
		t.Fatal(err)
	}
	api := &callerIAM{}
	srv := NewServer(Config{Source: st, Keys: st, APIs: []QueryAPI{api}, Logger: slog.New(slog.DiscardHandler), Now: clock})
	defer srv.Close(t.Context())

	body := "Action=GetUser&Version=2010-05-08&UserName=x"
	send := func(creds aws.Credentials) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4599/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		sum := sha256.Sum256([]byte(body))
		if err := v4.NewSigner().SignHTTP(t.Context(), creds, r, hex.EncodeToString(sum[:]), "iam", "us-east-1", clock()); err != nil {
			t.Fatal(err)
		}
		r.Body = io.NopCloser(strings.NewReader(body))
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		return w
	}
	good := aws.Credentials{AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionToken: sess.Token}

	w := send(good)
	if w.Code != http.StatusOK {
		t.Fatalf("session credentials: %d %s", w.Code, w.Body)
	}
	if c := api.seen; c.Principal.ARN != "arn:aws:sts::"+acct+":assumed-role/r/s" || !c.Temporary || c.AccessKeyID != sess.AccessKeyID {
		t.Errorf("caller = %+v (principal %+v)", c, c.Principal)
	}
	for name, creds := range map[string]aws.Credentials{
		"another token":      {AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionToken: warden.NewSessionToken()},
		"no token":           {AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey},
		"the token's digest": {AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionToken: hex.EncodeToString(sess.TokenSHA256[:])},
	} {
		if w := send(creds); w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "<Code>InvalidClientTokenId</Code>") {
			t.Errorf("%s: %d %s", name, w.Code, w.Body)
		}
	}

	mu.Lock()
	now = now.Add(15 * time.Minute)
	mu.Unlock()
	if w := send(good); w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "<Code>ExpiredToken</Code>") {
		t.Errorf("expired session: %d %s", w.Code, w.Body)
	}
}
