package models

import (
	"io"
	"time"
)

// Service is what the front ends (command line, booth UI, SSH commands)
// call: the rules that span several store operations — sealing and casting
// a ballot, automatic opening and closing, counting, exporting.
type Service struct {
	Store Store
	// Now is the clock; tests set a fake one.
	Now func() time.Time
	// Rand is the source of receipts and tally keys: crypto/rand.Reader
	// outside tests.
	Rand io.Reader
	// CodeRate limits the kiosk codes a staff member issues over SSH;
	// zero means DefaultCodeRate.
	CodeRate CodeRate
}
