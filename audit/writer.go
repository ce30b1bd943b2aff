// Package audit writes Warden's audit trail off the request path. The HTTP
// front hands every request's event to a Writer, which commits events to
// the store (warden.AuditService) in batches: one transaction, and so one
// disk sync, for many requests.
//
// What a crash can lose is bounded in time: a batch is committed as soon as
// its oldest request arrived FlushInterval ago (50 ms by default) or it
// holds BatchSize events, whichever comes first. A crash (SIGKILL, power
// loss) therefore loses at most the events of requests that arrived in the
// last FlushInterval, plus those of a batch whose commit (one fsync, a few
// milliseconds) had not finished. A clean shutdown loses none: Close
// commits everything recorded before it.
//
// Events are never lost silently. When the store falls behind and the
// queue is full, Record waits for room, slowing requests to the pace the
// trail can be written at; only after MaxWait (the store is failing, not
// slow) does it drop the event, counting it in
// warden_audit_events_dropped_total and logging it with its request id at
// ERROR level.
package audit

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/warden-iam/warden"
)

// Defaults of Options.
const (
	DefaultFlushInterval = 50 * time.Millisecond
	DefaultBatchSize     = 512
	DefaultQueueSize     = 16 << 10
	DefaultMaxWait       = 5 * time.Second
)

// Options configure a Writer. The zero value uses the defaults.
type Options struct {
	// FlushInterval is the longest a request's event waits, from the
	// request's arrival, before its batch is committed: the crash window.
	FlushInterval time.Duration
	// BatchSize commits a batch early once it holds this many events.
	BatchSize int
	// QueueSize is how many events may wait for a commit.
	QueueSize int
	// MaxWait is how long Record waits for room in a full queue before it
	// drops the event.
	MaxWait time.Duration
	Logger  *slog.Logger
}

// Writer batches events into the store. It is safe for concurrent use.
type Writer struct {
	store         warden.AuditService
	flushInterval time.Duration
	batchSize     int
	maxWait       time.Duration
	log           *slog.Logger

	queue chan *warden.AuditEvent
	// mu is held shared by Record while it enqueues and exclusively by
	// Close to stop new events, so that once Close holds it every event
	// recorded before is in the queue.
	mu     sync.RWMutex
	closed bool
	stop   chan struct{} // closed by Close: drain the queue and return
	done   chan struct{} // closed when the loop has returned
	// ctx is the context of every store call; Close cancels it when its own
	// context ends before the last commit.
	ctx    context.Context
	cancel context.CancelFunc
	// lastErr is the error of the last commit given up on; the loop
	// writes it, Close reads it once the loop has returned.
	lastErr error

	written, dropped, failures, waits atomic.Uint64
}

// NewWriter starts a Writer over the store.
func NewWriter(store warden.AuditService, opts Options) *Writer {
	w := &Writer{
		store:         store,
		flushInterval: positiveOr(opts.FlushInterval, DefaultFlushInterval),
		batchSize:     positiveOr(opts.BatchSize, DefaultBatchSize),
		maxWait:       positiveOr(opts.MaxWait, DefaultMaxWait),
		log:           opts.Logger,
		queue:         make(chan *warden.AuditEvent, positiveOr(opts.QueueSize, DefaultQueueSize)),
		stop:          make(chan struct{}),
		done:          make(chan struct{}),
	}
	if w.log == nil {
		w.log = slog.Default()
	}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	go w.loop()
	return w
}

func positiveOr[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Record adds the event to the trail and takes ownership of it. It returns
// at once while the queue has room; see the package documentation for
// when it does not.
func (w *Writer) Record(e *warden.AuditEvent) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		w.drop(e, "the audit trail is closed")
		return
	}
	select {
	case w.queue <- e:
		return
	default:
	}
	w.waits.Add(1)
	t := time.NewTimer(w.maxWait)
	defer t.Stop()
	select {
	case w.queue <- e:
	case <-t.C:
		w.drop(e, fmt.Sprintf("the audit queue stayed full for %s", w.maxWait))
	}
}

func (w *Writer) drop(e *warden.AuditEvent, why string) {
	w.dropped.Add(1)
	w.log.Error("audit event dropped: "+why, "request_id", e.RequestID, "principal", e.Identity.ARN,
		"service", e.Service, "action", e.Action, "code", e.ErrorCode)
}

// loop gathers batches and commits them until Close.
func (w *Writer) loop() {
	defer close(w.done)
	batch := make([]*warden.AuditEvent, 0, w.batchSize)
	timer := time.NewTimer(w.flushInterval)
	timer.Stop()
	for {
		select {
		case e := <-w.queue:
			batch = append(batch, e)
			if len(batch) < w.batchSize {
				if len(batch) > 1 {
					continue
				}
				// The window runs from the request's arrival: an event
				// that waited in the queue behind a commit has less of
				// it left.
				if wait := min(w.flushInterval-time.Since(e.Time), w.flushInterval); wait > 0 {
					timer.Reset(wait)
					continue
				}
			}
		case <-timer.C:
		case <-w.stop:
			timer.Stop()
			w.drainAndCommit(batch)
			return
		}
		timer.Stop()
		batch = w.fill(batch)
		w.commit(batch)
		clear(batch)
		batch = batch[:0]
	}
}

// fill adds queued events to the batch up to the batch size, without
// waiting.
func (w *Writer) fill(batch []*warden.AuditEvent) []*warden.AuditEvent {
	for len(batch) < w.batchSize {
		select {
		case e := <-w.queue:
			batch = append(batch, e)
		default:
			return batch
		}
	}
	return batch
}

// drainAndCommit commits the batch and everything queued. Record adds
// nothing once Close has begun, so the queue only empties.
func (w *Writer) drainAndCommit(batch []*warden.AuditEvent) {
	for {
		batch = w.fill(batch)
		if len(batch) == 0 {
			return
		}
		w.commit(batch)
		clear(batch)
		batch = batch[:0]
	}
}

// commit appends the batch, retrying with backoff while the store fails:
// the batch keeps its place in the trail, and Record's backpressure holds
// requests back meanwhile. It gives up only when Close runs out of time.
func (w *Writer) commit(batch []*warden.AuditEvent) {
	if len(batch) == 0 {
		return
	}
	backoff := 50 * time.Millisecond
	for {
		err := w.store.AppendAuditEvents(w.ctx, batch)
		if err == nil {
			w.written.Add(uint64(len(batch)))
			return
		}
		w.failures.Add(1)
		if w.ctx.Err() == nil {
			w.log.Warn("audit: committing events failed; retrying", "events", len(batch), "retry_in", backoff, "error", err)
			select {
			case <-time.After(backoff):
				backoff = min(2*backoff, 5*time.Second)
				continue
			case <-w.ctx.Done():
			}
		}
		w.dropped.Add(uint64(len(batch)))
		ids := make([]string, 0, min(len(batch), 10))
		for _, e := range batch[:cap(ids)] {
			ids = append(ids, e.RequestID)
		}
		w.log.Error("audit events lost at shutdown: the store did not accept them in time", "events", len(batch),
			"request_ids", ids, "error", err)
		w.lastErr = err
		return
	}
}

// Close stops taking events and commits every event recorded before it. If
// ctx ends first, the events not yet committed are dropped (counted and
// logged) and Close returns an error saying how many.
func (w *Writer) Close(ctx context.Context) error {
	droppedBefore := w.dropped.Load()
	w.mu.Lock()
	already := w.closed
	w.closed = true
	w.mu.Unlock()
	if !already {
		close(w.stop)
	}
	select {
	case <-w.done:
	case <-ctx.Done():
		w.cancel()
		<-w.done
	}
	w.cancel()
	if lost := w.dropped.Load() - droppedBefore; lost > 0 {
		return fmt.Errorf("audit: %d events could not be written before the shutdown deadline: %w", lost, w.lastErr)
	}
	return nil
}

// Stats are the Writer's counters.
type Stats struct {
	Written        uint64 // events committed
	Dropped        uint64 // events lost: see the package documentation
	CommitFailures uint64 // failed commit attempts (each was retried)
	QueueWaits     uint64 // times Record found the queue full and waited
	Queued         int    // events waiting for a commit now
}

// Stats returns the counters.
func (w *Writer) Stats() Stats {
	return Stats{
		Written:        w.written.Load(),
		Dropped:        w.dropped.Load(),
		CommitFailures: w.failures.Load(),
		QueueWaits:     w.waits.Load(),
		Queued:         len(w.queue),
	}
}
