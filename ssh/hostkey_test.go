package ssh

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

func TestInitHostKeyOnceWithMode0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "ssh_host_ed25519_key")
	fp, err := InitHostKey(path)
	must(t, err)
	info, err := os.Stat(path)
	must(t, err)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("the host key has mode %04o, want 0600", info.Mode().Perm())
	}
	signer, err := LoadHostKey(path)
	must(t, err)
	if signer.PublicKey().Type() != gossh.KeyAlgoED25519 || Fingerprint(signer) != fp || !strings.HasPrefix(fp, "SHA256:") {
		t.Fatalf("loaded a %s key %s; InitHostKey said %s", signer.PublicKey().Type(), Fingerprint(signer), fp)
	}
	pub, err := os.ReadFile(path + ".pub")
	must(t, err)
	if !bytes.Equal(pub, gossh.MarshalAuthorizedKey(signer.PublicKey())) {
		t.Errorf("the .pub file does not hold the public key: %q", pub)
	}

	before, _ := os.ReadFile(path)
	if _, err := InitHostKey(path); err == nil || !strings.Contains(err.Error(), "never replaces") {
		t.Fatalf("a second InitHostKey: %v, want a refusal", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("the host key changed")
	}
}

func TestLoadHostKeyRefusals(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadHostKey(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "booth hostkey init") {
		t.Errorf("missing key: %v, want a pointer to booth hostkey init", err)
	}
	open := filepath.Join(dir, "open")
	_, err := InitHostKey(open)
	must(t, err)
	must(t, os.Chmod(open, 0o640))
	if _, err := LoadHostKey(open); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("group-readable key: %v, want a refusal", err)
	}
	junk := filepath.Join(dir, "junk")
	must(t, os.WriteFile(junk, []byte("not a key"), 0o600))
	if _, err := LoadHostKey(junk); err == nil {
		t.Error("a file that is no key was loaded")
	}
}

func TestServerRefusesToStartWithoutItsHostKey(t *testing.T) {
	e := newTestEnv(t, nil)
	_, err := New(Config{Service: e.svc, HostKeyPath: filepath.Join(t.TempDir(), "none")})
	if err == nil || !strings.Contains(err.Error(), "booth hostkey init") {
		t.Fatalf("New without a host key: %v", err)
	}
}
