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
// cells in arrival order, whatever their keys); after the commit it
// checkpoints and truncates the WAL (which holds one frame per cast, in
// cast order) and vacuums the file, so no freed page keeps old bytes.
func (s *Store) CloseElection(ctx context.Context, id string, now time.Time, actor string) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.unlock()
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, id)
		if err != nil {
			return err
		}
		if e.State != models.Open {
			return fmt.Errorf("election %s is %s, only an open election can be closed: %w", id, e.State, models.ErrWrongState)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE elections SET state = ?, closed_at = ? WHERE id = ?`,
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
		return s.appendAudit(ctx, tx, actor, "election.close",
			fmt.Sprintf("election %s closed, %d of %d voted", id, t.Voted, t.Electorate))
	})
	if err != nil {
		return err
	}
	if err := s.compact(ctx); err != nil {
		return fmt.Errorf("election %s is closed, but clearing the database's old pages failed: %w; until they are cleared the file may still show the order ballots arrived in: stop the other processes using the data directory and compact it again", id, err)
	}
	return nil
}

// Compact checkpoints and truncates the WAL and vacuums the database; it
// finishes CloseElection's work when another process blocked it.
func (s *Store) Compact(ctx context.Context) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.unlock()
	return s.compact(ctx)
}

// compact does Compact's work for a caller holding the writer slot.
func (s *Store) compact(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
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
		return fmt.Errorf("checkpoint: another connection is still reading the database (%d of %d WAL frames copied)", done, logFrames)
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
