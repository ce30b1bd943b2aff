package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/spf13/pflag"
)

// clientFlags are the aws CLI's global options that a `warden` client
// command takes too.
type clientFlags struct {
	endpoint string
	region   string
	profile  string
}

func (f *clientFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.endpoint, "endpoint-url", "", "endpoint to send requests to (default: AWS_ENDPOINT_URL, then the profile's endpoint_url)")
	fs.StringVar(&f.region, "region", "", "region to sign requests for (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region)")
	fs.StringVar(&f.profile, "profile", "", "named profile of the shared credentials and config files (default: AWS_PROFILE, then default)")
}

// restClient sends restJson1 requests signed with Signature Version 4, as
// the AWS SDKs send them, for the APIs the aws CLI has no commands for.
type restClient struct {
	endpoint *url.URL
	region   string
	service  string // the signing name
	creds    aws.Credentials
	http     *http.Client
	now      func() time.Time
}

// newRestClient resolves the endpoint, region and credentials the way the
// aws CLI does (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
// and cli-configure-envvars.html): a --profile flag wins over the
// AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY variables, which win over
// AWS_PROFILE; a profile's keys come from the shared credentials file
// first, then from the config file.
func (m *Main) newRestClient(f clientFlags, service string) (*restClient, error) {
	env := m.Getenv
	profile := f.profile
	if profile == "" {
		profile = env("AWS_PROFILE")
	}
	if profile == "" {
		profile = "default"
	}
	home := env("HOME")
	credPath := env("AWS_SHARED_CREDENTIALS_FILE")
	if credPath == "" && home != "" {
		credPath = filepath.Join(home, ".aws", "credentials")
	}
	confPath := env("AWS_CONFIG_FILE")
	if confPath == "" && home != "" {
		confPath = filepath.Join(home, ".aws", "config")
	}
	creds, err := readProfileFile(credPath, profile, false)
	if err != nil {
		return nil, err
	}
	conf, err := readProfileFile(confPath, profile, true)
	if err != nil {
		return nil, err
	}

	c := &restClient{service: service, http: http.DefaultClient, now: time.Now}
	switch {
	case f.profile == "" && env("AWS_ACCESS_KEY_ID") != "" && env("AWS_SECRET_ACCESS_KEY") != "":
		c.creds = aws.Credentials{AccessKeyID: env("AWS_ACCESS_KEY_ID"), SecretAccessKey: env("AWS_SECRET_ACCESS_KEY"),
			SessionToken: env("AWS_SESSION_TOKEN")}
	case creds["aws_access_key_id"] != "" && creds["aws_secret_access_key"] != "":
		c.creds = aws.Credentials{AccessKeyID: creds["aws_access_key_id"], SecretAccessKey: creds["aws_secret_access_key"],
			SessionToken: creds["aws_session_token"]}
	case conf["aws_access_key_id"] != "" && conf["aws_secret_access_key"] != "":
		c.creds = aws.Credentials{AccessKeyID: conf["aws_access_key_id"], SecretAccessKey: conf["aws_secret_access_key"],
			SessionToken: conf["aws_session_token"]}
	default:
		return nil, fmt.Errorf("unable to locate credentials for profile %q: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_SHARED_CREDENTIALS_FILE and AWS_PROFILE", profile)
	}

	c.region = firstNonEmpty(f.region, env("AWS_REGION"), env("AWS_DEFAULT_REGION"), conf["region"])
	if c.region == "" {
		return nil, usagef("you must specify a region: --region, AWS_REGION or the profile's region")
	}
	endpoint := firstNonEmpty(f.endpoint, env("AWS_ENDPOINT_URL"), conf["endpoint_url"])
	if endpoint == "" {
		return nil, usagef("no endpoint: pass --endpoint-url (the API is Warden's own; AWS does not serve it)")
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef("invalid endpoint %q: want http://HOST[:PORT] or https://HOST[:PORT]", endpoint)
	}
	c.endpoint = u
	return c, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// readProfileFile reads one profile's settings from an AWS shared
// credentials file (sections [NAME]) or config file (sections
// [profile NAME], and [default]). A missing file holds no settings.
func readProfileFile(path, profile string, config bool) (map[string]string, error) {
	if path == "" {
		return map[string]string{}, nil
	}
	data, err := readFileIfExists(path)
	if err != nil {
		return nil, err
	}
	return parseProfile(data, profile, config), nil
}

// parseProfile extracts one profile's key = value settings from the INI
// text of a shared credentials or config file. Comments (# and ;), blank
// lines and indented continuation lines (nested settings such as s3 =)
// are skipped; keys are lower-cased, as the CLI matches them.
func parseProfile(data []byte, profile string, config bool) map[string]string {
	want := profile
	if config && profile != "default" {
		want = "profile " + profile
	}
	out := map[string]string{}
	in := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		raw := sc.Text()
		line := strings.TrimSpace(raw)
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case line[0] == '[':
			name, ok := strings.CutSuffix(line[1:], "]")
			in = ok && strings.Join(strings.Fields(name), " ") == want
			continue
		case !in || raw[0] == ' ' || raw[0] == '\t':
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return out
}

// apiError is an error an AWS API answered with; it prints as the aws
// CLI prints it, and `warden` exits with the CLI's status for it.
type apiError struct {
	Code      string
	Operation string
	Message   string
	Status    int
}

func (e *apiError) Error() string {
	return fmt.Sprintf("An error occurred (%s) when calling the %s operation: %s", e.Code, e.Operation, e.Message)
}

// apiErrorExit is the aws CLI's exit status for an error the service
// returned (https://docs.aws.amazon.com/cli/latest/topic/return-codes.html).
const apiErrorExit = 254

// restRequest is one restJson1 call: path and query already carry the
// operation's bound members, body its JSON payload (nil for none).
type restRequest struct {
	operation string
	method    string
	path      string
	query     url.Values
	body      any
}

// do sends the request and decodes a JSON response into out (when out is
// non-nil). An error response comes back as *apiError.
func (c *restClient) do(ctx context.Context, req restRequest, out any) error {
	var payload []byte
	if req.body != nil {
		var err error
		if payload, err = json.Marshal(req.body); err != nil {
			return err
		}
	}
	u := *c.endpoint
	u.Path = strings.TrimSuffix(u.Path, "/") + req.path
	u.RawPath = ""
	u.RawQuery = req.query.Encode()
	r, err := http.NewRequestWithContext(ctx, req.method, u.String(), bytes.NewReader(payload))
	if err != nil {
		return err
	}
	if payload != nil {
		r.Header.Set("Content-Type", "application/json")
	} else {
		r.Body, r.ContentLength = http.NoBody, 0
	}
	sum := sha256.Sum256(payload)
	if err := v4.NewSigner().SignHTTP(ctx, c.creds, r, hex.EncodeToString(sum[:]), c.service, c.region, c.now()); err != nil {
		return err
	}
	resp, err := c.http.Do(r)
	if err != nil {
		return fmt.Errorf("could not connect to the endpoint URL %q: %w", c.endpoint.String(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return responseError(req.operation, resp, body)
	}
	if out == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s: the response is not JSON: %w", req.operation, err)
	}
	return nil
}

// responseError reads a restJson1 error response: the code from
// X-Amzn-ErrorType, else the body's __type or code, trimmed as the SDKs
// trim it (no ":…" suffix, no "namespace#" prefix)
// (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html#operation-error-serialization).
func responseError(operation string, resp *http.Response, body []byte) error {
	var doc struct {
		Type     string `json:"__type"`
		Code     string `json:"code"`
		Message  string `json:"message"`
		MessageU string `json:"Message"`
	}
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); strings.Contains(ct, "json") || json.Valid(body) {
		_ = json.Unmarshal(body, &doc)
	}
	code := firstNonEmpty(resp.Header.Get("X-Amzn-ErrorType"), doc.Type, doc.Code)
	code, _, _ = strings.Cut(code, ":")
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if code == "" {
		code = fmt.Sprint(resp.StatusCode)
	}
	msg := firstNonEmpty(doc.Message, doc.MessageU)
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	return &apiError{Code: code, Operation: operation, Message: msg, Status: resp.StatusCode}
}

// printJSON prints a response as the aws CLI's json output does: indented
// by four spaces, nothing for an empty response.
func printJSON(w io.Writer, v any) error {
	if v == nil {
		return nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if s := strings.TrimSpace(b.String()); s == "{}" || s == "null" {
		return nil
	}
	_, err := w.Write(b.Bytes())
	return err
}

// readFileIfExists reads a file, nil when there is none.
func readFileIfExists(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}
