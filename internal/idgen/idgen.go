// Package idgen issues the int64 primary keys of every table. Keys are made in the
// application, not by the database, so that one schema serves SQLite and PostgreSQL alike and
// rows can later be spread over shards without a central sequence.
//
// A key is milliseconds since 2024-01-01 (41 bits) shifted left 12 bits, plus a 10-bit counter
// within the millisecond and a 2-bit node number: time-ordered, unique per node, good until
// 2093, and below 2^53 so that JavaScript and JSON clients read it exactly.
package idgen

import (
	"sync"
	"time"
)

var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// Generator hands out increasing keys for one node.
type Generator struct {
	mu   sync.Mutex
	node int64
	last int64 // last millisecond used
	seq  int64
}

// New returns a generator for node 0–3.
func New(node int) *Generator { return &Generator{node: int64(node) & 3} }

var std = New(0)

// Next returns a key from the process-wide generator.
func Next() int64 { return std.Next() }

// Next returns a key larger than any this generator returned before.
func (g *Generator) Next() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	ms := time.Now().UnixMilli() - epoch
	if ms < g.last { // clock stepped back: keep counting on the last millisecond
		ms = g.last
	}
	if ms == g.last {
		g.seq++
		if g.seq > 1023 { // counter full: borrow the next millisecond
			g.last++
			g.seq = 0
		}
	} else {
		g.last, g.seq = ms, 0
	}
	return g.last<<12 | g.seq<<2 | g.node
}
