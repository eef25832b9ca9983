//go:build dovecot

package mailsync

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// The sync benchmarks also report CPU time per message (user + system),
// which other jobs on a shared machine do not inflate the way they inflate
// wall time: the syncer and the embedded engine run in this process, mbsync
// in its child. Dovecot's own CPU is not counted on either side.

// cpuSelf is the CPU time this process has used so far.
func cpuSelf(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuOf is the CPU time an exited child used.
func cpuOf(ps *os.ProcessState) time.Duration { return ps.UserTime() + ps.SystemTime() }

func reportCPU(b *testing.B, cpu time.Duration, messages int) {
	b.ReportMetric(float64(cpu.Microseconds())/float64(messages), "cpu-µs/msg")
}

// writtenSelf is how many bytes this process has written so far (wchar of
// /proc/self/io: to files, before the page cache; the database's WAL and
// checkpoints are most of it), or -1 where /proc has no such file.
func writtenSelf() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("wchar: ")); ok {
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}
