package sqlite

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

var ctx = context.Background()

// t0 is the fixed moment elections in these tests open.
var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

const officer = "officer"

func newStore(t testing.TB) *Store {
	t.Helper()
	return openStore(t, t.TempDir())
}

func openStore(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func member(id string) models.Member {
	return models.Member{
		ID: id, Name: "Member " + id, Email: id + "@example.org", Status: models.Active,
		Joined: t0.Add(-30 * 24 * time.Hour),
		Keys:   []models.Key{key(id, 1)},
	}
}

func key(id string, n int) models.Key {
	return models.Key{
		Fingerprint: fmt.Sprintf("SHA256:%s-%d", id, n),
		Type:        "ssh-ed25519",
		Public:      fmt.Sprintf("ssh-ed25519 AAAA%s%d", id, n),
		Comment:     id + "@laptop",
	}
}

func memberIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("m%03d", i)
	}
	return ids
}

func definition(id string) models.Definition {
	return models.Definition{
		ID: id, Title: "Board " + id, Description: "Elect *one*.", Method: tally.Schulze, Seats: 1,
		Candidates: []models.Candidate{
			{ID: "ada", Name: "Ada Lovelace", Affiliation: "Analytical", Statement: "I count."},
			{ID: "ken", Name: "Ken Thompson"},
			{ID: "nota", Name: "None of the above"},
		},
		OpensAt: t0, ClosesAt: t0.Add(48 * time.Hour), AllowReplace: true, PublishLedger: true,
		Quorum:        models.QuorumRule{Percent: 50, Extend: 24 * time.Hour},
		DefaultOption: "nota", OptionQuorum: 3, Majority: tally.Ratio{Num: 3, Den: 1},
		TieSeed: "seed-2026",
	}
}

// setup makes a store with the given members and an open election "e1"
// (definition changed by edit, if given).
func setup(t testing.TB, ids []string, edit func(*models.Definition)) *Store {
	t.Helper()
	s := newStore(t)
	ms := make([]models.Member, len(ids))
	for i, id := range ids {
		ms[i] = member(id)
	}
	if err := s.ImportMembers(ctx, ms, officer); err != nil {
		t.Fatal(err)
	}
	d := definition("e1")
	if edit != nil {
		edit(&d)
	}
	if err := s.CreateElection(ctx, models.Election{Definition: d, Recipients: []string{"age1test"}}, officer); err != nil {
		t.Fatal(err)
	}
	if err := s.OpenElection(ctx, "e1", "fp-e1", t0, officer); err != nil {
		t.Fatal(err)
	}
	return s
}

// receipt derives a receipt hash from a label.
func receipt(label string) [32]byte { return sha256.Sum256([]byte("receipt:" + label)) }

func cast(memberID, label string, now time.Time) models.Cast {
	return models.Cast{
		ElectionID: "e1", MemberID: memberID, ReceiptHash: receipt(label),
		Sealed: []byte("sealed ballot " + label), Now: now,
	}
}

func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// count runs a counting query directly on the database.
func count(t testing.TB, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
