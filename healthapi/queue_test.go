package healthapi

import (
	"context"
	"runtime"
	"sync"
	"testing"
)

// A key queued again while it waits or runs runs once; once it has run it
// may be queued anew; Work returns when its context ends.
func TestJobQueueRunsEachKeyOnce(t *testing.T) {
	var mu sync.Mutex
	runs := map[string]int{}
	release := make(chan struct{})
	started := make(chan string, 10)
	q := NewJobQueue(func(_ context.Context, key string) {
		started <- key
		<-release
		mu.Lock()
		runs[key]++
		mu.Unlock()
	})
	q.Enqueue("a")
	q.Enqueue("a") // waiting: not queued twice
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { q.Work(ctx, 2); close(done) }()
	if key := <-started; key != "a" {
		t.Fatalf("ran %q first", key)
	}
	q.Enqueue("a") // running: not queued again
	q.Enqueue("b")
	if key := <-started; key != "b" {
		t.Fatalf("ran %q; want b", key)
	}
	release <- struct{}{}
	release <- struct{}{}
	// Once both have left the queue, "a" may run again.
	for {
		q.mu.Lock()
		idle := len(q.queued) == 0
		q.mu.Unlock()
		if idle {
			break
		}
		if t.Context().Err() != nil {
			t.Fatal("the queue never emptied")
		}
		runtime.Gosched()
	}
	q.Enqueue("a")
	<-started
	release <- struct{}{}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if runs["a"] != 2 || runs["b"] != 1 {
		t.Errorf("runs = %v; want a twice (once per time it was queued while idle) and b once", runs)
	}
}
