package postgres

import (
	"testing"
	"time"

	"vote.example.org/booth/models/postgres/pgtest"
	"vote.example.org/booth/models/storetest"
)

// TestScrubCheckpointsWhenAllowed (review F3): a role that may (here a
// superuser) has the close's scrub end with a CHECKPOINT, whose redo point
// lies after the scrub's vacuum.
func TestScrubCheckpointsWhenAllowed(t *testing.T) {
	s := openTest(t, pgtest.Database(t))
	if !scalar[bool](t, s, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`) {
		t.Skip("the test role is not a superuser")
	}
	storetest.Setup(t, s, storetest.MemberIDs(3), nil)
	at := storetest.T0.Add(time.Hour)
	must(t, storetest.At(s, at).Cast(ctx, storetest.CastIn(storetest.MemberIDs(3)[0], "x")))
	before := scalar[string](t, s, `SELECT pg_current_wal_insert_lsn()::text`)
	must(t, storetest.At(s, at).CloseElection(ctx, "e1", storetest.Officer))
	if !scalar[bool](t, s, `SELECT redo_lsn > $1::pg_lsn FROM pg_control_checkpoint()`, before) {
		t.Error("no checkpoint after the close's scrub")
	}
}
