package booth

import (
	"slices"
	"testing"

	"vote.example.org/booth/models"
)

// orderSeen is the candidate order member v0000 is shown in council by a
// booth on svc, in a session of its own.
func orderSeen(t *testing.T, e *canonEnv, svc *models.Service) []int {
	t.Helper()
	m := New(t.Context(), svc, Session{Member: e.members[0], Now: e.clock.Now}).(*model)
	defer m.cancel()
	run(m, m.loadElections())
	typeKeys(m, "enter")
	if m.el == nil || m.el.me.ID != "council" {
		t.Fatalf("council did not open:\n%s", m.content())
	}
	return slices.Clone(m.el.order)
}

// TestCandidateOrderNeedsTheServerSecret (issue 10 item 2): two servers,
// each with its own store and so its own secret, show one member (same ID,
// same election) different orders of twelve candidates; one store shows
// the member the same order in every session and through every front end
// on it.
func TestCandidateOrderNeedsTheServerSecret(t *testing.T) {
	one, two := newCanonEnv(t, 1), newCanonEnv(t, 1)
	first := orderSeen(t, one, one.svc)
	if slices.Equal(first, orderSeen(t, two, two.svc)) {
		t.Errorf("two servers with different secrets show member v0000 one order, %v: it follows from public values", first)
	}
	otherFrontEnd := models.NewService(one.store)
	otherFrontEnd.Now = one.clock.Now
	otherFrontEnd.Rand = one.svc.Rand
	for i := range 3 {
		if again := orderSeen(t, one, otherFrontEnd); !slices.Equal(again, first) {
			t.Fatalf("session %d shows v0000 the order %v, the first showed %v", i+2, again, first)
		}
	}
	s1, err := one.svc.OrderSecret(t.Context())
	kioskMust(t, err)
	s2, err := two.svc.OrderSecret(t.Context())
	kioskMust(t, err)
	if len(s1) != models.OrderSecretSize || slices.Equal(s1, s2) {
		t.Errorf("the servers' secrets are %x and %x: want two different %d-byte secrets", s1, s2, models.OrderSecretSize)
	}
}
