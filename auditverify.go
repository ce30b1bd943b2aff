package warden

import "fmt"

// AuditBreakKind says how a trail was tampered with.
type AuditBreakKind string

const (
	// AuditAltered: an event's content no longer matches its hash, or an
	// event was rewritten with a new hash that the next event does not
	// commit to.
	AuditAltered AuditBreakKind = "altered"
	// AuditRemoved: events are missing from the trail.
	AuditRemoved AuditBreakKind = "removed"
	// AuditReordered: an event is stored somewhere other than after the
	// event it was chained to.
	AuditReordered AuditBreakKind = "reordered"
)

// AuditBreak is one place where the chain does not hold.
type AuditBreak struct {
	Kind AuditBreakKind
	// Seq and RequestID identify the event the break is about (zero and
	// empty when events were removed from the end of the trail).
	Seq       uint64
	RequestID string
	// FirstMissing and LastMissing give the sequence numbers of removed
	// events, when they are known.
	FirstMissing, LastMissing uint64
	// Detail says what was found, in a sentence.
	Detail string
}

// AuditHead is the trail's record of its last event, which the store
// updates with every append: without it, removing the newest events would
// leave a chain that verifies.
type AuditHead struct {
	Seq  uint64
	Hash string
}

// AuditVerification is the result of walking a trail.
type AuditVerification struct {
	Events   uint64 // how many stored events were read
	FirstSeq uint64
	LastSeq  uint64
	LastHash string
	// Breaks lists where the chain does not hold, in trail order, up to
	// MaxAuditBreaks; Unlisted counts the breaks beyond them.
	Breaks   []AuditBreak
	Unlisted int
}

// MaxAuditBreaks bounds the breaks a verification lists.
const MaxAuditBreaks = 100

// Intact reports whether the trail verified.
func (v *AuditVerification) Intact() bool { return len(v.Breaks) == 0 }

// AuditChecker verifies a trail given one stored event at a time, in the
// order of their stored sequence numbers. A store reads its events into it
// and calls Finish with its head record.
type AuditChecker struct {
	// Locate finds the stored event with the given hash; it tells an event
	// that was moved (its predecessor is elsewhere in the trail) from one
	// whose predecessor was removed. It is called only where the chain
	// breaks.
	Locate func(hash string) (seq uint64, requestID string, found bool)

	result AuditVerification
	prev   *checkedEvent // the last event checked
}

// checkedEvent is what the checker keeps of the event before.
type checkedEvent struct {
	seq             uint64
	hash, requestID string
}

// Check verifies the next stored event: its sequence number, the hash it
// was chained to, its hash and its record. It returns the event the record
// holds, or nil when the record does not decode.
func (c *AuditChecker) Check(seq uint64, prevHash, hash string, record []byte) *AuditEvent {
	v := &c.result
	v.Events++
	if v.Events == 1 {
		v.FirstSeq = seq
	}
	v.LastSeq, v.LastHash = seq, hash
	content := &AuditEvent{Seq: seq, PrevHash: prevHash, Hash: hash}
	if content.UnmarshalRecord(record) != nil {
		content = nil
	}
	this := &checkedEvent{seq: seq, hash: hash}
	if content != nil {
		this.requestID = content.RequestID
	}
	prev := c.prev
	c.prev = this

	switch {
	case AuditHash(prevHash, record) != hash:
		c.Report(AuditBreak{Kind: AuditAltered, Seq: seq, RequestID: this.requestID,
			Detail: "its content or the hash it chains to does not match its hash"})
		return content
	case content == nil:
		c.Report(AuditBreak{Kind: AuditAltered, Seq: seq,
			Detail: "its record does not decode"})
		return nil
	}

	wantPrev, wantSeq := "", uint64(1)
	if prev != nil {
		wantPrev, wantSeq = prev.hash, prev.seq+1
	}
	switch {
	case prevHash == wantPrev && seq == wantSeq:
		// The chain holds.
	case prevHash == wantPrev:
		c.Report(AuditBreak{Kind: AuditAltered, Seq: seq, RequestID: this.requestID,
			Detail: fmt.Sprintf("its sequence number was changed: it follows seq %d in the chain", wantSeq-1)})
	default:
		c.unlinked(this, prevHash, prev, wantSeq)
	}
	return content
}

// unlinked reports an event whose predecessor in the chain is not the
// event stored before it: it was moved if its predecessor is elsewhere in
// the trail, and events are missing if it is nowhere.
func (c *AuditChecker) unlinked(this *checkedEvent, prevHash string, prev *checkedEvent, wantSeq uint64) {
	b := AuditBreak{Seq: this.seq, RequestID: this.requestID}
	if c.Locate != nil {
		if seq, id, ok := c.Locate(prevHash); ok {
			b.Kind = AuditReordered
			b.Detail = fmt.Sprintf("it was written after seq %d (request %s) but is stored after %s", seq, id, describe(prev))
			c.Report(b)
			return
		}
	}
	if prevHash == "" {
		b.Kind = AuditReordered
		b.Detail = "it was written as the first event but is stored after " + describe(prev)
		c.Report(b)
		return
	}
	if this.seq > wantSeq {
		b.Kind, b.FirstMissing, b.LastMissing = AuditRemoved, wantSeq, this.seq-1
		b.Detail = fmt.Sprintf("%s before it %s missing", events(this.seq-wantSeq), isAre(this.seq-wantSeq))
		c.Report(b)
		return
	}
	if prev == nil {
		b.Kind = AuditRemoved
		b.Detail = "the events before it are missing and the trail was renumbered"
		c.Report(b)
		return
	}
	b.Kind = AuditAltered
	b.Seq, b.RequestID = prev.seq, prev.requestID
	b.Detail = fmt.Sprintf("the next event (seq %d, request %s) was chained to a different hash: this event was rewritten, or the events between them were removed and the trail renumbered",
		this.seq, this.requestID)
	c.Report(b)
}

// Finish checks the end of the trail against the store's head record (nil
// when the store has none) and returns the result.
func (c *AuditChecker) Finish(head *AuditHead) *AuditVerification {
	last := c.prev
	switch {
	case head == nil && last == nil:
	case head == nil:
		c.Report(AuditBreak{Kind: AuditAltered, Detail: "the trail's head record is missing"})
	case last != nil && head.Seq == last.seq && head.Hash == last.hash:
	case last != nil && head.Hash == last.hash:
		c.Report(AuditBreak{Kind: AuditAltered, Seq: last.seq, RequestID: last.requestID,
			Detail: fmt.Sprintf("the last event was written as seq %d", head.Seq)})
	default:
		c.Report(c.missingHead(head, last))
	}
	return &c.result
}

// missingHead explains why the last event written is not the last event
// stored.
func (c *AuditChecker) missingHead(head *AuditHead, last *checkedEvent) AuditBreak {
	if c.Locate != nil {
		if seq, id, ok := c.Locate(head.Hash); ok {
			return AuditBreak{Kind: AuditReordered, Seq: seq, RequestID: id,
				Detail: fmt.Sprintf("it was written last, as seq %d, but is not stored at the end of the trail", head.Seq)}
		}
	}
	switch {
	case last == nil:
		return AuditBreak{Kind: AuditRemoved, FirstMissing: 1, LastMissing: head.Seq,
			Detail: fmt.Sprintf("all %s are missing", events(head.Seq))}
	case head.Seq > last.seq:
		return AuditBreak{Kind: AuditRemoved, FirstMissing: last.seq + 1, LastMissing: head.Seq,
			Detail: fmt.Sprintf("%s after seq %d %s missing", events(head.Seq-last.seq), last.seq, isAre(head.Seq-last.seq))}
	}
	return AuditBreak{Kind: AuditAltered, Seq: last.seq, RequestID: last.requestID,
		Detail: fmt.Sprintf("the trail's head record names seq %d with a hash no stored event has", head.Seq)}
}

// Report adds a break the store found itself, such as an index of its own
// that disagrees with the events.
func (c *AuditChecker) Report(b AuditBreak) {
	if len(c.result.Breaks) == MaxAuditBreaks {
		c.result.Unlisted++
		return
	}
	c.result.Breaks = append(c.result.Breaks, b)
}

func describe(e *checkedEvent) string {
	if e == nil {
		return "the start of the trail"
	}
	return fmt.Sprintf("seq %d (request %s)", e.seq, e.requestID)
}

func events(n uint64) string {
	if n == 1 {
		return "1 event"
	}
	return fmt.Sprintf("%d events", n)
}

func isAre(n uint64) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
