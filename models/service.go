package models

import (
	"crypto/rand"
	"io"
	"time"
)

// Service is what the front ends (command line, booth UI, SSH commands)
// call: the rules that span several store operations — sealing and casting
// a ballot, automatic opening and closing, counting, exporting.
type Service struct {
	store Store
	// Now is the clock of what the front ends show (time left, a code's
	// expiry); tests set a fake one. Whether an election is open, and when
	// it opens and closes, is decided by the store's time (Store.Now).
	Now func() time.Time
	// Rand is the source of receipts and tally keys: crypto/rand.Reader
	// outside tests.
	Rand io.Reader
	// CodeRate limits the kiosk codes a staff member issues over SSH;
	// zero means DefaultCodeRate.
	CodeRate CodeRate
	// notices is how this front end mails notices (SetNotices).
	notices NoticeConfig
	// mailDown backs off the delivery while the mail server is down.
	mailDown serverBackoff
	// queued is what the clock knows is queued (notices_known.go).
	queued knownQueued
}

// NewService returns the service over store, with the system clock and
// crypto/rand; tests replace Now and Rand.
func NewService(store Store) *Service {
	return &Service{store: store, Now: time.Now, Rand: rand.Reader}
}
