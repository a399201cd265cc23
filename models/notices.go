package models

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"vote.example.org/booth/models/i18n"
)

// Notices are what booth tells members about an election: by mail, through
// the outbox (one row per notice and member, see NoticeStore), and in the
// booth. Each kind is one entry of noticeKinds: who gets it, and what its
// built-in text says (notice_templates.go). A kind whose audience is the
// members who have not voted is never sent to one who has, even if they
// voted after the notice was queued: the claim checks the roll again.

// NoticeKind names a kind of notice.
type NoticeKind string

// The kinds of notices.
const (
	// NoticeAnnounce: voting is open (sent when the election opens).
	NoticeAnnounce NoticeKind = "announce"
	// NoticeRemind: voting closes soon, and you have not voted.
	NoticeRemind NoticeKind = "remind"
	// NoticeExtended: the quorum was missed, so the close moved on.
	NoticeExtended NoticeKind = "extended"
	// NoticeResults: the results are published.
	NoticeResults NoticeKind = "results"
	// NoticeNominations: an election's nominations are open (sent to
	// every active member: the roll exists only once voting opens).
	NoticeNominations NoticeKind = "nominations"
	// NoticeRenewal: your membership term ends soon (or has ended and is
	// in its grace); one per member and term, tied to no election.
	NoticeRenewal NoticeKind = "renewal"
)

// Audience is who, on an election's roll, a notice goes to.
type Audience string

// Audiences.
const (
	// AudienceRoll: every active member on the roll.
	AudienceRoll Audience = "roll"
	// AudienceNotVoted: the active members on the roll who have not voted,
	// checked again when each mail is claimed for sending.
	AudienceNotVoted Audience = "not_voted"
	// AudienceMembers: every active member, on a roll or not.
	AudienceMembers Audience = "members"
	// AudienceMember: the one active member the notice names.
	AudienceMember Audience = "member"
)

// noticeKind is what booth knows of a kind.
type noticeKind struct {
	audience Audience
	// open: only while the election is open (a reminder after the close
	// would tell a member to do what they no longer can).
	open bool
	// what it asks of the member, in the built-in texts.
	action string
}

// noticeKinds lists every kind; adding one (a renewal reminder) is one
// entry here and a built-in text in builtinNotices.
var noticeKinds = map[NoticeKind]noticeKind{
	NoticeAnnounce:    {audience: AudienceRoll, open: true, action: i18n.Key("Sign in with your registered SSH key and cast your ballot.")},
	NoticeRemind:      {audience: AudienceNotVoted, open: true, action: i18n.Key("Sign in with your registered SSH key and cast your ballot before the close.")},
	NoticeExtended:    {audience: AudienceNotVoted, open: true, action: i18n.Key("Too few members have voted so far. Sign in with your registered SSH key and cast your ballot.")},
	NoticeResults:     {audience: AudienceRoll, action: i18n.Key("Sign in to read the results, or download the signed results bundle and check it with booth verify.")},
	NoticeNominations: {audience: AudienceMembers, action: i18n.Key("Sign in with your registered SSH key to nominate a member in good standing, or to accept a nomination.")},
	NoticeRenewal:     {audience: AudienceMember, action: i18n.Key("Sign in with your registered SSH key and renew your membership: one command, no link, no password.")},
}

// NoticeKinds lists the kinds, in order, for help texts.
func NoticeKinds() []NoticeKind {
	return []NoticeKind{NoticeAnnounce, NoticeRemind, NoticeExtended, NoticeResults, NoticeNominations, NoticeRenewal}
}

// ParseNoticeKind reads a kind as an officer types it.
func ParseNoticeKind(s string) (NoticeKind, error) {
	k := NoticeKind(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := noticeKinds[k]; !ok {
		names := make([]string, 0, len(noticeKinds))
		for _, k := range NoticeKinds() {
			names = append(names, string(k))
		}
		return "", fmt.Errorf("%q is not a kind of notice; the kinds are %s", s, strings.Join(names, ", "))
	}
	return k, nil
}

// Audience is who gets a notice of kind k.
func (k NoticeKind) Audience() Audience { return noticeKinds[k].audience }

// Notice is one notice of an election, queued once: its ID is the
// election, the kind and the slot, so two front ends queuing the same
// scheduled reminder queue it once. A renewal reminder has no election:
// it names its member, and its slot is the end of the member's term
// (good_standing_until), so a member gets one per term.
type Notice struct {
	ElectionID string
	// MemberID: the member of a renewal reminder; empty otherwise.
	MemberID string
	Kind     NoticeKind
	// Slot tells notices of one kind apart: "open", a reminder's offset
	// before the close ("2d"), an extension's number, "hand-…" for one
	// sent by hand.
	Slot string
}

// ID is the notice's key in the store: election/kind/slot, or
// renewal/member/term for a renewal reminder.
func (n Notice) ID() string {
	if n.Kind == NoticeRenewal {
		return string(n.Kind) + "/" + n.MemberID + "/" + n.Slot
	}
	return n.ElectionID + "/" + string(n.Kind) + "/" + n.Slot
}

// RenewalNotice is the renewal reminder of member m's term ending at until.
func RenewalNotice(memberID string, until time.Time) Notice {
	return Notice{MemberID: memberID, Kind: NoticeRenewal, Slot: until.UTC().Format("2006-01-02T15:04Z")}
}

// Outbox states. A row moves pending → claimed (a front end holds it in a
// batch) → sending (committed just before its SMTP transaction) → sent,
// or back to pending for a retry, or to failed. A front end that dies
// leaves claimed rows, which go back to pending once the claim's lease
// ran out (nothing was handed to the mail server), and at most one
// sending row, which becomes uncertain: the server may have accepted it,
// so it is never sent again by booth (a member must never get a notice
// twice) and is shown to the officers instead.
const (
	OutboxPending   = "pending"
	OutboxClaimed   = "claimed"
	OutboxSending   = "sending"
	OutboxSent      = "sent"
	OutboxFailed    = "failed"
	OutboxUncertain = "uncertain"
	// OutboxSkipped: not sent, and never will be (the member voted, or the
	// election closed, before it went out).
	OutboxSkipped = "skipped"
)

// The reasons the store records with a row's state.
const (
	ReasonNoAddress = "the member has no email address"
	ReasonUncertain = "a front end stopped during its SMTP transaction: the mail may or may not have arrived; booth does not send it again"
	ReasonVoted     = "the member voted before it was sent"
	ReasonNotOpen   = "the election was no longer open when it was due"
	ReasonInactive  = "the member is no longer active"
	ReasonRenewed   = "the member renewed before it was sent"
	// ReasonRefused and ReasonRetry stand for a mail server's replies in
	// the counts kept after the close (FoldReasons).
	ReasonRefused = "the mail server refused it"
	ReasonRetry   = "the mail server failed for now; it was to be tried again"
)

// FoldReasons is what the counts kept after the close say: the states and
// booth's own reasons, never a mail server's reply, which can name the
// recipient (Postfix: "550 5.1.1 <user@domain>: …") and so say who had
// not voted. Groups that become equal are merged.
func FoldReasons(rs []NoticeReason) []NoticeReason {
	var out []NoticeReason
	for _, nr := range rs {
		switch nr.Reason {
		case "", ReasonNoAddress, ReasonUncertain, ReasonVoted, ReasonNotOpen, ReasonInactive, ReasonRenewed:
		default:
			switch nr.State {
			case OutboxUncertain:
				nr.Reason = ReasonUncertain
			case OutboxPending:
				nr.Reason = ReasonRetry
			default:
				nr.Reason = ReasonRefused
			}
		}
		nr.Members = nil
		i := slices.IndexFunc(out, func(o NoticeReason) bool { return o.State == nr.State && o.Reason == nr.Reason })
		if i < 0 {
			out = append(out, nr)
			continue
		}
		out[i].Count += nr.Count
	}
	return out
}

// OutboxItem is a claimed row: a mail to send.
type OutboxItem struct {
	Notice   Notice
	MemberID string
	Name     string
	Email    string
	// Attempts made before this one.
	Attempts int
}

// ClaimCheck is what a claim reads of a pending row to decide whether
// it still goes out.
type ClaimCheck struct {
	Kind          NoticeKind
	ElectionState ElectionState
	Voted         bool
	MemberStatus  MemberStatus
	// Slot and GoodUntil: a renewal reminder's term end, and the
	// member's now; they differ once the member renewed.
	Slot      string
	GoodUntil time.Time
}

// CheckClaim says why a pending row due now is skipped instead of sent
// ("" to send it). Stores call it inside the claiming transaction, so a
// member who voted a moment ago gets no reminder.
func CheckClaim(c ClaimCheck) string {
	k := noticeKinds[c.Kind]
	switch {
	case c.MemberStatus != Active:
		return ReasonInactive
	case k.open && c.ElectionState != Open:
		return ReasonNotOpen
	case k.audience == AudienceNotVoted && c.Voted:
		return ReasonVoted
	case c.Kind == NoticeRenewal && RenewalNotice("", c.GoodUntil).Slot != c.Slot:
		return ReasonRenewed
	}
	return ""
}

// Delivery is what became of one claimed row.
type Delivery struct {
	NoticeID, MemberID string
	// State is OutboxSent, OutboxPending (retry after RetryIn) or
	// OutboxFailed.
	State   string
	Reason  string
	RetryIn time.Duration
	// Uncharged: the failure was booth's or the mail server's (it was
	// down, or refused the sender), not the member's: the row goes back
	// pending without counting an attempt.
	Uncharged bool
}

// Charge is the attempts a delivery adds to its row.
func (d Delivery) Charge() int {
	if d.State == OutboxSent || d.Uncharged {
		return 0
	}
	return 1
}

// MaxNoticeAttempts is how often a mail is tried before it fails for good.
const MaxNoticeAttempts = 6

// retryBackoff is the wait before the attempt after attempts failed ones:
// 1, 4, 16, 64 minutes, then 4 hours.
func retryBackoff(attempts int) time.Duration {
	d := time.Minute
	for range min(attempts-1, 4) {
		d *= 4
	}
	return min(d, 4*time.Hour)
}

// deliveryAfterError is the Delivery of a mail the server refused: retried
// with backoff while the error is temporary and attempts remain, failed
// otherwise.
func deliveryAfterError(it OutboxItem, err error) Delivery {
	d := Delivery{NoticeID: it.Notice.ID(), MemberID: it.MemberID, Reason: oneLineError(err)}
	var perm *PermanentMailError
	if errors.As(err, &perm) || it.Attempts+1 >= MaxNoticeAttempts {
		d.State = OutboxFailed
		return d
	}
	d.State = OutboxPending
	d.RetryIn = retryBackoff(it.Attempts + 1)
	return d
}

// PermanentMailError is a mail the server refused for good (an SMTP 5xx
// reply): it is not tried again.
type PermanentMailError struct{ Err error }

func (e *PermanentMailError) Error() string { return e.Err.Error() }
func (e *PermanentMailError) Unwrap() error { return e.Err }

func oneLineError(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// NoticeReport is what the outbox says about one notice.
type NoticeReport struct {
	Notice  Notice
	Created time.Time
	// Counts by outbox state.
	Counts map[string]int
	// Reasons of the rows that are not sent, by state and reason.
	Reasons []NoticeReason
	// Folded: the per-member rows were dropped at the close (the counts
	// remain), because who got a reminder says who had not voted by then.
	Folded bool
}

// NoticeReason counts the rows in one state for one reason; Members names
// them while the per-member rows are kept (failed and uncertain rows only,
// so an officer can fix an address or check with the member).
type NoticeReason struct {
	State, Reason string
	Count         int
	Members       []string
}

// Total is the number of members the notice was queued for.
func (r NoticeReport) Total() int {
	n := 0
	for _, c := range r.Counts {
		n += c
	}
	return n
}

// NoticeSchedule is a definition's [notices] table.
type NoticeSchedule struct {
	// Announce queues the announcement when the election opens.
	Announce bool `json:",omitempty"`
	// Remind are the offsets before the close at which the members who
	// have not voted are reminded, longest first.
	Remind []time.Duration `json:",omitempty"`
	// RemindUntilQuorum, when set, reminds the members who have not voted
	// once every such period while the close is extended for a missed
	// quorum; each extension itself is announced (NoticeExtended).
	RemindUntilQuorum time.Duration `json:",omitempty"`
	// Results queues the results notice once the bundle is published.
	Results bool `json:",omitempty"`
}

// dueNotices are the notices the schedule calls for at now, given the
// election as stored; the results notice as soon as it is counted (the
// store holds it back until the bundle is published). Only the latest
// reminder due is returned: after a pause the members get one reminder,
// not every one they missed.
func (sch NoticeSchedule) dueNotices(e Election, now time.Time) []Notice {
	var due []Notice
	n := func(k NoticeKind, slot string) { due = append(due, Notice{ElectionID: e.ID, Kind: k, Slot: slot}) }
	if e.State == Open && e.IsOpenAt(now) {
		if sch.Announce {
			n(NoticeAnnounce, "open")
		}
		if e.Extensions == 0 {
			offsets := slices.Clone(sch.Remind)
			slices.Sort(offsets)
			for _, off := range offsets {
				if !now.Before(e.ClosesAt.Add(-off)) {
					n(NoticeRemind, FormatPeriod(off))
					break
				}
			}
		} else if sch.RemindUntilQuorum > 0 {
			n(NoticeExtended, fmt.Sprint(e.Extensions))
			if k := int(now.Sub(e.ClosesAt) / sch.RemindUntilQuorum); k > 0 {
				n(NoticeRemind, fmt.Sprintf("quorum-%d", k))
			}
		}
	}
	if sch.Announce && e.State == Draft && e.NominationsOpenAt(now) {
		n(NoticeNominations, "open")
	}
	if sch.Results && e.State == Counted {
		n(NoticeResults, "published")
	}
	return due
}

// FormatPeriod writes a period as a definition gives it: "2d", "6h",
// "90m".
func FormatPeriod(d time.Duration) string {
	switch {
	case d > 0 && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d > 0 && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d > 0 && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// CountReasons fills r.Counts from r.Reasons.
func CountReasons(r *NoticeReport) {
	if r.Counts == nil {
		r.Counts = map[string]int{}
	}
	for _, nr := range r.Reasons {
		r.Counts[nr.State] += nr.Count
	}
}
