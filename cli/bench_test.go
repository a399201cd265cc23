package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestBenchRefusesBadCounts(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"bench", "ssh", "--sessions", "0"}, "--sessions must be at least 1"},
		{[]string{"bench", "ssh", "--sessions", "10", "--typists", "20"}, "--sessions must be at least 1"},
		{[]string{"bench", "cast", "--members", "0"}, "--members, --front-ends and --in-flight must be at least 1"},
		{[]string{"bench", "cast", "--front-ends", "0"}, "--members, --front-ends and --in-flight must be at least 1"},
		{[]string{"bench", "cast", "--in-flight", "0"}, "--members, --front-ends and --in-flight must be at least 1"},
	} {
		var out, errOut bytes.Buffer
		if code := Run(tc.args, strings.NewReader(""), &out, &errOut); code != 1 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, errOut.String())
		}
	}
}

// Profiles show the server's memory: never on anything but loopback.
func TestServeProfilesOnlyOnLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:6060", "localhost", ""} {
		if err := serveProfiles(addr); err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("%q: %v, want a refusal naming loopback", addr, err)
		}
	}
	if err := serveProfiles("127.0.0.1:0"); err != nil {
		t.Errorf("loopback refused: %v", err)
	}
}
