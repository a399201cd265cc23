package postgres

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/postgres/pgtest"
	"vote.example.org/booth/models/storetest"
)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// scalar runs a query returning one value directly on the database.
func scalar[T any](t testing.TB, s *Store, query string, args ...any) T {
	t.Helper()
	var v T
	if err := s.pool.QueryRow(ctx, query, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v
}

// Two front ends starting together on a new database migrate it once.
func TestOpenMigratesOnce(t *testing.T) {
	dsn := pgtest.Database(t)
	stores := make([]*Store, 3)
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() {
			s, err := Open(ctx, dsn)
			if err != nil {
				t.Errorf("Open %d: %v", i, err)
				return
			}
			stores[i] = s
		})
	}
	wg.Wait()
	for _, s := range stores {
		if s != nil {
			t.Cleanup(func() { s.Close() })
		}
	}
	if t.Failed() {
		return
	}
	files, err := fs.Glob(migrations, "migrations/*.sql")
	must(t, err)
	if n := scalar[int64](t, stores[0], `SELECT count(*) FROM schema_migrations`); n != int64(len(files)) || n == 0 {
		t.Errorf("schema_migrations has %d rows, want one per migration (%d)", n, len(files))
	}
	must(t, stores[0].AddMember(ctx, storetest.Member("alice"), storetest.Officer))
	s := openTest(t, dsn)
	if _, err := s.Member(ctx, "alice"); err != nil {
		t.Errorf("member lost across reopening: %v", err)
	}
}

// A database migrated by a newer booth is refused, not half-used, with
// the same models.SchemaTooNewError as SQLite's.
func TestOpenRefusesNewerSchema(t *testing.T) {
	dsn := pgtest.Database(t)
	s := openTest(t, dsn)
	all, err := embeddedMigrations()
	must(t, err)
	latest := all[len(all)-1].version
	_, err = s.pool.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'future.sql')`, latest+1)
	must(t, err)
	s2, err := Open(ctx, dsn)
	if err == nil {
		s2.Close()
		t.Fatal("Open of a database with a newer schema succeeded")
	}
	var tooNew *models.SchemaTooNewError
	if !errors.As(err, &tooNew) || tooNew.Have != latest+1 || tooNew.Knows != latest {
		t.Fatalf("Open of a newer schema: %v, want a SchemaTooNewError (%d, %d)", err, latest+1, latest)
	}
	if want := fmt.Sprintf("the database has schema version %d, this booth knows up to %d: upgrade booth", latest+1, latest); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

// A bad address or an unreachable server is one line that says what is
// wrong and never shows the password.
func TestOpenRefusesBadAddress(t *testing.T) {
	for _, tc := range []struct{ name, dsn, want string }{
		{"not an address", "postgres://booth:s3cret@[::1/booth", "not valid"},
		{"a bad option", "postgres://booth:s3cret@localhost/booth?sslmode=sometimes", "not valid"},
		// libpq's key = value may have spaces, and a quoted value escaped
		// quotes; pgx's error masks neither password.
		{"key = value", "host=localhost password = s3cret sslmode=sometimes", "sslmode is invalid"},
		{"an escaped quote", `host=localhost password='x\' s3cret' sslmode=sometimes`, "sslmode is invalid"},
		{"a malformed pair", "host=localhost password s3cret", "failed to parse as keyword/value"},
		{"a space in a URL", "postgres://booth:s3 cret@localhost/booth", "failed to parse as URL"},
		{"nobody listening", "postgres://booth:s3cret@127.0.0.1:1/booth?connect_timeout=5", "cannot reach PostgreSQL (database booth on 127.0.0.1:1 as booth)"},
	} {
		s, err := Open(ctx, tc.dsn)
		if err == nil {
			s.Close()
			t.Errorf("%s: Open succeeded", tc.name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") || strings.Contains(msg, "s3") {
			t.Errorf("%s: error %q, want one line saying %q without the password", tc.name, msg, tc.want)
		}
	}
	dsn, err := pgtest.WithDatabase(pgtest.Database(t), "booth_no_such_database")
	must(t, err)
	if _, err := Open(ctx, dsn); err == nil || !strings.Contains(err.Error(), `has no database booth_no_such_database: create it`) {
		t.Errorf("Open of a missing database: %v", err)
	}
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		t.Logf("%s is not a URL: the check of an unknown user was not run", pgtest.ServerEnv)
		return
	}
	u.User = url.UserPassword("booth_no_such_role", "s3cret")
	if _, err := Open(ctx, u.String()); err == nil || !strings.Contains(err.Error(), "refused user booth_no_such_role") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Open as an unknown user: %v", err)
	}
}

// A transaction the server rolled back for a race runs again; any other
// error returns at once.
func TestWriteRetriesLostRaces(t *testing.T) {
	s := newStore(t)
	for _, tc := range []struct {
		code      string
		failures  int
		wantTries int
		wantErr   bool
	}{
		{codeSerialization, 2, 3, false},
		{codeDeadlock, 1, 2, false},
		{"23505", 1, 1, true},
		{codeSerialization, maxAttempts, maxAttempts, true},
	} {
		tries := 0
		err := s.write(ctx, func(tx pgx.Tx) error {
			tries++
			if _, err := tx.Exec(ctx, `SELECT 1`); err != nil {
				return err
			}
			if tries <= tc.failures {
				return &pgconn.PgError{Code: tc.code, Message: "made up"}
			}
			return nil
		})
		if tries != tc.wantTries || (err != nil) != tc.wantErr {
			t.Errorf("SQLSTATE %s %d times: %d tries, error %v", tc.code, tc.failures, tries, err)
		}
	}
}

// Editing an audit row in the database breaks the chain at that entry.
func TestAuditEditBreaksChain(t *testing.T) {
	s := newStore(t)
	storetest.Setup(t, s, []string{"alice", "bob"}, nil)
	_, err := s.pool.Exec(ctx, `UPDATE audit SET detail = 'member bob imported (forged)' WHERE seq = 2`)
	must(t, err)
	log, err := s.AuditLog(ctx)
	must(t, err)
	if _, err := models.VerifyChain(log); err == nil || !strings.Contains(err.Error(), "audit entry 2 ") {
		t.Errorf("VerifyChain after an edit: %v, want a report on entry 2", err)
	}
}

// xmins returns the distinct xmin of a table's rows (as text: xid has no
// order).
func xmins(t *testing.T, s *Store, table string) []string {
	t.Helper()
	rows, _ := s.pool.Query(ctx, `SELECT DISTINCT xmin::text FROM `+table)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	must(t, err)
	return ids
}

// heapTuples counts every tuple stored in a table's pages, live or dead,
// and the distinct xmin among them, reading the pages themselves.
func heapTuples(t *testing.T, s *Store, table string) (tuples, distinctXmin int64) {
	t.Helper()
	err := s.pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT t_xmin::text)
		FROM generate_series(0, pg_relation_size($1::regclass) / current_setting('block_size')::int - 1) AS blk,
		LATERAL heap_page_items(get_raw_page($1::text, blk::int)) WHERE t_xmin IS NOT NULL`, table).Scan(&tuples, &distinctXmin)
	must(t, err)
	return tuples, distinctXmin
}

// After the close no roll mark shares a transaction (xmin) with a ballot,
// the tables' pages hold no old row versions, and the rows lie in key
// order. Before it, the same check sees every cast's pair, so it is not
// blind.
func TestCloseLeavesNoSharedXmin(t *testing.T) {
	s := newStore(t)
	usePageinspect(t, s)
	ids := storetest.MemberIDs(60)
	storetest.Setup(t, s, ids, nil)
	at := storetest.T0.Add(time.Hour)
	for i, id := range slices.Backward(ids) { // casts in an order neither members' nor receipts'
		must(t, storetest.At(s, at).Cast(ctx, storetest.CastIn(id, fmt.Sprint("xmin-", i))))
	}
	for _, i := range []int{3, 17} {
		must(t, storetest.At(s, at).Replace(ctx, models.Replacement{ElectionID: "e1", MemberID: ids[i], OldReceipt: storetest.Receipt(fmt.Sprint("xmin-", i)),
			NewReceipt: storetest.Receipt(fmt.Sprint("new-", i)), Sealed: []byte("replacement")}))
	}
	shared := func() int {
		return len(slices.DeleteFunc(xmins(t, s, "roll"), func(x string) bool { return !slices.Contains(xmins(t, s, "box"), x) }))
	}
	if n := shared(); n != 58 {
		t.Fatalf("before the close %d transactions wrote both a roll mark and a ballot, want 58 (60 casts, 2 ballots replaced)", n)
	}
	must(t, storetest.At(s, at).CloseElection(ctx, "e1", storetest.Officer))

	if n := shared(); n != 0 {
		t.Errorf("after the close %d transactions wrote both a roll mark and a ballot", n)
	}
	for table, rows := range map[string]int64{"box": 60, "roll": 60, "replaced": 2} {
		tuples, distinct := heapTuples(t, s, table)
		if tuples != rows || distinct != 1 {
			t.Errorf("after the close the pages of %s hold %d tuples with %d distinct xmin; want %d, all written by one transaction", table, tuples, distinct, rows)
		}
	}
	rows, _ := s.pool.Query(ctx, `SELECT receipt_hash FROM box ORDER BY ctid`)
	stored, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	must(t, err)
	if !slices.IsSortedFunc(stored, bytes.Compare) {
		t.Error("after the close the box does not lie in receipt-hash order")
	}
	rows, _ = s.pool.Query(ctx, `SELECT member_id FROM roll ORDER BY ctid`)
	members, err := pgx.CollectRows(rows, pgx.RowTo[string])
	must(t, err)
	if !slices.Equal(members, ids) {
		t.Error("after the close the roll does not lie in member order")
	}
}

// A transaction older than the close (another front end taking a lease, a
// backup's snapshot) would keep VACUUM FULL from dropping the old row
// versions, cast xmins and all. The close waits for it to end; if it does
// not end in time, the close says the clearing is undone instead of
// reporting success.
func TestCloseWaitsForOlderTransactions(t *testing.T) {
	dsn := pgtest.Database(t)
	s := openTest(t, dsn)
	usePageinspect(t, s)
	ids := storetest.MemberIDs(10)
	storetest.Setup(t, s, ids, nil)
	at := storetest.T0.Add(time.Hour)
	for _, e := range []string{"e2", "e3"} {
		must(t, s.CreateElection(ctx, models.Election{Definition: storetest.Definition(e)}, storetest.Officer))
		must(t, storetest.At(s, storetest.T0).OpenElection(ctx, e, storetest.Fingerprint(t, s, e), storetest.Officer))
	}
	for i, id := range ids {
		for _, e := range []string{"e1", "e2", "e3"} {
			c := storetest.CastIn(id, fmt.Sprint(e, "-", i))
			c.ElectionID = e
			must(t, storetest.At(s, at).Cast(ctx, c))
		}
	}
	// older begins before a close and, with an xid of its own, sits idle
	// in its transaction as a front end between two statements would.
	older := func(dsn, statement string) pgx.Tx {
		conn, err := pgx.Connect(ctx, dsn)
		must(t, err)
		t.Cleanup(func() { conn.Close(ctx) })
		tx, err := conn.Begin(ctx)
		must(t, err)
		_, err = tx.Exec(ctx, statement)
		must(t, err)
		return tx
	}
	closeDuring := func(election string, tx pgx.Tx) {
		ends := make(chan struct{})
		go func() {
			defer close(ends)
			time.Sleep(300 * time.Millisecond)
			tx.Rollback(ctx)
		}()
		must(t, storetest.At(s, at).CloseElection(ctx, election, storetest.Officer))
		<-ends
		for table, rows := range map[string]int64{"box": 30, "roll": 30} {
			tuples, _ := heapTuples(t, s, table)
			if tuples != rows {
				t.Errorf("after closing %s, which overlapped an older transaction, the pages of %s hold %d tuples, want the %d live ones", election, table, tuples, rows)
			}
		}
	}
	// In this database, and in another one of the same cluster: its
	// transaction holds back every snapshot's xmin, the VACUUM's too.
	closeDuring("e1", older(dsn, `INSERT INTO leases VALUES ('older', 'm000', 'front-x', 0)`))
	closeDuring("e2", older(pgtest.Database(t), `SELECT pg_current_xact_id()`))

	defer older(dsn, `INSERT INTO leases VALUES ('older', 'm000', 'front-x', 0)`).Rollback(ctx)
	s.horizonWait = 200 * time.Millisecond
	err := storetest.At(s, at).CloseElection(ctx, "e3", storetest.Officer)
	if err == nil || !strings.Contains(err.Error(), "VACUUM (FULL)") {
		t.Errorf("a close whose old row versions could not be cleared: %v, want an error saying to run VACUUM (FULL)", err)
	}
	if e, _ := s.Election(ctx, "e3"); e.State != models.Closed {
		t.Errorf("e3 is %s after its close, want closed", e.State)
	}
}

// Closes on one connection each build and drop their own temporary table
// (and a statement prepared for the first finds the second's).
func TestClosesShareAConnection(t *testing.T) {
	s := openTest(t, withOption(pgtest.Database(t), "pool_max_conns", "1"))
	storetest.Setup(t, s, []string{"a", "b"}, nil)
	at := storetest.T0.Add(time.Hour)
	for _, id := range []string{"e2", "e3"} {
		must(t, s.CreateElection(ctx, models.Election{Definition: storetest.Definition(id)}, storetest.Officer))
		must(t, storetest.At(s, storetest.T0).OpenElection(ctx, id, storetest.Fingerprint(t, s, id), storetest.Officer))
	}
	for _, id := range []string{"e1", "e2", "e3"} {
		c := storetest.CastIn("a", id)
		c.ElectionID = id
		must(t, storetest.At(s, at).Cast(ctx, c))
		must(t, storetest.At(s, at).CloseElection(ctx, id, storetest.Officer))
		if bs, err := s.Ballots(ctx, id); err != nil || len(bs) != 1 {
			t.Errorf("election %s after its close: %d ballots, %v", id, len(bs), err)
		}
	}
}

// withOption adds key=value to a DSN, a URL or key=value pairs.
func withOption(dsn, key, value string) string {
	switch {
	case !strings.HasPrefix(dsn, "postgres"):
		return dsn + " " + key + "=" + value
	case strings.Contains(dsn, "?"):
		return dsn + "&" + key + "=" + value
	}
	return dsn + "?" + key + "=" + value
}

// A lease renewed a moment before its expiry, while another front end
// takes a slot a moment after it, still counts: the renewal committed
// first, so the slot is not free. (The newcomer's statement waits for the
// renewal's row lock and must then count with what the renewal wrote.)
func TestLeaseRenewedDuringAcquireCounts(t *testing.T) {
	dsn := pgtest.Database(t)
	s := openTest(t, dsn)
	must(t, s.AddMember(ctx, storetest.Member("alice"), storetest.Officer))
	ttl := time.Minute
	id, err := s.AcquireLease(ctx, "alice", "front-1", 1, ttl, storetest.T0)
	must(t, err)
	// front-1's RenewLeases a second before the expiry, held open.
	renewal, err := pgx.Connect(ctx, dsn)
	must(t, err)
	defer renewal.Close(ctx)
	tx, err := renewal.Begin(ctx)
	must(t, err)
	defer tx.Rollback(ctx)
	var renewer int32
	must(t, tx.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&renewer))
	_, err = tx.Exec(ctx, `UPDATE leases SET expires = $3 WHERE id = ANY($1) AND expires > $2`,
		[]string{id}, nanos(storetest.T0.Add(ttl-time.Second)), nanos(storetest.T0.Add(2*ttl-time.Second)))
	must(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := s.AcquireLease(ctx, "alice", "front-2", 1, ttl, storetest.T0.Add(ttl))
		done <- err
	}()
	for blocked := false; !blocked; time.Sleep(5 * time.Millisecond) {
		blocked = scalar[bool](t, s, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)))`, renewer)
	}
	must(t, tx.Commit(ctx))
	if err := <-done; !errors.Is(err, models.ErrTooManySessions) {
		t.Errorf("a second lease under a limit of 1 while the first was renewed: %v, want ErrTooManySessions", err)
	}
}

// usePageinspect loads pageinspect into s's database, for the tests that
// read table pages (dead row versions included).
func usePageinspect(t *testing.T, s *Store) {
	t.Helper()
	if _, err := s.pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pageinspect`); err != nil {
		t.Fatalf("this test reads table pages with pageinspect, which needs PostgreSQL's contrib modules and a superuser: %v", err)
	}
}
