package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestHostkeyInit(t *testing.T) {
	data := t.TempDir()
	code, out, errOut := booth(t, "", "--data", data, "hostkey", "init")
	path := filepath.Join(data, hostKeyName)
	if code != 0 || !regexp.MustCompile(`fingerprint SHA256:\S{43} `).MatchString(out) || !strings.Contains(out, path) {
		t.Fatalf("hostkey init: exit %d, %q, %q", code, out, errOut)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("host key: %v, %v", info, err)
	}
	// Run again, it keeps the key and prints its fingerprint.
	fp := regexp.MustCompile(`fingerprint (SHA256:\S{43})`).FindStringSubmatch(out)[1]
	before, _ := os.ReadFile(path)
	code, again, errOut := booth(t, "", "--data", data, "hostkey", "init")
	after, _ := os.ReadFile(path)
	if code != 0 || !strings.Contains(again, "exists: kept it") || !strings.Contains(again, "fingerprint "+fp+"\n") || string(before) != string(after) {
		t.Fatalf("second hostkey init: exit %d, %q, %q", code, again, errOut)
	}
}
