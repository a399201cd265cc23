//go:build linux || darwin || freebsd || netbsd || openbsd

package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 10 item 9, with the known_hosts OpenSSH itself writes: a voter
// connects once (accepting the host key, names hashed), and booth verify
// --host checks the bundle against that entry. The real bundle passes; a
// copy re-signed with a foreign key fails.
func TestVerifyAgainstKnownHostsWrittenByOpenSSH(t *testing.T) {
	sshPath, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("OpenSSH client not installed: skipped")
	}
	dir, file, _, foreign := publishedBundle(t)
	_, priv, pubLine := newTestKey(t)
	mustBooth(t, pubLine+"\n", "--data", dir, "member", "key", "add", "ann", "--key", "-")
	port := startServe(t, dir)
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	cmd := exec.Command(sshPath, "-F", "/dev/null", "-i", writeTestKey(t, priv), "-p", port,
		"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
		"-o", "StrictHostKeyChecking=accept-new", "-o", "HashKnownHosts=yes", "-o", "UserKnownHostsFile="+knownHosts,
		"-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-l", "voter", "127.0.0.1", "bundle e1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh bundle e1: %v\n%s", err, out)
	}
	if written, err := os.ReadFile(knownHosts); err != nil || !strings.HasPrefix(string(written), "|1|") {
		t.Fatalf("ssh did not write a hashed known_hosts entry: %v\n%s", err, written)
	}
	host := "127.0.0.1:" + port
	if code, out, errOut := booth(t, "", "verify", file, "--host", host, "--known-hosts", knownHosts); code != 0 || !strings.Contains(out, "signature: valid, signed by SHA256:") {
		t.Errorf("the real bundle against the host's known_hosts entry: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := booth(t, "", "verify", foreign, "--host", host, "--known-hosts", knownHosts); code != 1 || !strings.Contains(errOut, "knows "+host+" by SHA256:") {
		t.Errorf("the foreign bundle against the host's known_hosts entry: exit %d, %q", code, errOut)
	}
	if code, _, errOut := booth(t, "", "verify", file, "--host", "127.0.0.1", "--known-hosts", knownHosts); code != 1 || !strings.Contains(errOut, "has no key for 127.0.0.1") {
		t.Errorf("another port than the one ssh connected to: exit %d, %q", code, errOut)
	}
}
