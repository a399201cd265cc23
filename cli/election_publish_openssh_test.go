//go:build linux || darwin || freebsd || netbsd || openbsd

package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vote.example.org/booth/models/bundle"
)

// TestBundleAndVerifyOverOpenSSH fetches a published bundle with the
// OpenSSH client from booth serve (`ssh HOST bundle e1 > FILE`), checks
// it with booth verify against the fingerprint serve announced, and asks
// the server about a receipt (`ssh HOST verify RECEIPT`).
func TestBundleAndVerifyOverOpenSSH(t *testing.T) {
	sshPath, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("OpenSSH client not installed: skipped")
	}
	dir, keyPath, receipt := publishedDir(t)
	mustBooth(t, "", "--data", dir, "election", "count", "e1", "--key", keyPath)
	published := filepath.Join(t.TempDir(), "e1.bundle")
	mustBooth(t, "", "--data", dir, "election", "publish", "e1", "--out", published, "--key", keyPath)
	_, priv, pubLine := newTestKey(t)
	mustBooth(t, pubLine+"\n", "--data", dir, "member", "key", "add", "ann", "--key", "-")
	port := startServe(t, dir)
	host, err := os.ReadFile(filepath.Join(dir, hostKeyName+".pub"))
	must(t, err)
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	must(t, os.WriteFile(knownHosts, []byte("[127.0.0.1]:"+port+" "+string(host)), 0o600))
	ssh := func(command string) (string, string, error) {
		cmd := exec.Command(sshPath, "-F", "/dev/null", "-i", writeTestKey(t, priv), "-p", port,
			"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
			"-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile="+knownHosts,
			"-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-l", "voter", "127.0.0.1", command)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		return out.String(), errOut.String(), err
	}

	out, errOut, err := ssh("bundle e1")
	want, _ := os.ReadFile(published)
	if err != nil || out != string(want) {
		t.Fatalf("ssh bundle e1: %v, %q; got %d bytes, want the %d published", err, errOut, len(out), len(want))
	}
	fetched := filepath.Join(t.TempDir(), "fetched.bundle")
	must(t, os.WriteFile(fetched, []byte(out), 0o644))
	b, _ := bundle.Open(want)
	if code, _, errOut := booth(t, "", "verify", fetched, "--signer", b.Signer(), "--receipt", receipt); code != 0 {
		t.Fatalf("booth verify on the fetched bundle: exit %d, %q", code, errOut)
	}

	out, errOut, err = ssh("verify " + receipt)
	if err != nil || !strings.Contains(out, "e1 (Board): your ballot with this receipt was counted.\nThe published ledger records it as:\n  1. Ken\n") {
		t.Errorf("ssh verify: %v\nstdout %q\nstderr %q", err, out, errOut)
	}
	if _, errOut, err = ssh("verify AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AA"); err == nil || !strings.Contains(errOut, "receipt: not found") {
		t.Errorf("ssh verify of an unknown receipt: %v, %q", err, errOut)
	}
}
