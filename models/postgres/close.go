package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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
const vacuumTables = "box, roll, replaced, kiosk_code_records, kiosk_codes, kiosk_code_issues, outbox"

// CloseElection stops voting, then removes the traces of the order and the
// transactions in which ballots arrived. In the closing transaction it
// deletes the election's box, roll and replaced rows and inserts them
// again in key order, each table in a subtransaction of its own: a row's
// xmin then names its table's subtransaction, so no roll mark shares one
// with a ballot, and the heap holds the rows in key order. Either all of
// that commits with the close, or none of it; the same transaction marks
// the election "closed, not scrubbed". After the commit it scrubs (see
// Scrub), waiting up to horizonWait for older transactions; when they
// outlast it, the election stays closed and pending, and the error is a
// *models.ScrubError.
// The closing time is the database's, read once the close holds the
// election's row.
func (s *Store) CloseElection(ctx context.Context, id, actor string) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		// FOR UPDATE waits for the casts in flight; casts after it read
		// the closed state.
		e, err := lockElection(ctx, tx, id, `FOR UPDATE`)
		if err != nil {
			return err
		}
		if err := models.CheckClose(e); err != nil {
			return err
		}
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE elections SET state = $2, closed_at = $3, scrub_pending = true WHERE id = $1`,
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
		if err := foldOutbox(ctx, tx, id); err != nil {
			return fmt.Errorf("clearing the notices' outbox: %w", err)
		}
		return s.appendAudit(ctx, tx, actor, models.AuditElectionClosed(id, t))
	})
	if err != nil {
		return err
	}
	_, err = s.scrub(ctx, s.horizonWait, actor, id)
	return err
}

// Scrub waits, up to wait, until no transaction older than the scrub can
// still see the old row versions of the box, the roll and the replaced
// receipts, then runs VACUUM FULL on them, which copies the live rows into
// new files, so the old versions (with their cast transactions' xmin) are
// gone from the tables. Only then does it clear the mark of the elections
// pending when it began.
func (s *Store) Scrub(ctx context.Context, wait time.Duration, actor string) ([]string, error) {
	return s.scrub(ctx, wait, actor, "")
}

// scrub does Scrub's work. closing names an election whose close, audited
// already, is being scrubbed: its scrub is not audited again.
func (s *Store) scrub(ctx context.Context, wait time.Duration, actor, closing string) ([]string, error) {
	// Read before awaitHorizon takes its mark: every close read here
	// committed before the transactions it waits for began.
	rows, _ := s.pool.Query(ctx, `SELECT id FROM elections WHERE scrub_pending ORDER BY id`)
	pending, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	fail := func(err error) error {
		if len(pending) == 0 {
			return err
		}
		return &models.ScrubError{Elections: pending, Reason: err}
	}
	if err := s.awaitHorizon(ctx, wait); err != nil {
		return nil, fail(fmt.Errorf("VACUUM (FULL) %s cannot clear the old row versions yet: %s", vacuumTables, oneLine(err)))
	}
	if err := s.vacuumFull(ctx); err != nil {
		return nil, fail(err)
	}
	if len(pending) == 0 {
		return nil, nil
	}
	err = s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE elections SET scrub_pending = false WHERE id = ANY($1)`, pending); err != nil {
			return err
		}
		ev, ok := models.AuditScrubbed(pending, closing, "old row versions vacuumed")
		if !ok {
			return nil
		}
		return s.appendAudit(ctx, tx, actor, ev)
	})
	if err != nil {
		return nil, fail(fmt.Errorf("recording the scrub: %w", err))
	}
	s.checkpoint(ctx)
	return pending, nil
}

// checkpoint runs CHECKPOINT after a scrub when booth's role may (a
// superuser, or a member of pg_checkpoint from PostgreSQL 15): it lets the
// server remove or recycle the WAL segments that hold the casts'
// transactions sooner. That is all it does: the segment being written, a
// recycled segment's old bytes, archives, standbys and replication slots
// still hold them (docs/operations.md). Best effort: the scrub is done.
func (s *Store) checkpoint(ctx context.Context) {
	var may bool
	err := s.pool.QueryRow(ctx, `SELECT rolsuper OR CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = 'pg_checkpoint')
			THEN pg_has_role('pg_checkpoint', 'MEMBER') ELSE false END
		FROM pg_roles WHERE rolname = current_user`).Scan(&may)
	if err == nil && may {
		_, _ = s.pool.Exec(ctx, `CHECKPOINT`)
	}
}

// awaitHorizon waits, up to wait, until no transaction that began
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
func (s *Store) awaitHorizon(ctx context.Context, wait time.Duration) error {
	var mark string
	if err := s.pool.QueryRow(ctx, `SELECT pg_snapshot_xmax(pg_current_snapshot())::text`).Scan(&mark); err != nil {
		return err
	}
	deadline := time.Now().Add(wait)
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

// vacuumFull runs VACUUM (FULL) on vacuumTables and checks that it
// rewrote each of them. PostgreSQL skips a table whose owner booth's role
// is not (nor a member of it, nor a superuser, nor the database's owner)
// with only a warning, and the command succeeds: a new file node for every
// table is the proof that the old row versions are gone.
func (s *Store) vacuumFull(ctx context.Context) error {
	type table struct{ name, node, owner string }
	tables := func() ([]table, error) {
		rows, _ := s.pool.Query(ctx, `SELECT c.relname::text, pg_relation_filenode(c.oid)::text, pg_get_userbyid(c.relowner)::text
			FROM unnest(string_to_array(replace($1, ' ', ''), ',')::regclass[]) AS t (oid) JOIN pg_class c ON c.oid = t.oid
			ORDER BY c.relname`, vacuumTables)
		return pgx.CollectRows(rows, func(row pgx.CollectableRow) (table, error) {
			var t table
			return t, row.Scan(&t.name, &t.node, &t.owner)
		})
	}
	before, err := tables()
	if err != nil {
		return fmt.Errorf("reading the file nodes of %s: %s", vacuumTables, oneLine(err))
	}
	if _, err := s.pool.Exec(ctx, `VACUUM (FULL) `+vacuumTables); err != nil {
		return fmt.Errorf("VACUUM (FULL) %s failed: %s", vacuumTables, oneLine(err))
	}
	after, err := tables()
	if err != nil {
		return fmt.Errorf("reading the file nodes of %s: %s", vacuumTables, oneLine(err))
	}
	var skipped, owners []string
	for _, a := range after {
		for _, b := range before {
			if a.name == b.name && a.node == b.node {
				skipped = append(skipped, a.name)
				if !slices.Contains(owners, a.owner) {
					owners = append(owners, a.owner)
				}
			}
		}
	}
	if len(skipped) == 0 {
		return nil
	}
	var role string
	if err := s.pool.QueryRow(ctx, `SELECT current_user::text`).Scan(&role); err != nil {
		return err
	}
	list := strings.Join(skipped, ", ")
	return fmt.Errorf("VACUUM (FULL) skipped %s: only a table's owner may vacuum it, and booth connects as role %q while they belong to %s; "+
		"make booth's role own them (as a superuser: ALTER TABLE ... OWNER TO %s, for each of %s), or connect booth as their owner",
		list, role, strings.Join(owners, ", "), pgx.Identifier{role}.Sanitize(), list)
}
