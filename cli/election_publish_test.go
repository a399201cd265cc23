package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models/bundle"
)

// publishedDir runs election e1 of votingDir to its count (three ballots,
// ann's receipt returned) and gives the data directory a host key.
func publishedDir(t *testing.T) (dir, keyPath, annReceipt string) {
	t.Helper()
	dir, keyPath = votingDir(t, true)
	for member, text := range map[string]string{"ann": "ken\n", "bob": "ken\nada\n", "cy": "ada\n"} {
		out := mustBooth(t, text, "--data", dir, "cast", "e1", "--member", member)
		if member == "ann" {
			annReceipt = strings.TrimSpace(out)
		}
	}
	closeElection(t, dir)
	mustBooth(t, "", "--data", dir, "hostkey", "init")
	return dir, keyPath, annReceipt
}

func TestElectionPublish(t *testing.T) {
	dir, keyPath, _ := publishedDir(t)
	out := filepath.Join(t.TempDir(), "e1.bundle")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"election", "publish", "e1"}, "--out is required"},
		{[]string{"election", "publish", "e1", "--out", out, "--key", keyPath}, "count it before publishing"},
		{[]string{"election", "publish", "nosuch", "--out", out}, `no election "nosuch"`},
		{[]string{"election", "publish", "e1", "--out", out, "--host-key", filepath.Join(dir, "none")}, "no host key at"},
	} {
		code, _, errOut := booth(t, "", append([]string{"--data", dir}, tc.args...)...)
		if code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("booth %s: exit %d, %q; want %q", strings.Join(tc.args, " "), code, errOut, tc.want)
		}
	}
	mustBooth(t, "", "--data", dir, "election", "count", "e1", "--key", keyPath)
	code, _, errOut := booth(t, "", "--data", dir, "election", "publish", "e1", "--out", out)
	if code != 1 || !strings.Contains(errOut, "--key is required: election e1 publishes its ledger") {
		t.Errorf("publish without the key: exit %d, %q", code, errOut)
	}
	printed := mustBooth(t, "", "--data", dir, "election", "publish", "e1", "--out", out, "--key", keyPath)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(out); info.Mode().Perm() != 0o644 {
		t.Errorf("the bundle's mode is %v, want 0644", info.Mode().Perm())
	}
	host := hostKey(t, dir)
	trust, err := bundle.TrustSigner(gossh.FingerprintSHA256(host))
	if err != nil {
		t.Fatal(err)
	}
	b, rep := bundle.Verify(data, bundle.Options{Trust: trust})
	if !rep.OK {
		t.Fatalf("the bundle does not verify: %+v", rep)
	}
	allowed := bundle.AllowedSigners(host, "")
	for _, want := range []string{allowed, bundle.VerifyCommand(out, "allowed_signers", ""), "booth verify " + out + " --signer " + b.Signer()} {
		if !strings.Contains(printed, want) {
			t.Errorf("publish does not print %q:\n%s", want, printed)
		}
	}
	if !strings.Contains(mustBooth(t, "", "--data", dir, "audit", "log"), "election.publish") {
		t.Error("the publication is not in the audit log")
	}
	code, _, errOut = booth(t, "", "--data", dir, "election", "publish", "e1", "--out", out, "--key", keyPath)
	if code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("publishing over the file: exit %d, %q", code, errOut)
	}
	runPrintedCommand(t, printed, out, allowed)
}

// runPrintedCommand runs the ssh-keygen command publish printed, with the
// allowed_signers line it printed, where the officer would: next to the
// bundle.
func runPrintedCommand(t *testing.T, printed, bundleFile, allowed string) {
	t.Helper()
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen is not installed, so the printed command cannot be run here")
	}
	dir := filepath.Dir(bundleFile)
	if err := os.WriteFile(filepath.Join(dir, "allowed_signers"), []byte(allowed+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var script []string
	for _, line := range strings.Split(printed, "\n") {
		if strings.HasPrefix(line, "sed ") {
			script = append(script, line)
		}
	}
	cmd := exec.Command("sh", "-c", strings.Join(script, "\n"))
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); len(script) != 2 || err != nil || !strings.Contains(string(out), "Good \"") {
		t.Fatalf("the printed command %q: %v\n%s", script, err, out)
	}
}

func TestVerifyCommand(t *testing.T) {
	dir, keyPath, receipt := publishedDir(t)
	mustBooth(t, "", "--data", dir, "election", "count", "e1", "--key", keyPath)
	file := filepath.Join(t.TempDir(), "e1.bundle")
	mustBooth(t, "", "--data", dir, "election", "publish", "e1", "--out", file, "--key", keyPath)
	data, _ := os.ReadFile(file)
	b, _ := bundle.Open(data)
	signer := b.Signer()

	// No data directory: booth verify runs anywhere.
	code, out, errOut := booth(t, "", "verify", file, "--signer", signer, "--receipt", strings.ToLower(receipt))
	if code != 0 || errOut != "" {
		t.Fatalf("verify: exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"election e1: Board\n", "signature: valid, signed by " + signer + ": the fingerprint you gave\n", "definition: its fingerprint is ",
		"recount: the ledger's 3 ballots count to the published result\n", "receipt: counted", "  1. Ken\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify does not say %q:\n%s", want, out)
		}
	}
	code, out, _ = booth(t, receipt+"\n", "verify", file, "--signer", signer, "--receipt", "-", "--json")
	var rep bundle.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || !rep.OK || rep.Ballot == nil || *rep.Ballot != "ken\n" {
		t.Fatalf("verify --receipt - --json: exit %d\n%s", code, out)
	}

	tampered := filepath.Join(t.TempDir(), "tampered.bundle")
	if err := os.WriteFile(tampered, bytes.Replace(data, []byte(`"ballot": "ken\nada\n"`), []byte(`"ballot": "ada\nken\n"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args   []string
		stdin  string
		errOut []string
	}{
		{[]string{"verify", tampered}, "", []string{"signature: does not verify", "does not check out: 1 of 1 checks failed"}},
		{[]string{"verify", file, "--signer", "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, "", []string{"signature: signed by another key than the one expected"}},
		{[]string{"verify", file, "--signer", signer, "--receipt", "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AA"}, "", []string{"receipt: not found"}},
		{[]string{"verify", file, "--signer", signer, "--receipt", "K7QF"}, "", []string{"receipt: not a receipt: a receipt has 26"}},
		{[]string{"verify", "-"}, "just text\n", []string{"bundle: not a booth results bundle"}},
		{[]string{"verify", "-", "--receipt", "-"}, "", []string{"cannot both come from standard input"}},
		{[]string{"verify", filepath.Join(dir, "missing.bundle")}, "", []string{"no such file"}},
		{[]string{"review", file, "--signer", signer}, "", []string{"booth review: this command needs a terminal; for scripts, use booth verify FILE"}},
		// Issue 10 review A: without an anchor, nothing past the
		// signature is read, so there is nothing to open.
		{[]string{"review", file}, "", []string{"signature: UNVERIFIED", "signed by " + signer, "--signer", "--host HOST", "it is not opened"}},
	} {
		code, _, errOut := booth(t, tc.stdin, tc.args...)
		for _, want := range tc.errOut {
			if code != 1 || !strings.Contains(errOut, want) {
				t.Errorf("booth %s: exit %d, stderr %q; want %q", strings.Join(tc.args, " "), code, errOut, want)
			}
		}
	}
}

// The README's officer's guide shows the exact command publish prints.
func TestReadmeShowsTheVerifyCommand(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := bundle.VerifyCommand("board-2026.bundle", "allowed_signers", ""); !strings.Contains(string(readme), want) {
		t.Errorf("README.md does not show the command\n%s", want)
	}
}
