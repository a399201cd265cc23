package models_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"strings"
	"testing"

	"filippo.io/age"
	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// sshKey makes an ed25519 SSH key pair: the public key in authorized_keys
// form and the private key as an OpenSSH PEM file (with a passphrase when
// one is given).
func sshKey(t *testing.T, passphrase string) (pub string, private []byte) {
	t.Helper()
	pk, sk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pk)
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(sk, "officer")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(sk, "officer", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))), pem.EncodeToMemory(block)
}

// tallyKey makes a tally key and returns its recipients and identities.
func tallyKey(t *testing.T) ([]age.Recipient, []age.Identity) {
	t.Helper()
	identity, recipient, err := models.NewTallyKey()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(identity, "AGE-SECRET-KEY-1") || !strings.HasPrefix(recipient, "age1") {
		t.Fatalf("tally key %q / %q is not an age X25519 key pair", identity[:16], recipient)
	}
	rs, err := models.ParseRecipients([]string{recipient})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := models.ParseIdentities(strings.NewReader("# a comment\n" + identity + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return rs, ids
}

func sealDefinition() models.Definition {
	d := models.Definition{ID: "board-2026", Method: tally.Meek, Seats: 3}
	for _, id := range []string{"alice", "bob", "carol", "dave", "erin", "frank"} {
		d.Candidates = append(d.Candidates, models.Candidate{ID: id, Name: strings.ToUpper(id)})
	}
	return d
}

func TestSealRoundTripX25519(t *testing.T) {
	rs, ids := tallyKey(t)
	text := []byte("alice\nbob = carol\n")
	size := models.SealSize(sealDefinition())
	sealed, err := models.Seal(rs, text, size)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("alice")) {
		t.Fatal("the sealed ballot contains its plaintext")
	}
	got, err := models.Unseal(ids, sealed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, text) {
		t.Fatalf("unsealed %q, want %q", got, text)
	}
}

func TestSealRoundTripSSHAndX25519(t *testing.T) {
	pub, private := sshKey(t, "")
	_, recipient, err := models.NewTallyKey()
	if err != nil {
		t.Fatal(err)
	}
	rs, err := models.ParseRecipients([]string{pub + " officer@example.org", "", "# comment", recipient})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("%d recipients, want 2 (blank and comment lines skipped)", len(rs))
	}
	text := []byte("yes\n")
	sealed, err := models.Seal(rs, text, 256)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := models.ParseIdentities(bytes.NewReader(private))
	if err != nil {
		t.Fatal(err)
	}
	got, err := models.Unseal(ids, sealed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, text) {
		t.Fatalf("unsealed %q with the SSH key, want %q", got, text)
	}
}

func TestSealedBallotsHaveOneLength(t *testing.T) {
	rs, ids := tallyKey(t)
	d := sealDefinition()
	size := models.SealSize(d)
	if size%256 != 0 || size == 0 {
		t.Fatalf("SealSize = %d, want a positive multiple of 256", size)
	}
	var all []string
	for _, c := range d.Candidates {
		all = append(all, c.ID)
	}
	texts := []string{
		"",
		"alice\n",
		strings.Join(all, "\n") + "\n",
		strings.Join(all, " = ") + "\n",
	}
	want := -1
	for _, text := range texts {
		sealed, err := models.Seal(rs, []byte(text), size)
		if err != nil {
			t.Fatalf("sealing %q: %v", text, err)
		}
		if want == -1 {
			want = len(sealed)
		}
		if len(sealed) != want {
			t.Errorf("ballot %q sealed to %d bytes, another to %d: the length gives the ballot away", text, len(sealed), want)
		}
		got, err := models.Unseal(ids, sealed)
		if err != nil || string(got) != text {
			t.Errorf("round trip of %q gave %q, %v", text, got, err)
		}
	}
}

func TestSealSizeFitsLongestBallot(t *testing.T) {
	d := sealDefinition()
	for i := range 60 {
		d.Candidates = append(d.Candidates, models.Candidate{ID: strings.Repeat("x", 10) + string(rune('a'+i%26)) + strings.Repeat("y", i)})
	}
	var ids []string
	for _, c := range d.Candidates {
		ids = append(ids, c.ID)
	}
	size := models.SealSize(d)
	for _, text := range []string{strings.Join(ids, "\n") + "\n", strings.Join(ids, " = ") + "\n"} {
		if len(text)+4 > size {
			t.Errorf("SealSize %d is too small for a %d-byte ballot", size, len(text))
		}
	}
	yes := models.Definition{ID: "q", Method: tally.YesNo}
	if got := models.SealSize(yes); got != 256 {
		t.Errorf("SealSize of a yes/no question = %d, want 256", got)
	}
}

func TestSealRefusesOversizeBallot(t *testing.T) {
	rs, _ := tallyKey(t)
	if _, err := models.Seal(rs, bytes.Repeat([]byte("a"), 253), 256); err == nil {
		t.Fatal("a 253-byte ballot was sealed into 256 bytes (4 are the length prefix)")
	}
	if _, err := models.Seal(rs, bytes.Repeat([]byte("a"), 252), 256); err != nil {
		t.Fatalf("a 252-byte ballot fits 256 bytes: %v", err)
	}
	if _, err := models.Seal(nil, []byte("a"), 256); err == nil {
		t.Fatal("a ballot was sealed to nobody")
	}
}

func TestUnsealWithWrongKeyFails(t *testing.T) {
	rs, _ := tallyKey(t)
	_, other := tallyKey(t)
	sealed, err := models.Seal(rs, []byte("alice\n"), 256)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := models.Unseal(other, sealed); err == nil {
		t.Fatalf("another election's key unsealed the ballot: %q", got)
	} else if !strings.Contains(err.Error(), "key does not open") {
		t.Errorf("error %q does not say the key is wrong", err)
	}
	_, sshPrivate := sshKey(t, "")
	sshIDs, err := models.ParseIdentities(bytes.NewReader(sshPrivate))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := models.Unseal(sshIDs, sealed); err == nil {
		t.Fatal("an unrelated SSH key unsealed the ballot")
	}
	if _, err := models.Unseal(other, sealed[:len(sealed)-1]); err == nil {
		t.Fatal("a truncated ballot unsealed")
	}
}

func TestParseRecipientsRefuses(t *testing.T) {
	for name, lines := range map[string][]string{
		"none":        nil,
		"only blanks": {"", "# nobody"},
		"dsa":         {"ssh-dss AAAAB3NzaC1kc3MAAACBAP= officer"},
		"garbage":     {"not a key"},
		"bad age":     {"age1notarecipient"},
		"bad ed25519": {"ssh-ed25519 AAAA officer"},
	} {
		if _, err := models.ParseRecipients(lines); err == nil {
			t.Errorf("%s: %q accepted as recipients", name, lines)
		}
	}
}

func TestParseIdentitiesRefuses(t *testing.T) {
	_, locked := sshKey(t, "secret")
	_, err := models.ParseIdentities(bytes.NewReader(locked))
	if err == nil || !strings.Contains(err.Error(), "passphrase") {
		t.Errorf("a passphrase-protected SSH key: error %v, want one naming the passphrase", err)
	}
	for name, in := range map[string]string{
		"empty":     "",
		"garbage":   "hello\n",
		"public":    "age1qqqq\n",
		"bad pem":   "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
		"too large": strings.Repeat("#", 1<<20+1),
	} {
		if _, err := models.ParseIdentities(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted as a key", name)
		}
	}
}

func TestSealToSSHRSAKey(t *testing.T) {
	sk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(&sk.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := models.ParseRecipients([]string{string(ssh.MarshalAuthorizedKey(sp))})
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(sk, "")
	if err != nil {
		t.Fatal(err)
	}
	ids, err := models.ParseIdentities(bytes.NewReader(pem.EncodeToMemory(block)))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := models.Seal(rs, []byte("no\n"), 256)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := models.Unseal(ids, sealed); err != nil || string(got) != "no\n" {
		t.Fatalf("unsealed %q, %v with the RSA key", got, err)
	}
}
