package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// readCPU reads the machine's busy time from /proc/stat and this process's from getrusage.
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
