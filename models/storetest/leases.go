package storetest

import (
	"testing"
	"time"

	"vote.example.org/booth/models"
)

const leaseTTL = time.Minute

func acquire(t *testing.T, s models.Store, member, holder string, limit int, now time.Time) string {
	t.Helper()
	id, err := s.AcquireLease(ctx, member, holder, limit, leaseTTL, now)
	if err != nil {
		t.Fatalf("AcquireLease(%s, %s, limit %d) at %v: %v", member, holder, limit, now.Format(time.TimeOnly), err)
	}
	if id == "" {
		t.Fatal("AcquireLease returned an empty lease ID")
	}
	return id
}

func wantFull(t *testing.T, s models.Store, member string, limit int, now time.Time) {
	t.Helper()
	_, err := s.AcquireLease(ctx, member, "front-x", limit, leaseTTL, now)
	wantErr(t, "a lease over the limit", err, models.ErrTooManySessions)
}

// The limit counts a member's live leases from every front end; a
// released lease frees its slot.
func testLeases(t *testing.T, s models.Store) {
	must(t, s.ImportMembers(ctx, []models.Member{Member("alice"), Member("bob")}, Officer))
	a1 := acquire(t, s, "alice", "front-1", 2, T0)
	a2 := acquire(t, s, "alice", "front-2", 2, T0)
	if a1 == a2 {
		t.Fatalf("two leases share the ID %s", a1)
	}
	wantFull(t, s, "alice", 2, T0)
	acquire(t, s, "bob", "front-1", 2, T0)
	acquire(t, s, "alice", "front-1", 3, T0) // a higher limit has room

	must(t, s.ReleaseLease(ctx, a1))
	acquire(t, s, "alice", "front-1", 3, T0)
	wantFull(t, s, "alice", 3, T0)
	must(t, s.ReleaseLease(ctx, a1)) // gone already
	must(t, s.ReleaseLease(ctx, "no-such-lease"))
	wantFull(t, s, "alice", 3, T0)
}

// Leases that are not renewed expire, so a front end that died does not
// lock its members out; renewing keeps a lease, but never brings back one
// that expired.
func testLeaseExpiry(t *testing.T, s models.Store) {
	must(t, s.AddMember(ctx, Member("alice"), Officer))
	kept := acquire(t, s, "alice", "front-1", 2, T0)
	dead := acquire(t, s, "alice", "front-dead", 2, T0)
	must(t, s.RenewLeases(ctx, []string{kept}, leaseTTL, T0.Add(30*time.Second)))
	wantFull(t, s, "alice", 2, T0.Add(leaseTTL-time.Nanosecond))

	// At its expiry the dead front end's lease no longer counts.
	late := T0.Add(leaseTTL)
	third := acquire(t, s, "alice", "front-2", 2, late)
	wantFull(t, s, "alice", 2, late)

	must(t, s.ReleaseLease(ctx, third))
	must(t, s.RenewLeases(ctx, []string{dead, "no-such-lease"}, leaseTTL, late.Add(time.Second)))
	acquire(t, s, "alice", "front-2", 2, late.Add(time.Second))
	wantFull(t, s, "alice", 2, late.Add(time.Second))

	// Without renewal every lease goes in the end.
	end := T0.Add(10 * leaseTTL)
	must(t, s.RenewLeases(ctx, nil, leaseTTL, end))
	acquire(t, s, "alice", "front-1", 2, end)
	acquire(t, s, "alice", "front-1", 2, end)
}

func testLeaseRefusals(t *testing.T, s models.Store) {
	must(t, s.AddMember(ctx, Member("alice"), Officer))
	for name, f := range map[string]func() error{
		"limit 0": func() error { _, err := s.AcquireLease(ctx, "alice", "front-1", 0, leaseTTL, T0); return err },
		"ttl 0":   func() error { _, err := s.AcquireLease(ctx, "alice", "front-1", 1, 0, T0); return err },
		"no member": func() error {
			_, err := s.AcquireLease(ctx, "", "front-1", 1, leaseTTL, T0)
			return err
		},
		"renewing for no time": func() error { return s.RenewLeases(ctx, nil, -time.Second, T0) },
	} {
		if err := f(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// The refusals took no slot.
	acquire(t, s, "alice", "front-1", 1, T0)
}
