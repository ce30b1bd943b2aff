package awsquery_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/awsquery"
	"github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/iamapi/stsshapes"
)

// fakeServer answers a few IAM and STS operations from memory through the
// awsquery runtime, as the real handlers will, and records each decoded
// input for the test to inspect.
type fakeServer struct {
	users []iamshapes.User

	mu     sync.Mutex
	inputs []awsquery.Input
}

func (s *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	svc := iamshapes.Service
	body, err := io.ReadAll(r.Body)
	if err != nil {
		svc.WriteError(w, requestID, err)
		return
	}
	req, err := awsquery.Parse(r, body)
	if err != nil {
		svc.WriteError(w, requestID, err)
		return
	}
	if req.Version == stsshapes.Service.Version {
		svc = stsshapes.Service
	}
	op, err := svc.Operation(req.Action, req.Version)
	if err != nil {
		svc.WriteError(w, requestID, err)
		return
	}
	in := op.NewInput()
	if err := awsquery.Decode(req.Params, in); err != nil {
		svc.WriteError(w, requestID, err)
		return
	}
	s.mu.Lock()
	s.inputs = append(s.inputs, in)
	s.mu.Unlock()
	out, err := s.serve(in)
	if err != nil {
		svc.WriteError(w, requestID, err)
		return
	}
	svc.WriteResponse(w, op, requestID, out)
}

func (s *fakeServer) serve(in awsquery.Input) (awsquery.Output, error) {
	switch in := in.(type) {
	case *iamshapes.CreateUserInput:
		return &iamshapes.CreateUserOutput{User: &iamshapes.User{
			Path:       *in.Path,
			UserName:   in.UserName,
			UserId:     "AIDAEXAMPLE" + in.UserName,
			Arn:        "arn:aws:iam::123456789012:user" + *in.Path + in.UserName,
			CreateDate: created,
			Tags:       in.Tags,
		}}, nil
	case *iamshapes.ListUsersInput:
		start := 0
		if in.Marker != nil {
			start, _ = strconv.Atoi(*in.Marker)
		}
		end := min(start+int(*in.MaxItems), len(s.users))
		out := &iamshapes.ListUsersOutput{Users: s.users[start:end]}
		if end < len(s.users) {
			out.IsTruncated, out.Marker = true, new(strconv.Itoa(end))
		}
		return out, nil
	case *iamshapes.GetUserPolicyInput:
		return &iamshapes.GetUserPolicyOutput{UserName: in.UserName, PolicyName: in.PolicyName, PolicyDocument: policyDocument}, nil
	case *iamshapes.GetUserInput:
		return nil, warden.Errorf(warden.ENoSuchEntity, "The user with name %s cannot be found.", *in.UserName)
	case *iamshapes.DeleteUserInput:
		return nil, nil
	case *iamshapes.GetAccountSummaryInput:
		return &iamshapes.GetAccountSummaryOutput{SummaryMap: map[iamshapes.SummaryKeyType]int32{
			iamshapes.SummaryKeyTypeUsers: int32(len(s.users)), iamshapes.SummaryKeyTypeUsersQuota: 5000,
		}}, nil
	case *stsshapes.GetCallerIdentityInput:
		return &stsshapes.GetCallerIdentityOutput{
			UserId: new("AIDAEXAMPLE"), Account: new("123456789012"), Arn: new("arn:aws:iam::123456789012:user/alice"),
		}, nil
	}
	return nil, errors.New("fake server: operation not faked")
}

func (s *fakeServer) lastInput() awsquery.Input {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inputs[len(s.inputs)-1]
}

func newSDKClients(t *testing.T) (*fakeServer, *iam.Client, *sts.Client) {
	t.Helper()
	fake := &fakeServer{}
	for i := range 5 {
		u := alice()
		u.UserName = "user" + strconv.Itoa(i)
		fake.users = append(fake.users, u)
	}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	creds := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "")
	iamClient := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: creds, HTTPClient: srv.Client()})
	stsClient := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: creds, HTTPClient: srv.Client()})
	return fake, iamClient, stsClient
}

// TestSDKRoundTrip drives the runtime with the AWS SDK for Go v2: the
// decoder must see what the SDK sends and the SDK must read what the
// encoder writes.
func TestSDKRoundTrip(t *testing.T) {
	fake, client, stsClient := newSDKClients(t)
	ctx := t.Context()

	t.Run("CreateUser", func(t *testing.T) {
		out, err := client.CreateUser(ctx, &iam.CreateUserInput{
			UserName:            aws.String("carol"),
			Path:                aws.String("/eng/"),
			PermissionsBoundary: aws.String("arn:aws:iam::123456789012:policy/boundary"),
			Tags:                []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("core")}, {Key: aws.String("cost center"), Value: aws.String("")}},
		})
		if err != nil {
			t.Fatal(err)
		}
		wantIn := &iamshapes.CreateUserInput{
			UserName:            "carol",
			Path:                new("/eng/"),
			PermissionsBoundary: new("arn:aws:iam::123456789012:policy/boundary"),
			Tags:                []iamshapes.Tag{{Key: "team", Value: "core"}, {Key: "cost center", Value: ""}},
		}
		if diff := cmp.Diff(wantIn, fake.lastInput()); diff != "" {
			t.Errorf("server decoded (-want +got):\n%s", diff)
		}
		u := out.User
		if aws.ToString(u.UserName) != "carol" || aws.ToString(u.Path) != "/eng/" ||
			aws.ToString(u.Arn) != "arn:aws:iam::123456789012:user/eng/carol" || !aws.ToTime(u.CreateDate).Equal(created) {
			t.Errorf("SDK read User = %+v", u)
		}
		if len(u.Tags) != 2 || aws.ToString(u.Tags[1].Key) != "cost center" || aws.ToString(u.Tags[1].Value) != "" {
			t.Errorf("SDK read Tags = %+v", u.Tags)
		}
	})

	t.Run("ListUsersPaginated", func(t *testing.T) {
		var names []string
		pages := 0
		p := iam.NewListUsersPaginator(client, &iam.ListUsersInput{MaxItems: aws.Int32(2)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, u := range page.Users {
				names = append(names, aws.ToString(u.UserName))
			}
		}
		if want := []string{"user0", "user1", "user2", "user3", "user4"}; !cmp.Equal(names, want) || pages != 3 {
			t.Errorf("paginated %d pages of %v, want 3 pages of %v", pages, names, want)
		}
		if in := fake.lastInput().(*iamshapes.ListUsersInput); aws.ToString(in.Marker) != "4" || aws.ToInt32(in.MaxItems) != 2 {
			t.Errorf("last ListUsers input = %+v", in)
		}
	})

	t.Run("GetUserPolicyURLEncoded", func(t *testing.T) {
		out, err := client.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("s3-access")})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := url.PathUnescape(aws.ToString(out.PolicyDocument))
		if err != nil || doc != policyDocument {
			t.Errorf("PolicyDocument decodes to %q, %v; want %q", doc, err, policyDocument)
		}
		if in := fake.lastInput().(*iamshapes.GetUserPolicyInput); in.PolicyName != "s3-access" {
			t.Errorf("server decoded PolicyName %q", in.PolicyName)
		}
	})

	t.Run("EmptyResult", func(t *testing.T) {
		if _, err := client.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("carol")}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Map", func(t *testing.T) {
		out, err := client.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int32{"Users": 5, "UsersQuota": 5000}; !cmp.Equal(out.SummaryMap, want) {
			t.Errorf("SummaryMap = %v, want %v", out.SummaryMap, want)
		}
	})

	t.Run("ModeledError", func(t *testing.T) {
		_, err := client.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
		noSuch, ok := errors.AsType[*iamtypes.NoSuchEntityException](err)
		if !ok {
			t.Fatalf("GetUser error = %v, want NoSuchEntityException", err)
		}
		if got := noSuch.ErrorMessage(); got != "The user with name nobody cannot be found." {
			t.Errorf("message = %q", got)
		}
		if re, ok := errors.AsType[*awshttp.ResponseError](err); !ok || re.HTTPStatusCode() != http.StatusNotFound || re.ServiceRequestID() != requestID {
			t.Errorf("response error = %v", err)
		}
	})

	t.Run("ValidationError", func(t *testing.T) {
		_, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("no spaces allowed")})
		apiErr, ok := errors.AsType[smithy.APIError](err)
		if !ok || apiErr.ErrorCode() != warden.EValidationError {
			t.Fatalf("CreateUser error = %v, want ValidationError", err)
		}
		want := `1 validation error detected: Value 'no spaces allowed' at 'userName' failed to satisfy constraint: ` +
			`Member must satisfy regular expression pattern: [\w+=,.@-]+`
		if apiErr.ErrorMessage() != want {
			t.Errorf("message = %q, want %q", apiErr.ErrorMessage(), want)
		}
	})

	t.Run("STSGetCallerIdentity", func(t *testing.T) {
		out, err := stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.Account) != "123456789012" || aws.ToString(out.Arn) != "arn:aws:iam::123456789012:user/alice" {
			t.Errorf("GetCallerIdentity = %+v", out)
		}
	})
}
