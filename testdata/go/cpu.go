package main

import (
	"context"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// A request is one unit of work done under the pprof labels handler=<handler>, tenant=<tenant>.
type request struct {
	handler, tenant string
	times           int // how many times the handler runs
}

// The default mix (about 3 s of CPU): four handlers with different weights, three tenants.
var cpuMix = []request{
	{"checksum", "acme", 70}, {"checksum", "globex", 35}, {"checksum", "initech", 15},
	{"fib", "acme", 12}, {"fib", "globex", 24},
	{"parse", "acme", 20}, {"parse", "initech", 40},
	{"sort", "globex", 12},
}

// The variant shifts the weights (and drops one handler/tenant pair) so the two CPU profiles
// make a diff with growing, shrinking and vanishing functions.
var cpuMixVariant = []request{
	{"checksum", "acme", 25}, {"checksum", "globex", 10}, {"checksum", "initech", 10},
	{"fib", "acme", 40}, {"fib", "globex", 30},
	{"parse", "acme", 20},
	{"sort", "globex", 30}, {"sort", "initech", 10},
}

// The tiny mix is about 100 ms of CPU (a handful of samples) and runs without labels
// (an empty tenant means no pprof.Do).
var cpuMixTiny = []request{{"checksum", "", 4}, {"fib", "", 2}, {"parse", "", 2}}

func serveAll(ctx context.Context, mix []request) {
	// Interleave the requests (round-robin) the way a server sees them.
	left := make([]int, len(mix))
	for i, r := range mix {
		left[i] = r.times
	}
	for more := true; more; {
		more = false
		for i, r := range mix {
			if left[i] == 0 {
				continue
			}
			left[i]--
			more = true
			if r.tenant == "" {
				handle(r.handler)
				continue
			}
			labels := pprof.Labels("handler", r.handler, "tenant", r.tenant)
			pprof.Do(ctx, labels, func(context.Context) { handle(r.handler) })
		}
	}
}

func handle(handler string) {
	switch handler {
	case "checksum":
		consume(uint64(checksumHandler()))
	case "fib":
		consume(fibHandler())
	case "parse":
		consume(uint64(parseHandler()))
	case "sort":
		consume(uint64(sortHandler()))
	}
}

// ---- checksum: a hot loop over small functions the compiler inlines (mix → rotl) ----------------

// payload is made on first use, so the heap profile does not see it.
var payload = sync.OnceValue(func() []byte {
	b := make([]byte, 1<<20)
	for i := range b {
		b[i] = byte(i*131 + i>>7)
	}
	return b
})

func checksumHandler() uint32 {
	h := uint32(0)
	for i := 0; i < 6; i++ {
		h ^= checksum(payload())
	}
	return h
}

func checksum(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h = mix(h, c)
	}
	return h
}

// mix and rotl are small enough to be inlined (go build -gcflags=-m says "can inline").
func mix(h uint32, c byte) uint32 {
	h ^= uint32(c)
	h *= 16777619
	return rotl(h, 5)
}

func rotl(x uint32, k uint) uint32 { return x<<k | x>>(32-k) }

// ---- fib: direct recursion -----------------------------------------------------------------

func fibHandler() uint64 { return fib(33) }

func fib(n int) uint64 {
	if n < 2 {
		return uint64(n)
	}
	return fib(n-1) + fib(n-2)
}

// ---- parse: mutual recursion (a recursive-descent parser: expr → term → factor → expr) -------

var expression = sync.OnceValue(func() string {
	// 50 terms joined by '+', each a nested group like (7-((1+2)*3+4)*5): the parser recurses
	// about 10 groups (30 frames) deep, well under the 128 frames a Go stack sample keeps.
	var terms []string
	for t := 0; t < 50; t++ {
		s := strconv.Itoa(t % 10)
		for i := 1; i <= 4+t%7; i++ {
			d := strconv.Itoa((t + i) % 10)
			switch i % 3 {
			case 0:
				s = "(" + s + "+" + d + ")"
			case 1:
				s = s + "*" + d
			default:
				s = "(" + d + "-" + s + ")"
			}
		}
		terms = append(terms, s)
	}
	return strings.Join(terms, "+")
})

type parser struct {
	s   string
	pos int
}

func parseHandler() int {
	total := 0
	for i := 0; i < 3000; i++ {
		p := parser{s: expression()}
		total += p.expr() & 0xffff
	}
	return total
}

func (p *parser) expr() int {
	v := p.term()
	for p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-') {
		op := p.s[p.pos]
		p.pos++
		if op == '+' {
			v += p.term()
		} else {
			v -= p.term()
		}
	}
	return v
}

func (p *parser) term() int {
	v := p.factor()
	for p.pos < len(p.s) && p.s[p.pos] == '*' {
		p.pos++
		v *= p.factor()
	}
	return v
}

func (p *parser) factor() int {
	if p.s[p.pos] == '(' {
		p.pos++
		v := p.expr()
		p.pos++ // ')'
		return v
	}
	v := int(p.s[p.pos] - '0')
	p.pos++
	return v
}

// ---- sort: time spent in the standard library ---------------------------------------------

func sortHandler() int {
	xs := make([]int, 200000)
	seed := uint32(7)
	for i := range xs {
		seed = seed*1664525 + 1013904223
		xs[i] = int(seed >> 8)
	}
	sort.Ints(xs)
	return xs[len(xs)/2]
}
