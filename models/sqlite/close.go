package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"regexp"
	"time"

	"vote.example.org/booth/models"
)

// sortedTables are the tables whose storage order would tell who voted
// when, with the key order CloseElection rewrites them in.
var sortedTables = []struct{ name, order string }{
	{"box", "election_id, receipt_hash"},
	{"roll", "election_id, member_id"},
	{"replaced", "election_id, receipt_hash"},
	{"kiosk_code_records", "election_id, key"},
}

// CloseElection stops voting, then removes every trace of the order in
// which ballots arrived: in the closing transaction it rewrites the box,
// the roll and the replaced receipts in key order (a b-tree page places
// cells in arrival order, whatever their keys) and marks the election
// "closed, not scrubbed"; after the commit it scrubs (see Scrub), waiting
// for other readers as long as the busy timeout. A reader that outlasts
// that leaves the election closed and pending, and the error a
// *models.ScrubError.
// The closing time is the store's, read once the close holds the write
// lock.
func (s *Store) CloseElection(ctx context.Context, id, actor string) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.unlock()
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := models.CheckClose(e); err != nil {
			return err
		}
		now, err := s.storeTime(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE elections SET state = ?, closed_at = ?, scrub_pending = 1 WHERE id = ?`,
			string(models.Closed), formatTime(now), id); err != nil {
			return err
		}
		t, err := turnout(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, st := range sortedTables {
			if err := rewriteTable(ctx, tx, st.name, st.order); err != nil {
				return fmt.Errorf("rewriting %s: %w", st.name, err)
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
	_, err = s.scrub(ctx, busyTimeout, actor, id)
	return err
}

// busyTimeout is the DSN's busy_timeout: how long a statement waits for
// another connection's lock.
const busyTimeout = 10 * time.Second

// Scrub checkpoints and truncates the WAL (which holds a frame of the roll
// and one of the box per cast, in cast order), vacuums the file (so no
// freed page keeps old bytes, and pages lie in key order) and truncates the
// WAL again, waiting at most wait for readers that keep the checkpoint
// from finishing. Only then does it clear the mark of the elections that
// were pending, in a transaction whose WAL frames hold the elections' and
// the audit log's pages and nothing of the roll or the box, and truncates
// the WAL once more (if a reader keeps that frame, it can tie nobody to
// anything).
func (s *Store) Scrub(ctx context.Context, wait time.Duration, actor string) ([]string, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.unlock()
	return s.scrub(ctx, wait, actor, "")
}

// scrub does Scrub's work for a caller holding the writer slot. closing
// names an election whose close, audited already, is being scrubbed: its
// scrub is not audited again.
func (s *Store) scrub(ctx context.Context, wait time.Duration, actor, closing string) ([]string, error) {
	var pending []string
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM elections WHERE scrub_pending = 1 ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			pending = append(pending, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, wait.Milliseconds())); err != nil {
		return nil, err
	}
	// The connection goes back to the pool: give it the DSN's timeout back
	// even when ctx has ended.
	defer conn.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA busy_timeout = %d`, busyTimeout.Milliseconds()))
	if err := s.compact(ctx, conn); err != nil {
		if len(pending) == 0 {
			return nil, fmt.Errorf("compacting %s: %w", s.path, err)
		}
		return nil, &models.ScrubError{Elections: pending, Reason: err}
	}
	if len(pending) == 0 {
		return nil, nil
	}
	if s.afterCompact != nil {
		s.afterCompact()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, &models.ScrubError{Elections: pending, Reason: err}
	}
	err = func() error {
		for _, id := range pending {
			if _, err := tx.ExecContext(ctx, `UPDATE elections SET scrub_pending = 0 WHERE id = ?`, id); err != nil {
				return err
			}
		}
		ev, ok := models.AuditScrubbed(pending, closing, "WAL emptied, file vacuumed")
		if !ok {
			return nil
		}
		// Recording a scrub decides nothing by time: a clock that went
		// back must not keep the election uncountable, so the entry takes
		// the later of the clock and the recorded time.
		at, err := s.laterTime(ctx, tx)
		if err != nil {
			return err
		}
		return s.appendAuditAt(ctx, tx, at, actor, ev)
	}()
	if err == nil {
		err = tx.Commit()
	} else {
		tx.Rollback()
	}
	if err != nil {
		return nil, &models.ScrubError{Elections: pending, Reason: fmt.Errorf("recording the scrub: %w", err)}
	}
	// Best effort, without waiting: a reader can only keep the frames of
	// the record just written.
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 0`); err == nil {
		_ = checkpoint(ctx, conn)
	}
	return pending, nil
}

// compact checkpoints and truncates the WAL, vacuums the database and
// truncates the WAL again, on conn.
func (s *Store) compact(ctx context.Context, conn *sql.Conn) error {
	if err := checkpoint(ctx, conn); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	// VACUUM wrote the new pages through the WAL; move them home and empty
	// the WAL again.
	if err := checkpoint(ctx, conn); err != nil {
		return err
	}
	if fi, err := os.Stat(s.path + "-wal"); err == nil && fi.Size() != 0 {
		return fmt.Errorf("the WAL file %s-wal still holds %d bytes after a truncating checkpoint", s.path, fi.Size())
	}
	return nil
}

// checkpoint copies the WAL into the database and truncates it to zero
// bytes. SQLite reports a reader that kept it from finishing as busy, not
// as an error.
func checkpoint(ctx context.Context, conn *sql.Conn) error {
	var busy, logFrames, done int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if busy != 0 {
		return fmt.Errorf("another connection is still reading the database, so its write-ahead log cannot be emptied (%d of %d WAL frames copied)", done, logFrames)
	}
	return nil
}

// rewriteTable copies a table into a new one in key order, drops the old
// one and gives the new one its name, inside tx. The new table's
// definition is the old one's, so later migrations are kept.
func rewriteTable(ctx context.Context, tx *sql.Tx, name, order string) error {
	var ddl string
	if err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`, name).Scan(&ddl); err != nil {
		return err
	}
	head := regexp.MustCompile(`(?is)^CREATE\s+TABLE\s+"?` + regexp.QuoteMeta(name) + `"?\s*\(`)
	loc := head.FindStringIndex(ddl)
	if loc == nil {
		return fmt.Errorf("unexpected definition %q", ddl)
	}
	tmp := name + "_sorted"
	indexes, err := indexDDL(ctx, tx, name)
	if err != nil {
		return err
	}
	stmts := []string{
		`DROP TABLE IF EXISTS ` + tmp,
		`CREATE TABLE ` + tmp + ` (` + ddl[loc[1]:],
		`INSERT INTO ` + tmp + ` SELECT * FROM ` + name + ` ORDER BY ` + order,
		`DROP TABLE ` + name,
		`ALTER TABLE ` + tmp + ` RENAME TO ` + name,
	}
	for _, q := range append(stmts, indexes...) {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// indexDDL returns the statements creating a table's explicit indexes,
// which DROP TABLE takes with it.
func indexDDL(ctx context.Context, tx *sql.Tx, table string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var q string
		if err := rows.Scan(&q); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}
