package bundle_test

import (
	"bytes"
	"strings"
	"testing"

	"vote.example.org/booth/models/bundle"
)

// Issue 10 review B: a signed audit head reads back only with the host
// key that signed it, unchanged, and in its own namespace.
func TestSignedAuditHead(t *testing.T) {
	host := newSigner(t)
	head := [32]byte{1, 2, 3}
	data, err := bundle.SignHead(42, head, host)
	must(t, err)
	seq, got, err := bundle.OpenHead(append(data, '\n'), host.PublicKey())
	if err != nil || seq != 42 || got != head {
		t.Fatalf("OpenHead: %d %x %v", seq, got, err)
	}
	p := publish(t, false)
	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"another key":   {data, "not by this server's host key"},
		"changed entry": {bytes.Replace(data, []byte("entry 42"), []byte("entry 41"), 1), "does not verify"},
		"a bundle":      {p.data, "made for \"booth-results@vote.example.org\""},
		"no signature":  {[]byte("booth audit head\nentry 1\n"), "no signature block"},
	} {
		key := host.PublicKey()
		if name == "another key" {
			key = newSigner(t).PublicKey()
		}
		if name == "a bundle" {
			key = p.host.PublicKey()
		}
		if _, _, err := bundle.OpenHead(tc.data, key); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want %q", name, err, tc.want)
		}
	}
}
