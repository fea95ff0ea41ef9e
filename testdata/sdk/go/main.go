// Command sdkgo is a small service profiled by the Grafana Pyroscope Go SDK (pyroscope-go), for
// `npm run test:sdk`: it pushes CPU, heap, goroutine, mutex and block profiles to -server for
// -duration, with static tags and per-request tags (pyroscope.TagWrapper), then stops the
// profiler, which uploads what is left. Its hot function has a name the test looks for.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/grafana/pyroscope-go"
)

// sink keeps the hot loop's result alive so the compiler cannot drop the work.
var sink uint64

func main() {
	server := flag.String("server", "http://127.0.0.1:4040", "Pyroscope-compatible server")
	app := flag.String("app", "flamelens-sdk-go", "application name (service_name)")
	duration := flag.Duration("duration", 30*time.Second, "how long to run before stopping")
	flag.Parse()

	// Without these the runtime records no mutex or block events for the SDK to send.
	runtime.SetMutexProfileFraction(5)
	runtime.SetBlockProfileRate(5)

	profiler, err := pyroscope.Start(pyroscope.Config{
		ApplicationName: *app,
		ServerAddress:   *server,
		Logger:          pyroscope.StandardLogger,
		Tags:            map[string]string{"sdk_test": "go", "region": "local"},
		UploadRate:      5 * time.Second,
		ProfileTypes: []pyroscope.ProfileType{
			pyroscope.ProfileCPU,
			pyroscope.ProfileAllocObjects, pyroscope.ProfileAllocSpace,
			pyroscope.ProfileInuseObjects, pyroscope.ProfileInuseSpace,
			pyroscope.ProfileGoroutines,
			pyroscope.ProfileMutexCount, pyroscope.ProfileMutexDuration,
			pyroscope.ProfileBlockCount, pyroscope.ProfileBlockDuration,
		},
	})
	if err != nil {
		log.Fatalf("pyroscope.Start: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	var wg sync.WaitGroup
	// Parked goroutines, so the goroutine profile has more than the workers.
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); <-ctx.Done() }()
	}
	wg.Add(3)
	go func() {
		defer wg.Done()
		pyroscope.TagWrapper(ctx, pyroscope.Labels("handler", "checkout"), func(ctx context.Context) { burn(ctx) })
	}()
	go func() {
		defer wg.Done()
		pyroscope.TagWrapper(ctx, pyroscope.Labels("handler", "catalog"), func(ctx context.Context) { allocate(ctx) })
	}()
	go func() { defer wg.Done(); contend(ctx) }()
	wg.Wait()

	if err := profiler.Stop(); err != nil {
		log.Fatalf("profiler.Stop: %v", err)
	}
	fmt.Fprintln(os.Stderr, "sdkgo: done")
}

// flamelensSdkGoHotLoop is the CPU hot spot: integer mixing, half of each 20 ms, so the five
// programs of the suite share two cores without starving each other.
func flamelensSdkGoHotLoop(ctx context.Context) {
	x := uint64(1)
	for ctx.Err() == nil {
		until := time.Now().Add(10 * time.Millisecond)
		for time.Now().Before(until) {
			for i := 0; i < 10000; i++ {
				x ^= x << 13
				x ^= x >> 7
				x ^= x << 17
			}
		}
		sink += x
		time.Sleep(10 * time.Millisecond)
	}
}

func burn(ctx context.Context) { flamelensSdkGoHotLoop(ctx) }

// allocate keeps a rolling window of buffers, so allocations and in-use memory both show.
func allocate(ctx context.Context) {
	var keep [][]byte
	for ctx.Err() == nil {
		keep = append(keep, make([]byte, 64<<10))
		if len(keep) > 64 {
			keep = keep[1:]
		}
		time.Sleep(2 * time.Millisecond)
	}
	sink += uint64(len(keep))
}

// contend has four goroutines fight over one mutex and wait on a channel: mutex and block events.
func contend(ctx context.Context) {
	var mu sync.Mutex
	ch := make(chan int)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				mu.Lock()
				time.Sleep(time.Millisecond)
				mu.Unlock()
				select {
				case ch <- 1:
				case <-time.After(time.Millisecond):
				}
			}
		}()
	}
	for ctx.Err() == nil {
		select {
		case <-ch:
		case <-ctx.Done():
		}
		time.Sleep(3 * time.Millisecond)
	}
	wg.Wait()
}
