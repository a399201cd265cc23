package models_test

import (
	"crypto/sha256"
	"path/filepath"
	"slices"
	"testing"

	"vote.example.org/booth/models"
)

// TestExportLedgerPublishesCanonicalText (issue 10 item 2): `booth count
// --export` writes ledger.json with each ballot's canonical text, as the
// bundle does, not the text as sealed: a ballot sealed in its voter's
// screen order (as booth did before item 2, so an election open across
// the upgrade has them) or in a longer form of the same meaning must not
// be published that way.
func TestExportLedgerPublishesCanonicalText(t *testing.T) {
	e := newEnv(t, 3)
	d := definition("e1") // Schulze: ada, ken, grace
	keyPath := e.open(t, d)
	el := e.election(t, "e1")
	rs, err := models.ParseRecipients(el.Recipients)
	must(t, err)
	for i, text := range []string{"grace = ada\n", "ken\ngrace = ada\n"} {
		sealed, err := models.Seal(rs, []byte(text), models.SealSize(el.Definition))
		must(t, err)
		must(t, e.store.Cast(ctx, models.Cast{ElectionID: "e1", MemberID: memberID(i), ReceiptHash: sha256.Sum256([]byte(text)), Sealed: sealed}))
	}
	must(t, e.svc.CloseElection(ctx, "e1", officer))
	_, err = e.svc.Count(ctx, "e1", keyFile(t, keyPath), officer)
	must(t, err)
	dir := filepath.Join(t.TempDir(), "out")
	must(t, e.svc.Export(ctx, "e1", dir, keyFile(t, keyPath), officer))
	var ledger []struct {
		Ballot string `json:"ballot"`
	}
	readJSON(t, filepath.Join(dir, "ledger.json"), &ledger)
	var got []string
	for _, l := range ledger {
		got = append(got, l.Ballot)
	}
	slices.Sort(got)
	if want := []string{"ada = grace\n", "ken\n"}; !slices.Equal(got, want) {
		t.Errorf("ledger.json publishes %q, want the canonical texts %q", got, want)
	}
}
