package sqlite

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"os"
	"testing"
	"time"

	"vote.example.org/booth/models/storetest"
)

// Issue 10 item 1: the write that records a finished scrub goes through
// the WAL like any other. A reader that turns up after the compaction,
// just before that write, keeps its frames in the WAL: they must hold the
// elections' and the audit log's pages and nothing of the roll or the box.
func TestScrubMarkLeavesNoRollOrBoxInTheWAL(t *testing.T) {
	ids := memberIDs(12)
	s := setup(t, ids, nil)
	at := t0.Add(time.Hour)
	for i := range ids {
		id := ids[(i*5)%len(ids)]
		must(t, storetest.At(s, at).Cast(ctx, cast(id, "scrub-"+id)))
	}
	var held *sql.Tx
	s.afterCompact = func() {
		db, err := sql.Open("sqlite", "file:"+s.path)
		must(t, err)
		t.Cleanup(func() { db.Close() })
		held, err = db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		must(t, err)
		var n int
		must(t, held.QueryRow(`SELECT count(*) FROM elections`).Scan(&n))
		t.Cleanup(func() { held.Rollback() })
	}
	must(t, storetest.At(s, at).CloseElection(ctx, "e1", officer))
	if held == nil {
		t.Fatal("the close never reached the point after its compaction")
	}
	if e, err := s.Election(ctx, "e1"); err != nil || e.ScrubPending {
		t.Fatalf("after the close: scrub pending %v, %v", e.ScrubPending, err)
	}
	wal, err := os.ReadFile(s.path + "-wal")
	must(t, err)
	if len(wal) <= 32 {
		t.Fatalf("the WAL holds %d bytes: the reader did not keep the mark's frames, so this test shows nothing", len(wal))
	}
	ps := int(binary.BigEndian.Uint32(wal[8:12]))
	frames := 0
	for off := 32; off+24+ps <= len(wal); off += 24 + ps {
		frames++
		page := wal[off+24 : off+24+ps]
		for _, id := range ids {
			r := receipt("scrub-" + id)
			if bytes.Contains(page, []byte("e1"+id)) || bytes.Contains(page, r[:]) {
				t.Errorf("WAL frame %d (page %d) holds a roll row or a ballot of %s", frames, binary.BigEndian.Uint32(wal[off:]), id)
			}
		}
	}
	t.Logf("the reader kept %d frames of the scrub's record in the WAL, none of the roll or the box", frames)
}
