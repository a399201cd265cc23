//go:build linux || darwin || freebsd || netbsd || openbsd

package cli

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models/trustee"
)

// A trustee whose SSH key has a passphrase (the usual case) releases
// their share by giving the passphrase (here on standard input, as a
// script would), never by writing a decrypted copy of the key to disk.
func TestTrusteeReleaseWithPassphraseKey(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	sshPub, err := gossh.NewPublicKey(pub)
	must(t, err)
	block, err := gossh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("correct horse"))
	must(t, err)
	keyPath := filepath.Join(t.TempDir(), "id_ed25519")
	must(t, os.WriteFile(keyPath, pem.EncodeToMemory(block), 0o600))

	_, other, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	otherSigner, err := gossh.NewSignerFromKey(other)
	must(t, err)
	keys := []string{strings.TrimSpace(string(gossh.MarshalAuthorizedKey(sshPub))), strings.TrimSpace(string(gossh.MarshalAuthorizedKey(otherSigner.PublicKey())))}
	setup, err := trustee.Split("e1", 2, keys)
	must(t, err)
	share, err := trustee.NewShareFile("e1", "f00d", 1, 2, 2, gossh.FingerprintSHA256(sshPub), setup.Sealed[0]).Marshal()
	must(t, err)
	shareFile := filepath.Join(t.TempDir(), "share")
	must(t, os.WriteFile(shareFile, share, 0o600))
	session, err := age.GenerateX25519Identity()
	must(t, err)

	code, out, errOut := booth(t, "correct horse\n", "trustee", "release", shareFile, "--key", keyPath, "--to", session.Recipient().String())
	if code != 0 || !strings.HasPrefix(out, "booth trustee release v1\n") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(errOut, "-N ''") {
		t.Errorf("the trustee is told to strip their key's passphrase: %q", errOut)
	}
}

// Keys that ssh-keygen encrypted with a passphrase, ed25519 and RSA, open
// their share with the right passphrase; a wrong one says so and writes
// no release.
func TestTrusteeReleaseWithOpenSSHPassphraseKeys(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Fatal("ssh-keygen is needed (Debian: openssh-client; .ci/run installs it)")
	}
	dir := t.TempDir()
	var paths, keys []string
	for _, typ := range []string{"ed25519", "rsa"} {
		path := filepath.Join(dir, "id_"+typ)
		args := []string{"-q", "-t", typ, "-N", "pass phrase", "-C", typ, "-f", path}
		if typ == "rsa" {
			args = append(args, "-b", "3072")
		}
		if out, err := exec.Command(keygen, args...).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v: %s", err, out)
		}
		pub, err := os.ReadFile(path + ".pub")
		must(t, err)
		pk, _, _, _, err := gossh.ParseAuthorizedKey(pub)
		must(t, err)
		paths = append(paths, path)
		keys = append(keys, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pk))))
	}
	setup, err := trustee.Split("e1", 2, keys)
	must(t, err)
	session, err := age.GenerateX25519Identity()
	must(t, err)
	for i, path := range paths {
		pk, _, _, _, err := gossh.ParseAuthorizedKey([]byte(keys[i]))
		must(t, err)
		share, err := trustee.NewShareFile("e1", "f00d", i+1, 2, 2, gossh.FingerprintSHA256(pk), setup.Sealed[i]).Marshal()
		must(t, err)
		shareFile := filepath.Join(dir, "share")
		must(t, os.WriteFile(shareFile, share, 0o600))

		code, out, errOut := booth(t, "wrong\n", "trustee", "release", shareFile, "--key", path, "--to", session.Recipient().String())
		if code == 0 || out != "" || !strings.Contains(errOut, "wrong passphrase") {
			t.Errorf("%s with a wrong passphrase: exit %d, stdout %q, stderr %q", filepath.Base(path), code, out, errOut)
		}
		code, out, errOut = booth(t, "pass phrase\n", "trustee", "release", shareFile, "--key", path, "--to", session.Recipient().String())
		if code != 0 {
			t.Fatalf("%s with its passphrase: exit %d, stderr %q", filepath.Base(path), code, errOut)
		}
		r, err := trustee.ParseRelease([]byte(out))
		must(t, err)
		if r.Index != i+1 || r.Session != session.Recipient().String() || r.Trustee != gossh.FingerprintSHA256(pk) {
			t.Errorf("%s: release of share %d to %s by %s", filepath.Base(path), r.Index, r.Session, r.Trustee)
		}
		e := trustee.Election{ID: "e1", Fingerprint: "f00d", Threshold: 2, Keys: keys}
		if err := e.CheckStatement(r, session.Recipient().String()); err != nil {
			t.Errorf("%s: the release made with the decrypted key does not check: %v", filepath.Base(path), err)
		}
	}
}
