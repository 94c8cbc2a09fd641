package idgen

import (
	"sync"
	"testing"
	"time"
)

func TestIncreasingAndUnique(t *testing.T) {
	g := New(31)
	prev := int64(0)
	for range 100000 {
		id := g.Next()
		if id <= prev {
			t.Fatalf("%d after %d", id, prev)
		}
		if id&31 != 31 || id >= 1<<53 {
			t.Fatalf("node bits lost in %d", id)
		}
		prev = id
	}
}

func TestConcurrentUnique(t *testing.T) {
	g := New(0)
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			local := make([]int64, 0, 5000)
			for range 5000 {
				local = append(local, g.Next())
			}
			mu.Lock()
			defer mu.Unlock()
			for _, id := range local {
				if seen[id] {
					t.Errorf("duplicate %d", id)
				}
				seen[id] = true
			}
		})
	}
	wg.Wait()
}

// Two servers on one database hold different nodes: their keys never meet, even when both
// issue within the same milliseconds.
func TestNodesNeverCollide(t *testing.T) {
	a, b := New(1), New(2)
	seen := map[int64]bool{}
	for range 20000 {
		for _, id := range []int64{a.Next(), b.Next()} {
			if seen[id] {
				t.Fatalf("duplicate %d", id)
			}
			seen[id] = true
		}
	}
}

// A node taken over starts after the millisecond its previous holder may have reached, and a
// process past its lease issues nothing.
func TestUseFloorAndLeaseEnd(t *testing.T) {
	node, until := std.node, std.until
	defer func() { std.node, std.until = node, until }()
	ahead := Millis(time.Now()) + 5000 // the previous holder ran 5 s ahead of the clock
	Use(7, ahead, time.Now().Add(time.Minute))
	id := Next()
	if id>>12 <= ahead || id&31 != 7 {
		t.Fatalf("key %d: millisecond %d, node %d; want after %d on node 7", id, id>>12, id&31, ahead)
	}
	Extend(time.Now().Add(-time.Second))
	defer func() {
		if recover() == nil {
			t.Fatal("a key was issued after the lease ended")
		}
	}()
	Next()
}
