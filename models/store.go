package models

import (
	"context"
	"time"
)

// Store keeps booth's data. Every method that changes something appends
// its audit entry (naming actor, the officer) in the same transaction.
// Implementations: models/sqlite (embedded default) and models/postgres.
type Store interface {
	// Members.
	AddMember(ctx context.Context, m Member, actor string) error
	// ImportMembers adds all the members or none.
	ImportMembers(ctx context.Context, ms []Member, actor string) error
	Member(ctx context.Context, id string) (Member, error)
	// MemberByFingerprint finds the member owning a key; an index lookup.
	MemberByFingerprint(ctx context.Context, fingerprint string) (Member, error)
	Members(ctx context.Context) ([]Member, error)
	SetMemberStatus(ctx context.Context, id string, s MemberStatus, actor string) error
	AddKey(ctx context.Context, memberID string, k Key, actor string) error
	RemoveKey(ctx context.Context, memberID, fingerprint, actor string) error

	// Elections.
	CreateElection(ctx context.Context, e Election, actor string) error
	// UpdateDefinition replaces a draft election's definition.
	UpdateDefinition(ctx context.Context, d Definition, actor string) error
	Election(ctx context.Context, id string) (Election, error)
	Elections(ctx context.Context) ([]Election, error)
	// OpenElection records the fingerprint and freezes the electorate:
	// one roll row per eligible member.
	OpenElection(ctx context.Context, id, fingerprint string, now time.Time, actor string) error
	// CloseElection stops voting and rewrites the box in receipt-hash
	// order, so storage order no longer tells who voted when.
	CloseElection(ctx context.Context, id string, now time.Time, actor string) error
	// Extend records one more close extension for a missed quorum.
	Extend(ctx context.Context, id string, actor string) error
	WithdrawCandidate(ctx context.Context, electionID, candidateID, actor string) error

	// The roll and the box.
	Roll(ctx context.Context, electionID string) ([]RollEntry, error)
	// MemberRoll lists the elections whose roll holds the member, with
	// whether they have voted, in election-id order.
	MemberRoll(ctx context.Context, memberID string) ([]RollMark, error)
	Turnout(ctx context.Context, electionID string) (Turnout, error)
	// Cast checks, inside one transaction, that the election is open at
	// now (by Election.OpenAt), that the member is on its roll and has not
	// voted; then marks the roll and puts the ballot in the box. It returns
	// ErrExists when the receipt hash is taken (the caller retries with a
	// new receipt).
	Cast(ctx context.Context, c Cast) error
	// Replace swaps the ballot filed under c.OldReceipt for a new one, in
	// one transaction; the old receipt then reads as replaced.
	Replace(ctx context.Context, r Replacement) error
	// Ballots returns the box in receipt-hash order.
	Ballots(ctx context.Context, electionID string) ([]SealedBallot, error)
	Receipt(ctx context.Context, electionID string, receiptHash [32]byte) (ReceiptState, error)
	// Voters lists the members who voted, by ID, in ID order.
	Voters(ctx context.Context, electionID string) ([]string, error)

	// Results.
	SaveResult(ctx context.Context, electionID string, r StoredResult, actor string) error
	Result(ctx context.Context, electionID string) (StoredResult, error)

	// Audit appends an entry for actions the store does not audit itself
	// (such as unsealing ballots to count).
	Audit(ctx context.Context, actor, action, detail string) error
	AuditLog(ctx context.Context) ([]AuditEntry, error)

	Close() error
}

// Cast is a ballot being cast.
type Cast struct {
	ElectionID  string
	MemberID    string
	ReceiptHash [32]byte
	Sealed      []byte
	Now         time.Time
}

// Replacement is a ballot replacing an earlier one.
type Replacement struct {
	ElectionID string
	OldReceipt [32]byte
	NewReceipt [32]byte
	Sealed     []byte
	Now        time.Time
}

// AuditEntry is one link of the audit chain. Hash is SHA-256 over the
// previous entry's hash and this entry's fields (see ChainHash), so editing,
// removing or reordering any entry breaks every link after it.
type AuditEntry struct {
	Seq    int64
	At     time.Time // UTC, to the second
	Actor  string
	Action string
	Detail string
	Prev   [32]byte
	Hash   [32]byte
}
