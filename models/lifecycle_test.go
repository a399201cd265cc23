package models_test

import (
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// The clock opens and closes elections, whoever ran the command that
// noticed the time had come: the audit log says so.
func TestTickIsAuditedAsTheClock(t *testing.T) {
	e := newEnv(t, 2)
	e.create(t, definition("e1"))
	e.clock.Set(t0)
	must(t, e.svc.Tick(ctx))
	e.clock.Set(t0.Add(48 * time.Hour))
	must(t, e.svc.Tick(ctx))
	log, err := e.store.AuditLog(ctx)
	must(t, err)
	seen := 0
	for _, en := range log {
		if en.Action == "election.open" || en.Action == "election.close" {
			seen++
			if en.Actor != models.ClockActor {
				t.Errorf("%s audited as done by %q, want %q", en.Action, en.Actor, models.ClockActor)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("%d opens and closes audited, want 2", seen)
	}
}
