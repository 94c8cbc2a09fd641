package main

import "time"

// cpuMark is the CPU time spent so far by the whole machine (every core, every process: the
// database server too when it runs here) and by this process. Runs on this machine vary by a
// fifth or more in requests per second with what else it is doing; CPU time per payment varies
// less, so a change is judged by it (best switched on and off within one run: README).
type cpuMark struct {
	machine, self time.Duration
	ok            bool
}

// perOp returns the machine's and this process's CPU µs per operation since start.
func (start cpuMark) perOp(n int64) (machine, self float64, ok bool) {
	end := readCPU()
	if !start.ok || !end.ok || n == 0 {
		return 0, 0, false
	}
	return float64((end.machine - start.machine).Microseconds()) / float64(n),
		float64((end.self - start.self).Microseconds()) / float64(n), true
}
