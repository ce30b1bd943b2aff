package warden_test

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

// storedAudit is one row of an in-memory trail: the columns and the record.
type storedAudit struct {
	e      *warden.AuditEvent
	record []byte
}

// auditTrail chains n events with request ids r1…rn, as a store appends
// them, and returns the rows and the head.
func auditTrail(n int) ([]storedAudit, *warden.AuditHead) {
	var rows []storedAudit
	prev := ""
	for i := 1; i <= n; i++ {
		e := &warden.AuditEvent{
			Time:      time.Unix(1700000000+int64(i), 0).UTC(),
			RequestID: fmt.Sprintf("r%d", i),
			Identity:  warden.AuditIdentity{ARN: "arn:aws:iam::123456789012:user/alice"},
			Service:   "iam", Action: "GetUser", Decision: warden.AuditAllow,
		}
		record := e.AppendRecord(nil)
		e.Seq, e.PrevHash, e.Hash = uint64(i), prev, warden.AuditHash(prev, record)
		prev = e.Hash
		rows = append(rows, storedAudit{e, record})
	}
	if n == 0 {
		return nil, nil
	}
	return rows, &warden.AuditHead{Seq: uint64(n), Hash: prev}
}

// checkTrail verifies rows as a store would: in stored Seq order, locating
// hashes among all rows.
func checkTrail(rows []storedAudit, head *warden.AuditHead) *warden.AuditVerification {
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b storedAudit) int { return int(a.e.Seq) - int(b.e.Seq) })
	c := &warden.AuditChecker{Locate: func(hash string) (uint64, string, bool) {
		for _, r := range rows {
			if r.e.Hash == hash {
				return r.e.Seq, r.e.RequestID, true
			}
		}
		return 0, "", false
	}}
	for _, r := range rows {
		c.Check(r.e.Seq, r.e.PrevHash, r.e.Hash, r.record)
	}
	return c.Finish(head)
}

// brk is the part of an AuditBreak a test pins (Detail is prose).
type brk struct {
	Kind        warden.AuditBreakKind
	Seq         uint64
	RequestID   string
	First, Last uint64
}

func TestAuditCheckerFindsTampering(t *testing.T) {
	rehash := func(r *storedAudit) { r.e.Hash = warden.AuditHash(r.e.PrevHash, r.record) }
	tests := []struct {
		name   string
		tamper func(rows []storedAudit, head *warden.AuditHead) ([]storedAudit, *warden.AuditHead)
		want   []brk
	}{
		{"intact", nil, nil},
		{"record altered", func(rows []storedAudit, head *warden.AuditHead) ([]storedAudit, *warden.AuditHead) {
			rows[4].record = bytes.Replace(rows[4].record, []byte("GetUser"), []byte("SetUser"), 1)
			return rows, head
		}, []brk{{warden.AuditAltered, 5, "r5", 0, 0}}},
		{"record no longer decodes", func(rows []storedAudit, head *warden.AuditHead) ([]storedAudit, *warden.AuditHead) {
			rows[4].record = append(slices.Clone(rows[4].record), 0)
			return rows, head
		}, []brk{{warden.AuditAltered, 5, "", 0, 0}}},
		{"previous hash altered", func(rows []storedAudit, head *warden.AuditHead) ([]storedAudit, *warden.AuditHead) {
			rows[4].e.PrevHash = rows[2].e.Hash
			return rows, head
		}, []brk{{warden.AuditAltered, 5, "r5", 0, 0}}},
		{"rewritten with a recomputed hash", func(rows []storedAudit, head *warden.AuditHead) ([]storedAudit, *warden.AuditHead) {
			e := *rows[4].e
			e.Action = "DeleteUser"
			rows[4] = storedAudit{&e, e.AppendRecord(nil)}
			rehash(&rows[4])
			return rows, head
		}, []brk{{warden.AuditAltered, 5, "r5", 0, 0}}},
		{"removed in the middle", func(rows []storedAudit, head *warden.AuditHead) ([]storedAudit, *warden.AuditHead) {
			return slices.Delete(rows, 4, 6), head
		}, []brk{{warden.AuditRemoved, 7, "r7", 5, 6}}},
		{"first removed", func(rows []storedAudit, head *warden.AuditHead) ([]storedAudit, *warden.AuditHead) {
			return rows[1:], head
		}, []brk{{warden.AuditRemoved, 2, "r2", 1, 1}}},
		{"newest removed", func(rows []storedAudit, head *warden.AuditHead) ([]storedAudit, *warden.AuditHead) {
			return rows[:8], head
		}, []brk{{warden.AuditRemoved, 0, "", 9, 10}}},
		{"all removed", func(rows []storedAudit, head *warden.AuditHead) ([]storedAudit, *warden.AuditHead) {
			return nil, head
		}, []brk{{warden.AuditRemoved, 0, "", 1, 10}}},
		{"head removed", func(rows []storedAudit, head *warden.AuditHead) ([]storedAudit, *warden.AuditHead) {
			return rows, nil
		}, []brk{{warden.AuditAltered, 0, "", 0, 0}}},
		{"two events swapped", func(rows []storedAudit, head *warden.AuditHead) ([]storedAudit, *warden.AuditHead) {
			rows[4].e.Seq, rows[5].e.Seq = 6, 5
			return rows, head
		}, []brk{{warden.AuditReordered, 5, "r6", 0, 0}, {warden.AuditReordered, 6, "r5", 0, 0}, {warden.AuditReordered, 7, "r7", 0, 0}}},
		{"newest moved to the front", func(rows []storedAudit, head *warden.AuditHead) ([]storedAudit, *warden.AuditHead) {
			for _, r := range rows {
				r.e.Seq++
			}
			rows[9].e.Seq = 1
			return rows, head
		}, []brk{{warden.AuditReordered, 1, "r10", 0, 0}, {warden.AuditReordered, 2, "r1", 0, 0}, {warden.AuditReordered, 1, "r10", 0, 0}}},
		{"removed and renumbered", func(rows []storedAudit, head *warden.AuditHead) ([]storedAudit, *warden.AuditHead) {
			rows = slices.Delete(rows, 4, 5)
			for _, r := range rows[4:] {
				r.e.Seq--
			}
			return rows, head
		}, []brk{{warden.AuditAltered, 4, "r4", 0, 0}, {warden.AuditAltered, 9, "r10", 0, 0}}},
		{"sequence number changed", func(rows []storedAudit, head *warden.AuditHead) ([]storedAudit, *warden.AuditHead) {
			rows[9].e.Seq = 12
			return rows, head
		}, []brk{{warden.AuditAltered, 12, "r10", 0, 0}, {warden.AuditAltered, 12, "r10", 0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, head := auditTrail(10)
			if tt.tamper != nil {
				rows, head = tt.tamper(rows, head)
			}
			v := checkTrail(rows, head)
			var got []brk
			for _, b := range v.Breaks {
				if b.Detail == "" {
					t.Errorf("break %+v says nothing", b)
				}
				got = append(got, brk{b.Kind, b.Seq, b.RequestID, b.FirstMissing, b.LastMissing})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("breaks:\n got %+v\nwant %+v\n%+v", got, tt.want, v.Breaks)
			}
			if v.Intact() != (len(tt.want) == 0) {
				t.Fatalf("Intact() = %v with breaks %+v", v.Intact(), v.Breaks)
			}
			if v.Events != uint64(len(rows)) {
				t.Fatalf("Events = %d, want %d", v.Events, len(rows))
			}
		})
	}
}

func TestAuditCheckerEmptyTrail(t *testing.T) {
	v := checkTrail(nil, nil)
	if !v.Intact() || v.Events != 0 {
		t.Fatalf("empty trail: %+v", v)
	}
}

func TestAuditCheckerListsAtMostMaxBreaks(t *testing.T) {
	rows, head := auditTrail(warden.MaxAuditBreaks + 20)
	for i := range rows {
		rows[i].record = append(rows[i].record, 0) // every record now fails its hash
	}
	v := checkTrail(rows, head)
	if len(v.Breaks) != warden.MaxAuditBreaks || v.Unlisted != 20 {
		t.Fatalf("listed %d breaks and %d unlisted, want %d and 20", len(v.Breaks), v.Unlisted, warden.MaxAuditBreaks)
	}
}
