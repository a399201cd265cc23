package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// rewrites are the tables whose rows would tell who voted when, each with
// the order CloseElection writes an election's rows back in.
var rewrites = []struct{ table, order string }{
	{"box", "receipt_hash"},
	{"roll", "member_id"},
	{"replaced", "receipt_hash"},
	{"kiosk_code_records", "key"},
}

// defaultHorizonWait is how long a close waits for older transactions.
const defaultHorizonWait = time.Minute

// vacuumTables are the tables VACUUM FULL rewrites after a close.
const vacuumTables = "box, roll, replaced, kiosk_code_records"

// CloseElection stops voting, then removes the traces of the order and the
// transactions in which ballots arrived. In the closing transaction it
// deletes the election's box, roll and replaced rows and inserts them
// again in key order, each table in a subtransaction of its own: a row's
// xmin then names its table's subtransaction, so no roll mark shares one
// with a ballot, and the heap holds the rows in key order. Either all of
// that commits with the close, or none of it. After the commit, and once
// no older transaction can see them (awaitHorizon), VACUUM FULL copies the
// live rows into new files, so the old row versions (with their cast
// transactions' xmin) are gone from the tables.
func (s *Store) CloseElection(ctx context.Context, id string, now time.Time, actor string) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		// FOR UPDATE waits for the casts in flight; casts after it read
		// the closed state.
		e, err := lockElection(ctx, tx, id, `FOR UPDATE`)
		if err != nil {
			return err
		}
		if e.State != models.Open {
			return fmt.Errorf("election %s is %s, only an open election can be closed: %w", id, e.State, models.ErrWrongState)
		}
		if _, err := tx.Exec(ctx, `UPDATE elections SET state = $2, closed_at = $3 WHERE id = $1`,
			id, string(models.Closed), nanos(now)); err != nil {
			return err
		}
		t, err := turnout(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, r := range rewrites {
			if err := rewrite(ctx, tx, r.table, r.order, id); err != nil {
				return fmt.Errorf("rewriting %s: %w", r.table, err)
			}
		}
		return s.appendAudit(ctx, tx, actor, "election.close",
			fmt.Sprintf("election %s closed, %d of %d voted", id, t.Voted, t.Electorate))
	})
	if err != nil {
		return err
	}
	if err := s.awaitHorizon(ctx); err != nil {
		return fmt.Errorf("election %s is closed, but its old row versions cannot be cleared yet: %s; until they are, the database may still show who voted when: once those transactions have ended, run VACUUM (FULL) %s in psql as the booth database's owner",
			id, oneLine(err), vacuumTables)
	}
	if _, err := s.pool.Exec(ctx, `VACUUM (FULL) `+vacuumTables); err != nil {
		return fmt.Errorf("election %s is closed, but clearing the old row versions failed: %s; until they are cleared the database may still show who voted when: run VACUUM (FULL) %s in psql as the booth database's owner",
			id, oneLine(err), vacuumTables)
	}
	return nil
}

// awaitHorizon waits, up to s.horizonWait, until no transaction that began
// before now can still see row versions deleted by a transaction committed
// before now. VACUUM FULL keeps every row version some transaction may
// still see, silently: without the wait, one front end's lease or audit
// write in flight during a close, or a backup's snapshot, would keep the
// box's and the roll's cast-time versions (with their shared xmin).
//
// The holders are what PostgreSQL's cleanup horizon counts: the xid and
// the snapshot xmin of every session of this database (and of walsenders,
// for a standby's feedback), replication slots and prepared transactions.
// A lazy VACUUM (autovacuum's) does not hold it back; pg_stat_progress_vacuum
// names those to any role, where pg_stat_activity hides other roles'
// backend_type. An xid is older than the mark when its age is greater.
//
// A transaction in any other database of the cluster counts too: every
// snapshot's xmin is the oldest transaction running anywhere, so it holds
// back the snapshots of this database's sessions, the VACUUM's own among
// them. A new snapshot's xmin tells, for every database and role, whether
// a transaction older than the mark still runs.
func (s *Store) awaitHorizon(ctx context.Context) error {
	var mark string
	if err := s.pool.QueryRow(ctx, `SELECT pg_snapshot_xmax(pg_current_snapshot())::text`).Scan(&mark); err != nil {
		return err
	}
	deadline := time.Now().Add(s.horizonWait)
	for {
		var pids []int32
		var others int
		var olderRunning bool
		err := s.pool.QueryRow(ctx, `WITH sessions AS (
				SELECT pid, backend_xid, backend_xmin, datname = current_database() OR datname IS NULL AS here
				FROM pg_stat_activity
				WHERE pid <> pg_backend_pid() AND pid NOT IN (SELECT pid FROM pg_stat_progress_vacuum)),
			holders (pid, x) AS (
				SELECT pid, backend_xid FROM sessions
				UNION ALL SELECT pid, backend_xmin FROM sessions WHERE here
				UNION ALL SELECT NULL::integer, xmin FROM pg_replication_slots WHERE database IS NULL OR database = current_database()
				UNION ALL SELECT NULL::integer, transaction FROM pg_prepared_xacts WHERE database = current_database())
			SELECT coalesce(array_agg(DISTINCT pid) FILTER (WHERE pid IS NOT NULL), '{}'), count(*) FILTER (WHERE pid IS NULL),
				pg_snapshot_xmin(pg_current_snapshot()) < $1::xid8
			FROM holders WHERE x IS NOT NULL AND age(x) > age(xid($1::xid8))`, mark).Scan(&pids, &others, &olderRunning)
		if err != nil {
			return err
		}
		if len(pids) == 0 && others == 0 && !olderRunning {
			return nil
		}
		if time.Now().After(deadline) {
			if len(pids) == 0 && others == 0 {
				return errors.New("a transaction older than the close is still open in this PostgreSQL cluster, in another database or of another role (see pg_stat_activity as a superuser)")
			}
			return fmt.Errorf("transactions older than the close are still open (server processes %v, and %d replication slots or prepared transactions; see pg_stat_activity)", pids, others)
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// rewrite deletes an election's rows of table and inserts them again in
// order, inside a subtransaction of tx (a savepoint), which gives the new
// rows an xmin of their own. The rows pass through a temporary table,
// which never reaches the write-ahead log.
func rewrite(ctx context.Context, tx pgx.Tx, table, order, electionID string) error {
	return pgx.BeginFunc(ctx, tx, func(sub pgx.Tx) error {
		steps := []struct {
			sql  string
			args []any
		}{
			{`CREATE TEMPORARY TABLE rewrite (LIKE ` + table + `)`, nil},
			{`INSERT INTO rewrite SELECT * FROM ` + table + ` WHERE election_id = $1`, []any{electionID}},
			{`DELETE FROM ` + table + ` WHERE election_id = $1`, []any{electionID}},
			{`INSERT INTO ` + table + ` SELECT * FROM rewrite ORDER BY ` + order, nil},
			{`DROP TABLE rewrite`, nil},
		}
		for _, st := range steps {
			if _, err := sub.Exec(ctx, st.sql, st.args...); err != nil {
				return fmt.Errorf("%s: %w", st.sql, err)
			}
		}
		return nil
	})
}
