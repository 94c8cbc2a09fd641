package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuMark is the CPU time spent so far by the whole machine (every core, every process: the
// database server too when it runs here) and by this process. Runs on this machine vary by a
// fifth or more in requests per second with what else it is doing; CPU time per payment
// varies much less, so a change is judged by it.
type cpuMark struct {
	machine, self time.Duration
	ok            bool
}

func readCPU() cpuMark {
	var m cpuMark
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		m.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	f, err := os.Open("/proc/stat")
	if err != nil {
		return m
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	if !s.Scan() {
		return m
	}
	// cpu  user nice system idle iowait irq softirq steal …, in USER_HZ (100 on Linux)
	fields := strings.Fields(s.Text())
	if len(fields) < 8 || fields[0] != "cpu" {
		return m
	}
	var busy int64
	for i, v := range fields[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		if i >= 8 { // guest time is counted in user already
			break
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return m
		}
		busy += n
	}
	m.machine, m.ok = time.Duration(busy)*10*time.Millisecond, true
	return m
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
