package ssh

import (
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
)

// publish publishes a counted election's bundle as the officers would,
// signed by the server's host key.
func (e *testEnv) publish(election string) []byte {
	e.t.Helper()
	host, err := LoadHostKey(filepath.Join(e.dir, "host_key"))
	must(e.t, err)
	ids, err := models.ParseIdentities(strings.NewReader(e.tally[election]))
	must(e.t, err)
	data, err := e.svc.Publish(bg, election, ids, func(p models.Publication) ([]byte, error) { return bundle.Sign(p, host, "") }, "officer")
	must(e.t, err)
	return data
}

// TestBundleOverSSH fetches a published bundle with `ssh HOST bundle` and
// checks it against the host key the client pinned.
func TestBundleOverSSH(t *testing.T) {
	e := newTestEnv(t, nil)
	d := testDefinition("pub", "Published election")
	d.PublishLedger = true
	e.openElection(d)
	_, errOut, code := e.run("ada", "bundle pub", "")
	if code == 0 || !strings.Contains(errOut, "pub has no published results yet") {
		t.Fatalf("bundle before publishing: exit %d, %q", code, errOut)
	}
	receipt, _, code := e.run("ada", "cast pub", "bert\nalma\n")
	if code != 0 {
		t.Fatal("cast failed")
	}
	e.count("pub")
	published := e.publish("pub")

	out, errOut, code := e.run("ken", "bundle pub", "")
	if code != 0 || out != string(published) {
		t.Fatalf("bundle: exit %d, stderr %q; got %d bytes, want the %d published", code, errOut, len(out), len(published))
	}
	trust, err := bundle.TrustSigner(gossh.FingerprintSHA256(e.hostKey))
	if err != nil {
		t.Fatal(err)
	}
	_, rep := bundle.Verify([]byte(out), bundle.Options{Trust: trust, Receipt: strings.TrimSpace(receipt)})
	if !rep.OK || rep.Ballot == nil || *rep.Ballot != "bert\nalma\n" {
		t.Fatalf("the fetched bundle does not verify against the server's host key: %+v", rep)
	}
	for _, tc := range []struct{ cmd, want string }{
		{"bundle board", "board has no published results yet"},
		{"bundle nosuch", `you have no election "nosuch"`},
		{"bundle", "takes 1 argument"},
	} {
		out, errOut, code := e.run("ada", tc.cmd, "")
		if code == 0 || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %q", tc.cmd, code, out, errOut, tc.want)
		}
	}
}

// TestVerifyReceiptOverSSH asks the server about receipts: counted (with
// the ballot from the published ledger), replaced, unknown, malformed.
func TestVerifyReceiptOverSSH(t *testing.T) {
	e := newTestEnv(t, nil)
	d := testDefinition("pub", "Published election")
	d.PublishLedger, d.AllowReplace = true, true
	e.openElection(d)
	secret := testDefinition("secret", "Secret ledger")
	e.openElection(secret)

	_, errOut, code := e.run("ada", "verify AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AA", "")
	if code == 0 || !strings.Contains(errOut, "receipt: not found: you have voted in no election that has closed yet") {
		t.Errorf("verify before any close: exit %d, %q", code, errOut)
	}
	first, _, _ := e.run("ada", "cast pub", "cleo\n")
	b, err := models.ParseBallot(d, nil, "alma\ncleo\n")
	must(t, err)
	second, err := e.svc.ReplaceBallot(bg, "pub", models.Caster{MemberID: "ada"}, strings.TrimSpace(first), b)
	must(t, err)
	hidden, _, _ := e.run("ada", "cast secret", "bert\n")
	e.count("pub")
	e.count("secret")

	out, errOut, code := e.run("ada", "verify "+strings.ToLower(second), "")
	if code != 0 || !strings.Contains(out, "pub (Published election): your ballot with this receipt was counted.") ||
		!strings.Contains(out, "What it says is shown here once the officers publish") {
		t.Errorf("verify before publishing: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	e.publish("pub")
	for _, tc := range []struct {
		receipt string
		ok      bool
		want    string
	}{
		{second, true, "The published ledger records it as:\n  1. Alma Example\n  2. Cleo Example\n  Not ranked, so equal below everyone you ranked:\n    - Bert Example\n"},
		{hidden, true, "secret (Secret ledger): your ballot with this receipt was counted.\nThis election does not publish its ledger"},
		{first, false, "receipt: replaced: in pub (Published election) the ballot cast with this receipt was replaced"},
		{"AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AA", false, "receipt: not found in the closed elections you voted in (pub, secret)"},
		{"K7QF-2MXP", false, "receipt: a receipt has 26 letters"},
	} {
		out, errOut, code := e.run("ada", "verify "+strings.TrimSpace(tc.receipt), "")
		got := out
		if !tc.ok {
			got = errOut
		}
		if (code == 0) != tc.ok || !strings.Contains(got, tc.want) {
			t.Errorf("verify %s: exit %d, stdout %q, stderr %q; want %q", tc.receipt, code, out, errOut, tc.want)
		}
	}
	// "-" reads the receipt from standard input, off the command line
	// that other users of the member's machine can see.
	out, errOut, code = e.run("ada", "verify -", second+"\n")
	if code != 0 || !strings.Contains(out, "The published ledger records it as:\n  1. Alma Example\n") {
		t.Errorf("verify - with the receipt on standard input: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	_, errOut, code = e.run("ada", "verify -", "")
	if code == 0 || !strings.Contains(errOut, "no receipt on standard input") {
		t.Errorf("verify - with nothing on standard input: exit %d, stderr %q", code, errOut)
	}
	// Another member's elections are not searched.
	_, errOut, code = e.run("ken", "verify "+strings.TrimSpace(second), "")
	if code == 0 || !strings.Contains(errOut, "you have voted in no election that has closed yet") {
		t.Errorf("ken verifying ada's receipt: exit %d, %q", code, errOut)
	}
}
