package idgen

import (
	"sync"
	"testing"
)

func TestIncreasingAndUnique(t *testing.T) {
	g := New(3)
	prev := int64(0)
	for range 100000 {
		id := g.Next()
		if id <= prev {
			t.Fatalf("%d after %d", id, prev)
		}
		if id&3 != 3 || id >= 1<<53 {
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
