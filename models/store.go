package models

import (
	"context"
	"io"
	"time"
)

// Store keeps booth's data: the role interfaces below, composed, the way
// each implementation provides them (models/sqlite, the embedded default,
// and models/postgres). A caller that needs one role takes that role, so
// what it may do is plain from its signature and its fakes stay small.
// Every method that changes something appends its audit entry (naming
// actor, the officer) in the same transaction, worded by the Audit*
// functions (store_audit.go), after the checks in store_rules.go.
type Store interface {
	MemberStore
	ElectionStore
	BallotBox
	ResultStore
	AuditStore
	LeaseStore
	CodeStore
	KioskStore
	SecretStore
	TrusteeStore
	StandingStore
	NominationStore
	PreferenceStore
	NoticeStore
	Clock
	HealthStore
	io.Closer
}

// MemberStore keeps the members and their SSH keys.
type MemberStore interface {
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
}

// StandingStore keeps the foundation's membership rules and each
// member's term (models/standing.go). Every change is audited.
type StandingStore interface {
	// Foundation returns the rules; the zero Foundation when none were set.
	Foundation(ctx context.Context) (Foundation, error)
	SetFoundation(ctx context.Context, f Foundation, actor string) error
	// RenewMember extends a member's term (RenewTo, inside the
	// transaction, at the store's time) and returns the member renewed.
	RenewMember(ctx context.Context, r Renewal, actor string) (Member, error)
	// LapseMember ends a member's good standing now (LapseTo).
	LapseMember(ctx context.Context, id, reason, actor string) (Member, error)
}

// NominationStore keeps the nominations of elections with a nomination
// period (models/nominations.go). Each change is checked inside its
// transaction, at the store's time, by the rules in store_rules.go, and
// audited.
type NominationStore interface {
	// Nominate records n.Nominator's support for n.Nominee (CheckNominate),
	// creating the nomination, pending, when it is the first.
	Nominate(ctx context.Context, n Nominate, actor string) error
	// ChangeNomination applies a nominee's answer or an officer's decision
	// (CheckNominationChange) and returns the nomination as it became.
	ChangeNomination(ctx context.Context, c NominationChange, actor string) (Nomination, error)
	// Nominations lists an election's nominations by nominee ID.
	Nominations(ctx context.Context, electionID string) ([]Nomination, error)
	// CloseNominations ends a due nomination period (CheckCloseNominations):
	// the valid nominees become the candidates and the definition is final;
	// with fewer than seats it changes nothing but the record of the
	// refusal (ClosingNominations) and returns ErrTooFewNominees.
	CloseNominations(ctx context.Context, id, actor string) error
	// ExtendNominations moves the close of a period not yet closed
	// (CheckExtendNominations).
	ExtendNominations(ctx context.Context, id string, until time.Time, actor string) error
}

// ElectionStore keeps the elections and moves them through their life.
type ElectionStore interface {
	CreateElection(ctx context.Context, e Election, actor string) error
	// UpdateDefinition replaces a draft election's definition.
	UpdateDefinition(ctx context.Context, d Definition, actor string) error
	Election(ctx context.Context, id string) (Election, error)
	Elections(ctx context.Context) ([]Election, error)
	// OpenElection records the fingerprint and freezes the electorate:
	// one roll row per eligible member. The opening time is the store's
	// (see Now), read inside the transaction; an election opened before
	// its opening time opens then (OpeningAt). An empty electorate is
	// refused (CheckElectorate's error, after the store recorded the
	// refusal when it is the first for the definition).
	OpenElection(ctx context.Context, id, fingerprint, actor string) error
	// CloseElection stops voting and rewrites the box in receipt-hash
	// order, so storage order no longer tells who voted when. The closing
	// time is the store's, read inside the transaction. The closing
	// transaction marks the election ScrubPending; the close then scrubs
	// (see Scrub). When the scrub cannot complete the election stays
	// closed and pending, and the error is a *ScrubError.
	CloseElection(ctx context.Context, id, actor string) error
	// Scrub clears what could still show the order in which ballots
	// arrived (SQLite: checkpoint and truncate the WAL, vacuum, truncate
	// again; PostgreSQL: wait for older transactions, VACUUM FULL),
	// waiting at most wait for other readers. Only when that completed
	// does it clear the mark of the elections pending when it began
	// (audited), and return their ids; otherwise the marks stay and the
	// error is a *ScrubError. Nothing pending: it compacts all the same.
	Scrub(ctx context.Context, wait time.Duration, actor string) ([]string, error)
	// Extend records one more close extension for a missed quorum, the
	// (from+1)th: it returns ErrWrongState unless the election is open
	// with exactly from extensions, so two front ends applying the same
	// missed quorum at once extend the close once.
	Extend(ctx context.Context, id string, from int, actor string) error
	WithdrawCandidate(ctx context.Context, electionID, candidateID, actor string) error
	// CancelElection gives up a draft or open election that has no ballot
	// (CheckCancel): it discards the roll and the record of what ballots
	// were sealed to, and records the time (Election.CancelledAt).
	CancelElection(ctx context.Context, id, actor string) error
}

// BallotBox is the roll (who voted) and the box (what was voted), which
// share no key.
type BallotBox interface {
	Roll(ctx context.Context, electionID string) ([]RollEntry, error)
	// MemberRoll lists the elections whose roll holds the member, with
	// whether they have voted, in election-id order.
	MemberRoll(ctx context.Context, memberID string) ([]RollMark, error)
	Turnout(ctx context.Context, electionID string) (Turnout, error)
	// Cast checks, inside one transaction, that the caster is still an
	// active member holding the key they signed in with (CheckCaster's
	// errors), that the election is open at the store's time read after
	// the transaction's write lock (by Election.IsOpenAt), that the member
	// is on its roll and has not voted; then marks the roll and puts the
	// ballot in the box. It returns ErrExists when the receipt hash is
	// taken (the caller retries with a new receipt).
	Cast(ctx context.Context, c Cast) error
	// Replace swaps the ballot filed under c.OldReceipt for a new one, in
	// one transaction that checks the caster and the election's window as
	// Cast does; the old receipt then reads as replaced.
	Replace(ctx context.Context, r Replacement) error
	// Ballots returns the box in receipt-hash order.
	Ballots(ctx context.Context, electionID string) ([]SealedBallot, error)
	Receipt(ctx context.Context, electionID string, receiptHash [32]byte) (ReceiptState, error)
	// Voters lists the members who voted, by ID, in ID order.
	Voters(ctx context.Context, electionID string) ([]string, error)
	// ReplacedReceipts lists the receipt hashes whose ballots were
	// replaced, in receipt-hash order, so a bundle's ledger can say a
	// receipt was replaced.
	ReplacedReceipts(ctx context.Context, electionID string) ([][32]byte, error)
}

// ResultStore keeps counts and the published results bundles
// (models/bundle): the signed file an election publishes after its
// count, kept so the server can hand it out.
type ResultStore interface {
	SaveResult(ctx context.Context, electionID string, r StoredResult, actor string) error
	Result(ctx context.Context, electionID string) (StoredResult, error)
	// SaveBundle replaces an earlier bundle of the election and audits
	// the publication (naming the bundle's SHA-256); Bundle returns
	// ErrNotFound before one is saved.
	SaveBundle(ctx context.Context, electionID string, data []byte, actor string) error
	Bundle(ctx context.Context, electionID string) ([]byte, error)
}

// AuditStore is the audit chain.
type AuditStore interface {
	// Audit appends an entry for actions the store does not audit itself
	// (such as unsealing ballots to count).
	Audit(ctx context.Context, actor, action, detail string) error
	AuditLog(ctx context.Context) ([]AuditEntry, error)
}

// LeaseStore keeps session leases: a row per interactive session
// (member, front end, expiry), so a per-member session limit holds across
// front ends that share the database. A lease that is not renewed expires,
// so a front end that dies does not lock its members out; expired leases
// do not count and are deleted as others are taken. Leases say nothing
// about elections or voting. AcquireLease returns ErrTooManySessions when
// the member holds limit live leases already; two front ends racing for
// the last slot cannot both get it. RenewLeases moves the expiry of the
// live leases among ids to now+ttl (an expired lease stays expired: its
// slot may be taken). ReleaseLease ends a lease; releasing one that is
// gone is not an error.
type LeaseStore interface {
	AcquireLease(ctx context.Context, memberID, holder string, limit int, ttl time.Duration, now time.Time) (leaseID string, err error)
	RenewLeases(ctx context.Context, ids []string, ttl time.Duration, now time.Time) error
	ReleaseLease(ctx context.Context, id string) error
}

// CodeStore keeps the kiosk's one-time voting codes (models/codes.go), by
// hash only. IssueCode returns ErrExists when the hash is taken and audits
// the issue without naming the member (an entry "member M got a code" next
// to the kiosk's cast times would tie a name to a ballot's time).
// RedeemCode finds the code, deletes it and every expired code in one
// transaction, and returns it: ErrCodeInvalid when there is none,
// ErrCodeExpired when it expired at or before now. Redeeming is not
// audited. RevokeCode deletes a code (ErrNotFound when gone), audited;
// DeleteExpiredCodes drops expired codes, not audited (their issue was).
// Codes lists the live codes by hash.
//
// IssueCode also writes the issue's log entry and its sealed records
// (models/codes_record.go) in the same transaction, refusing a code whose
// Opens is empty or does not match its records; for a staff member it
// returns a *CodeRateError when ci.Rate.Codes of their codes were issued
// in the ci.Rate.Per before ci.Issued, counting under a lock so that front
// ends sharing the database cannot both take the last one. RedeemCode and
// RevokeCode mark the log entry used or revoked. CodeLog lists a staff
// member's log entries (every entry when staff is ""), newest first, with
// the member only for a code still live. CodeRecords lists an election's
// sealed records in key order.
type CodeStore interface {
	IssueCode(ctx context.Context, ci CodeIssue, actor string) error
	CodeLog(ctx context.Context, staff string) ([]CodeLogEntry, error)
	CodeRecords(ctx context.Context, electionID string) ([]SealedCodeRecord, error)
	RedeemCode(ctx context.Context, hash [32]byte, now time.Time) (KioskCode, error)
	Codes(ctx context.Context) ([]KioskCode, error)
	RevokeCode(ctx context.Context, hash [32]byte, actor string) error
	DeleteExpiredCodes(ctx context.Context, now time.Time) (int, error)
}

// KioskStore keeps the kiosk stand's staff and its thin-client devices.
type KioskStore interface {
	// SetStaff grants (true) or withdraws the staff role: staff may issue
	// codes over SSH. ErrNotFound for an unknown member; audited.
	SetStaff(ctx context.Context, memberID string, staff bool, actor string) error
	IsStaff(ctx context.Context, memberID string) (bool, error)
	// Staff lists the staff's member ids in order.
	Staff(ctx context.Context) ([]string, error)
	// AddKioskDevice registers a thin client's key: ErrExists for a name
	// taken, ErrKeyTaken for a key that is a member's or another device's
	// (and a member's new key may not be a device's). Audited, as is
	// RemoveKioskDevice (ErrNotFound when there is no such device).
	AddKioskDevice(ctx context.Context, d KioskDevice, actor string) error
	KioskDevices(ctx context.Context) ([]KioskDevice, error)
	KioskDeviceByFingerprint(ctx context.Context, fingerprint string) (KioskDevice, error)
	RemoveKioskDevice(ctx context.Context, name, actor string) error
}

// SecretStore keeps the server's secrets.
type SecretStore interface {
	// OrderSecret returns the store's secret that seeds members' candidate
	// orders (SecretCandidateOrder), storing fresh as it when the store has
	// none: the first one stored is every caller's, also when front ends
	// race. Not audited; never published.
	OrderSecret(ctx context.Context, fresh []byte) ([]byte, error)
}

// TrusteeStore keeps what an election with trustees needs besides the
// election: the trustees' sealed shares, which CreateElection stores from
// Election.SealedShares in the same transaction (audited), and its count
// sessions. StartCountSession (CheckCountSession) abandons an open session
// and opens one for the key; RecordReleases stores the releases a count
// of the open session used, audited one by one with the trustee's
// fingerprint; FinishCountSession closes the open session once its
// results are published. Both refuse (ErrWrongState) a key that is not
// the open session's. CountSessions lists them, oldest first.
type TrusteeStore interface {
	TrusteeShares(ctx context.Context, electionID string) ([][]byte, error)
	StartCountSession(ctx context.Context, electionID, key, actor string) error
	RecordReleases(ctx context.Context, electionID, key string, releases []UsedRelease, actor string) error
	FinishCountSession(ctx context.Context, electionID, key, actor string) error
	CountSessions(ctx context.Context, electionID string) ([]CountSession, error)
}

// Clock is the store's time, the one clock that decides the elections'
// lifecycle for every front end: the database server's clock on
// PostgreSQL; on SQLite the local clock, refused with ErrClockSkew when it
// is behind the latest time the store recorded by more than
// ClockTolerance.
type Clock interface {
	Now(ctx context.Context) (time.Time, error)
}

// HealthStore tells whether the store can serve, for a front end's
// readiness check (booth serve --metrics, /readyz).
type HealthStore interface {
	// Ready returns nil when the database answers and its schema is the
	// one this booth's migrations make; otherwise an error saying which of
	// the two failed.
	Ready(ctx context.Context) error
}

// Cast is a ballot being cast. It carries no time: the store reads its
// own inside the transaction.
type Cast struct {
	ElectionID string
	// MemberID and Key are the caster (see Caster).
	MemberID    string
	Key         string
	ReceiptHash [32]byte
	Sealed      []byte
}

// Replacement is a ballot replacing an earlier one. The caster is checked
// as for a cast and stored nowhere: nothing links them to the ballot.
type Replacement struct {
	ElectionID string
	// MemberID and Key are the caster (see Caster).
	MemberID   string
	Key        string
	OldReceipt [32]byte
	NewReceipt [32]byte
	Sealed     []byte
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
