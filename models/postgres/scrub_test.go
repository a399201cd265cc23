package postgres

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/postgres/pgtest"
	"vote.example.org/booth/models/storetest"
)

// Issue 10 item 1 on PostgreSQL: a transaction older than the close kept
// VACUUM FULL from dropping the cast-time row versions (the roll mark's and
// the ballot's shared xmin), and the close only returned an error. Now the
// election stays "closed, not scrubbed", is not counted, and the service's
// tick finishes the scrub once that transaction has ended.
func TestScrubPendingUntilOlderTransactionsEnd(t *testing.T) {
	dsn := pgtest.Database(t)
	s := openTest(t, dsn)
	usePageinspect(t, s)
	ids := storetest.MemberIDs(10)
	storetest.Setup(t, s, ids, nil)
	at := storetest.T0.Add(time.Hour)
	for i, id := range slices.Backward(ids) {
		must(t, storetest.At(s, at).Cast(ctx, storetest.CastIn(id, fmt.Sprint("scrub-", i))))
	}
	// shared counts the transactions that wrote both a roll row and a
	// ballot among every tuple in the tables' pages, dead ones included.
	shared := func() int {
		return scalar[int](t, s, `WITH pages AS (
				SELECT rel, t_xmin::text AS x FROM unnest(ARRAY['roll', 'box']) AS rel,
				LATERAL generate_series(0, pg_relation_size(rel::regclass) / current_setting('block_size')::int - 1) AS blk,
				LATERAL heap_page_items(get_raw_page(rel, blk::int)) WHERE t_xmin IS NOT NULL)
			SELECT count(*) FROM (SELECT x FROM pages GROUP BY x HAVING count(DISTINCT rel) = 2) AS both_tables`)
	}
	// An older transaction, idle between two statements with an xid.
	conn, err := pgx.Connect(ctx, dsn)
	must(t, err)
	defer conn.Close(ctx)
	older, err := conn.Begin(ctx)
	must(t, err)
	_, err = older.Exec(ctx, `INSERT INTO leases VALUES ('older', 'm000', 'front-x', 0)`)
	must(t, err)

	s.horizonWait = 200 * time.Millisecond
	err = storetest.At(s, at).CloseElection(ctx, "e1", storetest.Officer)
	var se *models.ScrubError
	if !errors.As(err, &se) || !slices.Equal(se.Elections, []string{"e1"}) {
		t.Fatalf("a close overlapping an older transaction: %v, want a ScrubError naming e1", err)
	}
	if e, err := s.Election(ctx, "e1"); err != nil || e.State != models.Closed || !e.ScrubPending {
		t.Fatalf("after that close: %s, scrub pending %v, %v; want closed and pending", e.State, e.ScrubPending, err)
	}
	// Not blind: the old versions are still in the pages, pairs and all.
	if tuples, _ := heapTuples(t, s, "box"); tuples != 20 || shared() != 10 {
		t.Fatalf("closed, not scrubbed: the box's pages hold %d tuples and %d roll marks share a transaction with a ballot, want 20 and 10", tuples, shared())
	}
	svc := models.NewService(s)
	svc.Now = func() time.Time { return at }
	_, err = svc.Count(ctx, "e1", nil, storetest.Officer)
	if !errors.Is(err, models.ErrNotScrubbed) {
		t.Fatalf("counting an election not scrubbed: %v, want ErrNotScrubbed", err)
	}
	if _, err := s.Scrub(ctx, 200*time.Millisecond, storetest.Officer); !errors.As(err, &se) {
		t.Fatalf("a scrub while the older transaction is still open: %v, want a ScrubError", err)
	}

	must(t, older.Rollback(ctx))
	must(t, svc.Tick(ctx))
	if e, err := s.Election(ctx, "e1"); err != nil || e.ScrubPending {
		t.Fatalf("after the tick: scrub pending %v, %v", e.ScrubPending, err)
	}
	for table, rows := range map[string]int64{"box": 10, "roll": 10} {
		if tuples, _ := heapTuples(t, s, table); tuples != rows {
			t.Errorf("after the scrub the pages of %s hold %d tuples, want the %d live ones", table, tuples, rows)
		}
	}
	if n := shared(); n != 0 {
		t.Errorf("after the scrub %d roll marks share a transaction with a ballot", n)
	}
	log, err := s.AuditLog(ctx)
	must(t, err)
	if last := log[len(log)-1]; last.Action != "election.scrub" || last.Actor != models.ClockActor ||
		last.Detail != "storage of e1 scrubbed after the close: old row versions vacuumed" {
		t.Errorf("the last audit entry is %s by %s (%q), want the tick's scrub", last.Action, last.Actor, last.Detail)
	}
}
