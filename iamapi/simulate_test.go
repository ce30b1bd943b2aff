package iamapi

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/policy"
)

// readOnlyWithDeny is the Connect Health "read-only with deny" example
// spread over lines, with a brace inside a string to test where statements
// end: the Deny statement runs from 9:5 to just past 14:5.
const readOnlyWithDeny = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["health-agent:GetDomain", "health-agent:ListAgents", "health-agent:GetAgent"],
      "Resource": "*"
    },
    {
      "Effect": "Deny",
      "Action": ["health-agent:DeleteDomain", "health-agent:DeleteAgent"],
      "Resource": "*",
      "Condition": {"StringNotEquals": {"aws:PrincipalTag/clearance": "ops}\"{"}}
    }
  ]
}`

// viewOwnUser is the "view own permissions" example's first statement.
const viewOwnUser = `{"Version":"2012-10-17","Statement":[{"Sid":"ViewOwnUserInfo","Effect":"Allow","Action":["iam:GetUser","iam:ListUserPolicies"],"Resource":["arn:aws:iam::*:user/${aws:username}"]}]}`

func simulateCustom(t testing.TB, f *identityFixture, in *s.SimulateCustomPolicyInput) (*s.SimulatePrincipalPolicyOutput, error) {
	t.Helper()
	return identityCall[*s.SimulatePrincipalPolicyOutput](t, f, f.root, "SimulateCustomPolicy", in)
}

func stringEntry(key string, values ...string) s.ContextEntry {
	typ := s.ContextKeyTypeEnumString
	if len(values) != 1 {
		typ = s.ContextKeyTypeEnumStringList
	}
	return s.ContextEntry{ContextKeyName: aws.String(key), ContextKeyValues: values, ContextKeyType: &typ}
}

func typedEntry(key string, typ s.ContextKeyTypeEnum, values ...string) s.ContextEntry {
	return s.ContextEntry{ContextKeyName: aws.String(key), ContextKeyValues: values, ContextKeyType: &typ}
}

// statementSummary renders a matched statement as "ID(type)@L:C-L:C".
func statementSummary(st s.Statement) string {
	typ := "-"
	if st.SourcePolicyType != nil {
		typ = string(*st.SourcePolicyType)
	}
	return aws.ToString(st.SourcePolicyId) + "(" + typ + ")@" +
		posString(st.StartPosition) + "-" + posString(st.EndPosition)
}

func posString(p *s.Position) string {
	if p == nil {
		return "nil"
	}
	b, _ := json.Marshal([2]int32{p.Line, p.Column})
	return strings.Trim(string(b), "[]")
}

func summaries(sts []s.Statement) []string {
	out := make([]string, len(sts))
	for i, st := range sts {
		out[i] = statementSummary(st)
	}
	return out
}

func TestSimulateCustomPolicyDecisions(t *testing.T) {
	f := newIdentityFixture(t)
	out, err := simulateCustom(t, f, &s.SimulateCustomPolicyInput{
		PolicyInputList: []string{readOnlyWithDeny},
		ActionNames:     []string{"health-agent:GetDomain", "health-agent:DeleteDomain", "health-agent:CreateAgent"},
	})
	mustOK(t, err)
	tests := []struct {
		action   string
		decision s.PolicyEvaluationDecisionType
		matched  []string
		missing  []string
	}{
		{"health-agent:GetDomain", s.PolicyEvaluationDecisionTypeAllowed, []string{"PolicyInputList.1(none)@4,5-8,6"}, []string{}},
		{"health-agent:DeleteDomain", s.PolicyEvaluationDecisionTypeExplicitDeny, []string{"PolicyInputList.1(none)@9,5-14,6"}, []string{"aws:PrincipalTag/clearance"}},
		{"health-agent:CreateAgent", s.PolicyEvaluationDecisionTypeImplicitDeny, []string{}, []string{}},
	}
	if len(out.EvaluationResults) != len(tests) || out.IsTruncated || out.Marker != nil {
		t.Fatalf("%d results (truncated %v)", len(out.EvaluationResults), out.IsTruncated)
	}
	for i, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			r := out.EvaluationResults[i]
			if r.EvalActionName != tt.action || aws.ToString(r.EvalResourceName) != "*" || r.EvalDecision != tt.decision {
				t.Errorf("result %s on %s: %s, want %s", r.EvalActionName, aws.ToString(r.EvalResourceName), r.EvalDecision, tt.decision)
			}
			if got := summaries(r.MatchedStatements); !slices.Equal(got, tt.matched) {
				t.Errorf("matched %v, want %v", got, tt.matched)
			}
			if !slices.Equal(r.MissingContextValues, tt.missing) {
				t.Errorf("missing %v, want %v", r.MissingContextValues, tt.missing)
			}
			// A same-account simulation of "*" carries neither resource
			// results nor decision details; no boundary, no boundary detail.
			if r.ResourceSpecificResults != nil || r.EvalDecisionDetails != nil || r.PermissionsBoundaryDecisionDetail != nil {
				t.Errorf("unexpected details: %+v", r)
			}
			if r.OrganizationsDecisionDetail == nil || !r.OrganizationsDecisionDetail.AllowedByOrganizations {
				t.Errorf("OrganizationsDecisionDetail %+v", r.OrganizationsDecisionDetail)
			}
		})
	}

	t.Run("context satisfying the deny's condition", func(t *testing.T) {
		out, err := simulateCustom(t, f, &s.SimulateCustomPolicyInput{
			PolicyInputList: []string{readOnlyWithDeny},
			ActionNames:     []string{"health-agent:DeleteDomain"},
			ContextEntries:  []s.ContextEntry{stringEntry("aws:principaltag/Clearance", `ops}"{`)},
		})
		mustOK(t, err)
		r := out.EvaluationResults[0]
		if r.EvalDecision != s.PolicyEvaluationDecisionTypeImplicitDeny || len(r.MatchedStatements) != 0 || len(r.MissingContextValues) != 0 {
			t.Errorf("DeleteDomain with clearance: %s %v missing %v", r.EvalDecision, summaries(r.MatchedStatements), r.MissingContextValues)
		}
	})
}

func TestSimulateCustomPolicyVariables(t *testing.T) {
	f := newIdentityFixture(t)
	alice := "arn:aws:iam::" + identityTestAccount + ":user/alice"
	tests := []struct {
		name     string
		resource string
		context  []s.ContextEntry
		want     s.PolicyEvaluationDecisionType
		missing  []string
	}{
		{"own user", alice, []s.ContextEntry{stringEntry("aws:username", "alice")}, s.PolicyEvaluationDecisionTypeAllowed, []string{}},
		{"another user", alice, []s.ContextEntry{stringEntry("aws:username", "bob")}, s.PolicyEvaluationDecisionTypeImplicitDeny, []string{}},
		{"no username", alice, nil, s.PolicyEvaluationDecisionTypeImplicitDeny, []string{"aws:username"}},
		{"no username on every resource", "*", nil, s.PolicyEvaluationDecisionTypeImplicitDeny, []string{"aws:username"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s.SimulateCustomPolicyInput{PolicyInputList: []string{viewOwnUser}, ActionNames: []string{"iam:GetUser"}, ContextEntries: tt.context}
			if tt.resource != "*" {
				in.ResourceArns = []string{tt.resource}
			}
			out, err := simulateCustom(t, f, in)
			mustOK(t, err)
			r := out.EvaluationResults[0]
			if r.EvalDecision != tt.want || aws.ToString(r.EvalResourceName) != tt.resource {
				t.Fatalf("GetUser on %s: %s, want %s", aws.ToString(r.EvalResourceName), r.EvalDecision, tt.want)
			}
			missing := r.MissingContextValues
			if tt.resource != "*" {
				// A named resource's missing keys are reported in its own
				// result, and the same-account details map is empty.
				if len(r.MissingContextValues) != 0 || r.EvalDecisionDetails == nil || len(r.EvalDecisionDetails) != 0 {
					t.Errorf("top level: missing %v, details %v", r.MissingContextValues, r.EvalDecisionDetails)
				}
				if len(r.ResourceSpecificResults) != 1 {
					t.Fatalf("resource results %+v", r.ResourceSpecificResults)
				}
				rs := r.ResourceSpecificResults[0]
				if rs.EvalResourceName != tt.resource || rs.EvalResourceDecision != tt.want {
					t.Errorf("resource result %+v", rs)
				}
				missing = rs.MissingContextValues
			}
			if !slices.Equal(missing, tt.missing) {
				t.Errorf("missing %v, want %v", missing, tt.missing)
			}
		})
	}
}

func TestSimulateContextEntryTypes(t *testing.T) {
	f := newIdentityFixture(t)
	conditioned := func(condition string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":` + condition + `}]}`
	}
	tests := []struct {
		name      string
		condition string
		entry     s.ContextEntry
		want      s.PolicyEvaluationDecisionType
	}{
		{"numeric", `{"NumericLessThan":{"s3:max-keys":"10"}}`, typedEntry("s3:max-keys", s.ContextKeyTypeEnumNumeric, "7"), s.PolicyEvaluationDecisionTypeAllowed},
		{"numeric too large", `{"NumericLessThan":{"s3:max-keys":"10"}}`, typedEntry("s3:max-keys", s.ContextKeyTypeEnumNumeric, "12"), s.PolicyEvaluationDecisionTypeImplicitDeny},
		{"boolean", `{"Bool":{"aws:SecureTransport":"true"}}`, typedEntry("aws:SecureTransport", s.ContextKeyTypeEnumBoolean, "TRUE"), s.PolicyEvaluationDecisionTypeAllowed},
		{"ip in range", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, typedEntry("aws:SourceIp", s.ContextKeyTypeEnumIp, "203.0.113.9"), s.PolicyEvaluationDecisionTypeAllowed},
		{"ip outside", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, typedEntry("aws:SourceIp", s.ContextKeyTypeEnumIp, "198.51.100.1"), s.PolicyEvaluationDecisionTypeImplicitDeny},
		{"date", `{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`, typedEntry("aws:CurrentTime", s.ContextKeyTypeEnumDate, "2025-06-01T12:00:00Z"), s.PolicyEvaluationDecisionTypeAllowed},
		{"binary", `{"BinaryEquals":{"s3:x-amz-content":"aGk="}}`, typedEntry("s3:x-amz-content", s.ContextKeyTypeEnumBinary, "aGk="), s.PolicyEvaluationDecisionTypeAllowed},
		// List types make multivalued keys, which set operators range over.
		{"list, every value allowed", `{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}`, stringEntry("aws:TagKeys", "env", "team"), s.PolicyEvaluationDecisionTypeAllowed},
		{"list, one value not allowed", `{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}`, stringEntry("aws:TagKeys", "env", "cost"), s.PolicyEvaluationDecisionTypeImplicitDeny},
		{"numeric list", `{"ForAnyValue:NumericEquals":{"s3:sizes":"3"}}`, typedEntry("s3:sizes", s.ContextKeyTypeEnumNumericList, "1", "3"), s.PolicyEvaluationDecisionTypeAllowed},
		{"list with one value stays multivalued", `{"StringEquals":{"aws:TagKeys":"team"}}`, typedEntry("aws:TagKeys", s.ContextKeyTypeEnumStringList, "team"), s.PolicyEvaluationDecisionTypeAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := simulateCustom(t, f, &s.SimulateCustomPolicyInput{
				PolicyInputList: []string{conditioned(tt.condition)},
				ActionNames:     []string{"s3:GetObject"},
				ContextEntries:  []s.ContextEntry{tt.entry},
			})
			mustOK(t, err)
			if got := out.EvaluationResults[0].EvalDecision; got != tt.want {
				t.Errorf("decision %s, want %s", got, tt.want)
			}
		})
	}

	invalid := []struct {
		name  string
		entry s.ContextEntry
		part  string
	}{
		{"no name", s.ContextEntry{ContextKeyValues: []string{"x"}}, "ContextKeyName"},
		{"two values for a single-valued type", typedEntry("aws:username", s.ContextKeyTypeEnumString, "a", "b"), "exactly one value"},
		{"no value for a single-valued type", typedEntry("aws:username", s.ContextKeyTypeEnumString), "exactly one value"},
		{"not a number", typedEntry("s3:max-keys", s.ContextKeyTypeEnumNumeric, "ten"), "not a valid numeric"},
		{"not a boolean", typedEntry("aws:SecureTransport", s.ContextKeyTypeEnumBoolean, "yes"), "not a valid boolean"},
		{"not an address", typedEntry("aws:SourceIp", s.ContextKeyTypeEnumIpList, "10.0.0.1", "10.0.0.300"), "not a valid ip"},
		{"not a date", typedEntry("aws:CurrentTime", s.ContextKeyTypeEnumDate, "yesterday"), "not a valid date"},
		{"not base64", typedEntry("s3:x", s.ContextKeyTypeEnumBinary, "!!"), "not a valid binary"},
	}
	for _, tt := range invalid {
		t.Run("invalid: "+tt.name, func(t *testing.T) {
			_, err := simulateCustom(t, f, &s.SimulateCustomPolicyInput{
				PolicyInputList: []string{conditioned(`{"Null":{"aws:username":"false"}}`)},
				ActionNames:     []string{"s3:GetObject"},
				ContextEntries:  []s.ContextEntry{tt.entry},
			})
			assertAWSErrorContains(t, err, warden.EInvalidInput, tt.part)
		})
	}
}

func TestSimulateBoundaryAndResourcePolicy(t *testing.T) {
	f := newIdentityFixture(t)
	s3All := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	readOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	bob := "arn:aws:iam::" + identityTestAccount + ":user/bob"
	stranger := "arn:aws:iam::210987654321:user/eve"
	bucketPolicy := `{"Version":"2012-10-17","Statement":[{"Sid":"Bob","Effect":"Allow","Principal":{"AWS":"` + bob + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::records/*"},` +
		`{"Sid":"Eve","Effect":"Allow","Principal":{"AWS":"` + stranger + `"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::records/*"}]}`
	const object = "arn:aws:s3:::records/chart.txt"

	t.Run("boundary limits the identity policy", func(t *testing.T) {
		out, err := simulateCustom(t, f, &s.SimulateCustomPolicyInput{
			PolicyInputList:                    []string{s3All},
			PermissionsBoundaryPolicyInputList: []string{readOnly},
			ActionNames:                        []string{"s3:GetObject", "s3:PutObject"},
		})
		mustOK(t, err)
		get, put := out.EvaluationResults[0], out.EvaluationResults[1]
		if get.EvalDecision != s.PolicyEvaluationDecisionTypeAllowed || !get.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary {
			t.Errorf("GetObject: %s, boundary %+v", get.EvalDecision, get.PermissionsBoundaryDecisionDetail)
		}
		want := []string{"PolicyInputList.1(none)@1,38-1,87", "PermissionsBoundaryPolicyInputList.1(none)@1,38-1,95"}
		if got := summaries(get.MatchedStatements); !slices.Equal(got, want) {
			t.Errorf("GetObject matched %v, want %v", got, want)
		}
		if put.EvalDecision != s.PolicyEvaluationDecisionTypeImplicitDeny || put.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary || len(put.MatchedStatements) != 0 {
			t.Errorf("PutObject: %s, boundary %+v, matched %v", put.EvalDecision, put.PermissionsBoundaryDecisionDetail, summaries(put.MatchedStatements))
		}
	})

	t.Run("only one boundary", func(t *testing.T) {
		_, err := simulateCustom(t, f, &s.SimulateCustomPolicyInput{
			PolicyInputList: []string{s3All}, PermissionsBoundaryPolicyInputList: []string{readOnly, readOnly}, ActionNames: []string{"s3:GetObject"},
		})
		assertAWSErrorContains(t, err, warden.EInvalidInput, "Only one permissions boundary")
	})

	t.Run("resource policy grants the caller in its account", func(t *testing.T) {
		out, err := simulateCustom(t, f, &s.SimulateCustomPolicyInput{
			PolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`},
			ResourcePolicy:  aws.String(bucketPolicy),
			CallerArn:       aws.String(bob),
			ActionNames:     []string{"s3:GetObject", "s3:PutObject"},
			ResourceArns:    []string{object},
		})
		mustOK(t, err)
		get, put := out.EvaluationResults[0], out.EvaluationResults[1]
		if get.EvalDecision != s.PolicyEvaluationDecisionTypeAllowed || len(get.MatchedStatements) != 1 ||
			aws.ToString(get.MatchedStatements[0].SourcePolicyId) != "ResourcePolicy" || *get.MatchedStatements[0].SourcePolicyType != s.PolicySourceTypeResource {
			t.Errorf("GetObject: %s %v", get.EvalDecision, summaries(get.MatchedStatements))
		}
		if put.EvalDecision != s.PolicyEvaluationDecisionTypeImplicitDeny {
			t.Errorf("PutObject: %s", put.EvalDecision)
		}
		if len(get.EvalDecisionDetails) != 0 || get.EvalDecisionDetails == nil {
			t.Errorf("same-account details %v", get.EvalDecisionDetails)
		}
	})

	t.Run("cross-account needs both sides", func(t *testing.T) {
		tests := []struct {
			action   string
			identity string
			want     s.PolicyEvaluationDecisionType
			details  map[string]s.PolicyEvaluationDecisionType
		}{
			{"s3:PutObject", s3All, s.PolicyEvaluationDecisionTypeAllowed, map[string]s.PolicyEvaluationDecisionType{detailIdentity: "allowed", detailResource: "allowed"}},
			{"s3:GetObject", s3All, s.PolicyEvaluationDecisionTypeImplicitDeny, map[string]s.PolicyEvaluationDecisionType{detailIdentity: "allowed", detailResource: "implicitDeny"}},
			{"s3:PutObject", readOnly, s.PolicyEvaluationDecisionTypeImplicitDeny, map[string]s.PolicyEvaluationDecisionType{detailIdentity: "implicitDeny", detailResource: "allowed"}},
		}
		for _, tt := range tests {
			out, err := simulateCustom(t, f, &s.SimulateCustomPolicyInput{
				PolicyInputList: []string{tt.identity},
				ResourcePolicy:  aws.String(bucketPolicy),
				ResourceOwner:   aws.String("arn:aws:iam::" + identityTestAccount + ":root"),
				CallerArn:       aws.String(stranger),
				ActionNames:     []string{tt.action},
				ResourceArns:    []string{object},
			})
			mustOK(t, err)
			r := out.EvaluationResults[0]
			if r.EvalDecision != tt.want {
				t.Errorf("%s: %s, want %s", tt.action, r.EvalDecision, tt.want)
			}
			if !maps.Equal(r.EvalDecisionDetails, tt.details) || !maps.Equal(r.ResourceSpecificResults[0].EvalDecisionDetails, tt.details) {
				t.Errorf("%s details %v / %v, want %v", tt.action, r.EvalDecisionDetails, r.ResourceSpecificResults[0].EvalDecisionDetails, tt.details)
			}
		}
	})

	invalid := []struct {
		name string
		in   *s.SimulateCustomPolicyInput
		code string
		part string
	}{
		{"resource policy without caller", &s.SimulateCustomPolicyInput{PolicyInputList: []string{s3All}, ResourcePolicy: aws.String(bucketPolicy), ActionNames: []string{"s3:GetObject"}}, warden.EInvalidInput, "CallerArn is required"},
		{"caller is a role", &s.SimulateCustomPolicyInput{PolicyInputList: []string{s3All}, CallerArn: aws.String("arn:aws:iam::" + identityTestAccount + ":role/r"), ActionNames: []string{"s3:GetObject"}}, warden.EInvalidInput, "not the ARN of an IAM user"},
		{"caller is not an ARN", &s.SimulateCustomPolicyInput{PolicyInputList: []string{s3All}, CallerArn: aws.String("bob"), ActionNames: []string{"s3:GetObject"}}, warden.EInvalidInput, "is not valid"},
		{"owner is not an account", &s.SimulateCustomPolicyInput{PolicyInputList: []string{s3All}, ResourceOwner: aws.String("arn:aws:iam::123456789012:user/x"), ActionNames: []string{"s3:GetObject"}}, warden.EInvalidInput, "ResourceOwner"},
		{"resource policy without principal", &s.SimulateCustomPolicyInput{PolicyInputList: []string{s3All}, ResourcePolicy: aws.String(readOnly), CallerArn: aws.String(bob), ActionNames: []string{"s3:GetObject"}}, warden.EMalformedPolicyDocument, "of ResourcePolicy"},
		{"identity policy with principal", &s.SimulateCustomPolicyInput{PolicyInputList: []string{s3All, bucketPolicy}, ActionNames: []string{"s3:GetObject"}}, warden.EMalformedPolicyDocument, "of PolicyInputList.2"},
		{"malformed identity policy", &s.SimulateCustomPolicyInput{PolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Action":"s3:*","Resource":"*"}]}`}, ActionNames: []string{"s3:GetObject"}}, warden.EMalformedPolicyDocument, "(at 1:38 Statement[0] of PolicyInputList.1)"},
		{"not JSON", &s.SimulateCustomPolicyInput{PolicyInputList: []string{`{"Version":`}, ActionNames: []string{"s3:GetObject"}}, warden.EMalformedPolicyDocument, "PolicyInputList.1"},
		{"wildcard action", &s.SimulateCustomPolicyInput{PolicyInputList: []string{s3All}, ActionNames: []string{"s3:Get*"}}, warden.EInvalidInput, "without wildcards"},
		{"action without service", &s.SimulateCustomPolicyInput{PolicyInputList: []string{s3All}, ActionNames: []string{"GetObject"}}, warden.EInvalidInput, "service:Action"},
		{"resource is not an ARN", &s.SimulateCustomPolicyInput{PolicyInputList: []string{s3All}, ActionNames: []string{"s3:GetObject"}, ResourceArns: []string{"records"}}, warden.EInvalidInput, "ARN records is not valid."},
	}
	for _, tt := range invalid {
		t.Run("invalid: "+tt.name, func(t *testing.T) {
			_, err := simulateCustom(t, f, tt.in)
			assertAWSErrorContains(t, err, tt.code, tt.part)
		})
	}
}

func TestSimulatePagination(t *testing.T) {
	f := newIdentityFixture(t)
	in := &s.SimulateCustomPolicyInput{
		PolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::a/*"}]}`},
		ActionNames:     []string{"s3:GetObject", "s3:PutObject", "s3:GetObjectAcl"},
		ResourceArns:    []string{"arn:aws:s3:::a/x", "arn:aws:s3:::b/x"},
		MaxItems:        aws.Int32(4),
	}
	var got []string
	for pages := 1; ; pages++ {
		out, err := simulateCustom(t, f, in)
		mustOK(t, err)
		for _, r := range out.EvaluationResults {
			got = append(got, r.EvalActionName+" "+aws.ToString(r.EvalResourceName)+" "+string(r.EvalDecision))
		}
		if !out.IsTruncated {
			if out.Marker != nil || pages != 2 {
				t.Fatalf("last page %d has marker %v", pages, out.Marker)
			}
			break
		}
		in.Marker = out.Marker
	}
	want := []string{
		"s3:GetObject arn:aws:s3:::a/x allowed", "s3:GetObject arn:aws:s3:::b/x implicitDeny",
		"s3:PutObject arn:aws:s3:::a/x implicitDeny", "s3:PutObject arn:aws:s3:::b/x implicitDeny",
		"s3:GetObjectAcl arn:aws:s3:::a/x allowed", "s3:GetObjectAcl arn:aws:s3:::b/x implicitDeny",
	}
	if !slices.Equal(got, want) {
		t.Errorf("results\n%v\nwant\n%v", got, want)
	}
	for _, bad := range []string{"not base64!", "eA", "LTE", "MTAw"} { // "x", "-1", "100"
		in.Marker = aws.String(bad)
		_, err := simulateCustom(t, f, in)
		assertAWSError(t, err, warden.EInvalidInput, "Invalid Marker.")
	}
}

func TestSimulatePrincipalPolicy(t *testing.T) {
	f := newIdentityFixture(t)
	ctx := t.Context()
	acct := identityTestAccount
	allow := func(action string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`
	}
	f.user(t, "alice")
	mustOK(t, f.store.PutInlinePolicy(ctx, acct, warden.UserIdentity("alice"), "own", allow("health-agent:GetDomain")))
	mp, err := f.store.CreatePolicy(ctx, acct, warden.CreatePolicyInput{Name: "AgentReader", Document: allow("health-agent:GetAgent")})
	mustOK(t, err)
	mustOK(t, f.store.AttachPolicy(ctx, acct, warden.UserIdentity("alice"), mp.ARN))
	_, err = f.store.CreateGroup(ctx, acct, "clinicians", "/care/")
	mustOK(t, err)
	mustOK(t, f.store.PutInlinePolicy(ctx, acct, warden.GroupIdentity("clinicians"), "shared", allow("health-agent:ListAgents")))
	mustOK(t, f.store.AttachPolicy(ctx, acct, warden.GroupIdentity("clinicians"), "arn:aws:iam::aws:policy/warden/ConnectHealthConsoleReadOnly"))
	mustOK(t, f.store.AddUserToGroup(ctx, acct, "clinicians", "alice"))
	role, err := f.store.CreateRole(ctx, acct, warden.CreateRoleInput{
		Name:                     "agent",
		AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"health-agent.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		PermissionsBoundary:      mp.ARN,
	})
	mustOK(t, err)
	mustOK(t, f.store.PutInlinePolicy(ctx, acct, warden.RoleIdentity("agent"), "work", allow("health-agent:*")))

	aliceARN := "arn:aws:iam::" + acct + ":user/alice"
	groupARN := "arn:aws:iam::" + acct + ":group/care/clinicians"
	actions := []string{"health-agent:GetDomain", "health-agent:GetAgent", "health-agent:ListAgents", "health-agent:ListDomains", "health-agent:DeleteDomain"}
	tests := []struct {
		name   string
		source string
		extra  []string
		want   []string // per action: decision and the matched statements
	}{
		{"user with its groups", aliceARN, nil, []string{
			"allowed own(user) ConnectHealthConsoleReadOnly(aws-managed)", "allowed AgentReader(user-managed)", "allowed shared(group) ConnectHealthConsoleReadOnly(aws-managed)",
			"allowed ConnectHealthConsoleReadOnly(aws-managed)", "implicitDeny",
		}},
		{"user with an extra policy", aliceARN, []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"health-agent:Get*","Resource":"*"}]}`}, []string{
			"explicitDeny PolicyInputList.1(none)", "explicitDeny PolicyInputList.1(none)", "allowed shared(group) ConnectHealthConsoleReadOnly(aws-managed)",
			"allowed ConnectHealthConsoleReadOnly(aws-managed)", "implicitDeny",
		}},
		{"group", groupARN, nil, []string{
			"allowed ConnectHealthConsoleReadOnly(aws-managed)", "implicitDeny", "allowed shared(group) ConnectHealthConsoleReadOnly(aws-managed)",
			"allowed ConnectHealthConsoleReadOnly(aws-managed)", "implicitDeny",
		}},
		{"role within its boundary", role.ARN, nil, []string{
			"implicitDeny", "allowed work(role) AgentReader(user-managed)", "implicitDeny", "implicitDeny", "implicitDeny",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := identityCall[*s.SimulatePrincipalPolicyOutput](t, f, f.root, "SimulatePrincipalPolicy", &s.SimulatePrincipalPolicyInput{
				PolicySourceArn: tt.source, PolicyInputList: tt.extra, ActionNames: actions,
			})
			mustOK(t, err)
			var got []string
			for _, r := range out.EvaluationResults {
				line := string(r.EvalDecision)
				for _, st := range r.MatchedStatements {
					line += " " + aws.ToString(st.SourcePolicyId) + "(" + string(*st.SourcePolicyType) + ")"
				}
				got = append(got, line)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("results\n%q\nwant\n%q", got, tt.want)
			}
			if tt.source == role.ARN {
				if d := out.EvaluationResults[1].PermissionsBoundaryDecisionDetail; d == nil || !d.AllowedByPermissionsBoundary {
					t.Errorf("GetAgent boundary detail %+v", d)
				}
				if d := out.EvaluationResults[0].PermissionsBoundaryDecisionDetail; d == nil || d.AllowedByPermissionsBoundary {
					t.Errorf("GetDomain boundary detail %+v", d)
				}
			}
		})
	}

	t.Run("given boundary replaces the stored one", func(t *testing.T) {
		out, err := identityCall[*s.SimulatePrincipalPolicyOutput](t, f, f.root, "SimulatePrincipalPolicy", &s.SimulatePrincipalPolicyInput{
			PolicySourceArn: role.ARN, PermissionsBoundaryPolicyInputList: []string{allow("health-agent:GetDomain")}, ActionNames: []string{"health-agent:GetDomain", "health-agent:GetAgent"},
		})
		mustOK(t, err)
		if got := []s.PolicyEvaluationDecisionType{out.EvaluationResults[0].EvalDecision, out.EvaluationResults[1].EvalDecision}; !slices.Equal(got, []s.PolicyEvaluationDecisionType{"allowed", "implicitDeny"}) {
			t.Errorf("decisions %v", got)
		}
	})

	t.Run("errors", func(t *testing.T) {
		for _, tt := range []struct {
			source, code, message string
		}{
			{"arn:aws:iam::" + acct + ":user/nobody", warden.ENoSuchEntity, "The user with name nobody cannot be found."},
			{"arn:aws:iam::" + acct + ":user/other/alice", warden.ENoSuchEntity, "The user with name alice cannot be found."},
			{"arn:aws:iam::" + acct + ":group/nobody", warden.ENoSuchEntity, "The group with name nobody cannot be found."},
			{"arn:aws:iam::" + acct + ":role/nobody", warden.ENoSuchEntity, "The role with name nobody cannot be found."},
			{mp.ARN, warden.EInvalidInput, "Invalid source ARN " + mp.ARN + ": it must name a user, group or role."},
			{"arn:aws:iam::" + acct + ":root", warden.EInvalidInput, ""},
			{"arn:aws:iam::210987654321:user/alice", warden.EAccessDenied, ""},
		} {
			_, err := identityCall[*s.SimulatePrincipalPolicyOutput](t, f, f.root, "SimulatePrincipalPolicy", &s.SimulatePrincipalPolicyInput{PolicySourceArn: tt.source, ActionNames: actions})
			assertAWSError(t, err, tt.code, tt.message)
		}
	})

	t.Run("authorization", func(t *testing.T) {
		bob := f.user(t, "bob")
		_, err := identityCall[*s.SimulatePrincipalPolicyOutput](t, f, bob, "SimulatePrincipalPolicy", &s.SimulatePrincipalPolicyInput{PolicySourceArn: aliceARN, ActionNames: actions})
		assertAWSErrorContains(t, err, warden.EAccessDenied, "iam:SimulatePrincipalPolicy on resource: "+aliceARN)
		// Permission on one user only: another, existing or not, is denied
		// before anything is said of it.
		f.allow(t, "bob", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:SimulatePrincipalPolicy","iam:GetContextKeysForPrincipalPolicy"],"Resource":"`+aliceARN+`"}]}`)
		_, err = identityCall[*s.SimulatePrincipalPolicyOutput](t, f, bob, "SimulatePrincipalPolicy", &s.SimulatePrincipalPolicyInput{PolicySourceArn: aliceARN, ActionNames: actions})
		mustOK(t, err)
		for _, other := range []string{groupARN, "arn:aws:iam::" + acct + ":user/nobody"} {
			_, err = identityCall[*s.SimulatePrincipalPolicyOutput](t, f, bob, "SimulatePrincipalPolicy", &s.SimulatePrincipalPolicyInput{PolicySourceArn: other, ActionNames: actions})
			assertAWSError(t, err, warden.EAccessDenied, "")
		}
		_, err = identityCall[*s.GetContextKeysForPrincipalPolicyOutput](t, f, bob, "GetContextKeysForPrincipalPolicy", &s.GetContextKeysForPrincipalPolicyInput{PolicySourceArn: aliceARN})
		mustOK(t, err)
		_, err = identityCall[*s.SimulatePrincipalPolicyOutput](t, f, bob, "SimulateCustomPolicy", &s.SimulateCustomPolicyInput{PolicyInputList: []string{allow("s3:GetObject")}, ActionNames: []string{"s3:GetObject"}})
		assertAWSErrorContains(t, err, warden.EAccessDenied, "iam:SimulateCustomPolicy on resource: *")
		_, err = identityCall[*s.GetContextKeysForPrincipalPolicyOutput](t, f, bob, "GetContextKeysForCustomPolicy", &s.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{allow("s3:GetObject")}})
		assertAWSErrorContains(t, err, warden.EAccessDenied, "iam:GetContextKeysForCustomPolicy on resource: *")
	})
}

func TestGetContextKeys(t *testing.T) {
	f := newIdentityFixture(t)
	tests := []struct {
		name     string
		policies []string
		want     []string
	}{
		{"as written, resource variables before the condition after them", []string{
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2015-08-16T12:00:00Z"}}}}`,
		}, []string{"aws:username", "aws:CurrentTime"}},
		{"condition written before the resource", []string{
			`{"Version":"2012-10-17","Statement":[{"Condition":{"StringEquals":{"s3:prefix":"${aws:userid}/"}},"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team}"}]}`,
		}, []string{"s3:prefix", "aws:userid", "aws:PrincipalTag/team"}},
		{"distinct across policies, first spelling kept", []string{
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"AWS:securetransport":"false"}}},{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::${aws:username, 'anonymous'}"}]}`,
		}, []string{"aws:SecureTransport", "aws:SourceIp", "aws:username"}},
		{"no variables before 2012-10-17", []string{
			`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::${aws:username}"}]}`,
		}, []string{}},
		{"trust policy", []string{
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"health-agent.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:health-agent:us-east-1:111122223333:domain/d/*"},"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`,
		}, []string{"aws:SourceArn", "aws:SourceAccount"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := identityCall[*s.GetContextKeysForPrincipalPolicyOutput](t, f, f.root, "GetContextKeysForCustomPolicy", &s.GetContextKeysForCustomPolicyInput{PolicyInputList: tt.policies})
			mustOK(t, err)
			if !slices.Equal(out.ContextKeyNames, tt.want) {
				t.Errorf("keys %q, want %q", out.ContextKeyNames, tt.want)
			}
		})
	}

	t.Run("malformed", func(t *testing.T) {
		_, err := identityCall[*s.GetContextKeysForPrincipalPolicyOutput](t, f, f.root, "GetContextKeysForCustomPolicy", &s.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{viewOwnUser, `[]`}})
		assertAWSErrorContains(t, err, warden.EMalformedPolicyDocument, "PolicyInputList.2")
	})

	t.Run("principal", func(t *testing.T) {
		ctx := t.Context()
		acct := identityTestAccount
		f.user(t, "alice")
		mustOK(t, f.store.PutInlinePolicy(ctx, acct, warden.UserIdentity("alice"), "own", viewOwnUser))
		_, err := f.store.CreateGroup(ctx, acct, "g", "")
		mustOK(t, err)
		mustOK(t, f.store.PutInlinePolicy(ctx, acct, warden.GroupIdentity("g"), "mfa", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`))
		mustOK(t, f.store.AddUserToGroup(ctx, acct, "g", "alice"))
		boundary, err := f.store.CreatePolicy(ctx, acct, warden.CreatePolicyInput{Name: "b", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}]}`})
		mustOK(t, err)
		mustOK(t, f.store.PutUserPermissionsBoundary(ctx, acct, "alice", boundary.ARN))
		out, err := identityCall[*s.GetContextKeysForPrincipalPolicyOutput](t, f, f.root, "GetContextKeysForPrincipalPolicy", &s.GetContextKeysForPrincipalPolicyInput{
			PolicySourceArn: "arn:aws:iam::" + acct + ":user/alice",
			PolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}}]}`},
		})
		mustOK(t, err)
		want := []string{"aws:username", "aws:MultiFactorAuthPresent", "s3:prefix", "aws:RequestedRegion"}
		if !slices.Equal(out.ContextKeyNames, want) {
			t.Errorf("keys %q, want %q", out.ContextKeyNames, want)
		}
	})
}

func TestObjectEnd(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string // the object objectEnd delimits
	}{
		{"flat", `[{"a":1},{"b":2}]`, `{"a":1}`},
		{"nested", `{"x":{"y":[{}]}} tail`, `{"x":{"y":[{}]}}`},
		{"braces in strings", `{"s":"}{\"}"}, 1`, `{"s":"}{\"}"}`},
		{"escaped backslash before quote", `{"s":"\\"} x`, `{"s":"\\"}`},
		{"unclosed", `{"a":`, `{"a":`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := strings.IndexByte(tt.text, '{')
			if got := tt.text[start:objectEnd(tt.text, start)]; got != tt.want {
				t.Errorf("object %q, want %q", got, tt.want)
			}
		})
	}
	if p := positionAt("ab\ncd\n", 4); p.Line != 2 || p.Column != 2 {
		t.Errorf("positionAt = %+v, want 2:2", p)
	}
}

// FuzzStatementBounds checks, for every policy that parses, that each
// statement's reported extent is exactly one JSON object.
func FuzzStatementBounds(f *testing.F) {
	f.Add(readOnlyWithDeny)
	f.Add(viewOwnUser)
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"}\\\"{"}}}}`)
	f.Add("{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"NotResource\":\"arn:aws:s3:::\u00e9/*\"}]}")
	f.Fuzz(func(t *testing.T, text string) {
		doc, err := policy.Parse([]byte(text))
		if err != nil {
			return
		}
		for _, st := range doc.Statements {
			end := objectEnd(text, st.Pos.Offset)
			obj := text[st.Pos.Offset:end]
			if !strings.HasPrefix(obj, "{") || !strings.HasSuffix(obj, "}") || !json.Valid([]byte(obj)) {
				t.Fatalf("statement %d spans %q", st.Index, obj)
			}
			p := positionAt(text, end)
			if int(p.Line) < st.Pos.Line || (int(p.Line) == st.Pos.Line && int(p.Column) <= st.Pos.Column) {
				t.Fatalf("end %+v is not after start %v", p, st.Pos)
			}
		}
		keys := contextKeys([]*policy.Policy{doc})
		seen := map[string]bool{}
		for _, k := range keys {
			if k == "" || seen[strings.ToLower(k)] {
				t.Fatalf("keys %q: empty or repeated", keys)
			}
			seen[strings.ToLower(k)] = true
		}
	})
}

func BenchmarkSimulateCustomPolicy(b *testing.B) {
	f := newIdentityFixture(b)
	in := &s.SimulateCustomPolicyInput{
		PolicyInputList: []string{readOnlyWithDeny, viewOwnUser},
		ActionNames:     []string{"health-agent:GetDomain", "health-agent:DeleteDomain", "health-agent:CreateAgent", "iam:GetUser"},
		ResourceArns:    []string{"arn:aws:iam::" + identityTestAccount + ":user/alice"},
		ContextEntries:  []s.ContextEntry{stringEntry("aws:username", "alice")},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := simulateCustom(b, f, in); err != nil {
			b.Fatal(err)
		}
	}
}
