package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
)

// writeHeap writes two scrapes of one process's heap profile: <path> after a first phase and
// <path>-2 after a second phase with other weights. alloc_* are cumulative since the process
// started, so the second scrape minus the first is the second phase's allocations (what a delta
// scraper computes); inuse_* are what the retained data holds at each scrape.
func writeHeap(path string) error {
	// Record every allocation, not one per 512 KiB: many stacks and many distinct sizes, so
	// every sample's numeric label "bytes" (the size of one object) takes several values.
	runtime.MemProfileRate = 1

	heapPhase(1)
	if err := writeHeapProfile(path); err != nil {
		return err
	}
	heapPhase(2)
	return writeHeapProfile(strings.TrimSuffix(path, ".pb.gz") + "-2.pb.gz")
}

func writeHeapProfile(path string) error {
	runtime.GC() // the heap profile is as of the last collection
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		return err
	}
	return f.Close()
}

// retained is what stays in use after each phase (the inuse_* columns).
var retained []any

func heapPhase(phase int) {
	trees, docs, buffers := 40, 30, 6
	if phase == 2 {
		trees, docs, buffers = 10, 60, 2
	}
	for i := 0; i < trees; i++ {
		t := buildTree(5 + i%4)
		if i%4 == 0 {
			retained = append(retained, t)
		}
	}
	for i := 0; i < docs; i++ {
		s := encodeValue(document(3+i%4, i))
		if i%3 == 0 {
			retained = append(retained, s)
		}
	}
	for i := 0; i < docs/3; i++ {
		s := encodeValue(document(2+i%3, i))
		retained = append(retained, render(countWords(s)))
	}
	for i := 0; i < buffers; i++ {
		b := loadBuffer(16<<10<<(i%4), i) // 16, 32, 64 and 128 KiB
		if i%2 == 0 {
			retained = append(retained, b)
		}
	}
	retained = append(retained, buildIndex(500*phase))
	if phase == 2 {
		retained = retained[len(retained)/2:] // the first phase's data becomes garbage
	}
}

// ---- direct recursion: a binary tree whose nodes carry payloads of growing size ------------

type node struct {
	left, right *node
	payload     []byte
}

// buildTree calls itself from two sites, so a tree of depth d allocates from 2^d different
// stacks, as recursive code does in real heap profiles.
func buildTree(depth int) *node {
	n := &node{payload: make([]byte, 8<<(depth%5))} // 8 to 128 bytes by depth
	if depth > 0 {
		n.left = buildTree(depth - 1)
		n.right = buildTree(depth - 1)
	}
	return n
}

// ---- mutual recursion: encoding a nested document (encodeValue ↔ encodeList) ---------------

func document(depth, seed int) any {
	if depth == 0 {
		return "leaf-" + strconv.Itoa(seed)
	}
	items := make([]any, 3)
	for i := range items {
		items[i] = document(depth-1, seed*3+i)
	}
	return items
}

func encodeValue(v any) string {
	switch v := v.(type) {
	case []any:
		return encodeList(v)
	default:
		return fmt.Sprintf("%q", v)
	}
}

func encodeList(items []any) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(encodeValue(it))
	}
	b.WriteByte(']')
	return b.String()
}

// ---- a word count and its rendering: allocations in the standard library ------------------

func countWords(doc string) map[string]int {
	counts := make(map[string]int)
	for _, w := range strings.FieldsFunc(doc, func(r rune) bool { return r == ',' || r == '[' || r == ']' }) {
		counts[strings.Trim(w, `"`)]++
	}
	return counts
}

func render(counts map[string]int) []byte {
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	sort.Strings(words)
	var buf bytes.Buffer
	for _, w := range words {
		buf.WriteString(strconv.Quote(w))
		buf.WriteByte(' ')
		buf.Write(strconv.AppendInt(nil, int64(counts[w]), 10))
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// ---- large buffers and a map ---------------------------------------------------------------

func loadBuffer(size, seed int) []byte {
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(seed + i)
	}
	return b
}

func buildIndex(n int) map[string][]int {
	idx := make(map[string][]int)
	for i := 0; i < n; i++ {
		k := "key-" + strconv.Itoa(i%97)
		idx[k] = append(idx[k], i)
	}
	return idx
}
