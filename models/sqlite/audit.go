package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vote.example.org/booth/models"
)

// appendAudit adds an entry to the chain inside tx, the caller's writing
// transaction, so the action and its record commit together or not at all.
// BEGIN IMMEDIATE serialises writers, so reading the head and appending
// after it cannot race.
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, actor string, ev models.AuditEvent) error {
	now, err := s.storeTime(ctx, tx)
	if err != nil {
		return err
	}
	return s.appendAuditAt(ctx, tx, now, actor, ev)
}

// appendAuditAt appends an entry at the time now, which it records.
func (s *Store) appendAuditAt(ctx context.Context, tx *sql.Tx, now time.Time, actor string, ev models.AuditEvent) error {
	var (
		seq  int64
		head []byte
	)
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &head)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("reading the audit log's head: %w", err)
	}
	e, err := models.NextAuditEntry(seq, head, now, actor, ev)
	if err != nil {
		return err
	}
	if err := recordTime(ctx, tx, now); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit (seq, at, actor, action, detail, prev, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, e.Seq, e.At.Unix(), e.Actor, e.Action, e.Detail, e.Prev[:], e.Hash[:])
	if err != nil {
		return fmt.Errorf("appending to the audit log: %w", err)
	}
	return nil
}

// Audit appends an entry for an action the store does not audit itself.
func (s *Store) Audit(ctx context.Context, actor, action, detail string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		return s.appendAudit(ctx, tx, actor, models.AuditEvent{Action: action, Detail: detail})
	})
}

// AuditLog returns the whole chain in sequence order.
func (s *Store) AuditLog(ctx context.Context) ([]models.AuditEntry, error) {
	var log []models.AuditEntry
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT seq, at, actor, action, detail, prev, hash FROM audit ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				e          models.AuditEntry
				at         int64
				prev, hash []byte
			)
			if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Detail, &prev, &hash); err != nil {
				return err
			}
			e.At = unixUTC(at)
			// A malformed hash stays zero, and VerifyChain reports it.
			copy(e.Prev[:], prev)
			copy(e.Hash[:], hash)
			log = append(log, e)
		}
		return rows.Err()
	})
	return log, err
}

// unixUTC turns stored Unix seconds into a UTC time.
func unixUTC(sec int64) time.Time { return time.Unix(sec, 0).UTC() }
