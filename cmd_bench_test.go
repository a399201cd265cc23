package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestBenchRefusesBadCounts(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "ssh", "--sessions", "0"},
		{"bench", "ssh", "--sessions", "10", "--typists", "20"},
	} {
		var out, errOut bytes.Buffer
		if code := run(args, strings.NewReader(""), &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "--sessions must be at least 1") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut.String())
		}
	}
}
