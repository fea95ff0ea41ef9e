package main

import (
	"context"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

// ---- goroutine profile: goroutines parked in different places, some under pprof labels ----

func writeGoroutine(path string) error {
	ctx, cancel := context.WithCancel(context.Background())
	var started, done sync.WaitGroup
	jobs := make(chan int)
	var mu sync.Mutex
	mu.Lock()

	spawn := func(labels pprof.LabelSet, run func()) {
		started.Add(1)
		done.Add(1)
		pprof.Do(ctx, labels, func(context.Context) {
			// Goroutines started here inherit the labels.
			go func() {
				defer done.Done()
				run()
			}()
		})
	}
	for i := 0; i < 4; i++ { // a worker pool waiting for jobs
		spawn(pprof.Labels("pool", "workers"), func() { started.Done(); worker(jobs) })
	}
	for i := 0; i < 2; i++ { // pollers waiting in a select
		spawn(pprof.Labels("pool", "pollers"), func() { started.Done(); poller(ctx) })
	}
	for d := 1; d <= 3; d++ { // parked at the bottom of a recursion
		spawn(pprof.Labels("pool", "walkers"), func() { started.Done(); walk(d, ctx) })
	}
	spawn(pprof.Labels(), func() { started.Done(); mu.Lock(); mu.Unlock() }) // waits on a lock; no labels
	started.Wait()
	time.Sleep(50 * time.Millisecond) // let every goroutine reach the place it parks in

	err := writeLookup("goroutine", path)
	cancel()
	close(jobs)
	mu.Unlock()
	done.Wait()
	return err
}

func worker(jobs <-chan int) {
	for j := range jobs {
		consume(uint64(j))
	}
}

func poller(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}

func walk(depth int, ctx context.Context) {
	if depth > 0 {
		walk(depth-1, ctx)
		return
	}
	<-ctx.Done()
}

// ---- mutex profile: lock holders that make others wait -------------------------------------

// account is a lock-protected counter; the mutex profile charges the waiting to the stack that
// unlocks (holds) the lock.
type account struct {
	mu      sync.Mutex
	balance int
}

func (a *account) deposit(n int, hold time.Duration) {
	a.mu.Lock()
	spin(hold)
	a.balance += n
	a.mu.Unlock()
}

func (a *account) audit(hold time.Duration) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	spin(hold)
	return a.balance
}

// spin burns CPU for d while holding a lock (sleeping would let the scheduler hide contention).
func spin(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
	}
}

func writeMutex(path string) error {
	runtime.SetMutexProfileFraction(1)
	contend()
	runtime.SetMutexProfileFraction(0)
	return writeLookup("mutex", path)
}

// contend runs four kinds of lock users at once: many short deposits, a few long audits,
// transfers that hold two accounts' locks (lock ordering by id), and writers and readers of an
// RWMutex-protected cache. Each kind gets its own contention count and delay.
func contend() {
	accounts := []*account{{}, {}}
	var cache struct {
		sync.RWMutex
		rates map[string]int
	}
	cache.rates = map[string]int{}
	var wg sync.WaitGroup
	run := func(n int, f func(i int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ {
				f(i)
			}
		}()
	}
	for g := 0; g < 3; g++ {
		run(300, func(i int) { accounts[i%2].deposit(1, 50*time.Microsecond) })
	}
	run(30, func(i int) { accounts[i%2].audit(1 * time.Millisecond) })
	run(100, func(i int) { transfer(accounts[0], accounts[1], i, 200*time.Microsecond) })
	run(100, func(i int) {
		cache.Lock()
		cache.rates["eur"] = i
		spin(300 * time.Microsecond)
		cache.Unlock()
	})
	for g := 0; g < 2; g++ {
		run(300, func(i int) {
			cache.RLock()
			consume(uint64(cache.rates["eur"]))
			spin(50 * time.Microsecond)
			cache.RUnlock()
		})
	}
	wg.Wait()
}

// transfer moves n between two accounts while holding both locks.
func transfer(from, to *account, n int, hold time.Duration) {
	from.mu.Lock()
	to.mu.Lock()
	spin(hold)
	from.balance -= n
	to.balance += n
	to.mu.Unlock()
	from.mu.Unlock()
}

// ---- block profile: waiting on channels, a WaitGroup, a select and a lock ------------------

func writeBlock(path string) error {
	runtime.SetBlockProfileRate(1)
	pipeline()
	contend() // the same lock contention as the mutex profile, seen from the waiters' side
	runtime.SetBlockProfileRate(0)
	return writeLookup("block", path)
}

// pipeline is a producer → transformer → consumer chain with unbuffered channels: each stage
// blocks on the others (chan send, chan receive), and the end waits on a WaitGroup.
func pipeline() {
	raw := make(chan int)
	cooked := make(chan int)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // producer
		for i := 0; i < 300; i++ {
			raw <- i
		}
		close(raw)
	}()
	go func() { // transformer: slow, so the producer blocks on send
		defer wg.Done()
		for v := range raw {
			spin(200 * time.Microsecond)
			cooked <- v * 2
		}
		close(cooked)
	}()
	go func() { // consumer: waits on receive, with a timeout case (a select)
		defer wg.Done()
		for {
			select {
			case v, ok := <-cooked:
				if !ok {
					return
				}
				consume(uint64(v))
			case <-time.After(time.Second):
				return
			}
		}
	}()
	wg.Wait()
}
