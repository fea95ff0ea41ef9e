// Command profgen writes the Go profiles of Flamelens's test corpus (testdata/profiles/go-*).
//
// Each -kind runs a small, deterministic workload whose stacks have what the tests look for:
// inlined frames, direct and mutual recursion, and pprof labels. The amount of work is fixed;
// the samples a run collects still vary, so the generated files are committed, not rebuilt by
// the tests. Usage (see make-profiles.sh):
//
//	go run . -kind cpu -o go-cpu.pb.gz
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

func main() {
	kind := flag.String("kind", "", "cpu, cpu-variant, cpu-tiny, heap, goroutine, mutex or block")
	out := flag.String("o", "", "output file (heap also writes <o minus .pb.gz>-2.pb.gz)")
	flag.Parse()
	if *out == "" {
		fail(fmt.Errorf("-o is required"))
	}
	var err error
	switch *kind {
	case "cpu":
		err = writeCPU(*out, cpuMix)
	case "cpu-variant":
		err = writeCPU(*out, cpuMixVariant)
	case "cpu-tiny":
		err = writeCPU(*out, cpuMixTiny)
	case "heap":
		err = writeHeap(*out)
	case "goroutine":
		err = writeGoroutine(*out)
	case "mutex":
		err = writeMutex(*out)
	case "block":
		err = writeBlock(*out)
	default:
		err = fmt.Errorf("unknown -kind %q", *kind)
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "profgen:", err)
	os.Exit(1)
}

// writeCPU profiles one run of the request mix. The Go runtime samples at 100 Hz, so every 10 ms
// of CPU time is one sample.
func writeCPU(path string, mix []request) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	serveAll(context.Background(), mix)
	pprof.StopCPUProfile()
	return f.Close()
}

// writeLookup writes one of the runtime's named profiles in its protobuf form (gzipped).
func writeLookup(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		return err
	}
	return f.Close()
}

// sink keeps results alive so the compiler cannot drop the work that produced them.
var sink uint64

func consume(v uint64) { sink += v }

// Keep the runtime from running the workload on more threads than the machine has (the
// corpus is generated on a shared 2-core machine).
func init() { runtime.GOMAXPROCS(2) }
