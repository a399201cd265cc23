package ssh

import (
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

func TestServerWithoutServiceRefusesToStart(t *testing.T) {
	if _, err := New(Config{HostKeyPath: "unused"}); err == nil || !strings.Contains(err.Error(), "cannot authenticate") {
		t.Fatalf("New without a service: %v, want a refusal", err)
	}
}

func TestUnknownKeyIsRefusedAfterTheBanner(t *testing.T) {
	e := newTestEnv(t, nil)
	stranger, _ := newKey(t)
	var banner string
	_, err := gossh.Dial("tcp", e.addr, &gossh.ClientConfig{
		User: "vote", Auth: []gossh.AuthMethod{gossh.PublicKeys(stranger)},
		HostKeyCallback: gossh.FixedHostKey(e.hostKey),
		BannerCallback:  func(msg string) error { banner = msg; return nil },
	})
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("unknown key: %v, want an authentication failure", err)
	}
	for _, want := range []string{"ssh-keygen -lf ~/.ssh/id_ed25519.pub", "election officers"} {
		if !strings.Contains(banner, want) {
			t.Errorf("the banner does not say %q:\n%s", want, banner)
		}
	}
}

func TestSuspendedMemberIsRefused(t *testing.T) {
	e := newTestEnv(t, nil)
	if _, err := e.dial(gossh.PublicKeys(e.keys["sus"])); err == nil {
		t.Fatal("a suspended member's key was let in")
	}
}

func TestPasswordAndKeyboardInteractiveAreRefused(t *testing.T) {
	e := newTestEnv(t, nil)
	answer := func(string, string, []string, []bool) ([]string, error) { return []string{"x"}, nil }
	for name, auth := range map[string]gossh.AuthMethod{
		"password":             gossh.Password("ada"),
		"keyboard-interactive": gossh.KeyboardInteractive(answer),
	} {
		if _, err := e.dial(auth); err == nil {
			t.Errorf("%s authentication was accepted", name)
		}
	}
}

// impostor offers someone else's public key without the private half:
// it signs junk, or (queryOnly) refuses to sign once the server has said
// it would accept the key.
type impostor struct {
	pub       gossh.PublicKey
	queryOnly bool
}

func (i impostor) PublicKey() gossh.PublicKey { return i.pub }

func (i impostor) Sign(_ io.Reader, _ []byte) (*gossh.Signature, error) {
	if i.queryOnly {
		return nil, errors.New("no private key")
	}
	junk := make([]byte, 64)
	_, _ = rand.Read(junk)
	return &gossh.Signature{Format: i.pub.Type(), Blob: junk}, nil
}

// dialInTurn authenticates with each method in turn, as one connection.
func (e *testEnv) dialInTurn(methods ...gossh.AuthMethod) (*gossh.Client, error) {
	next := 0
	return gossh.Dial("tcp", e.addr, &gossh.ClientConfig{
		User:            "vote",
		HostKeyCallback: gossh.FixedHostKey(e.hostKey),
		AuthCallback: func(*gossh.ClientAuthContext) (gossh.AuthMethod, error) {
			if next == len(methods) {
				return nil, errors.New("no more methods")
			}
			next++
			return methods[next-1], nil
		},
	})
}

// The x/crypto callback approves the victim's key when the impostor offers
// it; the impostor cannot sign, and signs in with their own key instead.
// The session must be the attacker's (CVE-2024-45337; soft-serve's
// authentication bypass kept the first approved key's identity).
func TestImpostorGetsOwnIdentityNotTheVictims(t *testing.T) {
	e := newTestEnv(t, nil)
	victim := e.keys["ada"].PublicKey()
	attacker := gossh.PublicKeys(e.keys["ken"])
	c, err := e.dialInTurn(gossh.PublicKeys(impostor{pub: victim, queryOnly: true}), attacker)
	must(t, err)
	defer c.Close()
	out, _, code := runOn(t, c, "whoami", "")
	if code != 0 || !strings.Contains(out, "member  ken") || strings.Contains(out, "ada") {
		t.Fatalf("whoami after offering the victim's key (exit %d):\n%s", code, out)
	}
	if !strings.Contains(out, gossh.FingerprintSHA256(e.keys["ken"].PublicKey())) {
		t.Errorf("whoami does not name the attacker's key:\n%s", out)
	}
}

// With a bad signature for the victim's key, x/crypto ends the
// connection; whatever the library does, the session is never the
// victim's, and the impostor alone never gets in.
func TestImpostorWithBadSignatureIsNeverTheVictim(t *testing.T) {
	e := newTestEnv(t, nil)
	victim := impostor{pub: e.keys["ada"].PublicKey()}
	c, err := e.dialInTurn(gossh.PublicKeys(victim), gossh.PublicKeys(e.keys["ken"]))
	if err == nil {
		out, _, _ := runOn(t, c, "whoami", "")
		c.Close()
		if !strings.Contains(out, "member  ken") {
			t.Fatalf("after a bad signature for the victim's key, whoami says:\n%s", out)
		}
	}
	if _, err := e.dial(gossh.PublicKeys(victim)); err == nil {
		t.Fatal("the impostor alone got in")
	}
}
