package warden_test

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

// fullAuditEvent sets every field a record carries.
func fullAuditEvent() *warden.AuditEvent {
	return &warden.AuditEvent{
		Time:      time.Date(2025, 3, 4, 5, 6, 7, 891234000, time.UTC),
		RequestID: "6f1c0a52-3c1d-4c5e-9a0b-2f6c1d0e9a11",
		SourceIP:  "192.0.2.10",
		UserAgent: "aws-cli/2.17.0 Python/3.12",
		Region:    "eu-central-1",
		Identity: warden.AuditIdentity{
			Type: "AssumedRole", ARN: "arn:aws:sts::123456789012:assumed-role/clinician/alice", AccountID: "123456789012",
			PrincipalID: "AROAEXAMPLEID:alice", AccessKeyID: "ASIAEXAMPLEKEY12345", SessionIssuer: "arn:aws:iam::123456789012:role/clinician",
			MFAAuthenticated: true, SourceIdentity: "alice@example.com",
		},
		Service:           "iam",
		Action:            "PutRolePolicy",
		Resources:         []string{"arn:aws:iam::123456789012:role/worker", "arn:aws:iam::123456789012:role/other"},
		Decision:          warden.AuditExplicitDeny,
		DecidingLayer:     "scp[1]",
		DecidingStatement: &warden.AuditStatement{Policy: "p-guardrails", Index: 3, Sid: "DenyIAM"},
		ErrorCode:         warden.EAccessDenied,
		RequestParameters: []warden.AuditParameter{{Name: "PolicyName", Value: "inline"}, {Name: "RoleName", Value: "worker"}},
	}
}

func TestAuditRecordRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		event *warden.AuditEvent
	}{
		{"every field", fullAuditEvent()},
		{"unauthenticated", &warden.AuditEvent{Time: time.Unix(1700000000, 0).UTC(), RequestID: "r", ErrorCode: warden.EInvalidClientTokenID,
			Identity: warden.AuditIdentity{AccessKeyID: "AKIAUNKNOWN000000000"}}},
		{"zero", &warden.AuditEvent{Time: time.UnixMicro(0).UTC()}},
		{"zero time", &warden.AuditEvent{}},
		{"statement without sid", &warden.AuditEvent{Time: time.UnixMicro(5).UTC(), DecidingStatement: &warden.AuditStatement{Policy: "p"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			record := tt.event.AppendRecord(nil)
			got := &warden.AuditEvent{Seq: 9, PrevHash: "prev", Hash: "hash"}
			if err := got.UnmarshalRecord(record); err != nil {
				t.Fatalf("UnmarshalRecord: %v", err)
			}
			want := *tt.event
			want.Seq, want.PrevHash, want.Hash = 9, "prev", "hash"
			if want.Time.IsZero() {
				// The zero time survives as the same instant in UTC.
				want.Time = got.Time
				if !got.Time.IsZero() {
					t.Fatalf("zero time decoded as %v", got.Time)
				}
			}
			if !reflect.DeepEqual(got, &want) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", got, &want)
			}
		})
	}
}

func TestAuditRecordKeepsMicroseconds(t *testing.T) {
	e := &warden.AuditEvent{Time: time.Date(2025, 1, 1, 0, 0, 0, 123456789, time.FixedZone("x", 3600))}
	var got warden.AuditEvent
	if err := got.UnmarshalRecord(e.AppendRecord(nil)); err != nil {
		t.Fatal(err)
	}
	if want := e.Time.Truncate(time.Microsecond).UTC(); !got.Time.Equal(want) || got.Time.Location() != time.UTC {
		t.Fatalf("time = %v, want %v in UTC", got.Time, want)
	}
}

func TestAuditRecordRejectsMalformed(t *testing.T) {
	valid := fullAuditEvent().AppendRecord(nil)
	tests := map[string][]byte{
		"empty":         nil,
		"version 0":     append([]byte{0}, valid[1:]...),
		"version 2":     append([]byte{2}, valid[1:]...),
		"trailing byte": append(slices.Clone(valid), 0),
		"huge length":   {1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f},
		// Version, time 0, eleven empty strings, then an MFA flag of 2.
		"bool 2":         append(append([]byte{1, 0}, make([]byte, 11)...), 2),
		"varint overrun": {1, 0x80, 0x80, 0x80},
	}
	for cut := range len(valid) {
		tests[fmt.Sprintf("truncated to %d bytes", cut)] = valid[:cut]
	}
	for _, name := range slices.Sorted(maps.Keys(tests)) {
		t.Run(name, func(t *testing.T) {
			original := &warden.AuditEvent{RequestID: "untouched"}
			if err := original.UnmarshalRecord(tests[name]); err == nil {
				t.Fatal("UnmarshalRecord accepted a malformed record")
			}
			if original.RequestID != "untouched" {
				t.Fatal("a failed UnmarshalRecord changed the event")
			}
		})
	}
}

func FuzzAuditRecord(f *testing.F) {
	f.Add(fullAuditEvent().AppendRecord(nil))
	f.Add((&warden.AuditEvent{}).AppendRecord(nil))
	f.Add([]byte{1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, record []byte) {
		var e warden.AuditEvent
		if err := e.UnmarshalRecord(record); err != nil {
			return
		}
		// What decodes must survive another round trip unchanged.
		var again warden.AuditEvent
		if err := again.UnmarshalRecord(e.AppendRecord(nil)); err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
		if !reflect.DeepEqual(e, again) {
			t.Fatalf("round trip changed the event:\n%+v\n%+v", e, again)
		}
	})
}

func TestAuditHash(t *testing.T) {
	record := fullAuditEvent().AppendRecord(nil)
	h := warden.AuditHash("", record)
	// The record format and the chain's hash are pinned: changing either
	// would make every stored trail fail verification.
	const want = "a293605eb045f2db0bfe3aa2ed7d6e365f12bcae23390a61fa1fcd8c2fdfda60"
	if h != want {
		t.Fatalf("AuditHash = %s, want %s", h, want)
	}
	if got := warden.AuditHash("", record); got != h {
		t.Fatal("AuditHash is not deterministic")
	}
	if warden.AuditHash(h, record) == h {
		t.Fatal("the hash does not depend on the previous hash")
	}
	changed := slices.Clone(record)
	changed[len(changed)-1] ^= 1
	if warden.AuditHash("", changed) == h {
		t.Fatal("the hash does not depend on the record")
	}
}
