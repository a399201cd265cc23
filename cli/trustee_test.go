package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vote.example.org/booth/models/trustee"
)

// Bad input to the trustee commands is refused with what is wrong and
// what to do.
func TestTrusteeCommandsRefuseBadInput(t *testing.T) {
	dir, keyPath := votingDir(t, true)
	_, priv, _ := newTestKey(t)
	key := writeTestKey(t, priv)
	junk := filepath.Join(t.TempDir(), "junk")
	must(t, os.WriteFile(junk, []byte("hello\n"), 0o644))
	share, err := trustee.NewShareFile("e1", "f00d", 2, 3, 2, "SHA256:someoneelse", []byte("age-encryption.org/v1\n")).Marshal()
	must(t, err)
	shareFile := filepath.Join(t.TempDir(), "share")
	must(t, os.WriteFile(shareFile, share, 0o600))
	const session = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"trustee", "release", shareFile, "--to", session}, "--key is required"},
		{[]string{"trustee", "release", shareFile, "--key", key}, "--to is required"},
		{[]string{"trustee", "release", filepath.Join(dir, "nosuch"), "--key", key, "--to", session}, "reading the share"},
		{[]string{"trustee", "release", junk, "--key", key, "--to", session}, "this is not a booth trustee share"},
		{[]string{"trustee", "release", shareFile, "--key", key, "--to", "age1nope"}, "is not a count session key"},
		{[]string{"trustee", "release", shareFile, "--key", junk, "--to", session}, "reading the SSH private key"},
		{[]string{"trustee", "release", shareFile, "--key", key, "--to", session}, "this share is sealed to trustee 2's key SHA256:someoneelse, but --key is SHA256:"},
		{[]string{"--data", dir, "election", "count", "e1", "--trustees", "--key", keyPath}, "--key and --trustees exclude each other"},
		{[]string{"--data", dir, "election", "count", "e1", "--key", keyPath, "--release", junk}, "--release needs --trustees"},
		{[]string{"--data", dir, "election", "count", "e1", "--trustees"}, "election e1 has no trustees"},
		{[]string{"--data", dir, "election", "trustees", "e1"}, "election e1 has no trustees"},
		{[]string{"--data", dir, "election", "trustees", "nosuch"}, `no election "nosuch"`},
		{[]string{"--data", dir, "election", "publish", "e1", "--trustees", "--out", filepath.Join(t.TempDir(), "b"), "--key", keyPath}, "--key is not used with --trustees"},
		{[]string{"--data", dir, "election", "count", "e1", "--trustees", "--release", filepath.Join(dir, "nosuch")}, "--release " + filepath.Join(dir, "nosuch")},
	} {
		code, _, errOut := booth(t, "", tc.args...)
		if code == 0 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "goroutine") {
			t.Errorf("booth %s: exit %d, %q; want %q", strings.Join(tc.args, " "), code, errOut, tc.want)
		}
	}
}
