#!/bin/sh
# Regenerates the Go profiles of the corpus (testdata/profiles/go-*.pb.gz) with profgen.
# The samples differ from run to run (timing, scheduling), so after running this, regenerate
# the expected outputs too: scripts/make-expected.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
profiles="$here/../profiles"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT

# -trimpath: file names in the profiles are module paths (flamelens.dev/testdata/profgen/cpu.go,
# runtime/proc.go), not paths on this machine.
(cd "$here" && go build -trimpath -o "$bin/profgen" .)

run() { "$bin/profgen" -kind "$1" -o "$profiles/$2" && echo "wrote testdata/profiles/$2"; }
run cpu         go-cpu.pb.gz
run cpu-variant go-cpu-variant.pb.gz
run cpu-tiny    go-cpu-tiny.pb.gz
run heap        go-heap.pb.gz          # also writes go-heap-2.pb.gz (the second scrape)
echo "wrote testdata/profiles/go-heap-2.pb.gz"
run goroutine   go-goroutine.pb.gz
run mutex       go-mutex.pb.gz
run block       go-block.pb.gz
