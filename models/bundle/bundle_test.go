package bundle_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
)

// check returns the named check of a report.
func check(t *testing.T, r bundle.Report, name string) bundle.Check {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("the report has no %s check: %+v", name, r.Checks)
	return bundle.Check{}
}

func TestPublishedBundleVerifies(t *testing.T) {
	p := publish(t, true)
	fp := ssh.FingerprintSHA256(p.host.PublicKey())
	b, r := bundle.Verify(p.data, bundle.Options{Trust: p.trust(t), Receipt: p.receipts["bert\nalma\n"]})
	if !r.OK || b == nil {
		t.Fatalf("the bundle does not verify: %+v", r)
	}
	for _, name := range []string{bundle.CheckSignature, bundle.CheckDefinition, bundle.CheckRecount, bundle.CheckReceipt} {
		if c := check(t, r, name); c.Status != bundle.StatusOK {
			t.Errorf("%s: %+v", name, c)
		}
	}
	if r.Signer != fp || r.Election != "board" || r.Ballot == nil || *r.Ballot != "bert\nalma\n" {
		t.Errorf("report %+v", r)
	}
	if len(b.Voters) != 6 || b.Turnout != (models.Turnout{Voted: 6, Electorate: 6}) || len(b.Ledger) != 7 {
		t.Errorf("voters %v, turnout %+v, ledger of %d", b.Voters, b.Turnout, len(b.Ledger))
	}
	trust, err := bundle.TrustSigner(strings.TrimPrefix(fp, "SHA256:"))
	must(t, err)
	if _, r := bundle.Verify(p.data, bundle.Options{Trust: trust}); !r.OK || r.Anchor != "the fingerprint you gave" {
		t.Errorf("a fingerprint without its SHA256: prefix: %+v", r)
	}
	stored, err := p.store.Bundle(ctx, "board")
	if err != nil || !bytes.Equal(stored, p.data) {
		t.Fatalf("the store holds another bundle (%v)", err)
	}
	for i, c := range p.data {
		if c > 0x7e || c < 0x20 && c != '\n' {
			t.Fatalf("byte %d of the bundle is %#x: a bundle is printable ASCII", i, c)
		}
	}
}

// The audit chain records the publication with the bundle's hash, after
// the head the bundle names.
func TestPublicationIsAudited(t *testing.T) {
	p := publish(t, true)
	b, err := bundle.Open(p.data)
	must(t, err)
	log, err := p.store.AuditLog(ctx)
	must(t, err)
	last := log[len(log)-1]
	if last.Action != "election.publish" || last.Seq != b.AuditSeq+1 || models.HashString(last.Prev) != b.AuditHead {
		t.Fatalf("last audit entry %+v; the bundle names head %d %s", last, b.AuditSeq, b.AuditHead)
	}
	if unseal := log[b.AuditSeq-1]; unseal.Action != "unseal" || !strings.Contains(unseal.Detail, "publishing") {
		t.Errorf("the entry before the head is %+v, want the unsealing for publishing", unseal)
	}
}

func TestReceiptLookup(t *testing.T) {
	p := publish(t, true)
	b, err := bundle.Open(p.data)
	must(t, err)
	for text, receipt := range p.receipts {
		f, err := b.Lookup(strings.ToLower(receipt))
		if err != nil || f.Text != text {
			t.Errorf("receipt %s: %q, %v; want %q", receipt, f.Text, err, text)
		}
	}
	other, err := models.NewReceipt(strings.NewReader(strings.Repeat("x", 16)))
	must(t, err)
	for _, tc := range []struct {
		receipt string
		want    error
		msg     string
	}{
		{p.replaced, bundle.ErrReceiptReplaced, "replaced by a newer ballot"},
		{other, bundle.ErrReceiptNotFound, "not found: no ballot in the ledger of board has this receipt"},
		{"K7QF-2MXP", bundle.ErrNotReceipt, "not a receipt: a receipt has 26"},
	} {
		if _, err := b.Lookup(tc.receipt); !errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), tc.msg) {
			t.Errorf("receipt %s: %v, want %q", tc.receipt, err, tc.msg)
		}
	}
}

// tamper changes the payload of a bundle; resign signs the changed payload
// again with the host key, as a dishonest server could.
func tamper(t testing.TB, data []byte, old, new string) []byte {
	t.Helper()
	if bytes.Count(data, []byte(old)) != 1 {
		t.Fatalf("the bundle holds %q %d times, want once", old, bytes.Count(data, []byte(old)))
	}
	return bytes.Replace(data, []byte(old), []byte(new), 1)
}

func resign(t testing.TB, data []byte, host ssh.Signer, namespace string) []byte {
	t.Helper()
	i := bytes.Index(data, []byte("\n-----BEGIN SSH SIGNATURE-----")) + 1
	sig, err := sshsig.Sign(bytes.NewReader(data[:i]), host, sshsig.HashSHA512, namespace)
	must(t, err)
	return append(append([]byte{}, data[:i]...), sshsig.Armor(sig)...)
}

func TestTamperingIsCaught(t *testing.T) {
	p := publish(t, true)
	ballot := `"ballot": "bert\nalma\n"`
	changedBallot := tamper(t, p.data, ballot, `"ballot": "cleo\nalma\n"`)
	changedResult := tamper(t, p.data, `"elected": [`+"\n      0\n", `"elected": [`+"\n      2\n")
	for _, tc := range []struct {
		name   string
		data   []byte
		failed map[string]error
		msg    string
	}{
		{"one ballot changed", changedBallot,
			map[string]error{bundle.CheckSignature: bundle.ErrSignature}, "does not verify"},
		{"one ballot changed and signed again", resign(t, changedBallot, p.host, bundle.Namespace),
			map[string]error{bundle.CheckRecount: bundle.ErrRecount},
			"does not match the published result: 2 voters prefer Alma \u00d1and\u00fa to Bert Example in the published result, 3 in the recount"},
		{"the result changed", changedResult,
			map[string]error{bundle.CheckSignature: bundle.ErrSignature}, "does not verify"},
		{"the result changed and signed again", resign(t, changedResult, p.host, bundle.Namespace),
			map[string]error{bundle.CheckRecount: bundle.ErrRecount},
			"does not match the published result: it elects Cleo Example, the ledger's ballots elect Alma \u00d1and\u00fa"},
		{"signed for another namespace", resign(t, p.data, p.host, "file"),
			map[string]error{bundle.CheckSignature: bundle.ErrNamespace}, `made for another purpose: it was made for "file"`},
		{"namespace changed in the signature", renamespace(t, p.data, "git"),
			map[string]error{bundle.CheckSignature: bundle.ErrNamespace}, `it was made for "git"`},
		{"a definition changed and signed again", resign(t, tamper(t, p.data, `"tie_seed": "seed"`, `"tie_seed": "deed"`), p.host, bundle.Namespace),
			map[string]error{bundle.CheckDefinition: bundle.ErrFingerprint}, "the definition does not have the fingerprint published with it"},
		{"signed by another key", resign(t, p.data, newSigner(t), bundle.Namespace),
			map[string]error{bundle.CheckSignature: bundle.ErrSigner}, "signed by another key than the one expected: it is signed by SHA256:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, r := bundle.Verify(tc.data, bundle.Options{Trust: p.trust(t)})
			if r.OK {
				t.Fatalf("the changed bundle verifies: %+v", r)
			}
			found := false
			for _, c := range r.Checks {
				want, ok := tc.failed[c.Name]
				switch {
				case ok && (c.Status != bundle.StatusFailed || c.Code != want.(*bundle.Failure).Code):
					t.Errorf("%s: %+v, want failed with %s", c.Name, c, want.(*bundle.Failure).Code)
				case !ok && c.Status == bundle.StatusFailed:
					t.Errorf("%s failed too: %+v", c.Name, c)
				}
				found = found || ok && strings.Contains(c.Detail, tc.msg)
			}
			if !found {
				t.Errorf("no failed check says %q: %+v", tc.msg, r.Checks)
			}
		})
	}
}

// renamespace rewrites the namespace recorded in the signature, keeping
// the signature bytes.
func renamespace(t *testing.T, data []byte, namespace string) []byte {
	t.Helper()
	i := bytes.Index(data, []byte("\n-----BEGIN SSH SIGNATURE-----")) + 1
	sig, err := sshsig.Unarmor(data[i:])
	must(t, err)
	sig.Namespace = namespace
	return append(append([]byte{}, data[:i]...), sshsig.Armor(sig)...)
}

func TestWithoutLedger(t *testing.T) {
	p := publish(t, false)
	b, r := bundle.Verify(p.data, bundle.Options{Trust: p.trust(t)})
	if !r.OK || b.Ledger != nil {
		t.Fatalf("report %+v, ledger %v", r, b.Ledger)
	}
	if c := check(t, r, bundle.CheckRecount); c.Status != bundle.StatusSkipped {
		t.Errorf("recount without a ledger: %+v", c)
	}
	if bytes.Contains(p.data, []byte("alma\\nbert")) {
		t.Error("a bundle without a ledger holds a ballot")
	}
	if _, err := b.Lookup(p.receipts["cleo\n"]); !errors.Is(err, bundle.ErrNoLedger) {
		t.Errorf("lookup without a ledger: %v", err)
	}
	_, r = bundle.Verify(p.data, bundle.Options{Trust: p.trust(t), Receipt: p.receipts["cleo\n"]})
	if c := check(t, r, bundle.CheckReceipt); r.OK || c.Code != "no-ledger" {
		t.Errorf("a receipt given for a bundle without a ledger: %+v", r)
	}
}

func TestOpenRefusesWhatIsNotABundle(t *testing.T) {
	p := publish(t, true)
	i := bytes.Index(p.data, []byte("\n-----BEGIN SSH SIGNATURE-----")) + 1
	b, err := bundle.Open(p.data)
	must(t, err)
	first := models.HashString(b.Ledger[0].ReceiptHash)
	for _, tc := range []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty", nil, "holds no line"},
		{"no signature", p.data[:i], "holds no line"},
		{"cut short", p.data[:len(p.data)-20], "has no end line"},
		{"text after the signature", append(append([]byte{}, p.data...), "extra\n"...), "follow the signature block"},
		{"another format", tamper(t, p.data, bundle.Format, "booth-results-bundle-v9"), `its format is "booth-results-bundle-v9"`},
		{"text after the JSON", tamper(t, p.data, "\n}\n-----BEGIN", "\n}\n{}\n-----BEGIN"), "more follows its JSON document"},
		{"an unknown field", tamper(t, p.data, `"format"`, `"extra": 1, "format"`), "unknown field"},
		{"ledger out of order", swapLedger(t, p.data), "not in receipt-hash order"},
		{"a bad receipt hash", tamper(t, p.data, first, "X"+first[1:]), "is not 64 lowercase hex digits"},
		{"a replaced receipt with a ballot", tamper(t, p.data, `"status": "replaced"`, `"status": "replaced", "ballot": "cleo\n"`), `status "replaced" with a ballot`},
		{"a result naming no candidate", tamper(t, p.data, `"elected": [`+"\n      0\n", `"elected": [`+"\n      7\n"), "its result names candidate 8 of 3"},
		{"a signature that is not one", tamper(t, p.data, "\nU1NIU0lH", "\nAAAAAAAA"), "signature block cannot be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := bundle.Open(tc.data)
			if !errors.Is(err, bundle.ErrFormat) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("Open: %v, want ErrFormat saying %q", err, tc.msg)
			}
			// Changed but not signed again: the signature fails first.
			b, r := bundle.Verify(tc.data, bundle.Options{Trust: p.trust(t)})
			if last := r.Checks[len(r.Checks)-1]; b != nil || r.OK || last.Status != bundle.StatusFailed ||
				last.Code != "not-a-bundle" && last.Code != "bad-signature" {
				t.Errorf("Verify: %+v", r)
			}
		})
	}
}

// swapLedger swaps the first two ledger entries' receipt hashes.
func swapLedger(t *testing.T, data []byte) []byte {
	t.Helper()
	b, err := bundle.Open(data)
	must(t, err)
	h0, h1 := models.HashString(b.Ledger[0].ReceiptHash), models.HashString(b.Ledger[1].ReceiptHash)
	data = tamper(t, data, h0, "PLACEHOLDER")
	data = tamper(t, data, h1, h0)
	return tamper(t, data, "PLACEHOLDER", h1)
}

func TestPublishRefuses(t *testing.T) {
	p := publish(t, true)
	sign := func(pub models.Publication) ([]byte, error) { return bundle.Sign(pub, p.host, "") }
	if _, err := p.svc.Publish(ctx, "board", nil, sign, "officer"); err == nil || !strings.Contains(err.Error(), "give the tally key") {
		t.Errorf("publishing a ledger without the key: %v", err)
	}
	if _, err := p.svc.Publish(ctx, "nosuch", nil, sign, "officer"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("publishing an unknown election: %v", err)
	}
	d := models.Definition{ID: "draft", Title: "Draft", Method: "schulze", Seats: 1,
		Candidates: []models.Candidate{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}}}
	must(t, p.store.CreateElection(ctx, models.Election{Definition: d, State: models.Draft}, "officer"))
	if _, err := p.svc.Publish(ctx, "draft", nil, sign, "officer"); !errors.Is(err, models.ErrWrongState) || !strings.Contains(err.Error(), "count it before publishing") {
		t.Errorf("publishing a draft: %v", err)
	}
	if err := p.store.SaveBundle(ctx, "draft", []byte("x"), "officer"); !errors.Is(err, models.ErrWrongState) {
		t.Errorf("the store keeps a draft's bundle: %v", err)
	}
	if _, err := p.store.Bundle(ctx, "draft"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a draft's bundle: %v", err)
	}
}

func FuzzOpen(f *testing.F) {
	p := publish(f, true)
	f.Add(p.data)
	f.Add([]byte("{}\n-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n"))
	// With the host's key as the anchor, so that what follows the
	// signature is read too (without one it is not).
	trust, err := bundle.TrustSigner(ssh.FingerprintSHA256(p.host.PublicKey()))
	must(f, err)
	f.Fuzz(func(t *testing.T, data []byte) {
		b, r := bundle.Verify(data, bundle.Options{Trust: trust, Receipt: "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AA"})
		last := r.Checks[len(r.Checks)-1]
		if (b == nil) != (last.Status == bundle.StatusFailed && (last.Name == bundle.CheckBundle || last.Name == bundle.CheckSignature)) {
			t.Fatalf("bundle %v with report %+v", b != nil, r)
		}
	})
}
