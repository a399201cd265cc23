package storetest

import (
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// Issue 10 item 5: a session outlives neither its key nor the member's
// standing. The cast's transaction checks that the key the session signed
// in with still belongs to the member and that the member is active; a
// cast without a key (the kiosk, where a code was redeemed for the member)
// checks the standing alone.
func testCastChecksTheCaster(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a", "b", "c", "d", "k"}, nil)
	at := T0.Add(time.Hour)
	second := Key("a", 2)
	must(t, s.AddKey(ctx, "a", second, Officer))

	// a's first key is removed while a session of it is open: its cast
	// is refused, and a's other key still casts.
	must(t, s.RemoveKey(ctx, "a", Key("a", 1).Fingerprint, Officer))
	wantErr(t, "a cast with a removed key", At(s, at).Cast(ctx, CastIn("a", "ra")), models.ErrKeyRevoked)
	// Another member's key does not sign for a.
	withB := CastIn("a", "ra")
	withB.Key = Key("b", 1).Fingerprint
	wantErr(t, "a cast with another member's key", s.Cast(ctx, withB), models.ErrKeyRevoked)
	wantBox(t, s, 0, 0)
	withSecond := CastIn("a", "ra")
	withSecond.Key = second.Fingerprint
	must(t, s.Cast(ctx, withSecond))

	// b is suspended, c removed, while their sessions are open.
	must(t, s.SetMemberStatus(ctx, "b", models.Suspended, Officer))
	must(t, s.SetMemberStatus(ctx, "c", models.Removed, Officer))
	wantErr(t, "a suspended member's cast", s.Cast(ctx, CastIn("b", "rb")), models.ErrInactive)
	wantErr(t, "a removed member's cast", s.Cast(ctx, CastIn("c", "rc")), models.ErrInactive)
	// At the kiosk, without a key: the standing still counts.
	kiosk := CastIn("b", "rb")
	kiosk.Key = ""
	wantErr(t, "a suspended member's cast at the kiosk", s.Cast(ctx, kiosk), models.ErrInactive)
	kiosk = CastIn("k", "rk")
	kiosk.Key = ""
	must(t, s.Cast(ctx, kiosk))
	wantBox(t, s, 2, 2)
	// Reinstated, b casts again.
	must(t, s.SetMemberStatus(ctx, "b", models.Active, Officer))
	must(t, s.Cast(ctx, CastIn("b", "rb")))

	// Replacing checks the caster the same way, and changes nothing when
	// refused.
	must(t, s.RemoveKey(ctx, "d", Key("d", 1).Fingerprint, Officer))
	r := models.Replacement{ElectionID: "e1", MemberID: "d", Key: Key("d", 1).Fingerprint,
		OldReceipt: Receipt("rb"), NewReceipt: Receipt("new"), Sealed: []byte("x")}
	wantErr(t, "a replacement with a removed key", s.Replace(ctx, r), models.ErrKeyRevoked)
	r.MemberID, r.Key = "b", Key("b", 1).Fingerprint
	must(t, s.SetMemberStatus(ctx, "b", models.Suspended, Officer))
	wantErr(t, "a suspended member's replacement", s.Replace(ctx, r), models.ErrInactive)
	if st, _ := s.Receipt(ctx, "e1", Receipt("rb")); st != models.ReceiptCounted {
		t.Errorf("refused replacements left the ballot %s", st)
	}
	wantBox(t, s, 3, 3)
}

// Issue 10 item 4: the lifecycle runs on the store's clock, not on the
// clock of the process that ticks. A front end whose clock is three hours
// ahead neither closes an election before its time nor opens one early,
// and a close it makes is dated by the store.
func testTickDecidesByTheStoreClock(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a", "b"}, func(d *models.Definition) { d.Quorum = models.QuorumRule{} })
	later := Definition("later")
	later.OpensAt, later.ClosesAt = T0.Add(48*time.Hour+time.Hour), T0.Add(96*time.Hour)
	must(t, s.CreateElection(ctx, models.Election{Definition: later, Recipients: []string{"age1test"}}, Officer))

	storeNow := T0.Add(48*time.Hour - 2*time.Hour) // e1 closes in two hours, "later" opens in three
	At(s, storeNow)
	ahead := models.NewService(s)
	ahead.Now = func() time.Time { return storeNow.Add(3*time.Hour + time.Minute) }
	must(t, ahead.Tick(ctx))
	for id, want := range map[string]models.ElectionState{"e1": models.Open, "later": models.Draft} {
		if e, err := s.Election(ctx, id); err != nil || e.State != want {
			t.Errorf("election %s after a tick by a clock 3 h ahead: %s (%v), want %s", id, e.State, err, want)
		}
	}
	must(t, At(s, storeNow).Cast(ctx, CastIn("a", "ra")))

	must(t, ahead.CloseElection(ctx, "e1", Officer))
	if e, _ := s.Election(ctx, "e1"); !e.ClosedAt.Equal(storeNow) {
		t.Errorf("closed at %v by a front end 3 h ahead, want the store's time %v", e.ClosedAt, storeNow)
	}
	// When the store's time comes, any clock's tick opens "later".
	At(s, later.OpensAt)
	behind := models.NewService(s)
	behind.Now = func() time.Time { return T0 }
	must(t, behind.Tick(ctx))
	if e, _ := s.Election(ctx, "later"); e.State != models.Open || !e.OpenedAt.Equal(later.OpensAt) {
		t.Errorf("at its opening time by the store, \"later\" is %s, opened at %v", e.State, e.OpenedAt)
	}
}
