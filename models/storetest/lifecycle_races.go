package storetest

import (
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// RunLifecycleRaces races the lifecycle writes whose
// state checks moved into models (CheckExtend, CheckClose, CheckWithdraw,
// CheckCount, CheckPublish) across several stores on one database: each
// check must still read the election under the writing transaction's lock.
func RunLifecycleRaces(t *testing.T, open func(t *testing.T, n int, clock func() time.Time) []models.Store) {
	setup := func(t *testing.T) []models.Store {
		stores := openOnOneClock(t, open)
		Setup(t, stores[0], MemberIDs(4), nil)
		return stores
	}
	count := func(t *testing.T, s models.Store, action, word string) int {
		t.Helper()
		log, err := s.AuditLog(ctx)
		must(t, err)
		n := 0
		for _, e := range log {
			if e.Action == action && strings.Contains(e.Detail, word) {
				n++
			}
		}
		return n
	}
	t.Run("Extend", func(t *testing.T) {
		stores := setup(t)
		ok, refused := race(t, stores, 16, func(i int, s models.Store) error {
			return At(s, T0.Add(49*time.Hour)).Extend(ctx, "e1", 0, Officer)
		}, models.ErrWrongState)
		if ok != 1 || refused[0] != 15 {
			t.Errorf("%d extensions from 0, %d refused; want 1 and 15", ok, refused[0])
		}
		if n := count(t, stores[0], "election.extend", ""); n != 1 {
			t.Errorf("%d extend entries", n)
		}
		e, err := stores[0].Election(ctx, "e1")
		must(t, err)
		if e.Extensions != 1 {
			t.Errorf("%d extensions", e.Extensions)
		}
	})
	t.Run("WithdrawCloseCountPublish", func(t *testing.T) {
		stores := setup(t)
		ok, refused := race(t, stores, 16, func(i int, s models.Store) error {
			return s.WithdrawCandidate(ctx, "e1", "ken", Officer)
		}, models.ErrExists)
		if ok != 1 || refused[0] != 15 {
			t.Errorf("withdraw: %d ok, %d refused", ok, refused[0])
		}
		ok, refused = race(t, stores, 16, func(i int, s models.Store) error {
			err := At(s, T0.Add(time.Hour)).CloseElection(ctx, "e1", Officer)
			if err != nil && strings.Contains(err.Error(), "scrub") {
				return nil // closed, its scrub left to retry
			}
			return err
		}, models.ErrWrongState)
		if ok != 1 || refused[0] != 15 {
			t.Errorf("close: %d ok, %d refused", ok, refused[0])
		}
		if n := count(t, stores[0], "election.close", ""); n != 1 {
			t.Errorf("%d close entries", n)
		}
		ok, _ = race(t, stores, 16, func(i int, s models.Store) error {
			return s.SaveResult(ctx, "e1", storedResult(), Officer)
		})
		if ok != 16 {
			t.Errorf("count: %d of 16", ok)
		}
		if c, r := count(t, stores[0], "election.result", " counted:"), count(t, stores[0], "election.result", " recounted:"); c != 1 || r != 15 {
			t.Errorf("%d counted and %d recounted entries; want 1 and 15", c, r)
		}
		ok, _ = race(t, stores, 16, func(i int, s models.Store) error {
			return s.SaveBundle(ctx, "e1", []byte{byte(i), 1, 2}, Officer)
		})
		if ok != 16 {
			t.Errorf("publish: %d of 16", ok)
		}
		if p, a := count(t, stores[0], models.PublishAction, " published:"), count(t, stores[0], models.PublishAction, " published again:"); p != 1 || a != 15 {
			t.Errorf("%d published and %d published again; want 1 and 15", p, a)
		}
		log, err := stores[0].AuditLog(ctx)
		must(t, err)
		if _, err := models.VerifyChain(log); err != nil {
			t.Error(err)
		}
	})
}
