package healthapi

import (
	"context"
	"sync"
)

// JobQueue runs asynchronous jobs, named by keys, on a fixed number of
// workers: patient insights jobs here, medical coding jobs in codingapi.
// A key is run once however often it is queued while it waits or runs, so
// a job queued both by its request and by a restart's recovery runs once.
// It keeps nothing durable: the store says which jobs are unfinished, and
// whoever runs the queue enqueues them again after a restart.
type JobQueue[K comparable] struct {
	run func(context.Context, K)

	mu     sync.Mutex
	queue  []K
	queued map[K]bool    // keys waiting or running
	wake   chan struct{} // has a token while the queue may be non-empty
}

// NewJobQueue returns an empty queue whose workers call run for each key.
// run returns when the job has ended or ctx is done; a job that ctx
// interrupts is left for the next Work to be enqueued again.
func NewJobQueue[K comparable](run func(ctx context.Context, key K)) *JobQueue[K] {
	return &JobQueue[K]{run: run, queued: map[K]bool{}, wake: make(chan struct{}, 1)}
}

// Enqueue queues a job, unless it is already waiting or running. Jobs
// queued before Work starts wait for it.
func (q *JobQueue[K]) Enqueue(key K) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.queued[key] {
		return
	}
	q.queued[key] = true
	q.queue = append(q.queue, key)
	q.signal()
}

// Work runs queued jobs on workers goroutines until ctx is done, and
// returns once every worker has stopped.
func (q *JobQueue[K]) Work(ctx context.Context, workers int) {
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for {
				key, ok := q.next(ctx)
				if !ok {
					return
				}
				q.run(ctx, key)
				q.mu.Lock()
				delete(q.queued, key)
				q.mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// signal wakes a worker; the caller holds mu.
func (q *JobQueue[K]) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// next returns the next job to run, waiting for one until ctx is done.
func (q *JobQueue[K]) next(ctx context.Context) (K, bool) {
	for ctx.Err() == nil {
		q.mu.Lock()
		if len(q.queue) > 0 {
			key := q.queue[0]
			q.queue = q.queue[1:]
			if len(q.queue) > 0 {
				q.signal() // another worker may take the rest
			}
			q.mu.Unlock()
			return key, true
		}
		q.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-q.wake:
		}
	}
	var zero K
	return zero, false
}
