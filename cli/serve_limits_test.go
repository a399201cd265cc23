package cli

import (
	"strings"
	"testing"
)

// booth serve refuses connection limits it cannot apply, saying which
// flag is wrong and what it wants (issue 10 item 12).
func TestServeRefusesBadConnectionLimits(t *testing.T) {
	data := newDataDir(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--max-startups", "10:30"}, []string{"--max-startups", "start:rate:full", "64:30:256"}},
		{[]string{"--max-conns", "100", "--max-startups", "10:30:200"}, []string{"full (200) must be below", "(100)"}},
	} {
		args := append([]string{"--data", data, "serve", "--listen", "127.0.0.1:0"}, tc.args...)
		code, _, errOut := booth(t, "", args...)
		if code == 0 {
			t.Fatalf("booth %s started", strings.Join(args, " "))
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("booth %s: %q does not say %q", strings.Join(args, " "), errOut, w)
			}
		}
	}
}
