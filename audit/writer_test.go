package audit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/audit"
	"github.com/warden-iam/warden/sqlstore"
)

func openStore(t testing.TB) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func event(i int) *warden.AuditEvent {
	return &warden.AuditEvent{
		Time:      time.Now(),
		RequestID: fmt.Sprintf("r%d", i),
		Identity:  warden.AuditIdentity{Type: "IAMUser", ARN: "arn:aws:iam::123456789012:user/alice"},
		Service:   "iam", Action: "GetUser", Decision: warden.AuditAllow,
	}
}

// faultyStore puts faults in front of a real store: Append waits while
// the gate is closed, and fails while failures remain (or always, with
// failAlways). It counts the calls that reached the store.
type faultyStore struct {
	warden.AuditService
	gate       chan struct{} // nil: open
	failures   atomic.Int32
	failAlways atomic.Bool
	commits    atomic.Int32
}

var errInjected = errors.New("injected failure")

func (f *faultyStore) AppendAuditRecords(ctx context.Context, records [][]byte) (*warden.AuditHead, error) {
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.failAlways.Load() || f.failures.Add(-1) >= 0 {
		return nil, errInjected
	}
	f.commits.Add(1)
	return f.AuditService.AppendAuditRecords(ctx, records)
}

func listAll(t *testing.T, s warden.AuditService) []*warden.AuditEvent {
	t.Helper()
	var all []*warden.AuditEvent
	var after uint64
	for {
		page, err := s.ListAuditEvents(t.Context(), warden.AuditFilter{AfterSeq: after, Limit: warden.MaxAuditLimit})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if len(page) < warden.MaxAuditLimit {
			return all
		}
		after = page[len(page)-1].Seq
	}
}

func TestCloseCommitsEveryRecordedEvent(t *testing.T) {
	store := openStore(t)
	w := audit.NewWriter(store, audit.Options{FlushInterval: time.Hour})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 250 {
				w.Record(event(g*1000 + i))
			}
		})
	}
	wg.Wait()
	if err := w.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := listAll(t, store)
	if len(got) != 2000 {
		t.Fatalf("%d events in the trail after Close, want 2000", len(got))
	}
	seen := map[string]bool{}
	for _, e := range got {
		seen[e.RequestID] = true
	}
	if len(seen) != 2000 {
		t.Fatalf("%d distinct events, want 2000", len(seen))
	}
	if s := w.Stats(); s.Written != 2000 || s.Dropped != 0 {
		t.Fatalf("Stats = %+v", s)
	}
	v, err := store.VerifyAuditTrail(t.Context())
	if err != nil || !v.Intact() {
		t.Fatalf("VerifyAuditTrail = %+v, %v", v, err)
	}
}

func TestEventsAreCommittedWithinTheFlushInterval(t *testing.T) {
	store := &faultyStore{AuditService: openStore(t)}
	const interval = 30 * time.Millisecond
	w := audit.NewWriter(store, audit.Options{FlushInterval: interval})
	defer w.Close(t.Context())
	start := time.Now()
	for i := range 100 {
		w.Record(event(i))
	}
	for w.Stats().Written < 100 {
		if time.Since(start) > interval+time.Second {
			t.Fatalf("after %s only %d of 100 events were committed", time.Since(start), w.Stats().Written)
		}
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	if elapsed < interval/2 {
		t.Fatalf("events were committed after %s, before the flush interval: they are not batched", elapsed)
	}
	// A burst recorded within the interval is one commit (two if the
	// burst straddled a commit).
	if n := store.commits.Load(); n > 2 {
		t.Fatalf("100 events took %d commits", n)
	}
	t.Logf("100 events committed in %d transaction(s) after %s", store.commits.Load(), elapsed)
}

func TestFullBatchesAreCommittedEarly(t *testing.T) {
	store := openStore(t)
	w := audit.NewWriter(store, audit.Options{FlushInterval: time.Hour, BatchSize: 10})
	for i := range 25 {
		w.Record(event(i))
	}
	deadline := time.Now().Add(5 * time.Second)
	for w.Stats().Written < 20 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // a third, partial batch must not follow
	if n := w.Stats().Written; n != 20 {
		t.Fatalf("%d events committed before Close, want the two full batches (20)", n)
	}
	if err := w.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(listAll(t, store)); n != 25 {
		t.Fatalf("%d events after Close, want 25", n)
	}
}

func TestAFullQueueHoldsRequestsBack(t *testing.T) {
	store := &faultyStore{AuditService: openStore(t), gate: make(chan struct{})}
	w := audit.NewWriter(store, audit.Options{BatchSize: 1, QueueSize: 2, FlushInterval: time.Millisecond, MaxWait: time.Minute})
	// One event is taken into a batch whose commit waits at the gate, two
	// fill the queue; the next Record must wait.
	for i := range 3 {
		w.Record(event(i))
	}
	waitFor(t, func() bool { return w.Stats().Queued == 2 })
	recorded := make(chan struct{})
	go func() {
		w.Record(event(3))
		close(recorded)
	}()
	select {
	case <-recorded:
		t.Fatal("Record returned while the queue was full")
	case <-time.After(50 * time.Millisecond):
	}
	close(store.gate)
	<-recorded
	if err := w.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	s := w.Stats()
	if s.Written != 4 || s.Dropped != 0 || s.QueueWaits == 0 {
		t.Fatalf("Stats = %+v, want 4 written, none dropped, a wait", s)
	}
}

func TestAnEventIsDroppedOnlyAfterMaxWaitAndIsLogged(t *testing.T) {
	store := &faultyStore{AuditService: openStore(t), gate: make(chan struct{})}
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))
	const maxWait = 40 * time.Millisecond
	w := audit.NewWriter(store, audit.Options{BatchSize: 1, QueueSize: 1, FlushInterval: time.Millisecond, MaxWait: maxWait, Logger: logger})
	w.Record(event(0)) // taken into the batch waiting at the gate
	waitFor(t, func() bool { return w.Stats().Queued == 0 })
	w.Record(event(1)) // fills the queue
	start := time.Now()
	w.Record(event(2)) // cannot get in
	if waited := time.Since(start); waited < maxWait {
		t.Fatalf("Record gave up after %s, before MaxWait", waited)
	}
	if s := w.Stats(); s.Dropped != 1 {
		t.Fatalf("Stats = %+v, want one dropped event", s)
	}
	mu.Lock()
	logged := logs.String()
	mu.Unlock()
	if !strings.Contains(logged, "level=ERROR") || !strings.Contains(logged, "request_id=r2") {
		t.Fatalf("the drop was not logged with its request id:\n%s", logged)
	}
	close(store.gate)
	if err := w.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s := w.Stats(); s.Written != 2 {
		t.Fatalf("Stats = %+v, want the two queued events written", s)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestFailedCommitsAreRetriedInOrder(t *testing.T) {
	real := openStore(t)
	store := &faultyStore{AuditService: real}
	store.failures.Store(2)
	w := audit.NewWriter(store, audit.Options{FlushInterval: time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	for i := range 10 {
		w.Record(event(i))
	}
	if err := w.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := listAll(t, real)
	for i, e := range got {
		if e.RequestID != fmt.Sprintf("r%d", i) {
			t.Fatalf("event %d is %s: order was lost across retries", i, e.RequestID)
		}
	}
	if s := w.Stats(); len(got) != 10 || s.CommitFailures != 2 || s.Dropped != 0 {
		t.Fatalf("%d events, Stats = %+v; want 10 events after 2 failures", len(got), s)
	}
}

func TestCloseReportsEventsItCouldNotWrite(t *testing.T) {
	store := &faultyStore{AuditService: openStore(t)}
	store.failAlways.Store(true)
	w := audit.NewWriter(store, audit.Options{FlushInterval: time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	for i := range 7 {
		w.Record(event(i))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	err := w.Close(ctx)
	if err == nil || !strings.Contains(err.Error(), "7 events") {
		t.Fatalf("Close = %v, want an error counting 7 lost events", err)
	}
	if s := w.Stats(); s.Dropped != 7 || s.Written != 0 {
		t.Fatalf("Stats = %+v", s)
	}
	w.Record(event(8))
	if s := w.Stats(); s.Dropped != 8 {
		t.Fatalf("an event recorded after Close was not counted as dropped: %+v", s)
	}
}

func TestMetrics(t *testing.T) {
	store := openStore(t)
	w := audit.NewWriter(store, audit.Options{})
	for i := range 3 {
		w.Record(event(i))
	}
	if err := w.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(w)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]float64{}
	for _, f := range families {
		m := f.GetMetric()[0]
		values[f.GetName()] = m.GetCounter().GetValue() + m.GetGauge().GetValue()
	}
	want := map[string]float64{
		"warden_audit_events_written_total":  3,
		"warden_audit_events_dropped_total":  0,
		"warden_audit_commit_failures_total": 0,
		"warden_audit_queue_waits_total":     0,
		"warden_audit_queue_length":          0,
	}
	for name, v := range want {
		if got, ok := values[name]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", name, got, ok, v)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkRecord measures what the trail costs per event: Record on the
// request path, and (in cpu-ns/op, the process's CPU time) the writer
// committing batches to a real store behind it, disk syncs included.
func BenchmarkRecord(b *testing.B) {
	w := audit.NewWriter(openStore(b), audit.Options{})
	e := event(0)
	e.UserAgent = "aws-sdk-go-v2/1.36.3 ua/2.1 os/linux lang/go#1.26 md/GOOS#linux md/GOARCH#amd64 api/iam#1.41.1"
	e.SourceIP, e.Region = "192.0.2.10", "us-east-1"
	e.RequestParameters = []warden.AuditParameter{{Name: "UserName", Value: "alice"}}
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		ev := *e
		ev.Time = time.Now()
		w.Record(&ev)
	}
	if err := w.Close(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64((processCPU()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// processCPU returns the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
