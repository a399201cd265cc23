package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vote.example.org/booth/models"
)

// RecordedTime returns the local clock and the latest time the store
// recorded (zero before the first).
func (s *Store) RecordedTime(ctx context.Context) (local, recorded time.Time, err error) {
	err = s.read(ctx, func(tx *sql.Tx) error {
		var err error
		local, recorded, err = s.checkedTime(ctx, tx)
		if errors.Is(err, models.ErrClockSkew) {
			err = nil
		}
		return err
	})
	return local, recorded, err
}

// AcceptLocalClock sets the recorded time back to the local clock after a
// clock that ran ahead wrote it and was corrected; see
// models.LocalClockStore. The audit entry, at the local clock, names both
// times, so the step back is on the record.
func (s *Store) AcceptLocalClock(ctx context.Context, actor string) (local, recorded time.Time, err error) {
	err = s.write(ctx, func(tx *sql.Tx) error {
		var err error
		local, recorded, err = s.checkedTime(ctx, tx)
		if err == nil {
			return fmt.Errorf("%w: this machine's clock reads %s and the database %s recorded %s, at most %s ahead of it: nothing is locked out, so there is nothing to accept",
				models.ErrNothingToAccept, local.Format(time.DateTime+" MST"), s.path, recorded.Format(time.DateTime+" MST"), models.ClockTolerance)
		}
		if !errors.Is(err, models.ErrClockSkew) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE store_info SET latest_time = ?`, formatTime(local)); err != nil {
			return fmt.Errorf("setting the recorded time back: %w", err)
		}
		return s.appendAuditAt(ctx, tx, local, actor, models.AuditClockAccepted(local, recorded))
	})
	return local, recorded, err
}
