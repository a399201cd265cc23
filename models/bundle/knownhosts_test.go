package bundle_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vote.example.org/booth/models/bundle"
)

// Issue 10 review D: an @cert-authority line vouches for host
// certificates, not for its key as the host's own; knownhosts matched a
// plain key against it all the same, so --host trusted a bundle signed
// with a CA's key.
func TestKnownHostsCertAuthorityIsNotTheHostKey(t *testing.T) {
	p := publish(t, false)
	host := authorized(p.host.PublicKey())
	other := authorized(newSigner(t).PublicKey())
	for _, tc := range []struct {
		name, file string
		ok         bool
		err        string // what TrustKnownHosts or Verify says
	}{
		{"ca only", "@cert-authority vote.example.org " + host, false, "has no key for vote.example.org"},
		{"ca wildcard", "@cert-authority *.example.org " + host + "\nvote.example.org " + other, false, "knows vote.example.org by"},
		{"ca and plain", "@cert-authority *.example.org " + other + "\nvote.example.org " + host, true, ""},
		// Line numbers hold through the CA line left out.
		{"revoked after ca", "@cert-authority * " + other + "\nvote.example.org " + host + "\n@revoked * " + host, false, "kh marks as revoked (line 3)"},
	} {
		f := filepath.Join(t.TempDir(), "kh")
		must(t, os.WriteFile(f, []byte(tc.file+"\n"), 0o600))
		tr, err := bundle.TrustKnownHosts("vote.example.org", f)
		got, msg := false, ""
		if err != nil {
			msg = err.Error()
		} else {
			_, r := bundle.Verify(p.data, bundle.Options{Trust: tr})
			got, msg = r.OK, r.Checks[0].Detail
		}
		if got != tc.ok || !strings.Contains(msg, tc.err) {
			t.Errorf("%s: ok %v, %q; want ok %v, %q", tc.name, got, msg, tc.ok, tc.err)
		}
	}
}
