package sqlite

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

func TestCastRoundTrip(t *testing.T) {
	s := setup(t, []string{"a", "b", "c"}, nil)
	at := t0.Add(time.Hour)
	must(t, s.Cast(ctx, cast("b", "rb", at)))
	must(t, s.Cast(ctx, cast("a", "ra", at)))

	ballots, err := s.Ballots(ctx, "e1")
	must(t, err)
	if len(ballots) != 2 || bytes.Compare(ballots[0].ReceiptHash[:], ballots[1].ReceiptHash[:]) >= 0 {
		t.Fatalf("ballots %v, want 2 in receipt-hash order", ballots)
	}
	for _, b := range ballots {
		want := map[[32]byte]string{receipt("ra"): "sealed ballot ra", receipt("rb"): "sealed ballot rb"}[b.ReceiptHash]
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
	tu, err := s.Turnout(ctx, "e1")
	must(t, err)
	if tu != (models.Turnout{Voted: 2, Electorate: 3}) {
		t.Errorf("turnout %+v", tu)
	}
	for label, want := range map[string]models.ReceiptState{"ra": models.ReceiptCounted, "zz": models.ReceiptUnknown} {
		st, err := s.Receipt(ctx, "e1", receipt(label))
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
		"Receipt": func() error { _, err := s.Receipt(ctx, "nope", receipt("ra")); return err },
		"Cast":    func() error { c := cast("a", "x", at); c.ElectionID = "nope"; return s.Cast(ctx, c) },
		"Replace": func() error {
			return s.Replace(ctx, models.Replacement{ElectionID: "nope", Sealed: []byte("x"), NewReceipt: receipt("n")})
		},
	} {
		wantErr(t, name+" of an unknown election", f(), models.ErrNotFound)
	}
}

// assertUnchanged checks that refused casts left no mark and no ballot.
func assertUnchanged(t *testing.T, s *Store, voted, ballots int) {
	t.Helper()
	if n := count(t, s, `SELECT count(*) FROM roll WHERE voted = 1`); n != voted {
		t.Errorf("%d roll marks, want %d", n, voted)
	}
	if n := count(t, s, `SELECT count(*) FROM box`); n != ballots {
		t.Errorf("%d ballots, want %d", n, ballots)
	}
}

func TestCastRefusals(t *testing.T) {
	s := setup(t, []string{"a", "b", "c"}, nil)
	must(t, s.AddMember(ctx, member("late"), officer))
	at := t0.Add(time.Hour)
	must(t, s.Cast(ctx, cast("a", "ra", at)))

	wantErr(t, "second ballot", s.Cast(ctx, cast("a", "ra2", at)), models.ErrAlreadyVoted)
	wantErr(t, "not on the roll", s.Cast(ctx, cast("late", "rl", at)), models.ErrNotOnRoll)
	wantErr(t, "unknown member", s.Cast(ctx, cast("nobody", "rn", at)), models.ErrNotOnRoll)
	wantErr(t, "before the opening", s.Cast(ctx, cast("b", "rb", t0.Add(-time.Millisecond))), models.ErrNotOpen)
	// A receipt hash already in the box: the roll mark is rolled back.
	wantErr(t, "receipt taken", s.Cast(ctx, cast("b", "ra", at)), models.ErrExists)
	if err := s.Cast(ctx, models.Cast{ElectionID: "e1", MemberID: "b", ReceiptHash: receipt("e"), Now: at}); err == nil {
		t.Error("an empty ballot was accepted")
	}
	assertUnchanged(t, s, 1, 1)
	// b can still vote with a fresh receipt.
	must(t, s.Cast(ctx, cast("b", "rb", at)))

	must(t, s.CreateElection(ctx, models.Election{Definition: definition("draft")}, officer))
	c := cast("c", "rc", at)
	c.ElectionID = "draft"
	wantErr(t, "draft election", s.Cast(ctx, c), models.ErrNotOpen)
	must(t, s.CloseElection(ctx, "e1", at, officer))
	wantErr(t, "closed election", s.Cast(ctx, cast("c", "rc", at)), models.ErrNotOpen)
	assertUnchanged(t, s, 2, 2)
}

// The open check happens inside the cast's transaction, at the cast's
// time: a check that passed a moment before the close does not let a cast
// committed after it through.
func TestCastAfterCloseIsRefused(t *testing.T) {
	s := setup(t, []string{"a", "b"}, nil)
	e, err := s.Election(ctx, "e1")
	must(t, err)
	closes := e.EffectiveClose()
	if !e.IsOpenAt(closes.Add(-time.Millisecond)) {
		t.Fatal("election not open a millisecond before its close")
	}
	wantErr(t, "cast at close+1ms", s.Cast(ctx, cast("a", "ra", closes.Add(time.Millisecond))), models.ErrNotOpen)
	wantErr(t, "cast at the close", s.Cast(ctx, cast("a", "ra", closes)), models.ErrNotOpen)
	assertUnchanged(t, s, 0, 0)
	must(t, s.Cast(ctx, cast("b", "rb", closes.Add(-time.Millisecond))))

	// An extension moves the effective close, and the store honours it.
	must(t, s.Extend(ctx, "e1", officer))
	must(t, s.Cast(ctx, cast("a", "ra", closes.Add(time.Millisecond))))
	assertUnchanged(t, s, 2, 2)
}

func TestReplace(t *testing.T) {
	s := setup(t, []string{"a", "b"}, nil)
	at := t0.Add(time.Hour)
	must(t, s.Cast(ctx, cast("a", "old", at)))
	must(t, s.Cast(ctx, cast("b", "other", at)))
	r := models.Replacement{ElectionID: "e1", OldReceipt: receipt("old"), NewReceipt: receipt("new"), Sealed: []byte("new ballot"), Now: at}
	must(t, s.Replace(ctx, r))

	for label, want := range map[string]models.ReceiptState{"old": models.ReceiptReplaced, "new": models.ReceiptCounted, "other": models.ReceiptCounted} {
		st, err := s.Receipt(ctx, "e1", receipt(label))
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
		if b.ReceiptHash == receipt("new") && string(b.Sealed) != "new ballot" {
			t.Errorf("replacement holds %q", b.Sealed)
		}
	}

	again := r
	again.NewReceipt = receipt("newer")
	wantErr(t, "replacing a replaced ballot", s.Replace(ctx, again), models.ErrReceiptUnknown)
	unknown := r
	unknown.OldReceipt, unknown.NewReceipt = receipt("never"), receipt("n2")
	wantErr(t, "unknown receipt", s.Replace(ctx, unknown), models.ErrReceiptUnknown)
	// New receipt taken (in the box, or replaced): the old ballot stays.
	taken := models.Replacement{ElectionID: "e1", OldReceipt: receipt("new"), NewReceipt: receipt("other"), Sealed: []byte("x"), Now: at}
	wantErr(t, "new receipt in the box", s.Replace(ctx, taken), models.ErrExists)
	taken.NewReceipt = receipt("old")
	wantErr(t, "new receipt replaced before", s.Replace(ctx, taken), models.ErrExists)
	taken.NewReceipt = receipt("new")
	wantErr(t, "new receipt equal to old", s.Replace(ctx, taken), models.ErrExists)
	if st, _ := s.Receipt(ctx, "e1", receipt("new")); st != models.ReceiptCounted {
		t.Errorf("a refused replacement left the ballot %s", st)
	}
	late := models.Replacement{ElectionID: "e1", OldReceipt: receipt("new"), NewReceipt: receipt("late"), Sealed: []byte("x"), Now: t0.Add(48 * time.Hour)}
	wantErr(t, "after the close", s.Replace(ctx, late), models.ErrNotOpen)
	assertUnchanged(t, s, 2, 2)
}

func TestReplaceNotAllowed(t *testing.T) {
	s := setup(t, []string{"a"}, func(d *models.Definition) { d.AllowReplace = false })
	at := t0.Add(time.Hour)
	must(t, s.Cast(ctx, cast("a", "old", at)))
	r := models.Replacement{ElectionID: "e1", OldReceipt: receipt("old"), NewReceipt: receipt("new"), Sealed: []byte("x"), Now: at}
	wantErr(t, "replace", s.Replace(ctx, r), models.ErrNoReplace)
	if st, _ := s.Receipt(ctx, "e1", receipt("old")); st != models.ReceiptCounted {
		t.Errorf("old receipt %s after a refused replacement", st)
	}
}

// 200 members cast at once, each twice: exactly one ballot each, and no
// SQLITE_BUSY reaches the caller. The attempts go through four handles on
// one database, as several processes would, so they meet in SQLite's
// locks (BEGIN IMMEDIATE and busy_timeout), not only in a handle's queue.
func TestConcurrentCasts(t *testing.T) {
	ids := memberIDs(200)
	s := setup(t, ids, nil)
	handles := []*Store{s}
	for range 3 {
		handles = append(handles, openStore(t, filepath.Dir(s.path)))
	}
	at := t0.Add(time.Hour)
	var (
		wg          sync.WaitGroup
		mu          sync.Mutex
		ok, already int
		others      []error
	)
	start := make(chan struct{})
	for i, id := range ids {
		for attempt := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				h := handles[(i+attempt)%len(handles)]
				err := h.Cast(ctx, cast(id, fmt.Sprintf("%d-%s", attempt, id), at))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, models.ErrAlreadyVoted):
					already++
				default:
					others = append(others, err)
				}
			}()
		}
	}
	close(start)
	wg.Wait()
	if ok != 200 || already != 200 || len(others) != 0 {
		t.Errorf("%d cast, %d already voted, other errors %v; want 200, 200, none", ok, already, others)
	}
	assertUnchanged(t, s, 200, 200)
	tu, err := s.Turnout(ctx, "e1")
	must(t, err)
	if tu != (models.Turnout{Voted: 200, Electorate: 200}) {
		t.Errorf("turnout %+v", tu)
	}
}
