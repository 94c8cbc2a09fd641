// Package idgen issues the int64 primary keys of every table. Keys are made in the
// application, not by the database, so that one schema serves SQLite and PostgreSQL alike and
// rows can later be spread over shards without a central sequence.
//
// A key is milliseconds since 2024-01-01 (41 bits) shifted left 12 bits, plus a 7-bit counter
// within the millisecond and a 5-bit node number: time-ordered, unique per node, good until
// 2093, and below 2^53 so that JavaScript and JSON clients read it exactly. Each process that
// writes holds a node number no other live process holds (a lease in the database, see
// store.ClaimNode), so up to 32 servers write into one database at once.
//
// The counter gives a node 128 keys a millisecond; a burst beyond it borrows the next
// milliseconds, so keys may run ahead of the clock for a while. The lease records how far a
// node got, and whoever takes the node over next starts after that.
package idgen

import (
	"fmt"
	"sync"
	"time"
)

// Nodes is how many node numbers there are.
const Nodes = 32

const (
	nodeBits = 5
	seqBits  = 12 - nodeBits
	maxSeq   = 1<<seqBits - 1
)

var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// Generator hands out increasing keys for one node.
type Generator struct {
	mu    sync.Mutex
	node  int64
	last  int64     // last millisecond used
	seq   int64     //
	until time.Time // the node's lease ends then; zero: no lease to keep
	held  int       // leases this process holds (a test process may open several databases)
}

// New returns a generator for node 0–31.
func New(node int) *Generator { return &Generator{node: int64(node) & (Nodes - 1)} }

var std = New(0)

// Next returns a key from the process-wide generator.
func Next() int64 { return std.Next() }

// Use makes the process-wide generator issue keys as node, from after millisecond floor (what
// the node's previous holder may have used), until the lease ends at until.
func Use(node int, floor int64, until time.Time) {
	std.mu.Lock()
	defer std.mu.Unlock()
	std.node = int64(node) & (Nodes - 1)
	if floor > std.last {
		std.last, std.seq = floor, maxSeq // the next key takes the millisecond after floor
	}
	std.until = until
	std.held++
}

// Release says a lease taken with Use was given back. With none left the process no longer
// minds a lease end (a test process that goes on with a database of its own).
func Release() {
	std.mu.Lock()
	defer std.mu.Unlock()
	if std.held--; std.held <= 0 {
		std.held, std.until = 0, time.Time{}
	}
}

// Extend moves the process-wide generator's lease end (the lease was renewed).
func Extend(until time.Time) {
	std.mu.Lock()
	defer std.mu.Unlock()
	std.until = until
}

// Last returns the last millisecond the process-wide generator used, recorded with its lease.
func Last() int64 {
	std.mu.Lock()
	defer std.mu.Unlock()
	return std.last
}

// Millis returns the millisecond (since the epoch) of t, the unit of Use's floor.
func Millis(t time.Time) int64 { return t.UnixMilli() - epoch }

// Next returns a key larger than any this generator returned before. Past the end of its
// lease it panics rather than risk a key another node may issue: the process has lost its node.
func (g *Generator) Next() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := time.Now()
	if !g.until.IsZero() && t.After(g.until) {
		panic(fmt.Sprintf("idgen: the lease on node %d ended at %s", g.node, g.until.Format(time.RFC3339)))
	}
	ms := t.UnixMilli() - epoch
	if ms < g.last { // clock stepped back, or keys ran ahead: keep counting on the last millisecond
		ms = g.last
	}
	if ms == g.last {
		g.seq++
		if g.seq > maxSeq { // counter full: borrow the next millisecond
			g.last++
			g.seq = 0
		}
	} else {
		g.last, g.seq = ms, 0
	}
	return g.last<<12 | g.seq<<nodeBits | g.node
}
