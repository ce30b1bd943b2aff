package restjson_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

// fakeHealth answers a few Connect Health operations from memory through
// the restjson runtime, as the real handlers will, without authentication.
type fakeHealth struct {
	mu      sync.Mutex
	domains []*healthshapes.GetDomainOutput
	paths   []string // the escaped paths of the requests, in order
}

func (s *fakeHealth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	svc := healthshapes.Service
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paths = append(s.paths, r.Method+" "+r.URL.EscapedPath())
	body, err := io.ReadAll(r.Body)
	if err != nil {
		svc.WriteError(w, requestID, err)
		return
	}
	m, err := svc.Route(r)
	if err != nil {
		svc.WriteError(w, requestID, err)
		return
	}
	in := m.Operation.NewInput()
	if err := restjson.Decode(r, body, m, in); err != nil {
		svc.WriteError(w, requestID, err)
		return
	}
	out, err := s.handle(in)
	if err != nil {
		svc.WriteError(w, requestID, err)
		return
	}
	svc.WriteResponse(w, m.Operation, requestID, out)
}

// seenPaths returns the requests' paths so far; the server goroutines may
// still be appending.
func (s *fakeHealth) seenPaths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.paths)
}

func (s *fakeHealth) handle(in restjson.Input) (restjson.Output, error) {
	switch in := in.(type) {
	case *healthshapes.CreateDomainInput:
		if in.Name == "forbidden" {
			return nil, warden.Errorf(warden.EAccessDenied, "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: health-agent:CreateDomain")
		}
		if len(s.domains) == 2 {
			return nil, warden.Errorf(warden.ELimitExceeded, "You have reached the quota of domains.")
		}
		id := fmt.Sprintf("dom-%016d", len(s.domains)+1)
		d := &healthshapes.GetDomainOutput{
			DomainId: id, Arn: "arn:aws:health-agent:us-east-1:123456789012:domain/" + id, Name: in.Name,
			Status: healthshapes.DomainStatusActive, CreatedAt: created.Add(time.Duration(len(s.domains)) * 1500 * time.Millisecond),
			KmsKeyArn: in.KmsKeyArn, Tags: in.Tags,
		}
		s.domains = append(s.domains, d)
		return &healthshapes.CreateDomainOutput{
			DomainId: d.DomainId, Arn: d.Arn, Name: d.Name, Status: d.Status, CreatedAt: d.CreatedAt, KmsKeyArn: d.KmsKeyArn,
		}, nil
	case *healthshapes.GetDomainInput:
		d, err := s.domain(in.DomainId)
		return d, err
	case *healthshapes.ListDomainsInput:
		out := &healthshapes.ListDomainsOutput{}
		for _, d := range s.domains {
			if in.Status == nil || *in.Status == d.Status {
				out.Domains = append(out.Domains, healthshapes.DomainSummary{DomainId: d.DomainId, Arn: d.Arn, Name: d.Name, Status: d.Status, CreatedAt: d.CreatedAt})
			}
		}
		return out, nil
	case *healthshapes.TagResourceInput:
		d, err := s.domainByARN(in.ResourceArn)
		if err != nil {
			return nil, err
		}
		if d.Tags == nil {
			d.Tags = map[string]string{}
		}
		maps.Copy(d.Tags, in.Tags)
		return nil, nil
	case *healthshapes.UntagResourceInput:
		d, err := s.domainByARN(in.ResourceArn)
		if err != nil {
			return nil, err
		}
		for _, k := range in.TagKeys {
			delete(d.Tags, k)
		}
		return nil, nil
	case *healthshapes.ListTagsForResourceInput:
		d, err := s.domainByARN(in.ResourceArn)
		if err != nil {
			return nil, err
		}
		return &healthshapes.ListTagsForResourceOutput{Tags: d.Tags}, nil
	}
	return nil, warden.Errorf(warden.ENotImplemented, "The fake does not serve this operation.")
}

func (s *fakeHealth) domain(id string) (*healthshapes.GetDomainOutput, error) {
	for _, d := range s.domains {
		if d.DomainId == id {
			return d, nil
		}
	}
	return nil, warden.Errorf(warden.ENoSuchEntity, "Domain %s was not found.", id)
}

func (s *fakeHealth) domainByARN(arn string) (*healthshapes.GetDomainOutput, error) {
	for _, d := range s.domains {
		if d.Arn == arn {
			return d, nil
		}
	}
	return nil, warden.Errorf(warden.ENoSuchEntity, "Resource %s was not found.", arn)
}

// awsCLI runs the real aws CLI against endpoint with dummy credentials and
// nothing from the user's configuration.
func awsCLI(t *testing.T, endpoint string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	bin, lookErr := exec.LookPath("aws")
	if lookErr != nil {
		t.Fatalf("the aws CLI is needed for this test (.ci/run installs it with pip): %v", lookErr)
	}
	cmd := exec.CommandContext(t.Context(), bin, append([]string{"--endpoint-url", endpoint, "--output", "json", "connecthealth"}, args...)...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"AWS_ACCESS_KEY_ID=AKIAEXAMPLEEXAMPLE00",
		"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_DISABLE_HOST_PREFIX_INJECTION=true",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_MAX_ATTEMPTS=1",
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// TestAWSCLI drives the fake with the real aws CLI (botocore's model of
// Connect Health): the CLI must build requests the router and decoder
// accept and parse every response and error the runtime writes. Version 1
// of the CLI prints timestamps as the epoch seconds it received.
func TestAWSCLI(t *testing.T) {
	fake := &fakeHealth{}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	run := func(t *testing.T, into any, args ...string) {
		t.Helper()
		stdout, stderr, err := awsCLI(t, srv.URL, args...)
		if err != nil {
			t.Fatalf("aws connecthealth %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		if into != nil {
			if err := json.Unmarshal([]byte(stdout), into); err != nil {
				t.Fatalf("aws connecthealth %s printed %q: %v", args[0], stdout, err)
			}
		}
	}
	fail := func(t *testing.T, args ...string) string {
		t.Helper()
		_, stderr, err := awsCLI(t, srv.URL, args...)
		if err == nil {
			t.Fatalf("aws connecthealth %s succeeded", strings.Join(args, " "))
		}
		return stderr
	}

	var created struct {
		DomainID  string  `json:"domainId"`
		Arn       string  `json:"arn"`
		Status    string  `json:"status"`
		CreatedAt float64 `json:"createdAt"`
		KmsKeyArn string  `json:"kmsKeyArn"`
	}
	run(t, &created, "create-domain", "--name", "clinic", "--tags", "team=care",
		"--kms-key-arn", "arn:aws:kms:us-east-1:123456789012:key/0a1b-2c3d")
	if created.DomainID != "dom-0000000000000001" || created.Status != "ACTIVE" || created.CreatedAt != 1714564800 ||
		created.KmsKeyArn != "arn:aws:kms:us-east-1:123456789012:key/0a1b-2c3d" {
		t.Errorf("create-domain printed %+v", created)
	}
	run(t, nil, "create-domain", "--name", "second")

	var got struct {
		Name string            `json:"name"`
		Tags map[string]string `json:"tags"`
	}
	run(t, &got, "get-domain", "--domain-id", created.DomainID)
	if got.Name != "clinic" || got.Tags["team"] != "care" {
		t.Errorf("get-domain printed %+v", got)
	}

	var list struct {
		Domains []struct {
			DomainID  string  `json:"domainId"`
			CreatedAt float64 `json:"createdAt"`
		} `json:"domains"`
	}
	run(t, &list, "list-domains", "--status", "ACTIVE", "--max-results", "10")
	if len(list.Domains) != 2 || list.Domains[1].DomainID != "dom-0000000000000002" || list.Domains[1].CreatedAt != 1714564801.5 {
		t.Errorf("list-domains printed %+v", list)
	}

	run(t, nil, "tag-resource", "--resource-arn", created.Arn, "--tags", "cost=1,env=prod")
	run(t, nil, "untag-resource", "--resource-arn", created.Arn, "--tag-keys", "team", "env")
	var tags struct {
		Tags map[string]string `json:"tags"`
	}
	run(t, &tags, "list-tags-for-resource", "--resource-arn", created.Arn)
	if !maps.Equal(tags.Tags, map[string]string{"cost": "1"}) {
		t.Errorf("list-tags-for-resource printed %v", tags.Tags)
	}
	// The CLI sends the ARN as one label, its ":" and "/" encoded.
	encodedARN := "/tags/arn%3Aaws%3Ahealth-agent%3Aus-east-1%3A123456789012%3Adomain%2F" + created.DomainID
	if paths := fake.seenPaths(); !slices.Contains(paths, "POST "+encodedARN) {
		t.Errorf("no tag-resource request to %s among %q", encodedARN, paths)
	}

	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"NotFound", []string{"get-domain", "--domain-id", "dom-0000000000000009"},
			"An error occurred (ResourceNotFoundException) when calling the GetDomain operation: Domain dom-0000000000000009 was not found."},
		{"Validation", []string{"create-domain", "--name", "x", "--kms-key-arn", "not-an-arn"},
			"An error occurred (ValidationException) when calling the CreateDomain operation: 1 validation error detected: Value 'not-an-arn' at 'kmsKeyArn' " +
				"failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]+$"},
		{"AccessDenied401", []string{"create-domain", "--name", "forbidden"},
			"An error occurred (AccessDeniedException) when calling the CreateDomain operation: User: arn:aws:iam::123456789012:user/alice is not authorized to perform: health-agent:CreateDomain"},
		{"Quota402", []string{"create-domain", "--name", "third"},
			"An error occurred (ServiceQuotaExceededException) when calling the CreateDomain operation: You have reached the quota of domains."},
		{"LabelValidation", []string{"get-domain", "--domain-id", "dom-UPPER-case-0000000"},
			"An error occurred (ValidationException) when calling the GetDomain operation: 1 validation error detected: Value 'dom-UPPER-case-0000000' at 'domainId' " +
				"failed to satisfy constraint: Member must satisfy regular expression pattern: ^(hai-|dom-)[a-z0-9]+$"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // none of these changes the fake's state
			if stderr := fail(t, tt.args...); !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %s\nwant it to contain %s", stderr, tt.want)
			}
		})
	}
}
