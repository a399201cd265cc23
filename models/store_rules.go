package models

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"vote.example.org/booth/models/i18n"
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
	if e.Nominations != nil && e.Nominations.Closed {
		return fmt.Errorf("election %s: its nominations closed and its candidates are final, so its definition can no longer change: %w", e.ID, ErrWrongState)
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
	if !e.NominationsFinal() {
		return fmt.Errorf("election %s: its nominations have not closed (they close %s), so it has no candidates yet: %w",
			e.ID, minute(e.Nominations.Closes), ErrWrongState)
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
	rule := "its electorate is every active member"
	if !e.JoinedBefore.IsZero() {
		rule = "its electorate is the active members who joined before " + e.JoinedBefore.UTC().Format(time.RFC3339)
	}
	if e.MemberFor > 0 {
		rule += fmt.Sprintf(" and had been a member for %s", Days(e.MemberFor))
	}
	return rule + ", and there are none"
}

// Electorate is who an election's roll takes when it is frozen at now:
// active members whose good standing lasts past StandingAfter (zero: no
// term is tracked, everyone) and who joined before JoinedBefore (zero: no
// limit). Both stores freeze the roll with one INSERT … SELECT on it.
type Electorate struct {
	StandingAfter time.Time
	JoinedBefore  time.Time
}

// ElectorateAt is e's electorate frozen at now under the foundation's f:
// the definition's joined_before and member_for give the earlier cutoff.
func ElectorateAt(e Election, f Foundation, now time.Time) Electorate {
	el := Electorate{JoinedBefore: e.JoinedBefore}
	if e.MemberFor > 0 {
		// Joined at or before now-MemberFor: strictly before the second after.
		cut := now.Add(-e.MemberFor).Truncate(time.Second).Add(time.Second)
		if el.JoinedBefore.IsZero() || cut.Before(el.JoinedBefore) {
			el.JoinedBefore = cut
		}
	}
	if f.Tracked() {
		el.StandingAfter = f.StandingCutoff(now)
	}
	return el
}

// Days is a period in whole days as definitions write it ("90d").
func Days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
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

// CheckCountSession refuses a count session for an election that is not
// closed and scrubbed, or counted.
func CheckCountSession(e Election) error {
	if e.Trustees == nil {
		return fmt.Errorf("election %s has no trustees, so it has no count sessions: %w", e.ID, ErrWrongState)
	}
	if e.State != Closed && e.State != Counted {
		return fmt.Errorf("election %s is %s; close it before its trustees count it: %w", e.ID, e.State, ErrWrongState)
	}
	return scrubbed(e)
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
		return i18n.Errorf("election %s: %w", e.ID, ErrNoReplace)
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
	ElectionID string
	When       i18n.Text
}

func (e *NotOpenError) Error() string { return e.message().Error() }

// Unwrap is the refusal as a message, which wraps ErrNotOpen: its English
// is Error(), so Printer.Err says all of it, the window included, in the
// member's language.
func (e *NotOpenError) Unwrap() error { return e.message() }

func (e *NotOpenError) message() error {
	return i18n.Errorf("election %s: %w (%s)", e.ElectionID, ErrNotOpen, e.When)
}

// NotOpenWhen is when voting opens or closed, from a refusal that says it
// (a *NotOpenError in err's chain), else the zero Text.
func NotOpenWhen(err error) i18n.Text {
	var noe *NotOpenError
	if errors.As(err, &noe) {
		return noe.When
	}
	return i18n.Text{}
}

// NotMarked says why a cast's conditional update of its roll mark changed
// nothing: the member is not on the roll, or has voted.
func NotMarked(electionID, memberID string, onRoll bool) error {
	if !onRoll {
		return i18n.Errorf("member %s, election %s: %w", memberID, electionID, ErrNotOnRoll)
	}
	return i18n.Errorf("member %s, election %s: %w", memberID, electionID, ErrAlreadyVoted)
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
	return i18n.Errorf("election %s: %w", electionID, ErrReceiptUnknown)
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
		return i18n.Errorf("member %s has %d live sessions (limit %d): %w", memberID, live, limit, ErrTooManySessions)
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

// NoticeQueued refuses notice n: it is queued already.
func NoticeQueued(n Notice) error {
	return fmt.Errorf("notice %s: %w", n.ID(), ErrExists)
}

// CheckNoticeAsked answers, before the write lock, a notice asked for
// again (the clock asks at every tick): queued already, or a results
// notice whose election is not published yet.
func CheckNoticeAsked(n Notice, queued, unpublished bool) error {
	switch {
	case queued:
		return NoticeQueued(n)
	case unpublished:
		return fmt.Errorf("%w: election %s is not published; the results notice goes out once it is", ErrWrongState, n.ElectionID)
	}
	return nil
}

// CheckQueueNotice refuses to queue a notice the election's state does
// not allow: a notice for an open election (an announcement, a reminder)
// only while it is open, the results only once counted and published.
func CheckQueueNotice(e Election, k NoticeKind, published bool, now time.Time) error {
	nk, ok := noticeKinds[k]
	switch {
	case !ok:
		return fmt.Errorf("%q is not a kind of notice", k)
	case nk.open && e.State != Open:
		return fmt.Errorf("%w: election %s is %s; a %s notice goes out only while it is open", ErrWrongState, e.ID, e.State, k)
	case k == NoticeNominations && !e.NominationsOpenAt(now):
		return fmt.Errorf("%w: election %s takes no nominations now (nominations_open … nominations_close in its definition); the nominations notice goes out only while they are open", ErrWrongState, e.ID)
	case k == NoticeRenewal:
		return fmt.Errorf("the renewal reminder belongs to a member, not to election %s: send it with booth notice send --renewal", e.ID)
	case k == NoticeResults && (e.State != Counted || !published):
		return fmt.Errorf("%w: election %s is %s and not published; the results notice goes out once its bundle is published (booth election publish)", ErrWrongState, e.ID, e.State)
	}
	return nil
}

// CheckFoundation refuses membership rules that cannot work, before any
// transaction.
func CheckFoundation(f Foundation) error { return f.Check() }

// RenewTo is the new end of m's term when renewed at now under f, or why
// it may not be (a *RefusedError): members renew themselves from the
// renewal window to the end of the grace; officers renew any active
// member at any time. A renewal adds one term to the old expiry (renewing
// early loses nothing; late gains nothing), or to now for a membership
// already lapsed or never given an expiry.
func RenewTo(m Member, f Foundation, r Renewal, now time.Time) (time.Time, error) {
	if !f.Tracked() {
		return time.Time{}, refused(i18n.Errorf("the foundation sets no membership term (booth foundation set): memberships do not expire, so there is nothing to renew"))
	}
	if m.Status != Active {
		return time.Time{}, refused(i18n.Errorf("member %s is %s: only an active member's membership is renewed (an officer reinstates them first)", m.ID, m.Status))
	}
	if r.ByOfficer && strings.TrimSpace(r.Reason) == "" {
		return time.Time{}, errors.New("an officer's renewal needs a reason (--reason), for the audit log")
	}
	st := m.StandingAt(f, now)
	switch {
	case r.ByOfficer && (m.GoodUntil.IsZero() || st.State == StandingLapsed):
		return f.NewTerm(now), nil
	case r.ByOfficer:
		return f.NewTerm(m.GoodUntil), nil
	case m.GoodUntil.IsZero():
		return f.NewTerm(now), nil
	case st.State == StandingGood:
		return time.Time{}, refused(i18n.Errorf("your membership is good until %s; renewal opens %s (%d days before)", day(st.Until), day(st.RenewFrom), f.WindowDays))
	case st.State == StandingLapsed:
		return time.Time{}, refused(i18n.Errorf("your membership lapsed: it expired %s and its grace ended %s; ask the officers to renew it", day(st.Until), day(st.GoodUntil)))
	}
	return f.NewTerm(m.GoodUntil), nil
}

// LapseTo is the expiry an officer's lapse gives m at now: good standing
// ends at once (the grace counted) and the member can no longer renew
// themselves.
func LapseTo(m Member, f Foundation, reason string, now time.Time) (time.Time, error) {
	switch {
	case !f.Tracked():
		return time.Time{}, refused(errors.New("the foundation sets no membership term (booth foundation set): memberships do not expire, so none can lapse; suspend the member instead"))
	case strings.TrimSpace(reason) == "":
		return time.Time{}, errors.New("a lapse needs a reason (--reason), for the audit log")
	case m.StandingAt(f, now).State == StandingLapsed:
		return time.Time{}, refused(fmt.Errorf("member %s's membership has lapsed already", m.ID))
	}
	return now.UTC().Truncate(time.Second).Add(-f.Grace()), nil
}

// TermRule is a change of term as a store applies it: m's new expiry
// under f at the store's time now, and the audit event recording it.
type TermRule func(m Member, f Foundation, now time.Time) (time.Time, AuditEvent, error)

// RenewRule is the TermRule of renewal r (RenewTo).
func RenewRule(r Renewal) TermRule {
	return func(m Member, f Foundation, now time.Time) (time.Time, AuditEvent, error) {
		until, err := RenewTo(m, f, r, now)
		return until, AuditRenewed(r, until), err
	}
}

// LapseRule is the TermRule of an officer's lapse of member id (LapseTo).
func LapseRule(id, reason string) TermRule {
	return func(m Member, f Foundation, now time.Time) (time.Time, AuditEvent, error) {
		until, err := LapseTo(m, f, reason, now)
		return until, AuditLapsed(id, reason), err
	}
}

// CheckNominate checks a nomination inside the store's transaction: e as
// read there, now the store's time, f the foundation's rules, the
// nominator and nominee as stored, their nomination so far (nil if none)
// and how many nominations the nominator has made in e. Each refusal is a
// *RefusedError in words for the nominator.
func CheckNominate(e Election, now time.Time, f Foundation, nominator, nominee Member, existing *Nomination, made int) error {
	rules := e.Nominations
	switch {
	case rules == nil:
		return refused(i18n.Errorf("election %s takes no nominations: its candidates are set by the officers", e.ID))
	case e.State != Draft || !e.NominationsOpenAt(now):
		return refused(i18n.Errorf("%s: a nomination is made during the period only", e.period(now)))
	case nominator.Status != Active:
		return refused(i18n.Errorf("you are %s: only active members nominate", nominator.Status))
	case rules.NominatorInGoodStanding && !nominator.StandingAt(f, now).InGood():
		return refused(i18n.Errorf("your membership has lapsed (%s): only members in good standing may nominate; ask the officers to renew it",
			nominator.StandingAt(f, now).Text()))
	case nominator.ID == nominee.ID && !rules.Self:
		return refused(i18n.Errorf("you cannot nominate yourself in %s: another member must nominate you", e.ID))
	case nominee.Status != Active:
		return refused(i18n.Errorf("%s is %s and cannot be nominated", nominee.ID, nominee.Status))
	case !nominee.StandingAt(f, now).InGood():
		return refused(i18n.Errorf("%s is not a member in good standing and cannot be nominated", nominee.ID))
	}
	if !rules.memberLongEnough(nominee, e.OpensAt) {
		return refused(i18n.Errorf("%s has been a member for %d days; nominees need %d days at the opening on %s",
			nominee.ID, max(nominee.MemberFor(now), 0), rules.memberForDays(), day(e.OpensAt)))
	}
	if existing != nil {
		switch {
		case slices.Contains(existing.Supporters, nominator.ID):
			return i18n.Errorf("you have nominated %s in %s already: %w", nominee.ID, e.ID, ErrExists)
		case existing.State == NominationDeclined:
			return refused(i18n.Errorf("%s declined their nomination in %s", nominee.ID, e.ID))
		case existing.State == NominationWithdrawn:
			return refused(i18n.Errorf("%s withdrew from %s", nominee.ID, e.ID))
		case existing.State == NominationRejected:
			return refused(i18n.Errorf("the officers rejected %s's nomination in %s: %s", nominee.ID, e.ID, existing.Reason))
		}
	}
	if rules.MaxPerNominator > 0 && made >= rules.MaxPerNominator {
		return refused(i18n.Errorf("you have made %d nominations in %s, the most one member may make", made, e.ID))
	}
	return nil
}

// CheckNominationChange checks a nominee's answer or an officer's decision
// inside the store's transaction, given the nomination as stored (nil if
// none) and the nominee (for an answer). It returns the nomination as it
// becomes.
func CheckNominationChange(e Election, now time.Time, c NominationChange, n *Nomination, nominee Member) (Nomination, error) {
	officer := c.Action == Reject || c.Action == Reinstate
	switch {
	case e.Nominations == nil:
		return Nomination{}, refused(i18n.Errorf("election %s takes no nominations", e.ID))
	case n == nil && officer:
		return Nomination{}, fmt.Errorf("%s has no nomination in %s: %w", c.NomineeID, e.ID, ErrNotFound)
	case n == nil:
		return Nomination{}, i18n.Errorf("you have no nomination in %s: %w", e.ID, ErrNotFound)
	case e.State != Draft || e.Nominations.Closed || !now.Before(e.Nominations.Closes):
		return Nomination{}, refused(i18n.Errorf("%s: nominations can no longer change", e.period(now)))
	case !officer && nominee.Status != Active:
		return Nomination{}, refused(i18n.Errorf("you are %s: only active members answer a nomination", nominee.Status))
	case officer && strings.TrimSpace(c.Reason) == "":
		return Nomination{}, errors.New("an officer's decision needs a reason (--reason): the nominee is shown it")
	}
	out := *n
	from := n.State
	bad := func(what i18n.Text) (Nomination, error) {
		return Nomination{}, refused(i18n.Errorf("%s: the nomination of %s in %s is %s", what, n.NomineeID, e.ID, from))
	}
	switch c.Action {
	case Accept:
		if from != NominationPending && from != NominationAccepted {
			return bad(i18n.Textf("it cannot be accepted"))
		}
		if err := CheckStatement(c.Statement); err != nil {
			return Nomination{}, err
		}
		out.State, out.Statement = NominationAccepted, c.Statement
	case Decline:
		if from != NominationPending {
			return bad(i18n.Textf("only a pending nomination is declined (withdraw an accepted one)"))
		}
		out.State = NominationDeclined
	case Withdraw:
		if from != NominationAccepted {
			return bad(i18n.Textf("only an accepted nomination is withdrawn (decline a pending one)"))
		}
		out.State = NominationWithdrawn
	case Reject:
		if from == NominationRejected {
			return bad(i18n.Textf("it is rejected already"))
		}
		out.State, out.Reason = NominationRejected, c.Reason
	case Reinstate:
		if from != NominationRejected {
			return bad(i18n.Textf("only a rejected nomination is reinstated"))
		}
		// Back to pending: the nominee answers again.
		out.State, out.Reason = NominationPending, ""
	default:
		return Nomination{}, fmt.Errorf("unknown nomination action %q", c.Action)
	}
	return out, nil
}

// CheckExtendNominations refuses to move e's nomination close to until
// at now unless the nominations have not closed and until lies after the
// current close and now, and not after the opening. Extending never
// shortens: members plan their nominations around the announced close.
func CheckExtendNominations(e Election, until, now time.Time) error {
	switch {
	case e.Nominations == nil:
		return fmt.Errorf("election %s takes no nominations: %w", e.ID, ErrWrongState)
	case e.State != Draft || e.Nominations.Closed:
		return fmt.Errorf("election %s: its nominations closed and its candidates are final: %w", e.ID, ErrWrongState)
	case !until.After(e.Nominations.Closes):
		return fmt.Errorf("the new close %s is not after the current one, %s: extend moves the close later; to close sooner, change nominations_close with booth election edit %s (audited), then booth nominations close %s once it has passed",
			minute(until), minute(e.Nominations.Closes), e.ID, e.ID)
	case !until.After(now):
		return fmt.Errorf("the new close %s has passed: give a time in the future", minute(until))
	case until.After(e.OpensAt):
		return fmt.Errorf("the new close %s is after the opening %s: postpone the opening first (booth election edit)", minute(until), minute(e.OpensAt))
	}
	return nil
}
