package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testCredentials = `# comment
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = default-secret

[clinic]
aws_access_key_id=AKIDCLINIC
aws_secret_access_key = clinic-secret
aws_session_token = clinic-token
`

const testConfig = `[default]
region = eu-west-1
[profile clinic]
region = us-east-1
endpoint_url = http://127.0.0.1:4599
s3 =
    addressing_style = path
[profile keys-in-config]
aws_access_key_id = AKIDCONFIG
aws_secret_access_key = config-secret
region = ap-south-1
endpoint_url = http://localhost:1
`

// The aws CLI's order: --profile, then the key variables, then
// AWS_PROFILE; keys from the credentials file, then the config file.
func TestRestClientResolvesLikeTheCLI(t *testing.T) {
	dir := t.TempDir()
	cred, conf := filepath.Join(dir, "credentials"), filepath.Join(dir, "config")
	if err := os.WriteFile(cred, []byte(testCredentials), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte(testConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"AWS_SHARED_CREDENTIALS_FILE": cred, "AWS_CONFIG_FILE": conf}
	for _, tt := range []struct {
		name                     string
		env                      map[string]string
		flags                    clientFlags
		key, token, region, host string
		fail                     string
	}{
		{name: "AWS_PROFILE", env: map[string]string{"AWS_PROFILE": "clinic"},
			key: "AKIDCLINIC", token: "clinic-token", region: "us-east-1", host: "127.0.0.1:4599"},
		{name: "key variables beat AWS_PROFILE", env: map[string]string{"AWS_PROFILE": "clinic", "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"},
			key: "AKIDENV", region: "us-east-1", host: "127.0.0.1:4599"},
		{name: "--profile beats key variables", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"},
			flags: clientFlags{profile: "clinic", region: "us-west-2", endpoint: "https://example.test"},
			key:   "AKIDCLINIC", token: "clinic-token", region: "us-west-2", host: "example.test"},
		{name: "keys in the config file", env: map[string]string{"AWS_PROFILE": "keys-in-config"},
			key: "AKIDCONFIG", region: "ap-south-1", host: "localhost:1"},
		{name: "AWS_REGION and AWS_ENDPOINT_URL", env: map[string]string{"AWS_REGION": "us-east-2", "AWS_ENDPOINT_URL": "http://[::1]:9"},
			key: "AKIDDEFAULT", region: "us-east-2", host: "[::1]:9"},
		{name: "no endpoint", fail: "--endpoint-url"},
		{name: "no such profile", env: map[string]string{"AWS_PROFILE": "nobody"}, fail: `unable to locate credentials for profile "nobody"`},
		{name: "bad endpoint", flags: clientFlags{endpoint: "ftp://x"}, fail: "invalid endpoint"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := &Main{Getenv: func(k string) string {
				if v, ok := tt.env[k]; ok {
					return v
				}
				return files[k]
			}}
			c, err := m.newRestClient(tt.flags, "health-agent")
			if tt.fail != "" {
				if err == nil || !strings.Contains(err.Error(), tt.fail) {
					t.Fatalf("err = %v; want %q", err, tt.fail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.creds.AccessKeyID != tt.key || c.creds.SessionToken != tt.token || c.region != tt.region || c.endpoint.Host != tt.host {
				t.Errorf("got key %s token %q region %s host %s", c.creds.AccessKeyID, c.creds.SessionToken, c.region, c.endpoint.Host)
			}
		})
	}
}

// The error codes of restJson1 responses, as the SDKs read them.
func TestRestClientErrors(t *testing.T) {
	for _, tt := range []struct {
		header, body, code, msg string
	}{
		{"ConflictException:http://internal.amazon.com/", `{"message":"busy"}`, "ConflictException", "busy"},
		{"", `{"__type":"com.example#ValidationException","Message":"bad"}`, "ValidationException", "bad"},
		{"", `{"code":"ThrottlingException"}`, "ThrottlingException", "Too Many Requests"},
		{"", `not json`, "429", "Too Many Requests"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDDEFAULT/") {
				t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
			}
			if tt.header != "" {
				w.Header().Set("X-Amzn-ErrorType", tt.header)
			}
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(tt.body))
		}))
		m := &Main{Getenv: func(k string) string {
			return map[string]string{"AWS_ACCESS_KEY_ID": "AKIDDEFAULT", "AWS_SECRET_ACCESS_KEY": "s", "AWS_REGION": "us-east-1"}[k]
		}}
		c, err := m.newRestClient(clientFlags{endpoint: srv.URL}, "health-agent")
		if err != nil {
			t.Fatal(err)
		}
		err = c.do(t.Context(), restRequest{operation: "GetAgent", method: http.MethodGet, path: "/x"}, nil)
		srv.Close()
		want := "An error occurred (" + tt.code + ") when calling the GetAgent operation: " + tt.msg
		if err == nil || err.Error() != want {
			t.Errorf("%s %s: err = %v; want %s", tt.header, tt.body, err, want)
		}
	}
}

func FuzzParseProfile(f *testing.F) {
	f.Add([]byte(testCredentials), "clinic", false)
	f.Add([]byte(testConfig), "clinic", true)
	f.Add([]byte("[default\nk=v\n[ default ]\n\tx=y\n=\n"), "default", true)
	f.Fuzz(func(t *testing.T, data []byte, profile string, config bool) {
		for k := range parseProfile(data, profile, config) {
			if k != strings.ToLower(k) || k != strings.TrimSpace(k) {
				t.Fatalf("key %q is not normalised", k)
			}
		}
	})
}
