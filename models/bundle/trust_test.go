package bundle_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"vote.example.org/booth/models/bundle"
)

// authorized is a public key as an allowed_signers or known_hosts line
// ends: KEYTYPE KEY.
func authorized(k ssh.PublicKey) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))
}

// Issue 10 item 9: a bundle re-signed with a fresh key verified without
// --signer, status ok. Without a trust anchor the signature is now
// unverified and the bundle not OK, whoever signed it.
func TestVerifyWithoutAnchorIsUnverified(t *testing.T) {
	p := publish(t, true)
	for name, data := range map[string][]byte{
		"the host's bundle":          p.data,
		"re-signed by a foreign key": resign(t, p.data, newSigner(t), bundle.Namespace),
	} {
		b, r := bundle.Verify(data, bundle.Options{})
		c := check(t, r, bundle.CheckSignature)
		if r.OK || c.Status != bundle.StatusUnverified || c.Code != "unverified-signer" || !strings.Contains(c.Detail, "UNVERIFIED") {
			t.Errorf("%s without an anchor: ok %v, %+v", name, r.OK, c)
		}
		// Nothing else is read (issue 10 review A): anyone can sign.
		if b != nil || len(r.Checks) != 1 || r.Election != "" || !strings.Contains(c.Detail, r.Signer) {
			t.Errorf("%s without an anchor: read beyond its signature: %+v", name, r)
		}
	}
}

func TestTrustSignerRefusesWhatIsNoFingerprint(t *testing.T) {
	for _, fp := range []string{"", "SHA256:AAAA", "MD5:00:11", "SHA256:" + strings.Repeat("!", 43)} {
		if _, err := bundle.TrustSigner(fp); err == nil || !strings.Contains(err.Error(), "is not a key fingerprint") {
			t.Errorf("TrustSigner(%q): %v", fp, err)
		}
	}
}

// Issue 10 item 9: --allowed-signers, in OpenSSH's format.
func TestAllowedSigners(t *testing.T) {
	p := publish(t, true)
	foreignSigner := newSigner(t)
	host, foreign := authorized(p.host.PublicKey()), authorized(foreignSigner.PublicKey())
	other := authorized(newSigner(t).PublicKey())
	file := strings.Join([]string{
		"# signers we trust",
		"",
		`alice@example.org namespaces="git" ` + foreign + " alice's git key",
		`"booth,results" namespaces="file,booth-results@vote.example.org" ` + host + " the election server",
	}, "\n")
	now := time.Now()
	verify := func(file string, data []byte) bundle.Report {
		t.Helper()
		trust, err := bundle.TrustAllowedSigners([]byte(file), "allowed_signers")
		must(t, err)
		_, r := bundle.Verify(data, bundle.Options{Trust: trust, Now: now})
		return r
	}
	if r := verify(file, p.data); !r.OK || !strings.Contains(check(t, r, bundle.CheckSignature).Detail, "a key allowed_signers allows for principal booth") {
		t.Fatalf("the host's bundle: %+v", r)
	}
	// alice's key is listed, but not for principal booth.
	if c := check(t, verify(file, resign(t, p.data, foreignSigner, bundle.Namespace)), bundle.CheckSignature); c.Code != "wrong-signer" ||
		!strings.Contains(c.Detail, "which allowed_signers does not list for principal booth") {
		t.Errorf("a foreign signer: %+v", c)
	}
	for _, tc := range []struct{ line, why string }{
		{`booth namespaces="git" ` + host, `line 1 allows it only for namespaces git`},
		{`b*,!x valid-before="20200101" ` + host, "line 1 made it valid only before 2020-01-01"},
		{`booth valid-after="29990101120000Z" ` + host, "line 1 makes it valid only after 2999-01-01T12:00:00Z"},
		{`booth ` + other, "which allowed_signers does not list"},
	} {
		if c := check(t, verify(tc.line, p.data), bundle.CheckSignature); c.Code != "wrong-signer" || !strings.Contains(c.Detail, tc.why) {
			t.Errorf("%s: %+v, want %q", tc.line, c, tc.why)
		}
	}
	if r := verify(`*,!git valid-after="20200101",valid-before="29990101" `+host, p.data); !r.OK {
		t.Errorf("a pattern and a validity that hold: %+v", r)
	}
	for _, tc := range []struct{ file, want string }{
		{"# only a comment\n", `allowed_signers has no line for principal "booth"`},
		{"git@example.org " + host, `has no line for principal "booth"`},
		{"\n\nbooth cert-authority " + host, "allowed_signers line 3: cert-authority: booth does not accept certificates"},
		{"booth restrict " + host, `allowed_signers line 1: unknown option "restrict"`},
		{"booth", "allowed_signers line 1: it holds no public key"},
		{"booth ssh-ed25519 AAAA", "allowed_signers line 1: no public key can be read"},
		{`booth valid-after="yesterday" ` + host, `line 1: option valid-after: "yesterday" is not a time`},
		{`booth namespaces="booth-results@vote.example.org ` + host, "line 1: "},
	} {
		if _, err := bundle.TrustAllowedSigners([]byte(tc.file), "allowed_signers"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.file, err, tc.want)
		}
	}
}

// Issue 10 item 9: --host takes the key from the user's known_hosts,
// hashed names and [host]:port entries included.
func TestKnownHosts(t *testing.T) {
	p := publish(t, true)
	foreign, revoked := newSigner(t), newSigner(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "known_hosts")
	lines := []string{
		"# written by ssh",
		knownhosts.HashHostname("vote.example.org") + " " + authorized(p.host.PublicKey()),
		knownhosts.Line([]string{"[127.0.0.1]:2222"}, p.host.PublicKey()),
		knownhosts.Line([]string{"other.example.org"}, foreign.PublicKey()),
		"@revoked " + knownhosts.Line([]string{"*"}, revoked.PublicKey()),
	}
	must(t, os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	resigned := resign(t, p.data, foreign, bundle.Namespace)
	for _, tc := range []struct {
		host string
		data []byte
		ok   bool
		why  string
	}{
		{"vote.example.org", p.data, true, "the key " + file + " holds for vote.example.org"},
		{"VOTE.example.org:22", p.data, true, ""},
		{"127.0.0.1:2222", p.data, true, ""},
		{"vote.example.org", resigned, false, "it is signed by " + ssh.FingerprintSHA256(foreign.PublicKey()) + ", but " + file + " knows vote.example.org by " + ssh.FingerprintSHA256(p.host.PublicKey())},
		{"127.0.0.1:2222", resigned, false, "knows 127.0.0.1:2222 by"},
		{"other.example.org", p.data, false, "knows other.example.org by " + ssh.FingerprintSHA256(foreign.PublicKey())},
		{"vote.example.org", resign(t, p.data, revoked, bundle.Namespace), false, "which " + file + " marks as revoked (line 5)"},
	} {
		trust, err := bundle.TrustKnownHosts(tc.host, file)
		must(t, err)
		b, r := bundle.Verify(tc.data, bundle.Options{Trust: trust})
		c := check(t, r, bundle.CheckSignature)
		if r.OK != tc.ok || !strings.Contains(c.Detail, tc.why) || !tc.ok && (b != nil || c.Code != "wrong-signer") {
			t.Errorf("--host %s: ok %v, %+v; want ok %v saying %q", tc.host, r.OK, c, tc.ok, tc.why)
		}
	}
	for _, tc := range []struct{ host, want string }{
		{"unknown.example.org", "has no key for unknown.example.org: connect to it once with ssh"},
		{"127.0.0.1", "has no key for 127.0.0.1"}, // known on port 2222 only
		{"host:port", `"host:port" is not a host`},
	} {
		if _, err := bundle.TrustKnownHosts(tc.host, file); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--host %s: %v, want %q", tc.host, err, tc.want)
		}
	}
	if _, err := bundle.TrustKnownHosts("vote.example.org", filepath.Join(dir, "none")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing known_hosts: %v", err)
	}
	must(t, os.WriteFile(file, []byte("vote.example.org ssh-ed25519 AAAA\n"), 0o600))
	if _, err := bundle.TrustKnownHosts("vote.example.org", file); err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("a broken known_hosts: %v", err)
	}
}
