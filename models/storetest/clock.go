package storetest

import (
	"fmt"
	"sync"
	"time"

	"vote.example.org/booth/models"
)

// Clock is a store's clock in the suite. The stores take the time of a
// cast, an opening or a close themselves, inside the transaction, so a
// test moves the clock the store reads rather than passing a time: At.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at T0.
func NewClock() *Clock { return &Clock{now: T0} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// clocks maps each store of the suite to the clock it reads.
var clocks sync.Map

// UseClock records that s reads its time from c, for At. Run and
// RunShared record the stores they open; a store's own tests record the
// stores they make themselves.
func UseClock(s models.Store, c *Clock) { clocks.Store(s, c) }

// At moves the clock s reads (and that of every store sharing it) to t,
// and returns s: At(s, t).Cast(ctx, c) casts at t.
func At(s models.Store, t time.Time) models.Store {
	c, ok := clocks.Load(s)
	if !ok {
		panic(fmt.Sprintf("storetest: store %T has no clock: open it with the clock Run gives, or record it with UseClock", s))
	}
	c.(*Clock).Set(t)
	return s
}
