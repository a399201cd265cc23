package storetest

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

func testCastRoundTrip(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a", "b", "c"}, nil)
	at := T0.Add(time.Hour)
	must(t, At(s, at).Cast(ctx, CastIn("b", "rb")))
	must(t, At(s, at).Cast(ctx, CastIn("a", "ra")))

	ballots, err := s.Ballots(ctx, "e1")
	must(t, err)
	if len(ballots) != 2 || bytes.Compare(ballots[0].ReceiptHash[:], ballots[1].ReceiptHash[:]) >= 0 {
		t.Fatalf("ballots %v, want 2 in receipt-hash order", ballots)
	}
	for _, b := range ballots {
		want := map[[32]byte]string{Receipt("ra"): "sealed ballot ra", Receipt("rb"): "sealed ballot rb"}[b.ReceiptHash]
		if string(b.Sealed) != want {
			t.Errorf("ballot %x holds %q, want %q", b.ReceiptHash[:4], b.Sealed, want)
		}
	}
	voters, err := s.Voters(ctx, "e1")
	must(t, err)
	if !reflect.DeepEqual(voters, []string{"a", "b"}) {
		t.Errorf("voters %v", voters)
	}
	roll, err := s.Roll(ctx, "e1")
	must(t, err)
	wantRoll := []models.RollEntry{{MemberID: "a", Voted: true}, {MemberID: "b", Voted: true}, {MemberID: "c"}}
	if !reflect.DeepEqual(roll, wantRoll) {
		t.Errorf("roll %v, want %v", roll, wantRoll)
	}
	marks, err := s.MemberRoll(ctx, "a")
	must(t, err)
	if !reflect.DeepEqual(marks, []models.RollMark{{ElectionID: "e1", Voted: true}}) {
		t.Errorf("MemberRoll(a) = %v", marks)
	}
	tu, err := s.Turnout(ctx, "e1")
	must(t, err)
	if tu != (models.Turnout{Voted: 2, Electorate: 3}) {
		t.Errorf("turnout %+v", tu)
	}
	for label, want := range map[string]models.ReceiptState{"ra": models.ReceiptCounted, "zz": models.ReceiptUnknown} {
		st, err := s.Receipt(ctx, "e1", Receipt(label))
		must(t, err)
		if st != want {
			t.Errorf("receipt %s: %s, want %s", label, st, want)
		}
	}
	for name, f := range map[string]func() error{
		"Ballots": func() error { _, err := s.Ballots(ctx, "nope"); return err },
		"Voters":  func() error { _, err := s.Voters(ctx, "nope"); return err },
		"Roll":    func() error { _, err := s.Roll(ctx, "nope"); return err },
		"Turnout": func() error { _, err := s.Turnout(ctx, "nope"); return err },
		"Receipt": func() error { _, err := s.Receipt(ctx, "nope", Receipt("ra")); return err },
		"Cast":    func() error { c := CastIn("a", "x"); c.ElectionID = "nope"; return At(s, at).Cast(ctx, c) },
		"Replace": func() error {
			return s.Replace(ctx, models.Replacement{ElectionID: "nope", MemberID: "a", Sealed: []byte("x"), NewReceipt: Receipt("n")})
		},
	} {
		wantErr(t, name+" of an unknown election", f(), models.ErrNotFound)
	}
}

func testCastRefusals(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a", "b", "c"}, nil)
	must(t, s.AddMember(ctx, Member("late"), Officer))
	at := T0.Add(time.Hour)
	must(t, At(s, at).Cast(ctx, CastIn("a", "ra")))

	wantErr(t, "second ballot", At(s, at).Cast(ctx, CastIn("a", "ra2")), models.ErrAlreadyVoted)
	wantErr(t, "not on the roll", At(s, at).Cast(ctx, CastIn("late", "rl")), models.ErrNotOnRoll)
	wantErr(t, "unknown member", At(s, at).Cast(ctx, CastIn("nobody", "rn")), models.ErrNotOnRoll)
	wantErr(t, "before the opening", At(s, T0.Add(-time.Millisecond)).Cast(ctx, CastIn("b", "rb")), models.ErrNotOpen)
	// A receipt hash already in the box: the roll mark is rolled back.
	wantErr(t, "receipt taken", At(s, at).Cast(ctx, CastIn("b", "ra")), models.ErrExists)
	if err := At(s, at).Cast(ctx, models.Cast{ElectionID: "e1", MemberID: "b", ReceiptHash: Receipt("e")}); err == nil {
		t.Error("an empty ballot was accepted")
	}
	wantBox(t, s, 1, 1)
	// b can still vote with a fresh receipt.
	must(t, At(s, at).Cast(ctx, CastIn("b", "rb")))

	must(t, s.CreateElection(ctx, models.Election{Definition: Definition("draft")}, Officer))
	c := CastIn("c", "rc")
	c.ElectionID = "draft"
	wantErr(t, "draft election", s.Cast(ctx, c), models.ErrNotOpen)
	must(t, At(s, at).CloseElection(ctx, "e1", Officer))
	wantErr(t, "closed election", At(s, at).Cast(ctx, CastIn("c", "rc")), models.ErrNotOpen)
	wantBox(t, s, 2, 2)
}

// The open check happens inside the cast's transaction, at the cast's
// time: a check that passed a moment before the close does not let a cast
// committed after it through.
func testCastAfterCloseIsRefused(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a", "b"}, nil)
	e, err := s.Election(ctx, "e1")
	must(t, err)
	closes := e.EffectiveClose()
	if !e.IsOpenAt(closes.Add(-time.Millisecond)) {
		t.Fatal("election not open a millisecond before its close")
	}
	wantErr(t, "cast at close+1ms", At(s, closes.Add(time.Millisecond)).Cast(ctx, CastIn("a", "ra")), models.ErrNotOpen)
	wantErr(t, "cast at the close", At(s, closes).Cast(ctx, CastIn("a", "ra")), models.ErrNotOpen)
	wantBox(t, s, 0, 0)
	must(t, At(s, closes.Add(-time.Millisecond)).Cast(ctx, CastIn("b", "rb")))

	// An extension moves the effective close, and the store honours it.
	must(t, s.Extend(ctx, "e1", 0, Officer))
	must(t, At(s, closes.Add(time.Millisecond)).Cast(ctx, CastIn("a", "ra")))
	wantBox(t, s, 2, 2)
}

func testReplace(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a", "b", "c"}, nil)
	at := T0.Add(time.Hour)
	must(t, At(s, at).Cast(ctx, CastIn("a", "old")))
	must(t, At(s, at).Cast(ctx, CastIn("b", "other")))
	r := models.Replacement{ElectionID: "e1", MemberID: "a", OldReceipt: Receipt("old"), NewReceipt: Receipt("new"), Sealed: []byte("new ballot")}
	must(t, s.Replace(ctx, r))

	for label, want := range map[string]models.ReceiptState{"old": models.ReceiptReplaced, "new": models.ReceiptCounted, "other": models.ReceiptCounted} {
		st, err := s.Receipt(ctx, "e1", Receipt(label))
		must(t, err)
		if st != want {
			t.Errorf("receipt %s: %s, want %s", label, st, want)
		}
	}
	ballots, err := s.Ballots(ctx, "e1")
	must(t, err)
	if len(ballots) != 2 {
		t.Errorf("%d ballots after a replacement, want 2", len(ballots))
	}
	for _, b := range ballots {
		if b.ReceiptHash == Receipt("new") && string(b.Sealed) != "new ballot" {
			t.Errorf("replacement holds %q", b.Sealed)
		}
	}
	replaced, err := s.ReplacedReceipts(ctx, "e1")
	must(t, err)
	if !reflect.DeepEqual(replaced, [][32]byte{Receipt("old")}) {
		t.Errorf("ReplacedReceipts = %x", replaced)
	}
	// A replaced receipt cannot come back through a cast either.
	wantErr(t, "cast under a replaced receipt", At(s, at).Cast(ctx, CastIn("c", "old")), models.ErrExists)

	again := r
	again.NewReceipt = Receipt("newer")
	wantErr(t, "replacing a replaced ballot", s.Replace(ctx, again), models.ErrReceiptUnknown)
	unknown := r
	unknown.OldReceipt, unknown.NewReceipt = Receipt("never"), Receipt("n2")
	wantErr(t, "unknown receipt", s.Replace(ctx, unknown), models.ErrReceiptUnknown)
	// New receipt taken (in the box, or replaced): the old ballot stays.
	taken := models.Replacement{ElectionID: "e1", MemberID: "a", OldReceipt: Receipt("new"), NewReceipt: Receipt("other"), Sealed: []byte("x")}
	wantErr(t, "new receipt in the box", s.Replace(ctx, taken), models.ErrExists)
	taken.NewReceipt = Receipt("old")
	wantErr(t, "new receipt replaced before", s.Replace(ctx, taken), models.ErrExists)
	taken.NewReceipt = Receipt("new")
	wantErr(t, "new receipt equal to old", s.Replace(ctx, taken), models.ErrExists)
	if st, _ := s.Receipt(ctx, "e1", Receipt("new")); st != models.ReceiptCounted {
		t.Errorf("a refused replacement left the ballot %s", st)
	}
	empty := models.Replacement{ElectionID: "e1", MemberID: "a", OldReceipt: Receipt("new"), NewReceipt: Receipt("e")}
	if err := s.Replace(ctx, empty); err == nil {
		t.Error("an empty replacement ballot was accepted")
	}
	late := models.Replacement{ElectionID: "e1", MemberID: "a", OldReceipt: Receipt("new"), NewReceipt: Receipt("late"), Sealed: []byte("x")}
	wantErr(t, "after the close", At(s, T0.Add(48*time.Hour)).Replace(ctx, late), models.ErrNotOpen)
	wantBox(t, s, 2, 2)
}

func testReplaceNotAllowed(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a"}, func(d *models.Definition) { d.AllowReplace = false })
	at := T0.Add(time.Hour)
	must(t, At(s, at).Cast(ctx, CastIn("a", "old")))
	r := models.Replacement{ElectionID: "e1", MemberID: "a", OldReceipt: Receipt("old"), NewReceipt: Receipt("new"), Sealed: []byte("x")}
	wantErr(t, "replace", s.Replace(ctx, r), models.ErrNoReplace)
	if st, _ := s.Receipt(ctx, "e1", Receipt("old")); st != models.ReceiptCounted {
		t.Errorf("old receipt %s after a refused replacement", st)
	}
}

// Two open elections share the tables but nothing else: a member votes in
// each, a receipt hash may recur, and closing one leaves the other open.
func testElectionsAreSeparate(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a", "b"}, nil)
	must(t, s.CreateElection(ctx, models.Election{Definition: Definition("e2")}, Officer))
	must(t, At(s, T0).OpenElection(ctx, "e2", Fingerprint(t, s, "e2"), Officer))
	at := T0.Add(time.Hour)
	in2 := func(c models.Cast) models.Cast { c.ElectionID = "e2"; return c }
	must(t, At(s, at).Cast(ctx, CastIn("a", "same")))
	must(t, s.Cast(ctx, in2(CastIn("a", "same"))))
	must(t, s.Cast(ctx, in2(CastIn("b", "b2"))))
	must(t, At(s, at).CloseElection(ctx, "e1", Officer))
	marks, err := s.MemberRoll(ctx, "b")
	must(t, err)
	if want := []models.RollMark{{ElectionID: "e1"}, {ElectionID: "e2", Voted: true}}; !reflect.DeepEqual(marks, want) {
		t.Errorf("MemberRoll(b) = %v, want %v", marks, want)
	}
	wantBox(t, s, 1, 1)
	ballots, err := s.Ballots(ctx, "e2")
	must(t, err)
	voters, err := s.Voters(ctx, "e2")
	must(t, err)
	if len(ballots) != 2 || !reflect.DeepEqual(voters, []string{"a", "b"}) {
		t.Errorf("e2 after closing e1: %d ballots, voters %v", len(ballots), voters)
	}
	wantErr(t, "cast in the closed election", At(s, at).Cast(ctx, CastIn("b", "late")), models.ErrNotOpen)
	must(t, At(s, at).Replace(ctx, models.Replacement{ElectionID: "e2", MemberID: "a", OldReceipt: Receipt("same"), NewReceipt: Receipt("new"), Sealed: []byte("x")}))
	if st, _ := s.Receipt(ctx, "e1", Receipt("same")); st != models.ReceiptCounted {
		t.Errorf("replacing in e2 changed e1's receipt to %s", st)
	}
}
