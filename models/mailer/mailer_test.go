package mailer_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/mailer"
	"vote.example.org/booth/models/mailer/mailpittest"
)

var ctx = context.Background()

func sampleMail(to string) models.Mail {
	return models.Mail{
		To: to, ToName: "Zoë Member", Subject: "Voting is open: Board 2026",
		Body:      "Dear Zoë,\n\nvoting is open.\n\n    ssh vote.example.org\n",
		MessageID: "0123abcd@example.org", ListID: "<board-2026.notices.example.org>",
	}
}

// receive sends m through a fresh Mailpit and returns the one message's
// source as it arrived.
func receive(t *testing.T, cfg mailer.Config, m models.Mail) []byte {
	t.Helper()
	mp := mailpittest.Start(t)
	cfg.URL = mp.URL()
	if cfg.From == "" {
		cfg.From = "Elections <vote@example.org>"
	}
	ml, err := mailer.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ml.Close()
	if err := ml.Send(ctx, m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := mp.Messages(t)
	if len(msgs) != 1 {
		t.Fatalf("mailpit received %d messages, want 1", len(msgs))
	}
	return mp.Raw(t, msgs[0].ID)
}

// The mail carries what spam filters look for, in plain UTF-8 text.
func TestHeaders(t *testing.T) {
	raw := receive(t, mailer.Config{}, sampleMail("zoe@example.net"))
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for h, want := range map[string]string{
		"Message-Id":     "<0123abcd@example.org>",
		"Auto-Submitted": "auto-generated",
		"List-Id":        "<board-2026.notices.example.org>",
		"From":           `"Elections" <vote@example.org>`,
	} {
		if got := msg.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	if _, err := msg.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if ct := msg.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(strings.ToLower(ct), "utf-8") {
		t.Errorf("Content-Type %q, want plain text in UTF-8", ct)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Zoë Member" || to[0].Address != "zoe@example.net" {
		t.Errorf("To: %v %v", to, err)
	}
}

// A hostile name or subject cannot add a header: go-mail encodes what it
// is given, and booth gives it one line.
func TestHostileFieldsAddNoHeader(t *testing.T) {
	m := sampleMail("zoe@example.net")
	m.ToName = "Eve\r\nBcc: victim@example.com"
	m.Subject = "Vote\r\nX-Injected: yes\n\x1b[2J"
	raw := receive(t, mailer.Config{}, m)
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if v := msg.Header.Get("Bcc") + msg.Header.Get("X-Injected"); v != "" {
		t.Fatalf("an injected header arrived: %q\n%s", v, raw)
	}
	if bytes.Contains(raw, []byte{0x1b}) {
		t.Fatalf("an escape arrived in the message:\n%q", raw)
	}
}

// An address that is not one is refused for good, not retried.
func TestBadAddressIsPermanent(t *testing.T) {
	mp := mailpittest.Start(t)
	ml, err := mailer.New(mailer.Config{URL: mp.URL(), From: "vote@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	defer ml.Close()
	err = ml.Send(ctx, sampleMail("not an address\r\nBcc: x@example.com"))
	var perm *models.PermanentMailError
	if !errors.As(err, &perm) {
		t.Fatalf("Send to a bad address: %v, want a permanent error", err)
	}
	if n := len(mp.Messages(t)); n != 0 {
		t.Fatalf("%d messages arrived", n)
	}
}

// keyFile writes a PEM private key and returns its path and the DNS TXT
// record that publishes its public half.
func keyFile(t *testing.T, kind string) (string, string) {
	t.Helper()
	var der []byte
	var txt string
	switch kind {
	case "ed25519":
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if der, err = x509.MarshalPKCS8PrivateKey(priv); err != nil {
			t.Fatal(err)
		}
		txt = "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
	case "rsa":
		priv, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		if der, err = x509.MarshalPKCS8PrivateKey(priv); err != nil {
			t.Fatal(err)
		}
		pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		txt = "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(pub)
	}
	path := filepath.Join(t.TempDir(), "dkim.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, txt
}

func verify(raw []byte, txt string) ([]*dkim.Verification, error) {
	return dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{
		LookupTXT: func(domain string) ([]string, error) {
			if domain != "booth2026._domainkey.example.org" {
				return nil, errors.New("no such record: " + domain)
			}
			return []string{txt}, nil
		},
	})
}

// A signed mail verifies, by go-msgauth (another implementation than the
// signer's), against the published key as it arrived at the server; a
// changed body fails.
func TestDKIM(t *testing.T) {
	for _, kind := range []string{"ed25519", "rsa"} {
		t.Run(kind, func(t *testing.T) {
			key, txt := keyFile(t, kind)
			raw := receive(t, mailer.Config{DKIMKeyFile: key, DKIMDomain: "example.org", DKIMSelector: "booth2026"}, sampleMail("zoe@example.net"))
			vs, err := verify(raw, txt)
			if err != nil || len(vs) != 1 || vs[0].Err != nil || vs[0].Domain != "example.org" {
				t.Fatalf("verifying the mail as received: %v %v\n%s", err, vs[0].Err, raw)
			}
			changed := bytes.Replace(raw, []byte("voting is open."), []byte("voting is clos."), 1)
			if bytes.Equal(changed, raw) {
				t.Fatal("the body to change was not found")
			}
			vs, err = verify(changed, txt)
			if err != nil || len(vs) != 1 || vs[0].Err == nil {
				t.Fatalf("a changed body verified: %v %+v", err, vs)
			}
		})
	}
}

// Configuration mistakes are refused with what to do.
func TestConfigRefusals(t *testing.T) {
	key, _ := keyFile(t, "ed25519")
	for _, tc := range []struct {
		name string
		cfg  mailer.Config
		want string
	}{
		{"no server", mailer.Config{From: "a@example.org"}, "--smtp"},
		{"not smtp", mailer.Config{URL: "http://mail.example.org", From: "a@example.org"}, "smtp://"},
		{"password in the URL", mailer.Config{URL: "smtp://u:secret@mail.example.org", From: "a@example.org"}, "BOOTH_SMTP_PASSWORD"},
		{"user without password", mailer.Config{URL: "smtp://u@mail.example.org", From: "a@example.org"}, "BOOTH_SMTP_PASSWORD"},
		{"bad sender", mailer.Config{URL: "smtp://mail.example.org", From: "nobody"}, "--mail-from"},
		{"bad tls", mailer.Config{URL: "smtp://mail.example.org?tls=maybe", From: "a@example.org"}, "tls=maybe"},
		{"bad port", mailer.Config{URL: "smtp://mail.example.org:99999", From: "a@example.org"}, "port"},
		{"dkim without selector", mailer.Config{URL: "smtp://mail.example.org", From: "a@example.org", DKIMKeyFile: key, DKIMDomain: "example.org"}, "--dkim-selector"},
		{"dkim key missing", mailer.Config{URL: "smtp://mail.example.org", From: "a@example.org", DKIMKeyFile: "/nonexistent", DKIMDomain: "example.org", DKIMSelector: "s"}, "DKIM key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mailer.New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want an error naming %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("the error shows the password: %v", err)
			}
		})
	}
}
