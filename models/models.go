// Package models is booth's domain: members and their SSH keys, elections
// and their definition files, ballots, receipts, the sealed ballot box, the
// audit chain and results. It holds every validation rule and the Store
// interface that the SQLite and PostgreSQL stores implement; the booth UI,
// the SSH server and the command line all work through it.
//
// Secrecy is built into the shapes here: the voter roll (who voted) and the
// ballot box (what was voted) share no key, and a ballot is found again only
// by the hash of its receipt, which only the voter holds.
package models

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/tally"
)

// MemberStatus says whether a member may vote.
type MemberStatus string

// Member states. Removed members keep their roll rows in elections that
// were already open, so turnout stays true.
const (
	Active    MemberStatus = "active"
	Suspended MemberStatus = "suspended"
	Removed   MemberStatus = "removed"
)

// Member is a member of the foundation.
type Member struct {
	ID     string
	Name   string
	Email  string
	Status MemberStatus
	// Joined is when the member was registered (UTC); elections may limit
	// the electorate to members who joined before a date.
	Joined time.Time
	// GoodUntil is when the member's current term ends (UTC), extended by
	// each renewal; zero when memberships do not expire (see Foundation).
	GoodUntil time.Time
	Keys      []Key
}

// Key is an SSH public key registered to a member. A member is recognised
// at login by the SHA-256 fingerprint of the key that signed.
type Key struct {
	// Fingerprint is ssh.FingerprintSHA256 of the key, "SHA256:…".
	Fingerprint string
	// Type is the key algorithm, e.g. "ssh-ed25519".
	Type string
	// Public is the key in authorized_keys form without options or comment.
	Public string
	// Comment is the key's comment, checked like any text others wrote.
	Comment string
}

// ElectionState is where an election is in its life.
type ElectionState string

// Election states, in order.
const (
	Draft   ElectionState = "draft"   // defined, editable, nobody can vote
	Open    ElectionState = "open"    // the electorate is frozen; members vote
	Closed  ElectionState = "closed"  // no more ballots; the box is rewritten
	Counted ElectionState = "counted" // the result is stored
	// Cancelled: given up before any ballot was cast (booth election
	// cancel); its roll and tally key record are discarded. Stores keep
	// it as closed with a cancellation time (CancelledAt), so nothing that
	// reads the state alone takes it for a live election.
	Cancelled ElectionState = "cancelled"
)

// Election is an election as the store keeps it.
type Election struct {
	Definition
	State ElectionState
	// Fingerprint is the SHA-256 of the canonical definition, recorded when
	// the election opens; empty before.
	Fingerprint string
	// Recipients are the age recipients ballots are sealed to: the public
	// half of the election's tally key, or the officers' SSH public keys.
	Recipients []string
	// Withdrawn lists candidates withdrawn after opening, by ID.
	Withdrawn []string
	// Extensions counts the close extensions granted because the turnout
	// quorum was not met (see Definition.EffectiveClose).
	Extensions  int
	OpenedAt    time.Time // zero until open
	ClosedAt    time.Time // zero until closed
	CancelledAt time.Time // zero unless cancelled
	// OpenRefused is the fingerprint of the definition whose opening the
	// store refused for an empty electorate, so the refusal is audited
	// once however often the clock tries again; empty otherwise.
	OpenRefused string
	// ScrubPending is set by the closing transaction and cleared once the
	// close's scrub completed (models/scrub.go): until then the election
	// is "closed, not scrubbed" and is neither counted nor published.
	ScrubPending bool
	// SealedShares are the trustees' shares of the sealing key, each
	// sealed to its trustee's key, given to CreateElection to store; a
	// loaded election leaves them out (Store.TrusteeShares reads them).
	SealedShares [][]byte
}

// SealedBallot is a ballot in the box: the hash of its receipt and the
// ballot sealed to the election's tally key.
type SealedBallot struct {
	ReceiptHash [32]byte
	Sealed      []byte
}

// RollEntry is one member of an election's frozen electorate.
type RollEntry struct {
	MemberID string
	Voted    bool
}

// RollMark is a member's place on one election's roll.
type RollMark struct {
	ElectionID string
	Voted      bool
}

// Turnout is how many of the electorate have voted.
type Turnout struct {
	Voted, Electorate int
}

// ReceiptState is what the box knows of a receipt.
type ReceiptState string

// Receipt states.
const (
	ReceiptCounted  ReceiptState = "counted"  // its ballot is in the box
	ReceiptReplaced ReceiptState = "replaced" // its ballot was replaced by a newer one
	ReceiptUnknown  ReceiptState = "unknown"
)

// StoredResult is the outcome of a count as stored: the tally result and
// when it was counted.
type StoredResult struct {
	Result    *tally.Result
	CountedAt time.Time
}

// Errors the store and the domain return; callers test them with
// errors.Is. Messages shown to people wrap them with what to do. Those a
// member may read are i18n errors, said in the member's language.
var (
	ErrNotFound     = i18n.Errorf("not found")
	ErrExists       = i18n.Errorf("already exists")
	ErrAlreadyVoted = i18n.Errorf("already voted in this election")
	ErrNotOnRoll    = i18n.Errorf("not on this election's roll")
	ErrNotOpen      = i18n.Errorf("the election is not open for voting")
	// ErrEmptyElectorate: no member is eligible to vote, so the election
	// stays a draft.
	ErrEmptyElectorate = errors.New("no member is eligible to vote")
	ErrWrongState      = errors.New("not allowed in the election's current state")
	ErrReceiptUnknown  = i18n.Errorf("no counted ballot has this receipt")
	ErrNoReplace       = i18n.Errorf("this election does not allow replacing a ballot")
	ErrKeyTaken        = errors.New("key already registered to another member")
	ErrMismatch        = errors.New("ballots and roll marks differ")
	// ErrTooManySessions: the member holds as many live sessions as the
	// limit allows, on this front end or another.
	ErrTooManySessions = i18n.Errorf("too many sessions open for this member")
)

// A ValidationError lists every problem found in a file a person wrote,
// each with its line.
type ValidationError struct {
	File     string
	Problems []Problem
}

// Problem is one thing wrong in a file, at a line (0 when not tied to one).
type Problem struct {
	Line int
	Msg  string
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		if p.Line > 0 {
			fmt.Fprintf(&b, "%s:%d: %s", e.File, p.Line, p.Msg)
		} else {
			fmt.Fprintf(&b, "%s: %s", e.File, p.Msg)
		}
	}
	return b.String()
}
