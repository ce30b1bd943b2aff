package main

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sqlstore"
)

func TestParseAuditTime(t *testing.T) {
	now := time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		err  bool
	}{
		{"", time.Time{}, false},
		{"2025-06-01T08:30:00Z", time.Date(2025, 6, 1, 8, 30, 0, 0, time.UTC), false},
		{"2025-06-01T08:30:00.5+02:00", time.Date(2025, 6, 1, 6, 30, 0, 5e8, time.UTC), false},
		{"2025-06-01", time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), false},
		{"15m", now.Add(-15 * time.Minute), false},
		{"1h30m", now.Add(-90 * time.Minute), false},
		{"7d", now.AddDate(0, 0, -7), false},
		{"-5m", time.Time{}, true},
		{"yesterday", time.Time{}, true},
		{"xd", time.Time{}, true},
		{"99999999d", time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseAuditTime(tt.in, now)
			if (err != nil) != tt.err || !got.Equal(tt.want) {
				t.Fatalf("parseAuditTime(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

func FuzzParseAuditTime(f *testing.F) {
	for _, s := range []string{"2025-06-01T08:30:00Z", "2025-06-01", "15m", "7d", "d", "-1h", ""} {
		f.Add(s)
	}
	now := time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseAuditTime(s, now)
		if err == nil && s != "" && got.IsZero() {
			t.Fatalf("parseAuditTime(%q) accepted it as the zero time", s)
		}
	})
}

func TestAuditFilterFlags(t *testing.T) {
	f := auditFilterFlags{principal: "arn:aws:iam::1:user/a", action: "iam:GetUser", decisions: []string{"deny", "None"}, errorCode: "AccessDenied", since: "1h"}
	now := time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC)
	got, err := f.filter(now)
	if err != nil {
		t.Fatal(err)
	}
	want := warden.AuditFilter{Since: now.Add(-time.Hour), PrincipalARN: "arn:aws:iam::1:user/a", Action: "iam:GetUser",
		Decisions: []warden.AuditDecision{warden.AuditExplicitDeny, warden.AuditImplicitDeny, warden.AuditNoDecision}, ErrorCode: "AccessDenied"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("filter = %+v\nwant %+v", got, want)
	}
}

func TestNestParameters(t *testing.T) {
	p := func(kv ...string) []warden.AuditParameter {
		var out []warden.AuditParameter
		for i := 0; i < len(kv); i += 2 {
			out = append(out, warden.AuditParameter{Name: kv[i], Value: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		name string
		in   []warden.AuditParameter
		want string
	}{
		{"none", nil, `null`},
		{"camel case", p("UserName", "alice", "PolicyArn", "arn:aws:iam::aws:policy/X"), `{"policyArn":"arn:aws:iam::aws:policy/X","userName":"alice"}`},
		{"list of structures", p("Tags.member.1.Key", "team", "Tags.member.1.Value", "care", "Tags.member.2.Key", "env", "Tags.member.2.Value", "prod"),
			`{"tags":[{"key":"team","value":"care"},{"key":"env","value":"prod"}]}`},
		{"list of strings in index order", p("ClientIDList.member.10", "c", "ClientIDList.member.2", "b", "ClientIDList.member.1", "a"),
			`{"clientIDList":["a","b","c"]}`},
		{"map entries", p("Attributes.entry.1.key", "k", "Attributes.entry.1.value", "v"), `{"attributes":[{"key":"k","value":"v"}]}`},
		{"a name both value and structure stays flat", p("Tags", "x", "Tags.member.1.Key", "k"), `{"Tags":"x","Tags.member.1.Key":"k"}`},
		{"a member without index is a name", p("Tags.member", "x"), `{"tags":{"member":"x"}}`},
		{"top-level list index stays an object", p("member.1", "x"), `{"#1":"x"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(nestParameters(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("nestParameters = %s, want %s", got, tt.want)
			}
		})
	}
}

func FuzzNestParameters(f *testing.F) {
	f.Add("Tags.member.1.Key\nTags.member.1.Value\nUserName", "a")
	f.Add("Tags\nTags.member.1", "x")
	f.Add("a..b\n.\nmember.0\nentry.1.x", "")
	f.Fuzz(func(t *testing.T, names, value string) {
		seen := map[string]bool{}
		var params []warden.AuditParameter
		for n := range strings.SplitSeq(names, "\n") {
			if !seen[n] {
				seen[n] = true
				params = append(params, warden.AuditParameter{Name: n, Value: value + n})
			}
		}
		out := nestParameters(params)
		if _, err := json.Marshal(out); err != nil {
			t.Fatalf("the nested parameters do not marshal: %v", err)
		}
		// Every parameter is one leaf, nested or flat.
		if n := countLeaves(out); n != len(params) {
			t.Fatalf("%d parameters became %d values: %v", len(params), n, out)
		}
	})
}

func countLeaves(v any) int {
	switch v := v.(type) {
	case map[string]any:
		n := 0
		for _, c := range v {
			n += countLeaves(c)
		}
		return n
	case []any:
		n := 0
		for _, c := range v {
			n += countLeaves(c)
		}
		return n
	case string:
		return 1
	}
	return 0
}

func TestCloudTrailRecord(t *testing.T) {
	e := &warden.AuditEvent{
		Seq: 7, Time: time.Date(2025, 6, 1, 12, 0, 0, 123456000, time.UTC), RequestID: "req-1", SourceIP: "192.0.2.1", UserAgent: "aws-cli/2", Region: "eu-west-1",
		Identity: warden.AuditIdentity{Type: "AssumedRole", ARN: "arn:aws:sts::123456789012:assumed-role/clinician/s1", AccountID: "123456789012",
			PrincipalID: "AROAX:s1", AccessKeyID: "ASIAX", SessionIssuer: "arn:aws:iam::123456789012:role/care/clinician", MFAAuthenticated: true, SourceIdentity: "alice"},
		Service: "iam", Action: "DeleteRole", Resources: []string{"arn:aws:iam::123456789012:role/worker"},
		Decision: warden.AuditExplicitDeny, DecidingLayer: "scp[1]", DecidingStatement: &warden.AuditStatement{Policy: "p-guard", Index: 2, Sid: "NoDelete"},
		ErrorCode:         "AccessDenied",
		RequestParameters: []warden.AuditParameter{{Name: "RoleName", Value: "worker"}},
		PrevHash:          strings.Repeat("a", 64), Hash: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	}
	got, err := json.Marshal(cloudTrailRecord(e))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAX:s1","arn":"arn:aws:sts::123456789012:assumed-role/clinician/s1",` +
		`"accountId":"123456789012","accessKeyId":"ASIAX","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::123456789012:role/care/clinician",` +
		`"accountId":"123456789012","userName":"clinician"},"attributes":{"mfaAuthenticated":"true"},"sourceIdentity":"alice"}},` +
		`"eventTime":"2025-06-01T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"DeleteRole","awsRegion":"eu-west-1","sourceIPAddress":"192.0.2.1",` +
		`"userAgent":"aws-cli/2","errorCode":"AccessDenied","requestParameters":{"roleName":"worker"},"responseElements":null,"requestID":"req-1",` +
		`"eventID":"01234567-89ab-8def-8123-456789abcdef","readOnly":false,"resources":[{"ARN":"arn:aws:iam::123456789012:role/worker","accountId":"123456789012"}],` +
		`"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management",` +
		`"additionalEventData":{"decision":"ExplicitDeny","decidingLayer":"scp[1]","decidingStatement":{"policy":"p-guard","index":2,"sid":"NoDelete"},` +
		`"wardenSeq":7,"wardenPrevHash":"` + e.PrevHash + `","wardenHash":"` + e.Hash + `"}}`
	if string(got) != want {
		t.Fatalf("record:\n%s\nwant\n%s", got, want)
	}
}

func TestCloudTrailIdentityOfOtherCallers(t *testing.T) {
	tests := []struct {
		name string
		id   warden.AuditIdentity
		want string
	}{
		{"unauthenticated", warden.AuditIdentity{AccessKeyID: "AKIAUNKNOWN"}, `{"type":"Unknown","accessKeyId":"AKIAUNKNOWN"}`},
		{"service", warden.AuditIdentity{Type: "AWSService", ARN: "health-agent.amazonaws.com"}, `{"type":"AWSService","invokedBy":"health-agent.amazonaws.com"}`},
		{"user", warden.AuditIdentity{Type: "IAMUser", ARN: "arn:aws:iam::1:user/a", AccountID: "1", PrincipalID: "AIDA", UserName: "a", AccessKeyID: "AKIA"},
			`{"type":"IAMUser","principalId":"AIDA","arn":"arn:aws:iam::1:user/a","accountId":"1","accessKeyId":"AKIA","userName":"a"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := json.Marshal(cloudTrailUserIdentity(&tt.id))
			if string(got) != tt.want {
				t.Fatalf("userIdentity = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestAuditLine(t *testing.T) {
	e := &warden.AuditEvent{Seq: 3, Time: time.Date(2025, 6, 1, 12, 0, 0, 5e6, time.UTC), RequestID: "r3", SourceIP: "192.0.2.1",
		Identity: warden.AuditIdentity{ARN: "arn:aws:iam::1:user/a", AccessKeyID: "AKIA1"}, Service: "iam", Action: "DeleteUser",
		Resources: []string{"arn:aws:iam::1:user/b"}, Decision: warden.AuditExplicitDeny, DecidingLayer: "identity",
		DecidingStatement: &warden.AuditStatement{Policy: "arn:aws:iam::1:policy/p", Index: 1, Sid: "No"}, ErrorCode: "AccessDenied"}
	want := "2025-06-01T12:00:00.005Z #3 iam:DeleteUser ExplicitDeny AccessDenied principal=arn:aws:iam::1:user/a key=AKIA1 ip=192.0.2.1 request=r3 " +
		"resources=arn:aws:iam::1:user/b denied-by=identity:arn:aws:iam::1:policy/p#1(No)"
	if got := auditLine(e); got != want {
		t.Fatalf("auditLine =\n%s\nwant\n%s", got, want)
	}
	unauth := &warden.AuditEvent{Seq: 4, Time: e.Time, RequestID: "r4", ErrorCode: "MissingAuthenticationToken"}
	if got := auditLine(unauth); got != "2025-06-01T12:00:00.005Z #4 - - MissingAuthenticationToken principal=- ip=- request=r4" {
		t.Fatalf("auditLine of an unauthenticated request = %s", got)
	}
}

func TestTailFollowsNewEvents(t *testing.T) {
	store, err := sqlstore.Open(t.Context(), t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	appendEvent := func(i int, action string) {
		e := &warden.AuditEvent{Time: time.Now(), RequestID: fmt.Sprintf("r%d", i), Service: "iam", Action: action}
		if _, err := store.AppendAuditRecords(t.Context(), [][]byte{e.AppendRecord(nil)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= 5; i++ {
		appendEvent(i, "GetUser")
	}
	ctx, cancel := context.WithCancel(t.Context())
	var mu sync.Mutex
	var seen []string
	done := make(chan error, 1)
	go func() {
		done <- tailAuditTrail(ctx, store, warden.AuditFilter{Action: "GetUser"}, 2, 5*time.Millisecond, func(e *warden.AuditEvent) error {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, e.RequestID)
			return nil
		})
	}()
	time.Sleep(20 * time.Millisecond)
	appendEvent(6, "ListUsers") // does not match
	appendEvent(7, "GetUser")
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		got := strings.Join(seen, " ")
		mu.Unlock()
		if got == "r4 r5 r7" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tail printed %q, want the newest two then the new match: r4 r5 r7", got)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("tail ended with %v", err)
	}
}
