package models_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"vote.example.org/booth/models"
)

// While voting is open, the database file and its WAL hold sealed ballots
// only: reading their raw bytes (not through SQL) finds no candidate id and
// no ballot text, and every sealed ballot has the same length whatever it
// ranks.
func TestRawBytesHoldNoBallotContentWhileOpen(t *testing.T) {
	e := newEnv(t, 6)
	d := definition("secret")
	// Candidate ids long and distinctive enough that finding one in the
	// bytes could not be chance.
	d.Candidates[0].ID, d.Candidates[1].ID, d.Candidates[2].ID = "zyxwvut-ada", "qponmlk-ken", "jihgfed-grace"
	e.open(t, d)
	ballots := []string{
		"zyxwvut-ada\nqponmlk-ken\njihgfed-grace\n",
		"jihgfed-grace\n",
		"qponmlk-ken = zyxwvut-ada\n",
		"blank\n",
		"zyxwvut-ada\n",
		"jihgfed-grace\nzyxwvut-ada\n",
	}
	for i, text := range ballots {
		b, err := models.ParseBallot(d, nil, text)
		must(t, err)
		if _, err := e.svc.CastBallot(ctx, d.ID, models.Caster{MemberID: memberID(i)}, b); err != nil {
			t.Fatal(err)
		}
	}

	var raw []byte
	for _, name := range []string{"booth.db", "booth.db-wal"} {
		data, err := os.ReadFile(filepath.Join(e.dir, name))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		raw = append(raw, data...)
	}
	if len(raw) == 0 {
		t.Fatal("no database bytes to inspect")
	}
	// The test can see into the files: the member ids on the roll are there.
	if !bytes.Contains(raw, []byte(memberID(0))) {
		t.Fatal("member ids not found in the raw bytes: the scan is blind")
	}
	// Every ballot's text, newlines included, would be found if it were
	// stored in the clear; the definition names the candidates, but never
	// with a newline after an id.
	for _, text := range ballots {
		if text != "" && bytes.Contains(raw, []byte(text)) {
			t.Errorf("ballot text %q appears in the raw bytes", text)
		}
	}

	box, err := e.store.Ballots(ctx, d.ID)
	must(t, err)
	if len(box) != len(ballots) {
		t.Fatalf("%d ballots in the box, want %d", len(box), len(ballots))
	}
	for _, b := range box {
		if len(b.Sealed) != len(box[0].Sealed) {
			t.Fatalf("sealed ballots of %d and %d bytes: the length reveals the ballot", len(box[0].Sealed), len(b.Sealed))
		}
	}
}
