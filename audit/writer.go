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
	"bytes"
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
	DefaultBatchSize     = 2048
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
	queueSize     int
	maxWait       time.Duration
	log           *slog.Logger

	mu      sync.Mutex
	pending []queued // in the order recorded
	closed  bool
	// room is closed, and replaced, each time the loop takes events:
	// Record waits on it while the queue is full.
	room chan struct{}
	// wake tells the loop that a batch began or filled up, or that Close
	// was called; one token is enough, the loop looks at pending itself.
	wake chan struct{}
	done chan struct{} // closed when the loop has returned
	// ctx is the context of every store call; Close cancels it when its own
	// context ends before the last commit.
	ctx    context.Context
	cancel context.CancelFunc
	// lastErr is the error of the last commit given up on; the loop
	// writes it, Close reads it once the loop has returned.
	lastErr error

	written, dropped, failures, waits atomic.Uint64
}

// queued is an event waiting for its commit. Its record is encoded on the
// request's goroutine, while the event's strings are still in that CPU's
// cache; the loop only moves bytes.
type queued struct {
	record    []byte
	arrived   time.Time
	requestID string // for the log, should the event be lost
}

// NewWriter starts a Writer over the store.
func NewWriter(store warden.AuditService, opts Options) *Writer {
	w := &Writer{
		store:         store,
		flushInterval: positiveOr(opts.FlushInterval, DefaultFlushInterval),
		batchSize:     positiveOr(opts.BatchSize, DefaultBatchSize),
		queueSize:     positiveOr(opts.QueueSize, DefaultQueueSize),
		maxWait:       positiveOr(opts.MaxWait, DefaultMaxWait),
		log:           opts.Logger,
		room:          make(chan struct{}),
		wake:          make(chan struct{}, 1),
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

// Record adds the event to the trail. It returns at once while the queue
// has room; see the package documentation for when it does not. The event
// is not kept: Record encodes it.
func (w *Writer) Record(e *warden.AuditEvent) {
	q := queued{record: encode(e), arrived: e.Time, requestID: e.RequestID}
	var timeout <-chan time.Time
	w.mu.Lock()
	for len(w.pending) >= w.queueSize && !w.closed {
		room := w.room
		w.mu.Unlock()
		if timeout == nil {
			w.waits.Add(1)
			t := time.NewTimer(w.maxWait)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-room:
		case <-timeout:
			w.drop(e, fmt.Sprintf("the audit queue stayed full for %s", w.maxWait))
			return
		}
		w.mu.Lock()
	}
	if w.closed {
		w.mu.Unlock()
		w.drop(e, "the audit trail is closed")
		return
	}
	w.pending = append(w.pending, q)
	n := len(w.pending)
	w.mu.Unlock()
	if n == 1 || n == w.batchSize {
		w.signal()
	}
}

// scratch holds buffers to encode records in: a record is kept in an
// allocation of its own size, which the collector then handles, and the
// scratch buffer is used again.
var scratch = sync.Pool{New: func() any { return new([]byte) }}

func encode(e *warden.AuditEvent) []byte {
	buf := scratch.Get().(*[]byte)
	*buf = e.AppendRecord((*buf)[:0])
	record := bytes.Clone(*buf)
	scratch.Put(buf)
	return record
}

func (w *Writer) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *Writer) drop(e *warden.AuditEvent, why string) {
	w.dropped.Add(1)
	w.log.Error("audit event dropped: "+why, "request_id", e.RequestID, "principal", e.Identity.ARN,
		"service", e.Service, "action", e.Action, "code", e.ErrorCode)
}

// loop commits batches until Close, then commits what is left.
func (w *Writer) loop() {
	defer close(w.done)
	timer := time.NewTimer(w.flushInterval)
	timer.Stop()
	var batch []queued
	for {
		w.mu.Lock()
		n, closed := len(w.pending), w.closed
		var oldest time.Time
		if n > 0 {
			oldest = w.pending[0].arrived
		}
		w.mu.Unlock()
		switch {
		case n == 0 && closed:
			return
		case n == 0:
			<-w.wake
			continue
		case n < w.batchSize && !closed:
			// The window runs from the request's arrival: an event that
			// waited behind a commit has less of it left.
			if wait := min(w.flushInterval-time.Since(oldest), w.flushInterval); wait > 0 {
				timer.Reset(wait)
				select {
				case <-timer.C:
				case <-w.wake:
					// A full batch or Close: look again.
					timer.Stop()
					continue
				}
			}
		}
		batch = w.take(batch)
		w.commit(batch)
	}
}

// take moves up to a batch of events out of the queue and lets waiting
// Records in.
func (w *Writer) take(batch []queued) []queued {
	clear(batch)
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pending) <= w.batchSize {
		batch, w.pending = w.pending, batch[:0]
	} else {
		batch = append(batch[:0], w.pending[:w.batchSize]...)
		rest := copy(w.pending, w.pending[w.batchSize:])
		clear(w.pending[rest:])
		w.pending = w.pending[:rest]
	}
	close(w.room)
	w.room = make(chan struct{})
	return batch
}

// commit appends the batch, retrying with backoff while the store fails:
// the batch keeps its place in the trail, and Record's backpressure holds
// requests back meanwhile. It gives up only when Close runs out of time.
func (w *Writer) commit(batch []queued) {
	records := make([][]byte, len(batch))
	for i, q := range batch {
		records[i] = q.record
	}
	backoff := 50 * time.Millisecond
	for {
		_, err := w.store.AppendAuditRecords(w.ctx, records)
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
		for _, q := range batch[:cap(ids)] {
			ids = append(ids, q.requestID)
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
	w.closed = true
	w.mu.Unlock()
	w.signal()
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
		Queued:         w.queued(),
	}
}

func (w *Writer) queued() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.pending)
}
