package main

import (
	"testing"
	"time"
)

// The benchmark's CPU figures count work done: a busy loop of this process shows in both.
func TestCPUPerOp(t *testing.T) {
	start := readCPU()
	if !start.ok {
		t.Fatal("no CPU times on Linux")
	}
	x := 0
	for deadline := time.Now().Add(100 * time.Millisecond); time.Now().Before(deadline); {
		x++
	}
	machine, self, ok := start.perOp(10)
	if !ok || x == 0 {
		t.Fatal("no figures")
	}
	// 100 ms spun over 10 operations: about 10,000 µs each (ticks are 10 ms, hence the slack).
	if self < 5_000 || machine < 5_000 {
		t.Fatalf("machine %.0f µs, self %.0f µs per operation after spinning 10 ms per operation", machine, self)
	}
	if _, _, ok := start.perOp(0); ok {
		t.Fatal("figures per zero operations")
	}
}
