package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// appendAudit adds an entry to the chain inside tx, the caller's writing
// transaction, so the action and its record commit together or not at all.
// The advisory lock, held to the commit, makes appends from every front
// end take turns; at READ COMMITTED the head is read after the lock is
// granted, so it is the last committed entry and the chain never forks.
func (s *Store) appendAudit(ctx context.Context, tx pgx.Tx, actor string, ev models.AuditEvent) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockAudit); err != nil {
		return fmt.Errorf("locking the audit log: %w", err)
	}
	var (
		seq  int64
		head []byte
	)
	err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &head)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("reading the audit log's head: %w", err)
	}
	now, err := s.txNow(ctx, tx)
	if err != nil {
		return err
	}
	e, err := models.NextAuditEntry(seq, head, now, actor, ev)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO audit (seq, at, actor, action, detail, prev, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		e.Seq, e.At.Unix(), e.Actor, e.Action, e.Detail, e.Prev[:], e.Hash[:]); err != nil {
		return fmt.Errorf("appending to the audit log: %w", err)
	}
	return nil
}

// Audit appends an entry for an action the store does not audit itself.
func (s *Store) Audit(ctx context.Context, actor, action, detail string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		return s.appendAudit(ctx, tx, actor, models.AuditEvent{Action: action, Detail: detail})
	})
}

// AuditLog returns the whole chain in sequence order.
func (s *Store) AuditLog(ctx context.Context) ([]models.AuditEntry, error) {
	var log []models.AuditEntry
	err := s.read(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT seq, at, actor, action, detail, prev, hash FROM audit ORDER BY seq`)
		var err error
		log, err = collect(rows, func(row pgx.CollectableRow) (models.AuditEntry, error) {
			var (
				e          models.AuditEntry
				at         int64
				prev, hash []byte
			)
			err := row.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Detail, &prev, &hash)
			e.At = time.Unix(at, 0).UTC()
			// A malformed hash stays zero, and VerifyChain reports it.
			copy(e.Prev[:], prev)
			copy(e.Hash[:], hash)
			return e, err
		})
		return err
	})
	return log, err
}
