// Command service is a stdlib-only Go service that exposes net/http/pprof, for the pull-mode
// checks of `npm run test:sdk`: the embedded server scrapes it like any Go service. It keeps a
// steady mix of work going: a CPU hot spot, allocations, parked goroutines, and mutex and
// channel contention (with the mutex and block profiles switched on, which Go leaves off).
//
//	go run ./service -addr 127.0.0.1:0 -parked 40
//
// It prints "listening on HOST:PORT" once it serves, and exits after -duration.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"sync"
	"time"
)

var sink uint64

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (port 0: any free port)")
	parked := flag.Int("parked", 40, "goroutines parked for the whole run")
	duration := flag.Duration("duration", 3*time.Minute, "exit after this long, so a forgotten process goes away")
	flag.Parse()

	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	for i := 0; i < *parked; i++ {
		go flamelensServiceParked(ctx)
	}
	go flamelensServiceHotLoop(ctx)
	go flamelensServiceAllocate(ctx)
	go flamelensServiceContend(ctx)

	// Printed only now, so whoever reads it can scrape at once and find every goroutine there.
	fmt.Printf("listening on %s\n", ln.Addr())
	srv := &http.Server{}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func flamelensServiceParked(ctx context.Context) { <-ctx.Done() }

// flamelensServiceHotLoop is the CPU hot spot: integer mixing for 10 ms of each 20 ms, so the
// suite's programs share two cores.
func flamelensServiceHotLoop(ctx context.Context) {
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

// flamelensServiceAllocate keeps a rolling window of buffers: allocations and in-use memory.
func flamelensServiceAllocate(ctx context.Context) {
	var keep [][]byte
	for ctx.Err() == nil {
		keep = append(keep, make([]byte, 32<<10))
		if len(keep) > 128 {
			keep = keep[1:]
		}
		time.Sleep(time.Millisecond)
	}
	sink += uint64(len(keep))
}

// flamelensServiceContend has four goroutines fight over one mutex and hand values over an
// unbuffered channel: mutex contention and blocking on every round.
func flamelensServiceContend(ctx context.Context) {
	var mu sync.Mutex
	ch := make(chan int)
	for i := 0; i < 4; i++ {
		go func() {
			for ctx.Err() == nil {
				mu.Lock()
				time.Sleep(500 * time.Microsecond)
				mu.Unlock()
				select {
				case ch <- 1:
				case <-ctx.Done():
				}
			}
		}()
	}
	for ctx.Err() == nil {
		select {
		case <-ch:
		case <-ctx.Done():
		}
		time.Sleep(2 * time.Millisecond)
	}
}
