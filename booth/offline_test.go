package booth

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/hiddeco/sshsig"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/tally"
)

// offlineFixture is a published Meek election with its ledger: the ballots
// of pastElection, one per voter, each under a receipt made from its
// number, and one replaced receipt. Everything is fixed, the signature
// too (ed25519 from a fixed seed), so the screens are the same every run.
type offlineFixture struct {
	data     []byte
	signer   gossh.Signer
	receipts []string // receipts[i] is ballot i's
	ballots  []string
	replaced string
}

func testReceipt(i int) string {
	r, err := models.NewReceipt(bytes.NewReader(bytes.Repeat([]byte{byte(i), byte(i >> 8)}, 8)))
	if err != nil {
		panic(err)
	}
	return r
}

func newOfflineFixture(t *testing.T, ledger bool) offlineFixture {
	t.Helper()
	return newOfflineFixtureBy(t, ledger, tally.Meek)
}

// newOfflineFixtureBy is newOfflineFixture counted by method.
func newOfflineFixtureBy(t *testing.T, ledger bool, method tally.Method) offlineFixture {
	t.Helper()
	past, _ := pastElection(t)
	e := past.Election
	e.Method = method
	e.Description = "Two directors are elected for two years."
	e.PublishLedger = ledger
	e.Fingerprint = e.Definition.Fingerprint()
	e.OpenedAt, e.ClosedAt = e.OpensAt, e.ClosesAt
	var f offlineFixture
	var parsed []models.Ballot
	for _, group := range []struct {
		n    int
		text string
	}{{30, "a\nb\n"}, {12, "b\na\n"}, {9, "c\nd\n"}, {11, "d\nc\n"}, {4, "c\n"}} {
		for range group.n {
			f.ballots = append(f.ballots, group.text)
			b, err := models.ParseBallot(e.Definition, nil, group.text)
			if err != nil {
				t.Fatal(err)
			}
			parsed = append(parsed, b)
		}
	}
	te, opts := models.TallyElection(e.Definition, nil, parsed)
	res, err := tally.Count(te, opts)
	if err != nil {
		t.Fatal(err)
	}
	p := models.Publication{
		Election: e, Result: models.StoredResult{Result: res, CountedAt: e.ClosesAt.Add(time.Hour)},
		Turnout: past.Turnout, AuditSeq: 42, AuditHead: [32]byte{0xab, 0xcd},
		PublishedAt: e.ClosesAt.Add(2 * time.Hour),
	}
	for i, text := range f.ballots {
		f.receipts = append(f.receipts, testReceipt(i+1))
		p.Voters = append(p.Voters, fmt.Sprintf("m-%04d", i+1))
		p.Ledger = append(p.Ledger, models.LedgerEntry{ReceiptHash: receiptHash(e.ID, f.receipts[i]), Ballot: text})
	}
	f.replaced = testReceipt(1000)
	p.Ledger = append(p.Ledger, models.LedgerEntry{ReceiptHash: receiptHash(e.ID, f.replaced), Replaced: true})
	sortLedger(p.Ledger)
	signer, err := gossh.NewSignerFromKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize)))
	if err != nil {
		t.Fatal(err)
	}
	if f.data, err = bundle.Sign(p, signer, ""); err != nil {
		t.Fatal(err)
	}
	f.signer = signer
	return f
}

// trust is the anchor a reader gives for the fixture's signer: its
// fingerprint.
func (f offlineFixture) trust(t *testing.T) bundle.Options {
	t.Helper()
	tr, err := bundle.TrustSigner(gossh.FingerprintSHA256(f.signer.PublicKey()))
	if err != nil {
		t.Fatal(err)
	}
	return bundle.Options{Trust: tr}
}

func receiptHash(electionID, receipt string) [32]byte {
	norm, err := models.NormalizeReceipt(receipt)
	if err != nil {
		panic(err)
	}
	return models.ReceiptHash(electionID, norm)
}

func sortLedger(l []models.LedgerEntry) {
	for i := range l {
		for j := i + 1; j < len(l); j++ {
			if bytes.Compare(l[j].ReceiptHash[:], l[i].ReceiptHash[:]) < 0 {
				l[i], l[j] = l[j], l[i]
			}
		}
	}
}

// offlineHarness runs a review in a teatest program, ASCII profile.
type offlineHarness struct {
	t  *testing.T
	tm *teatest.TestModel
	// viaEnglish waits for text in the English of the screen shown (see
	// harness).
	viaEnglish bool
}

func startOffline(t *testing.T, data []byte, o bundle.Options) *offlineHarness {
	t.Helper()
	return startOfflineIn(t, data, o, "")
}

// startOfflineIn is startOffline for a reader whose locale asks for lang.
func startOfflineIn(t *testing.T, data []byte, o bundle.Options, lang string) *offlineHarness {
	t.Helper()
	b, rep := bundle.Verify(data, o)
	if b == nil {
		t.Fatalf("not a bundle: %+v", rep)
	}
	tm := startProgram(t, NewOffline(b, rep, lang), 80, 24)
	h := &offlineHarness{t: t, tm: tm, viaEnglish: lang != ""}
	h.waitFor("published results", "Signature")
	return h
}

func (h *offlineHarness) screen() string {
	h.t.Helper()
	return readScreen(h.t, h.tm, (*offline).content)
}

func (h *offlineHarness) waitFor(want ...string) string {
	h.t.Helper()
	if h.viaEnglish {
		return waitForScreen(h.t, func() string { return readScreen(h.t, h.tm, (*offline).englishContent) }, want...)
	}
	return waitForScreen(h.t, h.screen, want...)
}

func (h *offlineHarness) keys(ks ...string) { pressKeys(h.tm, ks...) }

// final quits with ctrl+c and returns the last frame.
func (h *offlineHarness) final() string {
	h.t.Helper()
	s := h.screen()
	h.keys("ctrl+c")
	h.tm.WaitFinished(h.t, teatest.WithFinalTimeout(10*time.Second))
	return s
}

func TestGoldenOfflineSummary(t *testing.T) {
	f := newOfflineFixture(t, true)
	h := startOffline(t, f.data, f.trust(t))
	golden.RequireEqual(t, h.final())
}

// A bundle with one ballot changed and signed again by the host key (a
// dishonest server): the signature holds, the local recount does not
// match the published result.
func TestGoldenOfflineRecountMismatch(t *testing.T) {
	f := newOfflineFixture(t, true)
	changed := bytes.Replace(f.data, []byte(`"ballot": "c\n"`), []byte(`"ballot": "d\n"`), 1)
	i := bytes.Index(changed, []byte("-----BEGIN SSH SIGNATURE-----"))
	sig, err := sshsig.Sign(bytes.NewReader(changed[:i]), f.signer, sshsig.HashSHA512, bundle.Namespace)
	if err != nil {
		t.Fatal(err)
	}
	h := startOffline(t, append(changed[:i:i], sshsig.Armor(sig)...), f.trust(t))
	s := h.waitFor("valid, by SHA256:", "does not match the published result")
	if !strings.Contains(s, "✗") {
		t.Errorf("no failure mark:\n%s", s)
	}
	golden.RequireEqual(t, h.final())
}

// The results are the booth's own results screen; esc comes back.
func TestGoldenOfflineResults(t *testing.T) {
	f := newOfflineFixture(t, true)
	h := startOffline(t, f.data, f.trust(t))
	h.keys("enter")
	h.waitFor("Elected:", "Round 4 of 4")
	h.keys("esc")
	h.waitFor("Signature")
	h.keys("enter", "left")
	h.waitFor("Round 3 of 4")
	golden.RequireEqual(t, h.final())
}

func TestGoldenOfflineLookup(t *testing.T) {
	f := newOfflineFixture(t, true)
	h := startOffline(t, f.data, f.trust(t))
	h.keys("f")
	h.waitFor("FIND YOUR BALLOT")
	h.keys(strings.ToLower(f.receipts[40]), "enter") // one of the 12 "b, a" ballots
	h.waitFor("Counted.", "1. Barbara Liskov", "2. Ada Lovelace")
	golden.RequireEqual(t, h.final())
}

func TestOfflineLookupRefusals(t *testing.T) {
	f := newOfflineFixture(t, true)
	h := startOffline(t, f.data, f.trust(t))
	h.keys("f")
	h.waitFor("FIND YOUR BALLOT")
	for _, tc := range []struct{ receipt, want string }{
		{f.replaced, "Replaced: the ballot cast with this receipt was replaced"},
		{testReceipt(2000), "Not found: no ballot in this ledger has this receipt"},
		{"K7QF", "a receipt has 26 letters"},
	} {
		h.tm.Send(tea.PasteMsg{Content: tc.receipt})
		h.keys("enter")
		h.waitFor(tc.want)
		h.keys("esc", "f") // back to the summary and in again: an empty field
		h.waitFor("FIND YOUR BALLOT")
	}
	h.final()
}

func TestOfflineWithoutLedger(t *testing.T) {
	f := newOfflineFixture(t, false)
	h := startOffline(t, f.data, f.trust(t))
	h.waitFor("not possible: this election did not publish its ledger", "Ledger       not published")
	h.keys("f") // no ledger: nothing to find
	if s := h.screen(); strings.Contains(s, "FIND YOUR BALLOT") || strings.Contains(s, "f find") {
		t.Errorf("the lookup opens without a ledger:\n%s", s)
	}
	h.keys("d")
	h.waitFor("Two directors are elected")
	h.keys("esc")
	h.waitFor("Signature")
	h.keys("q")
	h.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// TestOfflineUntrustedBundleBlocksEverything opens a bundle whose
// signature does not hold (a changed byte, not signed again) and one whose
// definition does not match its fingerprint (changed and signed again):
// the review shows a warning and nothing else, no recount tick, no
// results, no lookup, no description.
func TestOfflineUntrustedBundleBlocksEverything(t *testing.T) {
	f := newOfflineFixture(t, true)
	changed := bytes.Replace(f.data, []byte(`Board of Directors election 2025`), []byte(`Board of Directors election 2052`), 1)
	i := bytes.Index(changed, []byte("-----BEGIN SSH SIGNATURE-----"))
	sig, err := sshsig.Sign(bytes.NewReader(changed[:i]), f.signer, sshsig.HashSHA512, bundle.Namespace)
	if err != nil {
		t.Fatal(err)
	}
	badDef := append(changed[:i:i], sshsig.Armor(sig)...)
	// bundle.Verify opens no bundle whose signature fails (booth review
	// refuses it before the review starts), so that report is made here:
	// the review must not trust a bundle whatever it is handed.
	badSig := func(rep bundle.Report) bundle.Report {
		rep.Checks = slices.Clone(rep.Checks)
		rep.Checks[0] = bundle.Check{Name: bundle.CheckSignature, Status: bundle.StatusFailed, Detail: "does not verify: the bundle was changed after it was signed"}
		return rep
	}
	for _, tc := range []struct {
		name   string
		data   []byte
		report func(bundle.Report) bundle.Report
		want   string
	}{
		{"signature", f.data, badSig, "THE SIGNATURE IS INVALID"},
		{"fingerprint", badDef, func(r bundle.Report) bundle.Report { return r }, "THE FINGERPRINT DOES NOT MATCH"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, rep := bundle.Verify(tc.data, f.trust(t))
			if b == nil {
				t.Fatalf("not a bundle: %+v", rep)
			}
			rep = tc.report(rep)
			h := &offlineHarness{t: t, tm: startProgram(t, NewOffline(b, rep, ""), 80, 24)}
			s := h.waitFor("published results", tc.want)
			for _, not := range []string{"✓", "Recount", "Elected", "enter results", "f find", "d read"} {
				if strings.Contains(s, not) {
					t.Errorf("an untrusted bundle shows %q:\n%s", not, s)
				}
			}
			h.keys("enter", "R", "f", "d")
			if s := h.screen(); !strings.Contains(s, tc.want) {
				t.Errorf("keys opened a screen of an untrusted bundle:\n%s", s)
			}
			h.final()
		})
	}
}
