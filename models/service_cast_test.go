package models_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// ballot parses ballot text for an election, failing the test if invalid.
func ballot(t testing.TB, e *env, electionID, text string) models.Ballot {
	t.Helper()
	el := e.election(t, electionID)
	b, err := models.ParseBallot(el.Definition, el.Withdrawn, text)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cast casts ballot text for a member and returns the receipt.
func cast(t testing.TB, e *env, electionID, member, text string) string {
	t.Helper()
	r, err := e.svc.CastBallot(ctx, electionID, models.Caster{MemberID: member}, ballot(t, e, electionID, text))
	if err != nil {
		t.Fatalf("casting for %s: %v", member, err)
	}
	return r
}

// boxState is what the roll and the box hold.
func boxState(t testing.TB, e *env, electionID string) (voted, ballots int) {
	t.Helper()
	tu, err := e.store.Turnout(ctx, electionID)
	must(t, err)
	bs, err := e.store.Ballots(ctx, electionID)
	must(t, err)
	return tu.Voted, len(bs)
}

func TestCastBallot(t *testing.T) {
	e := newEnv(t, 3)
	e.open(t, definition("e1"))
	r1 := cast(t, e, "e1", memberID(0), "ada\nken = grace\n")
	r2 := cast(t, e, "e1", memberID(1), "blank\n")
	if !receiptForm.MatchString(r1) || !receiptForm.MatchString(r2) || r1 == r2 {
		t.Fatalf("receipts %q and %q", r1, r2)
	}
	if v, b := boxState(t, e, "e1"); v != 2 || b != 2 {
		t.Fatalf("%d roll marks and %d ballots, want 2 and 2", v, b)
	}
	bs, _ := e.store.Ballots(ctx, "e1")
	if len(bs[0].Sealed) != len(bs[1].Sealed) {
		t.Errorf("a full and an empty ballot sealed to %d and %d bytes", len(bs[0].Sealed), len(bs[1].Sealed))
	}
	for _, r := range []string{r1, strings.ToLower(r1), strings.ReplaceAll(r2, "-", " ")} {
		st, err := e.svc.VerifyReceipt(ctx, "e1", r)
		if err != nil || st != models.ReceiptCounted {
			t.Errorf("VerifyReceipt(%q) = %s, %v; want counted", r, st, err)
		}
	}
	norm, _ := models.NormalizeReceipt(r1)
	found := false
	for _, b := range bs {
		found = found || b.ReceiptHash == models.ReceiptHash("e1", norm)
	}
	if !found {
		t.Error("no ballot is filed under ReceiptHash of the receipt")
	}
}

func TestCastRefusesSecondBallot(t *testing.T) {
	e := newEnv(t, 2)
	e.open(t, definition("e1"))
	cast(t, e, "e1", memberID(0), "ada\n")
	r, err := e.svc.CastBallot(ctx, "e1", models.Caster{MemberID: memberID(0)}, ballot(t, e, "e1", "ken\n"))
	wantErr(t, "a second ballot", err, models.ErrAlreadyVoted)
	if r != "" {
		t.Errorf("a refused cast returned receipt %q", r)
	}
	if v, b := boxState(t, e, "e1"); v != 1 || b != 1 {
		t.Fatalf("%d roll marks and %d ballots, want 1 and 1", v, b)
	}
}

func TestCastRefusals(t *testing.T) {
	e := newEnv(t, 3)
	d := definition("e1")
	e.open(t, d)
	must(t, e.store.SetMemberStatus(ctx, memberID(1), models.Suspended, officer))
	must(t, e.store.AddMember(ctx, models.Member{ID: "late", Name: "Late Joiner"}, officer))
	good := ballot(t, e, "e1", "ada\n")

	for _, tc := range []struct {
		name, election, member string
		b                      models.Ballot
		want                   error
	}{
		{"unknown member", "e1", "nobody", good, models.ErrNotFound},
		{"suspended member", "e1", memberID(1), good, models.ErrInactive},
		{"member added after the opening", "e1", "late", good, models.ErrNotOnRoll},
		{"unknown election", "e9", memberID(0), good, models.ErrNotFound},
	} {
		r, err := e.svc.CastBallot(ctx, tc.election, models.Caster{MemberID: tc.member}, tc.b)
		wantErr(t, tc.name, err, tc.want)
		if r != "" {
			t.Errorf("%s: receipt %q returned", tc.name, r)
		}
	}
	// A ballot built by hand is checked again before it is sealed.
	for _, bad := range []models.Ballot{
		{Ranks: [][]string{{"ada"}, {"ada"}}},
		{Ranks: [][]string{{"linus"}}},
	} {
		if r, err := e.svc.CastBallot(ctx, "e1", models.Caster{MemberID: memberID(0)}, bad); err == nil {
			t.Errorf("invalid ballot %q cast, receipt %q", bad.Text(), r)
		}
	}
	if v, b := boxState(t, e, "e1"); v != 0 || b != 0 {
		t.Fatalf("refused casts left %d roll marks and %d ballots", v, b)
	}
}

func TestCastRefusedOutsideVotingTime(t *testing.T) {
	e := newEnv(t, 2)
	d := definition("e1")
	e.create(t, d)
	e.clock.Set(t0.Add(time.Hour))
	_, err := e.svc.CastBallot(ctx, "e1", models.Caster{MemberID: memberID(0)}, models.Ballot{})
	wantErr(t, "casting in a draft election", err, models.ErrNotOpen)

	e.clock.Set(t0)
	must(t, e.svc.OpenElection(ctx, "e1", officer))
	// No Tick has closed the election, but the cast's own time is checked.
	e.clock.Set(d.ClosesAt.Add(time.Millisecond))
	_, err = e.svc.CastBallot(ctx, "e1", models.Caster{MemberID: memberID(0)}, ballot(t, e, "e1", "ada\n"))
	wantErr(t, "casting at close + 1 ms", err, models.ErrNotOpen)
	if v, b := boxState(t, e, "e1"); v != 0 || b != 0 {
		t.Fatalf("refused casts left %d roll marks and %d ballots", v, b)
	}
}

// repeatReader yields the same bytes forever: a broken random source.
type repeatReader struct{ b []byte }

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.b[i%len(r.b)]
	}
	return len(p), nil
}

func TestCastRetriesTakenReceipt(t *testing.T) {
	e := newEnv(t, 3)
	e.open(t, definition("e1"))
	same := bytes.Repeat([]byte{7}, 16)
	e.svc.Rand = repeatReader{same}
	first := cast(t, e, "e1", memberID(0), "ada\n")

	// The next draw repeats the first receipt, then a fresh one follows.
	e.svc.Rand = io.MultiReader(bytes.NewReader(same), bytes.NewReader(bytes.Repeat([]byte{9}, 16)))
	second := cast(t, e, "e1", memberID(1), "ken\n")
	if second == first {
		t.Fatal("two ballots got the same receipt")
	}
	// A source that only repeats itself: the cast gives up, leaving nothing.
	e.svc.Rand = repeatReader{same}
	r, err := e.svc.CastBallot(ctx, "e1", models.Caster{MemberID: memberID(2)}, ballot(t, e, "e1", "grace\n"))
	if err == nil || r != "" {
		t.Fatalf("cast with a stuck random source: receipt %q, error %v", r, err)
	}
	if v, b := boxState(t, e, "e1"); v != 2 || b != 2 {
		t.Fatalf("%d roll marks and %d ballots, want 2 and 2", v, b)
	}
}

func TestReplaceBallot(t *testing.T) {
	e := newEnv(t, 2)
	e.open(t, definition("e1"))
	old := cast(t, e, "e1", memberID(0), "ada\n")
	replacement, err := e.svc.ReplaceBallot(ctx, "e1", models.Caster{MemberID: memberID(0)}, strings.ToLower(old), ballot(t, e, "e1", "ken\nada\n"))
	must(t, err)
	for r, want := range map[string]models.ReceiptState{old: models.ReceiptReplaced, replacement: models.ReceiptCounted} {
		if st, err := e.svc.VerifyReceipt(ctx, "e1", r); err != nil || st != want {
			t.Errorf("receipt %s: %s, %v; want %s", r, st, err, want)
		}
	}
	if v, b := boxState(t, e, "e1"); v != 1 || b != 1 {
		t.Fatalf("%d roll marks and %d ballots after a replacement, want 1 and 1", v, b)
	}
	_, err = e.svc.ReplaceBallot(ctx, "e1", models.Caster{MemberID: memberID(0)}, old, ballot(t, e, "e1", "grace\n"))
	wantErr(t, "replacing with a used receipt", err, models.ErrReceiptUnknown)
	if _, err := e.svc.ReplaceBallot(ctx, "e1", models.Caster{MemberID: memberID(0)}, "not-a-receipt", models.Ballot{}); err == nil {
		t.Error("a malformed receipt was accepted")
	}
	if _, err := e.svc.ReplaceBallot(ctx, "e1", models.Caster{MemberID: memberID(0)}, replacement, models.Ballot{Ranks: [][]string{{"linus"}}}); err == nil {
		t.Error("an invalid replacement ballot was accepted")
	}
	e.clock.Set(t0.Add(48 * time.Hour))
	_, err = e.svc.ReplaceBallot(ctx, "e1", models.Caster{MemberID: memberID(0)}, replacement, ballot(t, e, "e1", "grace\n"))
	wantErr(t, "replacing after the close", err, models.ErrNotOpen)
	if st, _ := e.svc.VerifyReceipt(ctx, "e1", replacement); st != models.ReceiptCounted {
		t.Errorf("refused replacements changed the ballot: %s", st)
	}
}

func TestReplaceRefusedWhenNotAllowed(t *testing.T) {
	e := newEnv(t, 2)
	d := definition("e1")
	d.AllowReplace = false
	e.open(t, d)
	r := cast(t, e, "e1", memberID(0), "ada\n")
	_, err := e.svc.ReplaceBallot(ctx, "e1", models.Caster{MemberID: memberID(0)}, r, ballot(t, e, "e1", "ken\n"))
	wantErr(t, "replacing where the election forbids it", err, models.ErrNoReplace)
	if st, _ := e.svc.VerifyReceipt(ctx, "e1", r); st != models.ReceiptCounted {
		t.Errorf("the ballot reads %s after a refused replacement", st)
	}
}

func TestVerifyReceiptRefusals(t *testing.T) {
	e := newEnv(t, 1)
	e.open(t, definition("e1"))
	unknown, _ := models.NewReceipt(bytes.NewReader(make([]byte, 16)))
	if st, err := e.svc.VerifyReceipt(ctx, "e1", unknown); err != nil || st != models.ReceiptUnknown {
		t.Errorf("an unknown receipt: %s, %v", st, err)
	}
	if _, err := e.svc.VerifyReceipt(ctx, "e1", "K7QF"); err == nil {
		t.Error("a short receipt was looked up")
	}
	_, err := e.svc.VerifyReceipt(ctx, "e9", unknown)
	wantErr(t, "a receipt in an unknown election", err, models.ErrNotFound)
}
