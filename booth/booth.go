// Package booth is the terminal voting booth: the screens a member sees
// after `ssh vote.example.org` (home, election, ranking, review, receipt,
// results), as one bubbletea program per session. It knows nothing of SSH
// or SQL: it talks to the rest of booth through Backend, and the same
// program serves SSH sessions, the kiosk and offline review.
package booth

import (
	"context"
	"time"

	"vote.example.org/booth/models"
)

// Backend is what the booth asks of the rest of booth; *models.Service
// satisfies it.
type Backend interface {
	MemberElections(ctx context.Context, memberID string) ([]models.MemberElection, error)
	// CastBallot and ReplaceBallot get the member and the key their
	// session signed in with, which the store checks again as it casts.
	CastBallot(ctx context.Context, electionID string, by models.Caster, b models.Ballot) (string, error)
	ReplaceBallot(ctx context.Context, electionID string, by models.Caster, oldReceipt string, b models.Ballot) (string, error)
	// CheckReplace says whether the ballot with a receipt could be
	// replaced now, from the receipt alone, before the member builds a
	// new ballot.
	CheckReplace(ctx context.Context, electionID, receipt string) error
	Result(ctx context.Context, electionID string) (models.StoredResult, error)
	// OrderSecret is the server's secret that seeds each member's
	// candidate order (see CandidateOrder).
	OrderSecret(ctx context.Context) ([]byte, error)
}

// Session describes who is in the booth.
type Session struct {
	Member models.Member
	// Fingerprint is the SHA-256 fingerprint of the key that signed in;
	// every cast passes it on, so a ballot is refused once an officer
	// removed the key. Empty at the kiosk, where a code signed the member
	// in.
	Fingerprint string
	// Now is the clock; tests set a fixed one.
	Now func() time.Time
	// IdleTimeout ends a session with no key pressed for this long (15
	// minutes when zero); nothing is ever cast by a timeout.
	IdleTimeout time.Duration
	// Clipboard offers the receipt to the terminal clipboard (OSC 52).
	Clipboard bool
	// Kiosk is set when the booth runs inside the kiosk (see Kiosk): the
	// kiosk, not the voter, ends the session, so no key to leave is
	// offered, and the voter signed in with a one-time code, not a key.
	Kiosk bool
	// Lang is the language the member reads (en, ja or es; see
	// models.Languages): their preference, else their client's locale.
	// The front end decides it (package ssh's sessionLang); the screens
	// and linear mode read it here.
	Lang string
	// ASCII is set when the member's terminal shows ASCII only (a locale
	// that is not UTF-8): the front end folds other characters to ASCII,
	// so names that differ only there ("José", "Jose"; two Cyrillic names
	// of one length) would look alike, and the screens that list
	// candidates add each one's id.
	ASCII bool
	// LangUnreadable is the language the member chose but the terminal
	// cannot show (Japanese under an ASCII-only locale), so Lang is
	// English instead; linear mode says why once. Empty otherwise.
	LangUnreadable string
}

var _ Backend = (*models.Service)(nil)
