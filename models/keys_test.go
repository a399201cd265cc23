package models

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models/safetext"
)

// Test keys are generated here, so no test depends on a key copied from
// somewhere; the slow RSA ones once per run.

func sshLine(t testing.TB, pub any, comment string) string {
	t.Helper()
	p, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(p)), "\n")
	if comment != "" {
		line += " " + comment
	}
	return line
}

// edKey returns a new Ed25519 key line with the comment.
func edKey(t testing.TB, comment string) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return sshLine(t, pub, comment)
}

var rsaKeys sync.Map // bits → *rsa.PrivateKey

func rsaKey(t testing.TB, bits int) string {
	t.Helper()
	k, ok := rsaKeys.Load(bits)
	if !ok {
		priv, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			t.Fatal(err)
		}
		k, _ = rsaKeys.LoadOrStore(bits, priv)
	}
	return sshLine(t, &k.(*rsa.PrivateKey).PublicKey, "rsa@host")
}

func ecdsaKey(t testing.TB, c elliptic.Curve) string {
	t.Helper()
	priv, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return sshLine(t, &priv.PublicKey, "")
}

// wireKey writes a key of any type from its SSH wire fields, for the key
// kinds x/crypto cannot make (DSA, oversized RSA, security keys).
func wireKey(typ string, fields any) string {
	return typ + " " + base64.StdEncoding.EncodeToString(ssh.Marshal(fields))
}

func dsaKey() string {
	p := new(big.Int).Lsh(big.NewInt(1), 1023)
	p.Add(p, big.NewInt(0x1d))
	return wireKey("ssh-dss", struct {
		Name       string
		P, Q, G, Y *big.Int
	}{"ssh-dss", p, big.NewInt(0xf4f7), big.NewInt(2), big.NewInt(0x1234567)}) + " old@host"
}

func hugeRSAKey() string {
	n := new(big.Int).Lsh(big.NewInt(1), 16384) // 16385 bits
	n.Add(n, big.NewInt(1))
	return wireKey("ssh-rsa", struct {
		Name string
		E, N *big.Int
	}{"ssh-rsa", big.NewInt(65537), n})
}

func skKey() string {
	return wireKey("sk-ssh-ed25519@openssh.com", struct {
		Name        string
		Key         []byte
		Application string
	}{"sk-ssh-ed25519@openssh.com", make([]byte, 32), "ssh:"}) + " yubikey"
}

func certKey(t testing.TB) string {
	t.Helper()
	userPub, _, _ := ed25519.GenerateKey(rand.Reader)
	_, caPriv, _ := ed25519.GenerateKey(rand.Reader)
	key, err := ssh.NewPublicKey(userPub)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(caPriv)
	if err != nil {
		t.Fatal(err)
	}
	cert := &ssh.Certificate{Key: key, CertType: ssh.UserCert, KeyId: "alice", ValidPrincipals: []string{"alice"}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, signer); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(cert)), "\n") + " alice-cert"
}

func TestParseKeyAccepts(t *testing.T) {
	ed := edKey(t, "")
	for _, tt := range []struct {
		name, line, typ, comment string
	}{
		{"ed25519", ed, "ssh-ed25519", ""},
		{"ed25519 with comment", ed + "  alice@laptop (work) ", "ssh-ed25519", "alice@laptop (work)"},
		{"unicode comment", ed + " José's clé 🔑", "ssh-ed25519", "José's clé 🔑"},
		{"pub file with newline", ed + " a@b\n", "ssh-ed25519", "a@b"},
		{"CRLF and BOM", "\ufeff" + ed + " a@b\r\n", "ssh-ed25519", "a@b"},
		{"tab separated", strings.Replace(ed, " ", "\t", 1), "ssh-ed25519", ""},
		{"rsa 2048", rsaKey(t, 2048), "ssh-rsa", "rsa@host"},
		{"ecdsa p256", ecdsaKey(t, elliptic.P256()), "ecdsa-sha2-nistp256", ""},
		{"ecdsa p384", ecdsaKey(t, elliptic.P384()), "ecdsa-sha2-nistp384", ""},
		{"ecdsa p521", ecdsaKey(t, elliptic.P521()), "ecdsa-sha2-nistp521", ""},
		{"security key", skKey(), "sk-ssh-ed25519@openssh.com", "yubikey"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseKey(tt.line)
			if err != nil {
				t.Fatalf("ParseKey: %v", err)
			}
			pub, _, _, _, _ := ssh.ParseAuthorizedKey([]byte(strings.TrimPrefix(tt.line, "\ufeff")))
			if k.Type != tt.typ || k.Comment != tt.comment || k.Fingerprint != ssh.FingerprintSHA256(pub) ||
				!strings.HasPrefix(k.Fingerprint, "SHA256:") || k.Public != tt.typ+" "+strings.Fields(tt.line[strings.Index(tt.line, tt.typ):])[1] {
				t.Errorf("got %+v", k)
			}
		})
	}
}

func TestParseKeyRefuses(t *testing.T) {
	ed := edKey(t, "")
	edData := strings.Fields(ed)[1]
	tests := []struct {
		name, line, want string
	}{
		{"empty", "  \r\n", "no key"},
		{"command option", `command="/bin/sh" ` + ed, "authorized_keys options (command=\"/bin/sh\") are not allowed"},
		{"several options", `from="10.0.0.0/8",no-pty,restrict ` + ed + " x", "authorized_keys options"},
		{"no-touch-required", "no-touch-required " + skKey(), "authorized_keys options (no-touch-required)"},
		{"certificate", certKey(t), "an SSH certificate: register the plain public key"},
		{"DSA", dsaKey(), "DSA (ssh-dss) keys are weak and refused"},
		{"RSA 1024", rsaKey(t, 1024), "RSA key of 1024 bits is too weak (at least 2048 needed)"},
		{"RSA over 16384", hugeRSAKey(), "RSA key of more than 16384 bits is too large"},
		{"unknown type", wireKey("ssh-mldsa-44", struct{ Name, Key string }{"ssh-mldsa-44", strings.Repeat("k", 1312)}), `key type "ssh-mldsa-44" is not accepted`},
		{"type that lies", "ssh-rsa " + edData, `the type "ssh-rsa" written before the key does not match the key itself`},
		{"label before key", "alice " + edData, `the type "alice" written before the key does not match`},
		{"two lines", ed + "\n" + edKey(t, ""), "more than one line"},
		{"carriage return hides text", ed + " ok\rcommand=evil", "more than one line"},
		{"two keys on one line", ed + " " + edKey(t, "second"), "two keys on one line"},
		{"escape in comment", ed + " alice\x1b]52;c;aGk=\x07", "key comment contains the escape character U+001B"},
		{"bidi in comment", ed + " alice\u202Egpj.exe", "key comment contains the bidirectional control U+202E"},
		{"C1 in comment", ed + " a\u009bb", "U+009B"},
		{"invalid UTF-8 in comment", ed + " a\xffb", "not valid UTF-8"},
		{"private key", "-----BEGIN OPENSSH PRIVATE KEY-----", "this is a private key"},
		{"SSH2 form", "---- BEGIN SSH2 PUBLIC KEY ----", "RFC 4716"},
		{"not a key", "hello world", "not an SSH public key"},
		{"bad base64", "ssh-ed25519 AAAA!!!!", "not an SSH public key"},
		{"truncated key", "ssh-ed25519 " + edData[:40], "not an SSH public key"},
		{"type only", "ssh-ed25519", "not an SSH public key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseKey(tt.line)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseKey = %+v, %v; want an error containing %q", k, err, tt.want)
			}
		})
	}
}

func TestParseKeys(t *testing.T) {
	a, b, c := edKey(t, "a@x"), rsaKey(t, 2048), ecdsaKey(t, elliptic.P256())
	file := "\ufeff# Alice's keys\r\n" + a + "\r\n\r\n   \n  # old laptop, retired\n" + b + "\n" + c // no final newline
	keys, err := ParseKeys(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 || keys[0].Type != "ssh-ed25519" || keys[0].Comment != "a@x" || keys[1].Type != "ssh-rsa" || keys[2].Type != "ecdsa-sha2-nistp256" {
		t.Errorf("got %+v", keys)
	}
}

func TestParseKeysRefuses(t *testing.T) {
	a := edKey(t, "a")
	tests := []struct {
		name, file string
		want       []Problem
	}{
		{"empty", "", []Problem{{0, "no key found"}}},
		{"only comments", "\ufeff# nothing\r\n\r\n", []Problem{{0, "no key found"}}},
		{"every bad line, numbered", "# keys\n" + a + "\n" + rsaKey(t, 1024) + "\r\n\n" + dsaKey() + "\n" + `command="x" ` + edKey(t, "") + "\n" + certKey(t) + "\ngarbage\n",
			[]Problem{{3, "RSA key of 1024 bits"}, {5, "DSA"}, {6, "options"}, {7, "certificate"}, {8, "not an SSH public key"}}},
		{"same key twice", a + "\n" + edKey(t, "") + "\n" + strings.Replace(a, " a", " other comment", 1) + "\n", []Problem{{3, "the same key as line 1"}}},
		{"too large", strings.Repeat("#", maxKeyFile+1), []Problem{{0, "larger than"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := ParseKeys(strings.NewReader(tt.file))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("ParseKeys = %v, %v; want a *ValidationError", keys, err)
			}
			checkProblems(t, ve, tt.want)
		})
	}
}

// checkProblems compares a ValidationError's problems with want: the same
// lines in order, each message containing want's.
func checkProblems(t *testing.T, ve *ValidationError, want []Problem) {
	t.Helper()
	if len(ve.Problems) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(ve.Problems), len(want), ve)
	}
	for i, p := range ve.Problems {
		if p.Line != want[i].Line || !strings.Contains(p.Msg, want[i].Msg) {
			t.Errorf("problem %d is line %d %q, want line %d containing %q", i, p.Line, p.Msg, want[i].Line, want[i].Msg)
		}
	}
}

// FuzzParseKeys checks that no input makes ParseKeys panic, that it fails
// only with a *ValidationError, and that what it accepts is well formed.
func FuzzParseKeys(f *testing.F) {
	ed := edKey(f, "c")
	for _, s := range []string{ed, "\ufeff" + ed + "\r\n# x\n", `command="x" ` + ed, dsaKey(), "ssh-ed25519 AAAA", "\x1b", skKey(), ed + " \u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		keys, err := ParseKeys(strings.NewReader(in))
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 || keys != nil {
				t.Fatalf("ParseKeys(%q) = %v, %v", in, keys, err)
			}
			return
		}
		for _, k := range keys {
			if !keyTypes[k.Type] || !strings.HasPrefix(k.Fingerprint, "SHA256:") || (k.Comment != "" && safetext.Check("c", k.Comment) != nil) {
				t.Fatalf("ParseKeys(%q) accepted %+v", in, k)
			}
		}
	})
}
