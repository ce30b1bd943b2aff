package awsquery_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/awsquery"
	"github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/iamapi/stsshapes"
)

// fuzzInputs returns fresh inputs covering every kind of member the
// decoder handles.
func fuzzInputs() []awsquery.Input {
	return []awsquery.Input{
		&iamshapes.CreateUserInput{},
		&iamshapes.ListPoliciesInput{},
		&iamshapes.SimulateCustomPolicyInput{},
		&iamshapes.UpdateAccountPasswordPolicyInput{},
		&stsshapes.AssumeRoleInput{},
		&sample{},
	}
}

// checkDecode decodes params into every fuzz input: decoding must not
// panic, may fail only with a ValidationError, and must report as unread
// only parameters that exist.
func checkDecode(t *testing.T, params *awsquery.Params) {
	for _, in := range fuzzInputs() {
		err := awsquery.Decode(params, in)
		if err != nil && warden.ErrorCode(err) != warden.EValidationError {
			t.Fatalf("Decode into %T: error %v is not a ValidationError", in, err)
		}
		if err != nil && !strings.Contains(warden.ErrorMessage(err), "validation error") {
			t.Fatalf("Decode into %T: message %q", in, warden.ErrorMessage(err))
		}
	}
	unread := params.Unread()
	if !slices.IsSorted(unread) || len(unread) > params.Len() {
		t.Fatalf("Unread() = %q of %d parameters", unread, params.Len())
	}
	for _, name := range unread {
		if _, ok := params.Get(name); !ok {
			t.Fatalf("Unread() names %q, which Get does not know", name)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(true, "application/x-www-form-urlencoded", "", "Action=CreateUser&Version=2010-05-08&UserName=alice&Tags.member.1.Key=a&Tags.member.1.Value=b")
	f.Add(true, "application/x-www-form-urlencoded; charset=utf-8", "Action=ListUsers", "Version=2010-05-08&MaxItems=abc")
	f.Add(false, "", "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Signature=0", "")
	f.Add(true, "text/plain", "Action=%zz", "Action=x")
	f.Add(true, "application/x-www-form-urlencoded", "", "Action=SimulateCustomPolicy&ContextEntries.member.2.ContextKeyValues.member.1=x&ContextEntries.member.999999999.ContextKeyName=y")
	f.Add(true, "application/x-www-form-urlencoded", "", "Action=A&Attrs.entry.1.key=k&Attrs.entry.1.value=1&Flat.01.K=x&Item.0=y&Tags=&Tags.member.1=z")
	f.Fuzz(func(t *testing.T, post bool, contentType, rawQuery, body string) {
		method := http.MethodGet
		if post {
			method = http.MethodPost
		}
		r := httptest.NewRequest(method, "/", nil)
		r.URL.RawQuery = rawQuery
		r.Header.Set("Content-Type", contentType)
		req, err := awsquery.Parse(r, []byte(body))
		if err != nil {
			if code := warden.ErrorCode(err); code != warden.EMissingAction && code != "MalformedQueryString" {
				t.Fatalf("Parse error %v has code %s", err, code)
			}
			return
		}
		if req.Action == "" {
			t.Fatal("Parse succeeded without an Action")
		}
		if _, ok := req.Params.Get("Action"); ok {
			t.Fatal("Action left among the parameters")
		}
		checkDecode(t, req.Params)
	})
}

func FuzzDecode(f *testing.F) {
	f.Add("UserName=alice&Path=%2F&Tags.member.1.Key=k&Tags.member.1.Value=v")
	f.Add("UserName=&Tags=&Tags.member.1.Key=k")
	f.Add("MaxItems=-1&OnlyAttached=tRuE&Scope=AWS&PolicyUsageFilter=x")
	f.Add("PolicyInputList.member.1=%7B%7D&ActionNames.member.10=a&ActionNames.member.2=b&ContextEntries.member.1.ContextKeyType=ip")
	f.Add("MinimumPasswordLength=5&RequireSymbols=false&MaxPasswordAge=99999999999")
	f.Add("RoleArn=arn&RoleSessionName=s&PolicyArns.member.1.arn=x&ProvidedContexts.member.1.ContextAssertion=y")
	f.Add("Attrs.entry.1.key=a&Attrs.entry.1.value=x&Flat.2.K=&Expires=2024-13-01T00%3A00%3A00Z&Data=%3D&Big=1e3")
	f.Fuzz(func(t *testing.T, form string) {
		values, err := url.ParseQuery(form)
		if err != nil {
			return
		}
		checkDecode(t, awsquery.NewParams(values))
	})
}

func BenchmarkParseDecodeCreateUser(b *testing.B) {
	body := []byte("Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2Feng%2F" +
		"&Tags.member.1.Key=team&Tags.member.1.Value=core&Tags.member.2.Key=env&Tags.member.2.Value=prod")
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	b.ReportAllocs()
	for b.Loop() {
		req, err := awsquery.Parse(r, body)
		if err != nil {
			b.Fatal(err)
		}
		op, err := iamshapes.Service.Operation(req.Action, req.Version)
		if err != nil {
			b.Fatal(err)
		}
		if err := awsquery.Decode(req.Params, op.NewInput()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteResponseListUsers100(b *testing.B) {
	out := &iamshapes.ListUsersOutput{IsTruncated: true, Marker: new("next")}
	for i := range 100 {
		u := bob()
		u.UserName += strconv.Itoa(i)
		out.Users = append(out.Users, u)
	}
	op := iamshapes.Service.Operations["ListUsers"]
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		iamshapes.Service.WriteResponse(rec, op, requestID, out)
	}
}

func BenchmarkWriteError(b *testing.B) {
	err := warden.Errorf(warden.ENoSuchEntity, "The user with name bob cannot be found.")
	b.ReportAllocs()
	for b.Loop() {
		iamshapes.Service.WriteError(httptest.NewRecorder(), requestID, err)
	}
}
