package sqlstore

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

// auditTrail opens a store and appends ten events in two segments (seq 1
// to 4 and 5 to 10), request ids r1…r10.
func auditTrail(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.Context(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var records [][]byte
	for i := 1; i <= 10; i++ {
		e := &warden.AuditEvent{
			Time:      time.Date(2025, 6, 1, 12, 0, i, 0, time.UTC),
			RequestID: fmt.Sprintf("r%d", i),
			Identity:  warden.AuditIdentity{ARN: "arn:aws:iam::123456789012:user/alice"},
			Service:   "iam", Action: "DeleteUser", Decision: warden.AuditExplicitDeny, ErrorCode: warden.EAccessDenied,
		}
		records = append(records, e.AppendRecord(nil))
	}
	for _, batch := range [][][]byte{records[:4], records[4:]} {
		if _, err := s.AppendAuditRecords(t.Context(), batch); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// rewriteSegment replaces the frames of the segment starting at firstSeq,
// through the store's write connection as anyone with the file could.
func rewriteSegment(t *testing.T, s *Store, firstSeq int64, edit func([]segmentFrame) []segmentFrame) {
	t.Helper()
	var segment []byte
	if err := s.write.QueryRowContext(t.Context(), `SELECT events FROM audit_segments WHERE first_seq = $1`, firstSeq).Scan(&segment); err != nil {
		t.Fatal(err)
	}
	frames, err := decodeSegment(segment)
	if err != nil {
		t.Fatal(err)
	}
	out := newSegmentEncoder(nil)
	for _, f := range edit(frames) {
		if err := out.addFrame(f); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.write.ExecContext(t.Context(), `UPDATE audit_segments SET events = $1 WHERE first_seq = $2`, out.b, firstSeq); err != nil {
		t.Fatal(err)
	}
}

func TestAuditVerifyFindsTampering(t *testing.T) {
	type brk struct {
		kind      warden.AuditBreakKind
		seq       uint64
		requestID string
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, s *Store)
		want   []brk
	}{
		{"intact", func(*testing.T, *Store) {}, nil},
		{"a denial rewritten as an allow", func(t *testing.T, s *Store) {
			rewriteSegment(t, s, 1, func(fs []segmentFrame) []segmentFrame {
				e := &warden.AuditEvent{}
				if err := e.UnmarshalRecord(fs[2].record); err != nil {
					t.Fatal(err)
				}
				e.Decision, e.ErrorCode = warden.AuditAllow, ""
				fs[2].record = e.AppendRecord(nil)
				return fs
			})
		}, []brk{{warden.AuditAltered, 3, "r3"}}},
		{"a record's bytes edited", func(t *testing.T, s *Store) {
			rewriteSegment(t, s, 5, func(fs []segmentFrame) []segmentFrame {
				fs[1].record = bytes.Replace(fs[1].record, []byte("alice"), []byte("carol"), 1)
				return fs
			})
		}, []brk{{warden.AuditAltered, 6, "r6"}}},
		{"an event removed", func(t *testing.T, s *Store) {
			rewriteSegment(t, s, 5, func(fs []segmentFrame) []segmentFrame { return slices.Delete(fs, 1, 2) })
		}, []brk{{warden.AuditRemoved, 7, "r7"}}},
		{"the newest segment deleted", func(t *testing.T, s *Store) {
			if _, err := s.write.ExecContext(t.Context(), `DELETE FROM audit_segments WHERE first_seq = 5`); err != nil {
				t.Fatal(err)
			}
		}, []brk{{warden.AuditRemoved, 0, ""}}},
		{"the oldest segment deleted", func(t *testing.T, s *Store) {
			if _, err := s.write.ExecContext(t.Context(), `DELETE FROM audit_segments WHERE first_seq = 1`); err != nil {
				t.Fatal(err)
			}
		}, []brk{{warden.AuditRemoved, 5, "r5"}}},
		{"two events swapped", func(t *testing.T, s *Store) {
			rewriteSegment(t, s, 5, func(fs []segmentFrame) []segmentFrame {
				fs[2], fs[3] = fs[3], fs[2]
				fs[2].seq, fs[3].seq = 7, 8
				return fs
			})
		}, []brk{{warden.AuditReordered, 7, "r8"}, {warden.AuditReordered, 8, "r7"}, {warden.AuditReordered, 9, "r9"}}},
		{"a segment's time index changed", func(t *testing.T, s *Store) {
			if _, err := s.write.ExecContext(t.Context(), `UPDATE audit_segments SET last_time = 0 WHERE first_seq = 5`); err != nil {
				t.Fatal(err)
			}
		}, []brk{{warden.AuditAltered, 5, ""}}},
		{"a segment truncated", func(t *testing.T, s *Store) {
			if _, err := s.write.ExecContext(t.Context(), `UPDATE audit_segments SET events = substr(events, 1, length(events) - 10) WHERE first_seq = 1`); err != nil {
				t.Fatal(err)
			}
		}, []brk{{warden.AuditAltered, 1, ""}, {warden.AuditRemoved, 5, "r5"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := auditTrail(t)
			tt.tamper(t, s)
			v, err := s.VerifyAuditTrail(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			var got []brk
			for _, b := range v.Breaks {
				got = append(got, brk{b.Kind, b.Seq, b.RequestID})
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("breaks = %+v\nwant %+v", v.Breaks, tt.want)
			}
			// A tampered trail still lists what decodes.
			if _, err := s.ListAuditEvents(t.Context(), warden.AuditFilter{}); err != nil {
				t.Fatalf("listing: %v", err)
			}
		})
	}
}

func TestSegmentRoundTrip(t *testing.T) {
	rec := func(i int) []byte {
		e := &warden.AuditEvent{Time: time.Unix(int64(1700000000+i), 0), RequestID: fmt.Sprintf("request-%d", i),
			UserAgent: "aws-cli/2.17", Identity: warden.AuditIdentity{ARN: "arn:aws:iam::123456789012:user/alice"}, Service: "iam", Action: "GetUser"}
		return e.AppendRecord(nil)
	}
	frames := []segmentFrame{
		{seq: 1, prevHash: "", hash: warden.AuditHash("", []byte("a")), record: rec(1)},
		{seq: 2, prevHash: warden.AuditHash("", []byte("a")), hash: warden.AuditHash("x", nil), record: rec(2)},
		{seq: 3, prevHash: warden.AuditHash("x", nil), hash: warden.AuditHash("y", nil), record: nil},
		{seq: 4, prevHash: warden.AuditHash("y", nil), hash: warden.AuditHash("z", nil), record: rec(300)},
		{seq: 5, prevHash: warden.AuditHash("z", nil), hash: warden.AuditHash("w", nil), record: rec(300)},
	}
	enc := newSegmentEncoder(nil)
	total := 0
	for _, f := range frames {
		if err := enc.addFrame(f); err != nil {
			t.Fatal(err)
		}
		total += len(f.record)
	}
	got, err := decodeSegment(enc.b)
	if err != nil || len(got) != len(frames) {
		t.Fatalf("decodeSegment: %d frames, %v", len(got), err)
	}
	for i, f := range frames {
		g := got[i]
		if g.seq != f.seq || g.prevHash != f.prevHash || g.hash != f.hash || !bytes.Equal(g.record, f.record) {
			t.Fatalf("frame %d = %+v, want %+v", i, g, f)
		}
	}
	// Records of one client share all but their time and request id.
	if recordBytes := len(enc.b) - len(frames)*(1+1+32+32+3); recordBytes > total/2 {
		t.Errorf("the segment keeps %d bytes of %d bytes of records", recordBytes, total)
	}
	for cut := 1; cut < len(enc.b); cut++ {
		if fs, err := decodeSegment(enc.b[:cut]); err == nil && len(fs) == len(frames) {
			t.Fatalf("a segment cut to %d bytes decoded whole", cut)
		}
	}
	if err := newSegmentEncoder(nil).addFrame(segmentFrame{hash: "not hex"}); err == nil {
		t.Fatal("the encoder accepted a hash that is not hex")
	}
}

func FuzzDecodeSegment(f *testing.F) {
	enc := newSegmentEncoder(nil)
	enc.addFrame(segmentFrame{seq: 7, prevHash: warden.AuditHash("", nil), hash: warden.AuditHash("a", nil), record: []byte{1, 2, 3}})
	enc.addFrame(segmentFrame{seq: 8, prevHash: warden.AuditHash("a", nil), hash: warden.AuditHash("b", nil), record: []byte{1, 9, 3}})
	f.Add(enc.b)
	f.Add([]byte{segmentVersion})
	f.Add([]byte{})
	f.Add([]byte{segmentVersion, 1, 32})
	f.Fuzz(func(t *testing.T, segment []byte) {
		frames, _ := decodeSegment(segment)
		// Whatever decodes encodes back to a segment that decodes the same.
		out := newSegmentEncoder(nil)
		for _, fr := range frames {
			if err := out.addFrame(fr); err != nil {
				t.Fatalf("a decoded frame does not encode: %v", err)
			}
		}
		again, err := decodeSegment(out.b)
		if err != nil || len(again) != len(frames) {
			t.Fatalf("re-encoded segment: %d frames, %v; want %d", len(again), err, len(frames))
		}
		for i := range frames {
			a, b := frames[i], again[i]
			if a.seq != b.seq || a.prevHash != b.prevHash || a.hash != b.hash || !bytes.Equal(a.record, b.record) {
				t.Fatalf("frame %d changed: %+v → %+v", i, a, b)
			}
		}
	})
}
