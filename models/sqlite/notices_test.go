package sqlite

import (
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

// After the close the outbox keeps no time of any member's row, and no
// row at all of a notice sent to those who had not voted.
func TestCloseLeavesTheOutboxNoTimes(t *testing.T) {
	ids := memberIDs(6)
	s := setup(t, ids, nil)
	at := t0.Add(time.Hour)
	for _, n := range []models.Notice{{ElectionID: "e1", Kind: models.NoticeAnnounce, Slot: "open"}, {ElectionID: "e1", Kind: models.NoticeRemind, Slot: "1d"}} {
		if _, err := storetest.At(s, at).QueueNotice(ctx, n, officer); err != nil {
			t.Fatal(err)
		}
	}
	items, err := s.ClaimNotices(ctx, "front", 3, time.Minute)
	must(t, err)
	// One sent, one failing for now (a retry time), one held.
	_, err = s.RecordDeliveries(ctx, "front", []models.Delivery{
		{NoticeID: items[0].Notice.ID(), MemberID: items[0].MemberID, State: models.OutboxSent},
		{NoticeID: items[1].Notice.ID(), MemberID: items[1].MemberID, State: models.OutboxPending, Reason: "421", RetryIn: time.Hour},
	}, &items[2], time.Minute)
	must(t, err)
	must(t, storetest.At(s, at).Cast(ctx, cast(ids[3], "r3")))
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE due_at IS NOT NULL OR lease_until IS NOT NULL`); n == 0 {
		t.Fatal("the test left no time in the outbox to clear")
	}
	must(t, storetest.At(s, t0.Add(49*time.Hour)).CloseElection(ctx, "e1", officer))
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE due_at IS NOT NULL OR lease_until IS NOT NULL OR holder IS NOT NULL`); n != 0 {
		t.Errorf("%d outbox rows keep a time or a holder after the close", n)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE notice_id = 'e1/remind/1d'`); n != 0 {
		t.Errorf("the reminder keeps %d per-member rows after the close", n)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE notice_id = 'e1/announce/open'`); n != len(ids) {
		t.Errorf("the announcement keeps %d rows, want %d", n, len(ids))
	}
}
