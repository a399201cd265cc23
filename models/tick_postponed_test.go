package models_test

import (
	"context"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// editingStore lets another front end's edit land between Tick's read of
// the elections and its opening transaction.
type editingStore struct {
	models.Store
	between func()
}

func (s *editingStore) OpenElection(ctx context.Context, id, fingerprint, actor string) error {
	if f := s.between; f != nil {
		s.between = nil
		f()
	}
	return s.Store.OpenElection(ctx, id, fingerprint, actor)
}

// An officer postpones an election by a day just as its opening time
// comes, while another front end's clock tick has already read it as due.
// The tick must not open it: the postponed definition was never due.
// Since issue 12 the store opens it "early", moving the opening the
// officer just postponed back to now, audited as the clock's doing.
func TestTickDoesNotOpenAPostponedElection(t *testing.T) {
	e := newEnv(t, 2)
	e.create(t, definition("e1"))
	e.clock.Set(t0.Add(-time.Second))
	postponed := e.election(t, "e1").Definition
	postponed.OpensAt = t0.Add(24 * time.Hour)
	postponed.ClosesAt = t0.Add(72 * time.Hour)
	ws := &editingStore{Store: e.store}
	ws.between = func() {
		must(t, e.svc.EditElection(ctx, postponed, officer)) // front end B
		e.clock.Set(t0)
	}
	a := e.frontEnd(ws) // front end A, its tick
	e.clock.Set(t0)
	_ = a.Tick(ctx)
	el := e.election(t, "e1")
	if el.State != models.Draft {
		cast(t, e, "e1", memberID(0), "ada")
		t.Errorf("postponed to %v, yet the clock opened it at %v (opens %v) and a ballot was cast at once",
			postponed.OpensAt, el.OpenedAt, el.OpensAt)
	}
}
