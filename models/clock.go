package models

import (
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
