package models

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// The rules a store applies to what it is asked to write. The checks of an
// election's state take the election as the store read it inside the
// writing transaction, under its lock, and the store calls them there: a
// check made before the transaction could be stale by the time it writes.

// CheckNewElection refuses an election that cannot be created: it needs an
// ID and starts as a draft.
func CheckNewElection(e Election) error {
	if e.ID == "" {
		return errors.New("an election needs an ID")
	}
	if e.State != "" && e.State != Draft {
		return fmt.Errorf("election %s: a new election must be a draft, not %s: %w", e.ID, e.State, ErrWrongState)
	}
	return nil
}

// CheckEdit refuses to replace the definition of an election that is not
// a draft.
func CheckEdit(e Election) error {
	if e.State != Draft {
		return fmt.Errorf("election %s is %s, only a draft can be edited: %w", e.ID, e.State, ErrWrongState)
	}
	return nil
}

// CheckOpenRequest refuses to open an election without the fingerprint of
// its definition, before any transaction.
func CheckOpenRequest(id, fingerprint string) error {
	if fingerprint == "" {
		return fmt.Errorf("election %s: opening needs the definition's fingerprint", id)
	}
	return nil
}

// CheckOpen refuses to open an election that is not a draft, or whose
// definition is no longer the one the caller read (its fingerprint).
func CheckOpen(e Election, fingerprint string) error {
	if e.State != Draft {
		return fmt.Errorf("election %s is %s, only a draft can be opened: %w", e.ID, e.State, ErrWrongState)
	}
	// The caller decided to open the definition it read; one edited since
	// (its opening postponed, say) is not that decision's to open.
	if fingerprint != e.Definition.Fingerprint() {
		return fmt.Errorf("election %s: its definition changed since it was read, so it was not opened; try again: %w", e.ID, ErrWrongState)
	}
	return nil
}

// Opening is what a store records when it opens an election at now, its
// own time. An election opened before its opening time opens now, so that
// "open" always means members can vote: its definition's opening time
// moves to now (to the second) and the fingerprint recorded is the moved
// definition's; Early is the opening time it had, zero when it opened on
// time.
type Opening struct {
	Definition  Definition
	Fingerprint string
	Early       time.Time
}

// OpeningAt is how e opens at now, given the fingerprint of e's definition
// as the caller read it.
func OpeningAt(e Election, fingerprint string, now time.Time) Opening {
	o := Opening{Definition: e.Definition, Fingerprint: fingerprint}
	if now.Before(e.OpensAt) {
		o.Early = e.OpensAt
		o.Definition.OpensAt = now.UTC().Truncate(time.Second)
		o.Fingerprint = o.Definition.Fingerprint()
	}
	return o
}

// CheckElectorate refuses to open e, whose definition has the fingerprint
// the caller gave, with an electorate of none: an election nobody can vote
// in stays a draft. record says whether the store records the refusal
// (Election.OpenRefused) and audits it (AuditOpenRefused): only the first
// for a definition, so the clock trying again at every tick writes nothing
// more.
func CheckElectorate(e Election, fingerprint string, electorate int) (record bool, err error) {
	if electorate > 0 {
		return false, nil
	}
	return e.OpenRefused != fingerprint, fmt.Errorf("election %s stays a draft: %w (%s); add members, or edit its electorate with booth election edit, and it opens",
		e.ID, ErrEmptyElectorate, e.electorateRule())
}

// electorateRule says who the electorate of e would be.
func (e Election) electorateRule() string {
	if e.JoinedBefore.IsZero() {
		return "its electorate is every active member, and there are none"
	}
	return "its electorate is the active members who joined before " + e.JoinedBefore.UTC().Format(time.RFC3339) + ", and there are none"
}

// CheckCancel refuses to cancel an election that has ballots (ballots
// counts the box and the replaced ones), or that is neither a draft nor
// open: an election with ballots is closed and counted.
func CheckCancel(e Election, ballots int) error {
	if e.State != Draft && e.State != Open {
		return fmt.Errorf("election %s is %s, only a draft or an open election without ballots can be cancelled: %w", e.ID, e.State, ErrWrongState)
	}
	if ballots > 0 {
		return fmt.Errorf("election %s has ballots: it cannot be cancelled, only closed and counted: %w", e.ID, ErrWrongState)
	}
	return nil
}

// CheckExtend refuses the (from+1)th close extension unless the election
// is open with exactly from extensions, so two front ends applying the
// same missed quorum at once extend the close once.
func CheckExtend(e Election, from int) error {
	if e.State != Open {
		return fmt.Errorf("election %s is %s, only an open election can be extended: %w", e.ID, e.State, ErrWrongState)
	}
	if e.Extensions != from {
		return fmt.Errorf("election %s has %d extensions, not %d: %w", e.ID, e.Extensions, from, ErrWrongState)
	}
	return nil
}

// CheckWithdraw refuses to withdraw a candidate after the close, one the
// election does not have, or one withdrawn already. Which candidate may
// go is the service's rule; this keeps the list true.
func CheckWithdraw(e Election, candidateID string) error {
	if e.State != Draft && e.State != Open {
		return fmt.Errorf("election %s is %s, candidates can be withdrawn only before the close: %w", e.ID, e.State, ErrWrongState)
	}
	if e.candidate(candidateID) == nil {
		return fmt.Errorf("candidate %s in election %s: %w", candidateID, e.ID, ErrNotFound)
	}
	if slices.Contains(e.Withdrawn, candidateID) {
		return fmt.Errorf("candidate %s in election %s is withdrawn already: %w", candidateID, e.ID, ErrExists)
	}
	return nil
}

// CheckClose refuses to close an election that is not open.
func CheckClose(e Election) error {
	if e.State != Open {
		return fmt.Errorf("election %s is %s, only an open election can be closed: %w", e.ID, e.State, ErrWrongState)
	}
	return nil
}

// CheckResultToStore refuses a count without a result, before any
// transaction.
func CheckResultToStore(electionID string, r StoredResult) error {
	if r.Result == nil {
		return fmt.Errorf("election %s: no result to store", electionID)
	}
	return nil
}

// CheckCount refuses to store the count of an election that is neither
// closed nor counted already (a recount replaces the count).
func CheckCount(e Election) error {
	if e.State != Closed && e.State != Counted {
		return fmt.Errorf("election %s is %s, only a closed election can be counted: %w", e.ID, e.State, ErrWrongState)
	}
	return nil
}

// CheckBundleToStore refuses an empty results bundle, before any
// transaction.
func CheckBundleToStore(electionID string, data []byte) error {
	if len(data) == 0 {
		return fmt.Errorf("election %s: an empty results bundle", electionID)
	}
	return nil
}

// CheckPublish refuses to publish the results of an election that is not
// counted.
func CheckPublish(e Election) error {
	if e.State != Counted {
		return fmt.Errorf("election %s is %s, only a counted election publishes results: %w", e.ID, e.State, ErrWrongState)
	}
	return nil
}

// CheckStatus refuses a member status that is none of the member states.
func CheckStatus(id string, st MemberStatus) error {
	switch st {
	case Active, Suspended, Removed:
		return nil
	}
	return fmt.Errorf("member %s: unknown status %q", id, st)
}

// PrepareMember checks a member a store is about to add and gives an empty
// status its default, active. (A zero join time means the store's now,
// which only the store can read.)
func PrepareMember(m Member) (Member, error) {
	if m.ID == "" {
		return m, errors.New("a member needs an ID")
	}
	if m.Status == "" {
		m.Status = Active
	}
	return m, CheckStatus(m.ID, m.Status)
}

// CheckNewKey refuses a key without a fingerprint, by which members are
// recognised at login.
func CheckNewKey(memberID string, k Key) error {
	if k.Fingerprint == "" {
		return fmt.Errorf("member %s: a key without a fingerprint", memberID)
	}
	return nil
}

// CheckKeyFree refuses to register a key to memberID that is registered
// already: ErrKeyTaken naming its holder, a kiosk device (device) or
// another member (member), or ErrExists if it is memberID's. member and
// device are "" when nobody holds the key that way.
func CheckKeyFree(memberID, fingerprint, member, device string) error {
	switch {
	case device != "":
		return fmt.Errorf("key %s of member %s is registered as kiosk device %s (a key belongs to a member or to a kiosk device, not both): %w",
			fingerprint, memberID, device, ErrKeyTaken)
	case member == memberID:
		return fmt.Errorf("key %s of member %s: %w", fingerprint, memberID, ErrExists)
	case member != "":
		return fmt.Errorf("key %s of member %s is registered to member %s: %w", fingerprint, memberID, member, ErrKeyTaken)
	}
	return nil
}

// CheckNewDevice refuses a kiosk device without a name or a key.
func CheckNewDevice(d KioskDevice) error {
	if d.Name == "" || d.Key.Fingerprint == "" {
		return errors.New("a kiosk device needs a name and a key")
	}
	return nil
}

// CheckDeviceKeyFree refuses a kiosk device's key that a member (member)
// or another device (device) holds; "" when nobody holds it that way.
func CheckDeviceKeyFree(fingerprint, member, device string) error {
	switch {
	case member != "":
		return fmt.Errorf("key %s is registered to member %s: %w", fingerprint, member, ErrKeyTaken)
	case device != "":
		return fmt.Errorf("key %s is kiosk device %s's: %w", fingerprint, device, ErrKeyTaken)
	}
	return nil
}

// Check refuses a cast without a sealed ballot, before any transaction.
func (c Cast) Check() error {
	if len(c.Sealed) == 0 {
		return errors.New("an empty sealed ballot")
	}
	return nil
}

// Check refuses a replacement without a sealed ballot or under the receipt
// it replaces, before any transaction.
func (r Replacement) Check() error {
	if len(r.Sealed) == 0 {
		return errors.New("an empty sealed ballot")
	}
	if r.NewReceipt == r.OldReceipt {
		return fmt.Errorf("the new receipt hash equals the old one: %w", ErrExists)
	}
	return nil
}

// CheckReplaceAllowed refuses a replacement in an election that does not
// allow one.
func CheckReplaceAllowed(e Election) error {
	if !e.AllowReplace {
		return fmt.Errorf("election %s: %w", e.ID, ErrNoReplace)
	}
	return nil
}

// CheckOpenAt refuses a ballot for an election not open at now, the
// store's time read after the transaction's lock (a cast that waited for
// the lock across the close is refused).
func CheckOpenAt(e Election, now time.Time) error {
	if !e.IsOpenAt(now) {
		return &NotOpenError{ElectionID: e.ID, When: e.WindowAt(now)}
	}
	return nil
}

// NotOpenError is a ballot refused because the election is not open at
// the store's time; it is ErrNotOpen. When says when voting opens or
// closed (Election.WindowAt), for the voter.
type NotOpenError struct {
	ElectionID, When string
}

func (e *NotOpenError) Error() string {
	return fmt.Sprintf("election %s: %v (%s)", e.ElectionID, ErrNotOpen, e.When)
}

func (e *NotOpenError) Unwrap() error { return ErrNotOpen }

// NotOpenWhen is when voting opens or closed, from a refusal that says it
// (a *NotOpenError in err's chain), else "".
func NotOpenWhen(err error) string {
	var noe *NotOpenError
	if errors.As(err, &noe) {
		return noe.When
	}
	return ""
}

// NotMarked says why a cast's conditional update of its roll mark changed
// nothing: the member is not on the roll, or has voted.
func NotMarked(electionID, memberID string, onRoll bool) error {
	if !onRoll {
		return fmt.Errorf("member %s, election %s: %w", memberID, electionID, ErrNotOnRoll)
	}
	return fmt.Errorf("member %s, election %s: %w", memberID, electionID, ErrAlreadyVoted)
}

// ReceiptTaken refuses a ballot whose receipt hash the election has seen:
// in the box or among the replaced receipts (else a receipt would verify
// two ways). The caller draws a new receipt.
func ReceiptTaken(electionID string) error {
	return fmt.Errorf("receipt hash in election %s: %w", electionID, ErrExists)
}

// ReceiptNotInBox refuses a replacement whose old receipt's ballot is not
// in the box.
func ReceiptNotInBox(electionID string) error {
	return fmt.Errorf("election %s: %w", electionID, ErrReceiptUnknown)
}

// CheckLeaseRequest refuses a session lease request that could never be
// right.
func CheckLeaseRequest(memberID string, limit int, ttl time.Duration) error {
	switch {
	case memberID == "":
		return fmt.Errorf("a session lease needs a member")
	case limit < 1:
		return fmt.Errorf("a session limit of %d: it must be at least 1", limit)
	}
	return CheckLeaseTTL(ttl)
}

// CheckLeaseTTL refuses a lease lifetime that is not positive.
func CheckLeaseTTL(ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("a session lease lifetime of %v: it must be positive", ttl)
	}
	return nil
}

// CheckLeaseSlots refuses one more lease to a member whose live leases,
// counted under the store's lock, number limit or more.
func CheckLeaseSlots(memberID string, live, limit int) error {
	if live >= limit {
		return fmt.Errorf("member %s has %d live sessions (limit %d): %w", memberID, live, limit, ErrTooManySessions)
	}
	return nil
}

// RateQuery is how a store applies a staff member's code limit: counting
// under a lock held to the commit, it looks for their nth newest issue (0
// the newest) issued after since; when there is one, the issue is refused
// with RateRefusal. limited is false when no limit applies (an officer's
// issue, or no rate).
func (ci CodeIssue) RateQuery() (since time.Time, nth int, limited bool) {
	if ci.Staff == "" || ci.Rate.Codes < 1 {
		return time.Time{}, 0, false
	}
	return ci.Issued.Add(-ci.Rate.Per), ci.Rate.Codes - 1, true
}

// RateRefusal refuses an issue over the limit, given when the nth newest
// issue RateQuery names was issued: the next is allowed once it leaves the
// window.
func (ci CodeIssue) RateRefusal(nthIssued time.Time) error {
	return &CodeRateError{Rate: ci.Rate, Next: nthIssued.Add(ci.Rate.Per)}
}

// CheckRedeem says whether a code read from the store may be redeemed at
// now: ErrCodeInvalid when none was found (never issued, used, revoked or
// mistyped), ErrCodeExpired when it expired at or before now.
func CheckRedeem(c KioskCode, found bool, now time.Time) error {
	switch {
	case !found:
		return ErrCodeInvalid
	case !now.Before(c.Expires):
		return ErrCodeExpired
	}
	return nil
}

// CheckQueueNotice refuses to queue a notice the election's state does
// not allow: a notice for an open election (an announcement, a reminder)
// only while it is open, the results only once counted and published.
func CheckQueueNotice(e Election, k NoticeKind, published bool) error {
	nk, ok := noticeKinds[k]
	switch {
	case !ok:
		return fmt.Errorf("%q is not a kind of notice", k)
	case nk.open && e.State != Open:
		return fmt.Errorf("%w: election %s is %s; a %s notice goes out only while it is open", ErrWrongState, e.ID, e.State, k)
	case k == NoticeResults && (e.State != Counted || !published):
		return fmt.Errorf("%w: election %s is %s and not published; the results notice goes out once its bundle is published (booth election publish)", ErrWrongState, e.ID, e.State)
	}
	return nil
}
