package sqlstore_test

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sqlstore"
)

var auditBase = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// auditEvent returns a distinct event: request id r<i>, i seconds after
// auditBase.
func auditEvent(i int, principal, action string, decision warden.AuditDecision, code string) *warden.AuditEvent {
	return &warden.AuditEvent{
		Time:      auditBase.Add(time.Duration(i) * time.Second),
		RequestID: fmt.Sprintf("r%d", i),
		SourceIP:  "192.0.2.1",
		UserAgent: "test",
		Region:    "us-east-1",
		Identity:  warden.AuditIdentity{Type: "IAMUser", ARN: principal, AccountID: "123456789012"},
		Service:   "iam",
		Action:    action,
		Resources: []string{"arn:aws:iam::123456789012:user/x"},
		Decision:  decision,
		ErrorCode: code,
		RequestParameters: []warden.AuditParameter{
			{Name: "Password", Value: warden.AuditRedacted}, {Name: "UserName", Value: "x"},
		},
	}
}

const (
	alice = "arn:aws:iam::123456789012:user/alice"
	bob   = "arn:aws:iam::123456789012:user/bob"
)

// appendSample appends ten events: alice and bob alternating, a mix of
// actions, decisions and errors.
func appendSample(t *testing.T, s warden.Store) []*warden.AuditEvent {
	t.Helper()
	events := []*warden.AuditEvent{
		auditEvent(1, alice, "CreateUser", warden.AuditAllow, ""),
		auditEvent(2, bob, "CreateUser", warden.AuditImplicitDeny, warden.EAccessDenied),
		auditEvent(3, alice, "GetUser", warden.AuditAllow, ""),
		auditEvent(4, bob, "DeleteUser", warden.AuditExplicitDeny, warden.EAccessDenied),
		auditEvent(5, "", "GetUser", warden.AuditNoDecision, warden.EInvalidClientTokenID),
		auditEvent(6, alice, "GetUser", warden.AuditAllow, warden.ENoSuchEntity),
		auditEvent(7, bob, "GetUser", warden.AuditAllow, ""),
		auditEvent(8, alice, "DeleteUser", warden.AuditAllow, ""),
		auditEvent(9, "", "ListUsers", warden.AuditNoDecision, warden.ESignatureDoesNotMatch),
		auditEvent(10, alice, "ListUsers", warden.AuditAllow, ""),
	}
	events[3].DecidingLayer = "identity"
	events[3].DecidingStatement = &warden.AuditStatement{Policy: "arn:aws:iam::123456789012:policy/deny", Index: 1, Sid: "NoDelete"}
	appendEvents(t, s, events[:4]...)
	appendEvents(t, s, events[4:]...)
	return events
}

// appendEvents appends the events' records as one batch and sets their
// Seq, PrevHash and Hash as the store must have chained them, checking the
// head it returns.
func appendEvents(t testing.TB, s warden.AuditService, events ...*warden.AuditEvent) {
	t.Helper()
	before, err := s.AppendAuditRecords(t.Context(), nil)
	noErr(t, err)
	records := make([][]byte, len(events))
	for i, e := range events {
		records[i] = e.AppendRecord(nil)
	}
	head, err := s.AppendAuditRecords(t.Context(), records)
	noErr(t, err)
	prev := before.Hash
	for i, e := range events {
		e.Seq, e.PrevHash, e.Hash = before.Seq+uint64(i)+1, prev, warden.AuditHash(prev, records[i])
		prev = e.Hash
	}
	if last := events[len(events)-1]; head.Seq != last.Seq || head.Hash != last.Hash {
		t.Fatalf("head after append = %+v, want seq %d hash %s", head, last.Seq, last.Hash)
	}
}

func TestAuditAppendChains(t *testing.T) {
	RunWithStore(t, "chain", func(t *testing.T, s warden.Store) {
		events := appendSample(t, s)
		prev := ""
		for i, e := range events {
			if e.Seq != uint64(i+1) || e.PrevHash != prev || e.Hash != warden.AuditHash(prev, e.AppendRecord(nil)) {
				t.Fatalf("event %d: seq %d prev %q hash %q; want seq %d chained to %q", i, e.Seq, e.PrevHash, e.Hash, i+1, prev)
			}
			prev = e.Hash
		}
		head, err := s.AppendAuditRecords(t.Context(), nil)
		noErr(t, err)
		if head.Seq != 10 || head.Hash != prev {
			t.Fatalf("appending nothing returned head %+v", head)
		}
		_, err = s.AppendAuditRecords(t.Context(), [][]byte{[]byte("not a record")})
		wantErr(t, err, warden.EInvalidInput, "")
		v, err := s.VerifyAuditTrail(t.Context())
		noErr(t, err)
		if !v.Intact() || v.Events != 10 || v.LastSeq != 10 || v.LastHash != prev {
			t.Fatalf("VerifyAuditTrail = %+v", v)
		}
	})
	RunWithStore(t, "empty trail verifies", func(t *testing.T, s warden.Store) {
		v, err := s.VerifyAuditTrail(t.Context())
		noErr(t, err)
		if !v.Intact() || v.Events != 0 {
			t.Fatalf("VerifyAuditTrail = %+v", v)
		}
	})
}

func TestAuditListReturnsEventsAsAppended(t *testing.T) {
	RunWithStore(t, "round trip", func(t *testing.T, s warden.Store) {
		events := appendSample(t, s)
		got, err := s.ListAuditEvents(t.Context(), warden.AuditFilter{})
		noErr(t, err)
		if len(got) != len(events) {
			t.Fatalf("listed %d events, want %d", len(got), len(events))
		}
		for i := range events {
			if !reflect.DeepEqual(got[i], events[i]) {
				t.Fatalf("event %d:\n got %+v\nwant %+v", i, got[i], events[i])
			}
		}
	})
}

func TestAuditListFilters(t *testing.T) {
	decisions := func(ds ...warden.AuditDecision) []warden.AuditDecision { return ds }
	tests := []struct {
		name   string
		filter warden.AuditFilter
		want   string // request ids
	}{
		{"everything", warden.AuditFilter{}, "r1 r2 r3 r4 r5 r6 r7 r8 r9 r10"},
		{"since", warden.AuditFilter{Since: auditBase.Add(8 * time.Second)}, "r8 r9 r10"},
		{"until", warden.AuditFilter{Until: auditBase.Add(3 * time.Second)}, "r1 r2"},
		{"time range", warden.AuditFilter{Since: auditBase.Add(3 * time.Second), Until: auditBase.Add(5 * time.Second)}, "r3 r4"},
		{"principal", warden.AuditFilter{PrincipalARN: bob}, "r2 r4 r7"},
		{"action with service", warden.AuditFilter{Action: "iam:DeleteUser"}, "r4 r8"},
		{"action alone, any case", warden.AuditFilter{Action: "getuser"}, "r3 r5 r6 r7"},
		{"action of another service", warden.AuditFilter{Action: "sts:GetUser"}, ""},
		{"allowed", warden.AuditFilter{Decisions: decisions(warden.AuditAllow)}, "r1 r3 r6 r7 r8 r10"},
		{"denied", warden.AuditFilter{Decisions: decisions(warden.AuditExplicitDeny, warden.AuditImplicitDeny)}, "r2 r4"},
		{"never authorized", warden.AuditFilter{Decisions: decisions(warden.AuditNoDecision)}, "r5 r9"},
		{"error code", warden.AuditFilter{ErrorCode: warden.EAccessDenied}, "r2 r4"},
		{"request id", warden.AuditFilter{RequestID: "r6"}, "r6"},
		{"combined", warden.AuditFilter{PrincipalARN: alice, Action: "GetUser", Decisions: decisions(warden.AuditAllow)}, "r3 r6"},
		{"after seq", warden.AuditFilter{AfterSeq: 7}, "r8 r9 r10"},
		{"before seq", warden.AuditFilter{BeforeSeq: 3}, "r1 r2"},
		{"limit", warden.AuditFilter{Limit: 3}, "r1 r2 r3"},
		{"newest first", warden.AuditFilter{Reverse: true, Limit: 3}, "r10 r9 r8"},
		{"newest first before a cursor", warden.AuditFilter{Reverse: true, BeforeSeq: 8, Limit: 2}, "r7 r6"},
	}
	RunWithStore(t, "filters", func(t *testing.T, s warden.Store) {
		appendSample(t, s)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.ListAuditEvents(t.Context(), tt.filter)
				noErr(t, err)
				if ids := requestIDs(got); ids != tt.want {
					t.Fatalf("ListAuditEvents(%+v) = %q, want %q", tt.filter, ids, tt.want)
				}
			})
		}
		_, err := s.ListAuditEvents(t.Context(), warden.AuditFilter{Limit: -1})
		wantErr(t, err, warden.EInvalidInput, "")
	})
}

func requestIDs(events []*warden.AuditEvent) string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.RequestID
	}
	return strings.Join(ids, " ")
}

func TestAuditConcurrentAppendsKeepOneChain(t *testing.T) {
	RunWithStore(t, "concurrent", func(t *testing.T, s warden.Store) {
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				for i := range 10 {
					batch := [][]byte{
						auditEvent(w*100+i, alice, "GetUser", warden.AuditAllow, "").AppendRecord(nil),
						auditEvent(w*100+i+50, bob, "GetUser", warden.AuditAllow, "").AppendRecord(nil),
					}
					if _, err := s.AppendAuditRecords(t.Context(), batch); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		v, err := s.VerifyAuditTrail(t.Context())
		noErr(t, err)
		if !v.Intact() || v.Events != 160 || v.FirstSeq != 1 || v.LastSeq != 160 {
			t.Fatalf("VerifyAuditTrail = %+v", v)
		}
	})
}

func TestAuditTrailSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlstore.Open(t.Context(), dir, sqlstore.Options{})
	noErr(t, err)
	appendSample(t, s)
	noErr(t, s.Close())
	s = openSQLite(t, dir, sqlstore.Options{})
	appendEvents(t, s, auditEvent(11, alice, "GetUser", warden.AuditAllow, ""))
	v, err := s.VerifyAuditTrail(t.Context())
	noErr(t, err)
	if !v.Intact() || v.Events != 11 {
		t.Fatalf("VerifyAuditTrail after reopen = %+v", v)
	}
}

// BenchmarkAppendAuditRecords measures the writer's cost per event, in
// batches of 512 as the audit writer commits them under load: wall time
// (which includes waiting for the disk) and the CPU time the process spent.
func BenchmarkAppendAuditRecords(b *testing.B) {
	s := openSQLite(b, b.TempDir(), sqlstore.Options{})
	const batch = 512
	records := make([][]byte, batch)
	for j := range records {
		records[j] = auditEvent(j, alice, "GetUser", warden.AuditAllow, "").AppendRecord(nil)
	}
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		if _, err := s.AppendAuditRecords(b.Context(), records); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/event")
	b.ReportMetric(float64((processCPU()-cpu).Nanoseconds())/float64(b.N*batch), "cpu-ns/event")
}

// processCPU returns the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
