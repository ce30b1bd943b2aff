package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/warden-iam/warden"
)

// The audit trail is kept in audit_segments (00004_audit.sql), one row per
// appended batch of records. A row per event would cost SQLite about ten microseconds
// of CPU per request (binding, three B-trees, WAL frames), as much as a
// tenth of what serving the request costs; a row per batch costs one
// insert per commit, and the events' bytes. Reads prune segments by seq
// and time in SQL and filter events in Go.

// AppendAuditRecords implements warden.AuditService: one segment, chained
// to the head, and the head moved, in one write transaction. The writer is
// the only process that appends, and BEGIN IMMEDIATE serializes it with
// anyone else who might.
func (s *Store) AppendAuditRecords(ctx context.Context, records [][]byte) (*warden.AuditHead, error) {
	if len(records) == 0 {
		return s.auditHead(ctx)
	}
	var firstTime, lastTime int64
	size := 1
	for i, r := range records {
		t, err := warden.AuditRecordTime(r)
		if err != nil {
			return nil, warden.Errorf(warden.EInvalidInput, "Audit record %d of %d is not a record.", i+1, len(records))
		}
		us := micros(t)
		if i == 0 {
			firstTime, lastTime = us, us
		}
		firstTime, lastTime = min(firstTime, us), max(lastTime, us)
		size += len(r)/2 + 80
	}
	var head warden.AuditHead
	buf := make([]byte, 0, size)
	err := s.record(ctx, "sqlstore.AppendAuditRecords", func(tx querier) error {
		var err error
		if head, err = readAuditHead(ctx, tx); err != nil {
			return err
		}
		first := head.Seq + 1
		prev, err := hex.DecodeString(head.Hash)
		if err != nil {
			return fmt.Errorf("the audit trail's head hash %q is not hex: %w", head.Hash, err)
		}
		segment := newSegmentEncoder(buf)
		var last [sha256.Size]byte
		for _, r := range records {
			sum := warden.AuditHashSum(head.Hash, r)
			head.Seq++
			segment.add(head.Seq, prev, &sum, r)
			last = sum
			prev = last[:]
			head.Hash = hex.EncodeToString(prev)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_segments (first_seq, last_seq, first_time, last_time, events)
			VALUES ($1, $2, $3, $4, $5)`, int64(first), int64(head.Seq), firstTime, lastTime, segment.b); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)
			ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`, int64(head.Seq), head.Hash)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &head, nil
}

// readAuditHead returns the trail's head; the zero head for an empty
// trail.
func readAuditHead(ctx context.Context, q querier) (warden.AuditHead, error) {
	var seq int64
	var hash string
	err := q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return warden.AuditHead{}, nil
	}
	return warden.AuditHead{Seq: uint64(seq), Hash: hash}, err
}

func (s *Store) auditHead(ctx context.Context) (*warden.AuditHead, error) {
	var head warden.AuditHead
	err := s.view(ctx, "sqlstore.AppendAuditRecords", func(tx querier) error {
		var err error
		head, err = readAuditHead(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &head, nil
}

// ListAuditEvents implements warden.AuditService. Events whose record no
// longer decodes (the trail was tampered with; VerifyAuditTrail says
// where) are left out.
func (s *Store) ListAuditEvents(ctx context.Context, f warden.AuditFilter) ([]*warden.AuditEvent, error) {
	if f.Limit < 0 {
		return nil, warden.Errorf(warden.EInvalidInput, "The limit must not be negative.")
	}
	limit := f.Limit
	if limit == 0 {
		limit = warden.DefaultAuditLimit
	}
	limit = min(limit, warden.MaxAuditLimit)

	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.AfterSeq > 0 {
		// From the segment that holds the first seq wanted: segments are
		// contiguous, so it is the last one starting at or before it.
		where = append(where, "first_seq >= (SELECT COALESCE(MAX(first_seq), 0) FROM audit_segments WHERE first_seq <= "+arg(int64(f.AfterSeq+1))+")")
	}
	if f.BeforeSeq > 0 {
		where = append(where, "first_seq < "+arg(int64(f.BeforeSeq)))
	}
	if !f.Since.IsZero() {
		where = append(where, "last_time >= "+arg(micros(f.Since)))
	}
	if !f.Until.IsZero() {
		where = append(where, "first_time < "+arg(micros(f.Until)))
	}
	query := "SELECT events FROM audit_segments"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY first_seq"
	if f.Reverse {
		query += " DESC"
	}

	var out []*warden.AuditEvent
	err := s.view(ctx, "sqlstore.ListAuditEvents", func(tx querier) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() && len(out) < limit {
			var segment []byte
			if err := rows.Scan(&segment); err != nil {
				return err
			}
			frames, _ := decodeSegment(segment)
			if f.Reverse {
				slices.Reverse(frames)
			}
			for _, fr := range frames {
				e := &warden.AuditEvent{Seq: fr.seq, PrevHash: fr.prevHash, Hash: fr.hash}
				if e.UnmarshalRecord(fr.record) != nil || !f.Match(e) {
					continue
				}
				if out = append(out, e); len(out) == limit {
					break
				}
			}
		}
		return rows.Err()
	})
	return out, err
}

// VerifyAuditTrail implements warden.AuditService. It reads the trail in
// one read transaction, so it sees one state of it however long it takes
// while the server goes on appending.
func (s *Store) VerifyAuditTrail(ctx context.Context) (*warden.AuditVerification, error) {
	var result *warden.AuditVerification
	err := s.view(ctx, "sqlstore.VerifyAuditTrail", func(tx querier) error {
		var head *warden.AuditHead
		switch h, err := readAuditHead(ctx, tx); {
		case err != nil:
			return err
		case h.Seq > 0:
			head = &h
		}
		index := &hashIndex{tx: tx}
		checker := &warden.AuditChecker{Locate: func(hash string) (uint64, string, bool) { return index.locate(ctx, hash) }}
		rows, err := tx.QueryContext(ctx, `SELECT first_seq, last_seq, first_time, last_time, events FROM audit_segments ORDER BY first_seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var seg segmentRow
			if err := rows.Scan(&seg.firstSeq, &seg.lastSeq, &seg.firstTime, &seg.lastTime, &seg.events); err != nil {
				return err
			}
			seg.check(checker)
			if index.err != nil {
				return index.err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		result = checker.Finish(head)
		return nil
	})
	return result, err
}

// segmentRow is a row of audit_segments.
type segmentRow struct {
	firstSeq, lastSeq, firstTime, lastTime int64
	events                                 []byte
}

// check feeds the segment's events to the checker and reports where the
// row's own columns disagree with them: columns that lie would hide events
// from reads that prune by seq or time.
func (seg *segmentRow) check(c *warden.AuditChecker) {
	frames, err := decodeSegment(seg.events)
	times := make([]int64, 0, len(frames))
	for _, f := range frames {
		if e := c.Check(f.seq, f.prevHash, f.hash, f.record); e != nil {
			times = append(times, micros(e.Time))
		}
	}
	where := fmt.Sprintf("the segment stored as seq %d to %d", seg.firstSeq, seg.lastSeq)
	switch {
	case err != nil:
		c.Report(warden.AuditBreak{Kind: warden.AuditAltered, Seq: uint64(seg.firstSeq),
			Detail: fmt.Sprintf("%s is damaged after its first %d events", where, len(frames))})
	case len(frames) == 0:
		c.Report(warden.AuditBreak{Kind: warden.AuditAltered, Seq: uint64(seg.firstSeq), Detail: where + " holds no events"})
	case frames[0].seq != uint64(seg.firstSeq) || frames[len(frames)-1].seq != uint64(seg.lastSeq):
		c.Report(warden.AuditBreak{Kind: warden.AuditAltered, Seq: uint64(seg.firstSeq),
			Detail: fmt.Sprintf("%s holds seq %d to %d", where, frames[0].seq, frames[len(frames)-1].seq)})
	case len(times) == len(frames) && (slices.Min(times) != seg.firstTime || slices.Max(times) != seg.lastTime):
		c.Report(warden.AuditBreak{Kind: warden.AuditAltered, Seq: uint64(seg.firstSeq),
			Detail: where + " is indexed under other times than its events'"})
	}
}

// hashIndex finds events by hash for the checker. It is built on first
// use, with one more pass over the trail: only a broken trail needs it.
type hashIndex struct {
	tx     querier
	events map[string]hashed
	err    error
}

type hashed struct {
	seq       uint64
	requestID string
}

func (x *hashIndex) locate(ctx context.Context, hash string) (uint64, string, bool) {
	if x.events == nil && x.err == nil {
		x.events, x.err = x.build(ctx)
	}
	h, ok := x.events[hash]
	return h.seq, h.requestID, ok
}

func (x *hashIndex) build(ctx context.Context) (map[string]hashed, error) {
	rows, err := x.tx.QueryContext(ctx, `SELECT events FROM audit_segments ORDER BY first_seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	index := map[string]hashed{}
	for rows.Next() {
		var segment []byte
		if err := rows.Scan(&segment); err != nil {
			return nil, err
		}
		frames, _ := decodeSegment(segment)
		for _, f := range frames {
			if _, seen := index[f.hash]; seen {
				continue
			}
			var e warden.AuditEvent
			_ = e.UnmarshalRecord(f.record)
			index[f.hash] = hashed{f.seq, e.RequestID}
		}
	}
	return index, rows.Err()
}
