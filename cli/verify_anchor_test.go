package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiddeco/sshsig"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"vote.example.org/booth/models/bundle"
	boothssh "vote.example.org/booth/ssh"
)

// publishedBundle publishes election e1 of publishedDir and returns the
// data directory, the bundle file, the host key and a copy of the bundle
// re-signed with a fresh key, as anyone could.
func publishedBundle(t *testing.T) (dir, file string, host gossh.PublicKey, foreign string) {
	t.Helper()
	dir, keyPath, _ := publishedDir(t)
	mustBooth(t, "", "--data", dir, "election", "count", "e1", "--key", keyPath)
	file = filepath.Join(t.TempDir(), "e1.bundle")
	mustBooth(t, "", "--data", dir, "election", "publish", "e1", "--out", file, "--key", keyPath)
	host = hostKey(t, dir)
	data, err := os.ReadFile(file)
	must(t, err)
	signer, _, _ := newTestKey(t)
	i := bytes.Index(data, []byte("-----BEGIN SSH SIGNATURE-----"))
	sig, err := sshsig.Sign(bytes.NewReader(data[:i]), signer, sshsig.HashSHA512, bundle.Namespace)
	must(t, err)
	foreign = filepath.Join(t.TempDir(), "foreign.bundle")
	must(t, os.WriteFile(foreign, append(data[:i:i], sshsig.Armor(sig)...), 0o644))
	return dir, file, host, foreign
}

// Issue 10 item 9: booth verify exited 0 with "status": "ok" for a
// bundle signed by any key. A bundle re-signed with a foreign key now
// fails without an anchor and against every anchor of the real host;
// the real bundle passes against each anchor, and only against one.
func TestVerifyNeedsATrustAnchor(t *testing.T) {
	_, file, host, foreign := publishedBundle(t)
	fp := gossh.FingerprintSHA256(host)
	tmp := t.TempDir()
	allowed := writeFile(t, "allowed_signers", "# published with the bundle\n"+bundle.AllowedSigners(host, "")+"\n")
	// A known_hosts as ssh writes it with HashKnownHosts: the real host's
	// name hashed, and its key under [name]:port too.
	knownHosts := writeFile(t, "known_hosts",
		knownhosts.HashHostname("vote.example.org")+" "+string(gossh.MarshalAuthorizedKey(host))+
			knownhosts.Line([]string{"[vote.example.org]:2222"}, host)+"\n")
	home := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(home, ".ssh"), 0o700))
	must(t, os.WriteFile(filepath.Join(home, ".ssh", "known_hosts"), []byte(knownhosts.Line([]string{"vote.example.org"}, host)+"\n"), 0o600))
	t.Setenv("HOME", home)

	anchors := map[string][]string{
		"--signer":          {"--signer", fp},
		"--allowed-signers": {"--allowed-signers", allowed},
		"--host":            {"--host", "vote.example.org", "--known-hosts", knownHosts},
		"--host with port":  {"--host", "vote.example.org:2222", "--known-hosts", knownHosts},
		"--host, ~/.ssh":    {"--host", "vote.example.org"},
	}
	for name, anchor := range anchors {
		code, out, errOut := booth(t, "", append([]string{"verify", file}, anchor...)...)
		if code != 0 || errOut != "" || !strings.Contains(out, "signature: valid, signed by "+fp) {
			t.Errorf("the real bundle, %s: exit %d\n%s%s", name, code, out, errOut)
		}
		code, _, errOut = booth(t, "", append([]string{"verify", foreign}, anchor...)...)
		if code != 1 || !strings.Contains(errOut, "signature: signed by another key than the one expected: it is signed by SHA256:") ||
			!strings.Contains(errOut, "does not check out: 1 of 1 checks failed") {
			t.Errorf("the foreign bundle, %s: exit %d, %q", name, code, errOut)
		}
	}
	code, _, errOut := booth(t, "", "verify", foreign, "--host", "vote.example.org", "--known-hosts", knownHosts)
	if code != 1 || !strings.Contains(errOut, "knows vote.example.org by "+fp) {
		t.Errorf("--host does not say which key it expected: %q", errOut)
	}

	for _, f := range []string{file, foreign} {
		code, out, errOut := booth(t, "", "verify", f)
		if code != 1 || !strings.Contains(errOut, "signature: UNVERIFIED: the signature is valid, but nothing says its key is the election server's") ||
			!strings.Contains(errOut, "is not verified: nothing ties its signature to the election's server") {
			t.Errorf("%s without an anchor: exit %d\n%s%s", f, code, out, errOut)
		}
		code, out, _ = booth(t, "", "verify", f, "--json")
		var rep bundle.Report
		must(t, json.Unmarshal([]byte(out), &rep))
		if sig := rep.Checks[0]; code != 1 || rep.OK || sig.Status != "unverified" || sig.Code != "unverified-signer" {
			t.Errorf("%s --json without an anchor: exit %d\n%s", f, code, out)
		}
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", file, "--signer", fp, "--host", "vote.example.org"}, "give one trust anchor: --signer, --allowed-signers or --host"},
		{[]string{"verify", file, "--known-hosts", knownHosts}, "--known-hosts names the file --host reads: give --host HOST too"},
		{[]string{"verify", file, "--host", "elsewhere.example.org", "--known-hosts", knownHosts}, "has no key for elsewhere.example.org: connect to it once with ssh"},
		{[]string{"verify", file, "--signer", "SHA256:AAAA"}, `--signer: "SHA256:AAAA" is not a key fingerprint`},
		{[]string{"verify", file, "--allowed-signers", filepath.Join(tmp, "none")}, "--allowed-signers: open "},
		{[]string{"verify", file, "--allowed-signers", knownHosts}, `known_hosts has no line for principal "booth"`},
		{[]string{"verify", file, "--allowed-signers", writeFile(t, "bad_signers", "\nbooth ssh-ed25519 AAAA\n")}, "bad_signers line 2: no public key can be read"},
		{[]string{"review", foreign, "--signer", fp}, "signature: signed by another key than the one expected: it is signed by SHA256:"},
		{[]string{"review", foreign, "--signer", fp}, "; it is not opened"},
	} {
		code, _, errOut := booth(t, "", tc.args...)
		if code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("booth %s: exit %d, %q; want %q", strings.Join(tc.args, " "), code, errOut, tc.want)
		}
	}
}

// Issue 10 item 10: booth verify and booth review refuse a bundle signed by
// the right key that booth did not write as it is (a key twice, here),
// before any recount.
func TestVerifyRefusesANonCanonicalBundle(t *testing.T) {
	dir, file, host, _ := publishedBundle(t)
	data, err := os.ReadFile(file)
	must(t, err)
	i := bytes.Index(data, []byte("-----BEGIN SSH SIGNATURE-----"))
	body := bytes.Replace(data[:i], []byte(`"voted": 3,`), []byte(`"voted": 3, "voted": 2,`), 1)
	signer, err := boothssh.LoadHostKey(filepath.Join(dir, hostKeyName))
	must(t, err)
	sig, err := sshsig.Sign(bytes.NewReader(body), signer, sshsig.HashSHA512, bundle.Namespace)
	must(t, err)
	changed := writeFile(t, "changed.bundle", string(append(body, sshsig.Armor(sig)...)))
	fp := gossh.FingerprintSHA256(host)
	for _, cmd := range []string{"verify", "review"} {
		code, _, errOut := booth(t, "", cmd, changed, "--signer", fp)
		if code != 1 || !strings.Contains(errOut, `bundle: not a bundle booth wrote: the key "voted" occurs twice in turnout`) {
			t.Errorf("booth %s: exit %d, %q", cmd, code, errOut)
		}
	}
}

// hostKey reads the public host key booth keeps in the data directory.
func hostKey(t *testing.T, dir string) gossh.PublicKey {
	t.Helper()
	pub, err := os.ReadFile(filepath.Join(dir, hostKeyName+".pub"))
	must(t, err)
	host, _, _, _, err := gossh.ParseAuthorizedKey(pub)
	must(t, err)
	return host
}
