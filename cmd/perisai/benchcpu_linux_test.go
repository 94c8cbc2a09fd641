package main

import (
	"testing"
	"time"
)

// The benchmark's CPU figures count work done: 100 ms of this process's CPU shows in its own
// figure and in the machine's (which includes it), whatever else the machine is running.
func TestCPUPerOp(t *testing.T) {
	start := readCPU()
	if !start.ok {
		t.Fatal("no CPU times on Linux")
	}
	for give := time.Now().Add(10 * time.Second); readCPU().self-start.self < 100*time.Millisecond; {
		if time.Now().After(give) {
			t.Fatal("100 ms of CPU not reached in 10 s")
		}
	}
	machine, self, ok := start.perOp(10)
	if !ok {
		t.Fatal("no figures")
	}
	// /proc/stat counts in ticks of 10 ms, hence the slack on the machine's figure.
	if self < 10_000 || machine < 8_000 {
		t.Fatalf("machine %.0f µs, self %.0f µs per operation after 10 ms of CPU per operation", machine, self)
	}
	if _, _, ok := start.perOp(0); ok {
		t.Fatal("figures per zero operations")
	}
}
