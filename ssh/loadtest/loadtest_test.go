package loadtest

import (
	"os"
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

// ProcStats reads this test's own process: some memory, some CPU, and
// more CPU after burning some.
func TestProcStats(t *testing.T) {
	rss, cpu0, err := ProcStats(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if rss < 1<<20 {
		t.Errorf("RSS %d bytes: implausibly small", rss)
	}
	x := 0
	for start := time.Now(); time.Since(start) < 200*time.Millisecond; {
		x++
	}
	_, cpu1, err := ProcStats(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if cpu1-cpu0 < 100*time.Millisecond {
		t.Errorf("CPU went from %s to %s after 200 ms of work (%d loops)", cpu0, cpu1, x)
	}
	if _, _, err := ProcStats(-1); err == nil {
		t.Error("no error for a process that does not exist")
	}
}
