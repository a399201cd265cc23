package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vote.example.org/booth/models"
)

// The store's time on SQLite is the local clock: every process using a
// data directory runs on one machine, so there is no other clock to ask.
// What can go wrong is that clock over time, so the store records the
// latest time it acted at (store_info.latest_time) and refuses a clock
// that has fallen behind it by more than models.ClockTolerance. Casts only
// check it: a time written with each cast would say when someone voted.

// recordEvery is how far the clock must have moved past the recorded time
// before Now records it again, so a lifecycle tick every few seconds does
// not write every time.
const recordEvery = 30 * time.Second

// Now is the store's time: the local clock, once checked against the
// latest recorded time; it records the time when it has moved on by
// recordEvery, so a clock that goes back later is caught even when no
// officer acted in between.
func (s *Store) Now(ctx context.Context) (time.Time, error) {
	var (
		now    time.Time
		latest time.Time
	)
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		now, latest, err = s.checkedTime(ctx, tx)
		return err
	})
	if err != nil || now.Sub(latest) < recordEvery {
		return now, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if now, err = s.storeTime(ctx, tx); err != nil {
			return err
		}
		return recordTime(ctx, tx, now)
	})
	return now, err
}

// storeTime reads the store's time inside tx, after its lock: the local
// clock, refused when it is behind the recorded time (ErrClockSkew).
func (s *Store) storeTime(ctx context.Context, tx *sql.Tx) (time.Time, error) {
	now, _, err := s.checkedTime(ctx, tx)
	return now, err
}

// checkedTime returns the local clock and the latest recorded time, or
// ErrClockSkew.
func (s *Store) checkedTime(ctx context.Context, tx *sql.Tx) (now, latest time.Time, err error) {
	now = s.now().UTC()
	var stored string
	if err := tx.QueryRowContext(ctx, `SELECT latest_time FROM store_info`).Scan(&stored); err != nil {
		return now, latest, fmt.Errorf("reading the store's recorded time: %w", err)
	}
	if latest, err = parseTime(stored); err != nil {
		return now, latest, err
	}
	if behind := latest.Sub(now); behind > models.ClockTolerance {
		return now, latest, fmt.Errorf("%w: this machine's clock reads %s, but the database %s recorded %s, %s later; "+
			"booth will not decide by a clock that went back (an election could reopen, or take a ballot after its close): "+
			"set the clock right (timedatectl status); if the recorded time is the wrong one, a clock that ran ahead wrote it, "+
			"the audit log (booth audit log) shows what was done then, and once this machine's clock is right `booth clock accept` sets the recorded time back to it",
			models.ErrClockSkew, now.Format(time.DateTime+" MST"), s.path, latest.Format(time.DateTime+" MST"), behind.Round(time.Second))
	}
	return now, latest, nil
}

// recordTime moves the recorded time forward to t (never back).
func recordTime(ctx context.Context, tx *sql.Tx, t time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE store_info SET latest_time = ?1 WHERE latest_time < ?1`, formatTime(t))
	return err
}

// laterTime is the later of the local clock and the recorded time, for a
// record that decides nothing by time and must be written whatever the
// clock says.
func (s *Store) laterTime(ctx context.Context, tx *sql.Tx) (time.Time, error) {
	now, latest, err := s.checkedTime(ctx, tx)
	if err != nil && !errors.Is(err, models.ErrClockSkew) {
		return now, err
	}
	if latest.After(now) {
		return latest, nil
	}
	return now, nil
}
