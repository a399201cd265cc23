package models

import (
	"context"
	"errors"
	"time"
)

// ClockTolerance is how far behind the latest time an SQLite store
// recorded the local clock may be before the store refuses to act on it
// (ErrClockSkew). One machine's processes share one clock, so what can
// differ is that clock over time: a step back (a wrong date set by hand,
// a virtual machine restored from a snapshot, an RTC read before NTP) or
// a data directory moved to another machine; a clock that ran ahead and
// wrote is caught by every process after it is corrected.
const ClockTolerance = time.Minute

// ErrClockSkew is returned when the local clock is behind the time the
// store recorded by more than ClockTolerance: deciding by it could reopen
// a closed window or accept a ballot after the close.
var ErrClockSkew = errors.New("the local clock is behind the time the store recorded")

// ErrNothingToAccept is returned by AcceptLocalClock when the local clock
// is not behind the recorded time: nothing is locked out.
var ErrNothingToAccept = errors.New("the local clock is not behind the time the store recorded")

// LocalClockStore is a store that keeps its own record of time and
// refuses a local clock behind it (SQLite; PostgreSQL decides by the
// database server's clock and records none).
type LocalClockStore interface {
	// RecordedTime returns the local clock and the latest time the store
	// recorded.
	RecordedTime(ctx context.Context) (local, recorded time.Time, err error)
	// AcceptLocalClock sets the recorded time back to the local clock when
	// it is ahead of it by more than ClockTolerance, the lockout a clock
	// that ran ahead and was corrected leaves behind, and audits both
	// times; otherwise it refuses with ErrNothingToAccept. It returns both
	// times.
	AcceptLocalClock(ctx context.Context, actor string) (local, recorded time.Time, err error)
}

// ClockActor is who the audit log names for what the lifecycle does at
// its time (Service.Tick): the clock, not whoever ran the command that
// noticed the time had come.
const ClockActor = "clock"
