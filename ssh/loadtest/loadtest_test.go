package loadtest

import (
	"os"
	"syscall"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    int
		want time.Duration
	}{{50, 50 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {1, time.Millisecond}} {
		if got := Percentile(d, tc.p); got != tc.want {
			t.Errorf("p%d = %s, want %s", tc.p, got, tc.want)
		}
	}
	if Percentile(nil, 99) != 0 {
		t.Error("percentile of nothing is not zero")
	}
}

// ProcStats reads this test's own process: some memory, and as much more
// CPU as the kernel's own account for the process shows after burning
// some (measured by CPU time, not by the clock: on a busy machine 200 ms
// of wall time may be half that on a core).
func TestProcStats(t *testing.T) {
	rss, cpu0, err := ProcStats(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if rss < 1<<20 {
		t.Errorf("RSS %d bytes: implausibly small", rss)
	}
	used0 := rusageCPU(t)
	for rusageCPU(t)-used0 < 200*time.Millisecond {
	}
	_, cpu1, err := ProcStats(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// /proc counts in ticks of 10 ms, rusage more finely.
	if got := cpu1 - cpu0; got < 180*time.Millisecond {
		t.Errorf("CPU went from %s to %s after at least 200 ms of CPU time", cpu0, cpu1)
	}
	if _, _, err := ProcStats(-1); err == nil {
		t.Error("no error for a process that does not exist")
	}
}

// rusageCPU is the CPU time this process has used, by getrusage.
func rusageCPU(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
