package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models/bundle"
)

// An election opened by hand before its opening time, voted in, closed,
// counted and published: the bundle's definition is the moved one and its
// fingerprint and recount verify.
func TestEarlyOpenedBundleVerifies(t *testing.T) {
	data, def := electionDir(t)
	src, err := os.ReadFile(def)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(def, []byte(strings.Replace(string(src), "allow_replace = true", "allow_replace = true\npublish_ledger = true", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(t.TempDir(), "board.key")
	mustBooth(t, "", "--data", data, "election", "create", def, "--key-out", key)
	mustBooth(t, "", "--data", data, "election", "open", "board")
	mustBooth(t, "ada\nbob\n", "--data", data, "cast", "board", "--member", "ann")
	mustBooth(t, "cy\n", "--data", data, "cast", "board", "--member", "ben")
	mustBooth(t, "", "--data", data, "election", "close", "board")
	mustBooth(t, "", "--data", data, "election", "count", "board", "--key", key)
	mustBooth(t, "", "--data", data, "hostkey", "init")
	out := filepath.Join(t.TempDir(), "board.bundle")
	mustBooth(t, "", "--data", data, "election", "publish", "board", "--out", out, "--key", key)
	var raw []byte
	raw, err = os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	host := hostKey(t, data)
	trust, err := bundle.TrustSigner(gossh.FingerprintSHA256(host))
	if err != nil {
		t.Fatal(err)
	}
	if _, rep := bundle.Verify(raw, bundle.Options{Trust: trust}); !rep.OK {
		t.Fatalf("the bundle of an early-opened election does not verify: %+v", rep)
	}
	v := mustBooth(t, "", "verify", out, "--signer", gossh.FingerprintSHA256(host))
	if strings.Contains(strings.ToLower(v), "fail") {
		t.Errorf("booth verify:\n%s", v)
	}
	t.Logf("%s", v)
}
