//go:build dovecot

package mailsync

import (
	"os"
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
