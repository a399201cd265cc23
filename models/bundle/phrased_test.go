package bundle_test

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/tally"
)

// publishIRV signs a bundle of an instant-runoff election whose count
// excludes a candidate (its record has actions and notes to say), with
// its ledger.
func publishIRV(t *testing.T) ([]byte, *bundle.Trust) {
	t.Helper()
	opens := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	d := models.Definition{ID: "chair", Title: "Chair", Method: tally.IRV, Seats: 1,
		Candidates: []models.Candidate{{ID: "alma", Name: "Alma"}, {ID: "bert", Name: "Bert"}, {ID: "cleo", Name: "Cleo"}},
		OpensAt:    opens, ClosesAt: opens.Add(48 * time.Hour), PublishLedger: true}
	e := models.Election{Definition: d, State: models.Counted, Fingerprint: d.Fingerprint(),
		OpenedAt: d.OpensAt, ClosedAt: d.ClosesAt}
	texts := []string{"alma\n", "alma\n", "bert\nalma\n", "bert\n", "cleo\nbert\n"}
	p := models.Publication{Election: e, Turnout: models.Turnout{Voted: len(texts), Electorate: len(texts)},
		AuditSeq: 1, AuditHead: [32]byte{1}, PublishedAt: d.ClosesAt.Add(time.Hour)}
	var ballots []models.Ballot
	for i, text := range texts {
		b, err := models.ParseBallot(d, nil, text)
		must(t, err)
		ballots = append(ballots, b)
		p.Voters = append(p.Voters, fmt.Sprintf("m-%d", i))
		p.Ledger = append(p.Ledger, models.LedgerEntry{ReceiptHash: sha256.Sum256([]byte{byte(i)}), Ballot: text})
	}
	slices.SortFunc(p.Ledger, func(a, b models.LedgerEntry) int { return slices.Compare(a.ReceiptHash[:], b.ReceiptHash[:]) })
	te, opts := models.TallyElection(d, nil, ballots)
	res, err := tally.Count(te, opts)
	must(t, err)
	p.Result = models.StoredResult{Result: res, CountedAt: d.ClosesAt}
	signer := newSigner(t)
	data, err := bundle.Sign(p, signer, "")
	must(t, err)
	trust, err := bundle.TrustSigner(ssh.FingerprintSHA256(signer.PublicKey()))
	must(t, err)
	return data, trust
}

// A verified bundle's result says its record from its recount's phrases;
// a bundle not recounted (opened only, or without a ledger) says it in
// the English it publishes. The published result itself never changes.
func TestPhrasedTakesTheRecountsPhrases(t *testing.T) {
	data, trust := publishIRV(t)
	b, r := bundle.Verify(data, bundle.Options{Trust: trust})
	if c := check(t, r, bundle.CheckRecount); c.Status != bundle.StatusOK {
		t.Fatalf("the recount: %+v", c)
	}
	got := b.Phrased()
	phrases := len(got.NotePhrases)
	if len(got.NotePhrases) != len(got.Notes) || b.Result.NotePhrases != nil {
		t.Errorf("%d notes, %d phrases; the published result's phrases: %v", len(got.Notes), len(got.NotePhrases), b.Result.NotePhrases)
	}
	for i, round := range got.Rounds {
		if round.ActionPhrase == nil || len(round.NotePhrases) != len(round.Notes) || b.Result.Rounds[i].ActionPhrase != nil {
			t.Errorf("round %d: action phrase %v, %d notes, %d phrases", round.Number, round.ActionPhrase, len(round.Notes), len(round.NotePhrases))
		}
		phrases += 1 + len(round.NotePhrases)
	}
	for i, tie := range got.Ties {
		if tie.RulePhrase == nil || b.Result.Ties[i].RulePhrase != nil {
			t.Errorf("tie %d: rule phrase %v", i, tie.RulePhrase)
		}
		phrases++
	}
	if phrases == 0 {
		t.Fatalf("the count records nothing to say: %+v", got)
	}

	opened, err := bundle.Open(data)
	must(t, err)
	if opened.Phrased() != opened.Result {
		t.Error("a bundle never recounted takes phrases")
	}
	q := publish(t, false)
	b, _ = bundle.Verify(q.data, bundle.Options{Trust: q.trust(t)})
	if b.Phrased() != b.Result {
		t.Error("a bundle without a ledger takes phrases")
	}
}
