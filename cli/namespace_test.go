package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// A foundation signs its results bundles in its own namespace
// ($BOOTH_RESULTS_NAMESPACE or --namespace); verify accepts that
// namespace when told it, and says which one a bundle was made for when
// not.
func TestResultsNamespaceFromConfiguration(t *testing.T) {
	const ns = "booth-results@members.example.net"
	dir, keyPath, _ := publishedDir(t)
	mustBooth(t, "", "--data", dir, "election", "count", "e1", "--key", keyPath)
	out := filepath.Join(t.TempDir(), "e1.bundle")
	t.Setenv(namespaceEnv, ns)
	printed := mustBooth(t, "", "--data", dir, "election", "publish", "e1", "--out", out, "--key", keyPath)
	if !strings.Contains(printed, `namespaces="`+ns+`"`) || !strings.Contains(printed, "-n "+ns+" ") {
		t.Errorf("publish in the namespace %s printed:\n%s", ns, printed)
	}
	data, err := os.ReadFile(out)
	must(t, err)
	if !strings.Contains(string(data), "(namespace "+ns+")") {
		t.Error("the bundle's about does not name its namespace")
	}
	signer := gossh.FingerprintSHA256(hostKey(t, dir))
	mustBooth(t, "", "verify", out, "--signer", signer)
	t.Setenv(namespaceEnv, "")
	mustBooth(t, "", "verify", out, "--signer", signer, "--namespace", ns)
	code, stdout, errOut := booth(t, "", "verify", out, "--signer", signer)
	if code == 0 || !strings.Contains(stdout+errOut, `it was made for "`+ns+`"`) {
		t.Errorf("verify in the default namespace: exit %d, %q, %q", code, stdout, errOut)
	}
}
