package models_test

import (
	"bytes"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// TestCheckReplace checks a receipt as it is entered, before any new
// ballot: each refusal has its own reason, and nothing is changed.
func TestCheckReplace(t *testing.T) {
	e := newEnv(t, 2)
	e.open(t, definition("e1"))
	e.open(t, definition("e2"))
	noReplace := definition("e3")
	noReplace.AllowReplace = false
	e.open(t, noReplace)
	old := cast(t, e, "e1", memberID(0), "ada\n")
	other := cast(t, e, "e2", memberID(0), "ada\n")
	inE3 := cast(t, e, "e3", memberID(0), "ada\n")
	if err := e.svc.CheckReplace(ctx, "e1", old); err != nil {
		t.Fatalf("a counted receipt: %v", err)
	}
	replacement, err := e.svc.ReplaceBallot(ctx, "e1", models.Caster{MemberID: memberID(0)}, old, ballot(t, e, "e1", "ken\n"))
	must(t, err)
	must(t, e.svc.CheckReplace(ctx, "e1", replacement))
	wantErr(t, "an already replaced receipt", e.svc.CheckReplace(ctx, "e1", old), models.ErrReceiptReplaced)
	wantErr(t, "another election's receipt", e.svc.CheckReplace(ctx, "e1", other), models.ErrReceiptElsewhere)
	unknown, _ := models.NewReceipt(bytes.NewReader(make([]byte, 16)))
	wantErr(t, "an unknown receipt", e.svc.CheckReplace(ctx, "e1", unknown), models.ErrReceiptUnknown)
	if err := e.svc.CheckReplace(ctx, "e1", "K7QF"); err == nil {
		t.Error("a malformed receipt was accepted")
	}
	wantErr(t, "where the election forbids replacing", e.svc.CheckReplace(ctx, "e3", inE3), models.ErrNoReplace)
	wantErr(t, "an unknown election", e.svc.CheckReplace(ctx, "nope", replacement), models.ErrNotFound)
	// The answer depends on the receipt alone: another member asking
	// about a receipt learns the same, so it says nothing of who voted.
	if st, _ := e.svc.VerifyReceipt(ctx, "e1", replacement); st != models.ReceiptCounted {
		t.Errorf("checking changed the ballot: %s", st)
	}
	e.clock.Set(t0.Add(48 * time.Hour))
	wantErr(t, "after the close", e.svc.CheckReplace(ctx, "e1", replacement), models.ErrNotOpen)
}
