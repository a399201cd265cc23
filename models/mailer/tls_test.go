package mailer_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"vote.example.org/booth/models/mailer"
	"vote.example.org/booth/models/mailer/mailpittest"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths.
func selfSigned(t *testing.T) (cert, key string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "relay"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// An officer's relay that requires STARTTLS and a password: booth
// upgrades, checks the certificate against the CA it was given, and
// signs in; without the CA, with a wrong password or without TLS no mail
// goes out.
func TestStartTLSAndAuth(t *testing.T) {
	cert, key := selfSigned(t)
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	auth := filepath.Join(t.TempDir(), "htpasswd")
	if err := os.WriteFile(auth, []byte("booth:"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mp := mailpittest.Start(t, "--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-starttls", "--smtp-auth-file", auth)
	send := func(url, password string) error {
		ml, err := mailer.New(mailer.Config{URL: url, Password: password, From: "vote@example.org", Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer ml.Close()
		return ml.Send(ctx, sampleMail("zoe@example.net"))
	}
	for _, tc := range []struct{ name, url, password string }{
		{"no CA", "smtp://booth@" + mp.SMTP, "s3cret"},
		{"wrong password", "smtp://booth@" + mp.SMTP + "?ca=" + cert, "guess"},
		{"no TLS", "smtp://booth@" + mp.SMTP + "?tls=none", "s3cret"},
	} {
		if err := send(tc.url, tc.password); err == nil {
			t.Errorf("%s: the mail went out", tc.name)
		} else {
			t.Logf("%s: %v", tc.name, err)
		}
	}
	if n := len(mp.Messages(t)); n != 0 {
		t.Fatalf("%d messages arrived through refused connections", n)
	}
	if err := send("smtp://booth@"+mp.SMTP+"?ca="+cert, "s3cret"); err != nil {
		t.Fatalf("STARTTLS with the CA and the password: %v", err)
	}
	if n := len(mp.Messages(t)); n != 1 {
		t.Fatalf("%d messages arrived, want 1", n)
	}
}
