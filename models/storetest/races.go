package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// race runs n attempts at once, attempt i through stores[i%len(stores)],
// and counts the outcomes: nil, each error in want, and anything else.
func race(t *testing.T, stores []models.Store, n int, attempt func(i int, s models.Store) error, want ...error) (ok int, refused []int) {
	t.Helper()
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		others []error
	)
	refused = make([]int, len(want))
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			err := attempt(i, stores[i%len(stores)])
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
				return
			}
			for j, w := range want {
				if errors.Is(err, w) {
					refused[j]++
					return
				}
			}
			others = append(others, err)
		})
	}
	close(start)
	wg.Wait()
	if len(others) > 0 {
		t.Errorf("%d of %d attempts failed unexpectedly, the first with: %v", len(others), n, others[0])
	}
	return ok, refused
}

// Twenty casts for one member at once: exactly one ballot.
func testOneBallotUnderRace(t *testing.T, stores []models.Store) {
	s := stores[0]
	Setup(t, s, []string{"a", "b"}, nil)
	at := T0.Add(time.Hour)
	ok, refused := race(t, stores, 20, func(i int, s models.Store) error {
		return At(s, at).Cast(ctx, CastIn("a", fmt.Sprint("race-", i)))
	}, models.ErrAlreadyVoted)
	if ok != 1 || refused[0] != 19 {
		t.Errorf("%d casts succeeded and %d were refused as already voted; want 1 and 19", ok, refused[0])
	}
	wantBox(t, s, 1, 1)
}

// 200 members cast at once, each twice: exactly one ballot each, and
// nothing but "already voted" reaches the caller.
func testConcurrentCasts(t *testing.T, stores []models.Store) {
	s := stores[0]
	ids := MemberIDs(200)
	Setup(t, s, ids, nil)
	at := T0.Add(time.Hour)
	ok, refused := race(t, stores, 2*len(ids), func(i int, s models.Store) error {
		return At(s, at).Cast(ctx, CastIn(ids[i/2], fmt.Sprintf("%d-%s", i%2, ids[i/2])))
	}, models.ErrAlreadyVoted)
	if ok != 200 || refused[0] != 200 {
		t.Errorf("%d cast, %d already voted; want 200, 200", ok, refused[0])
	}
	wantBox(t, s, 200, 200)
	voters, err := s.Voters(ctx, "e1")
	must(t, err)
	if len(voters) != 200 {
		t.Errorf("%d voters, want 200", len(voters))
	}
}

// Ten replacements of one receipt at once: one wins, the others find the
// receipt gone, and the box holds one ballot.
func testConcurrentReplacements(t *testing.T, stores []models.Store) {
	s := stores[0]
	Setup(t, s, []string{"a"}, nil)
	at := T0.Add(time.Hour)
	must(t, At(s, at).Cast(ctx, CastIn("a", "old")))
	ok, refused := race(t, stores, 10, func(i int, s models.Store) error {
		return At(s, at).Replace(ctx, models.Replacement{ElectionID: "e1", MemberID: "a", OldReceipt: Receipt("old"),
			NewReceipt: Receipt(fmt.Sprint("new-", i)), Sealed: []byte("x")})
	}, models.ErrReceiptUnknown)
	if ok != 1 || refused[0] != 9 {
		t.Errorf("%d replacements succeeded, %d found the receipt gone; want 1 and 9", ok, refused[0])
	}
	wantBox(t, s, 1, 1)
	if st, _ := s.Receipt(ctx, "e1", Receipt("old")); st != models.ReceiptReplaced {
		t.Errorf("the old receipt reads %s", st)
	}
}

// Closing while members cast: every cast either lands before the close,
// with its roll mark, or is refused; none is lost or half-done. A third of
// the members cast before the close starts, a third while it runs, and a
// third after it.
func testCloseDuringCasts(t *testing.T, stores []models.Store) {
	s := stores[0]
	ids := MemberIDs(120)
	Setup(t, s, ids, nil)
	at := T0.Add(time.Hour)
	third := len(ids) / 3
	landed := make(chan struct{}, len(ids))
	closing, closed := make(chan struct{}), make(chan struct{})
	var closeErr error
	go func() {
		for range third / 2 { // once some casts have landed
			<-landed
		}
		close(closing)
		closeErr = At(stores[len(stores)-1], at).CloseElection(ctx, "e1", Officer)
		close(closed)
	}()
	ok, refused := race(t, stores, len(ids), func(i int, s models.Store) error {
		switch {
		case i >= 2*third:
			<-closed
		case i >= third:
			<-closing
		}
		err := At(s, at).Cast(ctx, CastIn(ids[i], ids[i]))
		if err == nil {
			landed <- struct{}{}
		}
		return err
	}, models.ErrNotOpen)
	<-closed
	must(t, closeErr)
	t.Logf("%d casts landed before the close, %d were refused after it", ok, refused[0])
	if ok < third/2 || refused[0] < third || ok+refused[0] != len(ids) {
		t.Errorf("%d casts landed and %d were refused, of %d", ok, refused[0], len(ids))
	}
	wantBox(t, s, ok, ok)
	if v, _ := s.Voters(ctx, "e1"); len(v) != ok {
		t.Errorf("%d voters after the close, want %d", len(v), ok)
	}
}

// Officers' changes from several front ends at once: the audit chain
// stays one chain, with an entry for each.
func testConcurrentAuditAppends(t *testing.T, stores []models.Store) {
	ok, _ := race(t, stores, 40, func(i int, s models.Store) error {
		if i%2 == 0 {
			return s.AddMember(ctx, Member(fmt.Sprint("m", i)), Officer)
		}
		return s.Audit(ctx, Officer, "test.note", fmt.Sprint("note ", i))
	})
	if ok != 40 {
		t.Errorf("%d of 40 changes succeeded", ok)
	}
	if n := verifyChain(t, stores[0]); n != 40 {
		t.Errorf("%d audit entries, want 40", n)
	}
}

// Twenty sessions of one member start at once under a limit of three:
// exactly three get a lease, wherever they start.
func testLeaseRace(t *testing.T, stores []models.Store) {
	must(t, stores[0].AddMember(ctx, Member("alice"), Officer))
	ok, refused := race(t, stores, 20, func(i int, s models.Store) error {
		_, err := s.AcquireLease(ctx, "alice", fmt.Sprint("front-", i%len(stores)), 3, time.Minute, T0)
		return err
	}, models.ErrTooManySessions)
	if ok != 3 || refused[0] != 17 {
		t.Errorf("%d leases taken, %d refused; want 3 and 17", ok, refused[0])
	}
}

// One key offered at once to a member and to a kiosk device goes to one
// of them, never both, whichever front ends the offers reach.
func testKeyRace(t *testing.T, stores []models.Store) {
	must(t, stores[0].AddMember(ctx, Member("alice"), Officer))
	for round := range 20 {
		k := Key("contested", round)
		ok, refused := race(t, stores, 2, func(i int, s models.Store) error {
			if i == 0 {
				err := s.AddKey(ctx, "alice", k, Officer)
				// As in testKioskDevices, a member's key refused for being
				// a device's need only say so (SQLite's trigger does).
				if err != nil && !errors.Is(err, models.ErrKeyTaken) && strings.Contains(err.Error(), "kiosk device") {
					err = fmt.Errorf("%w: %v", models.ErrKeyTaken, err)
				}
				return err
			}
			return s.AddKioskDevice(ctx, models.KioskDevice{Name: fmt.Sprint("stand-", round), Key: k}, Officer)
		}, models.ErrKeyTaken)
		if ok != 1 || refused[0] != 1 {
			t.Fatalf("round %d: %d of a member's key and a device's key with one fingerprint were added, %d refused; want 1 and 1", round, ok, refused[0])
		}
	}
}
