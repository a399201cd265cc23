package bundle_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vote.example.org/booth/models/bundle"
)

// TestOpenSSHVerifies runs the documented command, VerifyCommand, with the
// allowed_signers line from AllowedSigners: OpenSSH's ssh-keygen accepts a
// bundle as published and refuses one changed by a single ballot or signed
// for another namespace.
func TestOpenSSHVerifies(t *testing.T) {
	for _, tool := range []string{"ssh-keygen", "sed", "sh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed, so the OpenSSH check of a bundle cannot run here", tool)
		}
	}
	p := publish(t, true)
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "allowed_signers"), []byte(bundle.AllowedSigners(p.host.PublicKey(), "")+"\n"), 0o644))
	sshKeygen := func(data []byte) (string, error) {
		t.Helper()
		must(t, os.WriteFile(filepath.Join(dir, "board 2026.bundle"), data, 0o644))
		cmd := exec.Command("sh", "-c", bundle.VerifyCommand("board 2026.bundle", "allowed_signers", ""))
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := sshKeygen(p.data)
	if err != nil || !strings.Contains(out, `Good "booth-results@vote.example.org" signature for booth with ED25519 key`) {
		t.Fatalf("ssh-keygen refuses the bundle: %v\n%s", err, out)
	}
	for name, data := range map[string][]byte{
		"one ballot changed":     tamper(t, p.data, `"ballot": "cleo\n"`, `"ballot": "bert\n"`),
		"another namespace":      resign(t, p.data, p.host, "file"),
		"the namespace replaced": renamespace(t, p.data, "git"),
		"another key":            resign(t, p.data, newSigner(t), bundle.Namespace),
	} {
		if out, err := sshKeygen(data); err == nil {
			t.Errorf("%s: ssh-keygen accepts the bundle:\n%s", name, out)
		}
	}
}
