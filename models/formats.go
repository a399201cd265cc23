package models

import (
	"slices"
	"time"

	"vote.example.org/booth/tally"
)

// The JSON shapes booth prints for scripts and exports, each defined once
// and shared by every front end that prints it; docs/formats.md describes
// them with an example each. Keys are snake_case by explicit tags, so a
// renamed Go field never changes what a script reads.

// ElectionSummary is an election in a list: booth election list --json,
// and the start of every other election shape.
type ElectionSummary struct {
	ID     string        `json:"id"`
	Title  string        `json:"title"`
	State  ElectionState `json:"state"`
	Method tally.Method  `json:"method"`
	// ClosesAt is the close the definition sets; EffectiveClose the close
	// after every extension for a missed quorum, and once the election
	// closed, when it did (ClosedAt, also when an officer closed it early).
	OpensAt        time.Time  `json:"opens_at"`
	ClosesAt       time.Time  `json:"closes_at"`
	EffectiveClose time.Time  `json:"effective_close"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	// CancelledAt is when it was cancelled (booth election cancel), and
	// then also its EffectiveClose.
	CancelledAt *time.Time `json:"cancelled_at,omitempty"`
	// Scrubbed is there for the officers once the election closed: false
	// while it is "closed, not scrubbed" (see booth election compact).
	Scrubbed *bool `json:"scrubbed,omitempty"`
}

// NewElectionSummary is e in a list.
func NewElectionSummary(e Election) ElectionSummary {
	v := ElectionSummary{
		ID: e.ID, Title: e.Title, State: e.State, Method: e.Method,
		OpensAt: e.OpensAt.UTC(), ClosesAt: e.ClosesAt.UTC(), EffectiveClose: e.VotingEnd().UTC(),
		ClosedAt: utcOrNil(e.ClosedAt), CancelledAt: utcOrNil(e.CancelledAt),
	}
	if e.State == Closed || e.State == Counted {
		done := !e.ScrubPending
		v.Scrubbed = &done
	}
	return v
}

// ElectionDetail is an election with its whole definition: booth election
// show --json, and definition.json in what booth election export writes.
type ElectionDetail struct {
	ElectionSummary
	Description    string `json:"description"`
	MethodSentence string `json:"method_sentence"`
	Seats          int    `json:"seats"`
	Extensions     int    `json:"extensions"`
	// OpenedAt is when it opened; absent before.
	OpenedAt *time.Time `json:"opened_at,omitempty"`
	// Fingerprint is the SHA-256 of the canonical definition, recorded
	// when the election opened; empty before.
	Fingerprint   string     `json:"fingerprint"`
	QuorumPercent int        `json:"quorum_percent"`
	QuorumExtend  string     `json:"quorum_extend,omitempty"`
	JoinedBefore  *time.Time `json:"joined_before,omitempty"`
	AllowReplace  bool       `json:"allow_replace"`
	PublishLedger bool       `json:"publish_ledger"`
	FixedOrder    bool       `json:"fixed_order"`
	TieSeed       string     `json:"tie_seed"`
	DefaultOption string     `json:"default_option,omitempty"`
	OptionQuorum  int64      `json:"option_quorum,omitempty"`
	Majority      string     `json:"majority,omitempty"`
	PassRatio     string     `json:"pass_ratio,omitempty"`
	MaxChoices    int        `json:"max_choices,omitempty"`
	// Recipients are what ballots are sealed to: the public half of the
	// election's tally key, or the officers' SSH public keys.
	Recipients []string          `json:"recipients"`
	Candidates []CandidateDetail `json:"candidates"`
	// Withdrawn lists the withdrawn candidates by ID (each is also marked
	// in Candidates).
	Withdrawn []string `json:"withdrawn"`
}

// CandidateDetail is a candidate in an ElectionDetail.
type CandidateDetail struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Affiliation string `json:"affiliation,omitempty"`
	Statement   string `json:"statement,omitempty"`
	Withdrawn   bool   `json:"withdrawn"`
}

// NewElectionDetail is e with its whole definition.
func NewElectionDetail(e Election) ElectionDetail {
	v := ElectionDetail{
		ElectionSummary: NewElectionSummary(e),
		Description:     e.Description, MethodSentence: e.MethodSentence(), Seats: e.Seats,
		Extensions: e.Extensions, Fingerprint: e.Fingerprint,
		QuorumPercent: e.Quorum.Percent, AllowReplace: e.AllowReplace, PublishLedger: e.PublishLedger,
		FixedOrder: e.FixedOrder, TieSeed: e.TieSeed, DefaultOption: e.DefaultOption, OptionQuorum: e.OptionQuorum,
		MaxChoices: e.MaxChoices, Recipients: nonNilStrings(e.Recipients), Withdrawn: nonNilStrings(e.Withdrawn),
		Candidates: make([]CandidateDetail, len(e.Candidates)),
	}
	v.OpenedAt, v.JoinedBefore = utcOrNil(e.OpenedAt), utcOrNil(e.JoinedBefore)
	if e.Quorum.Extend > 0 {
		v.QuorumExtend = e.Quorum.Extend.String()
	}
	if e.Majority != (tally.Ratio{}) {
		v.Majority = e.Majority.String()
	}
	if e.PassRatio != (tally.Ratio{}) {
		v.PassRatio = e.PassRatio.String()
	}
	for i, c := range e.Candidates {
		v.Candidates[i] = CandidateDetail{c.ID, c.Name, c.Affiliation, c.Statement, slices.Contains(e.Withdrawn, c.ID)}
	}
	return v
}

// TurnoutSummary is an election's turnout against its quorum: booth
// election turnout --json. QuorumMet is true without a quorum, and never
// when nobody voted.
type TurnoutSummary struct {
	ID             string        `json:"id"`
	State          ElectionState `json:"state"`
	Voted          int           `json:"voted"`
	Electorate     int           `json:"electorate"`
	QuorumPercent  int           `json:"quorum_percent"`
	QuorumMet      bool          `json:"quorum_met"`
	QuorumExtend   string        `json:"quorum_extend,omitempty"`
	Extensions     int           `json:"extensions"`
	EffectiveClose time.Time     `json:"effective_close"`
}

// NewTurnoutSummary is t, e's turnout, against e's quorum.
func NewTurnoutSummary(e Election, t Turnout) TurnoutSummary {
	v := TurnoutSummary{ID: e.ID, State: e.State, Voted: t.Voted, Electorate: t.Electorate,
		QuorumPercent: e.Quorum.Percent, QuorumMet: e.Quorum.QuorumMet(t), Extensions: e.Extensions,
		EffectiveClose: e.VotingEnd().UTC()}
	if e.Quorum.Extend > 0 {
		v.QuorumExtend = e.Quorum.Extend.String()
	}
	return v
}

// MemberElectionSummary is an election in a member's list: ssh HOST
// elections --json. Scrubbed is never there: it is the officers' concern.
type MemberElectionSummary struct {
	ElectionSummary
	Voted      bool `json:"voted"`
	Turnout    int  `json:"turnout"`
	Electorate int  `json:"electorate"`
}

// NewMemberElectionSummary is me in the member's list.
func NewMemberElectionSummary(me MemberElection) MemberElectionSummary {
	v := MemberElectionSummary{ElectionSummary: NewElectionSummary(me.Election),
		Voted: me.Voted, Turnout: me.Turnout.Voted, Electorate: me.Turnout.Electorate}
	v.Scrubbed = nil
	return v
}

// utcOrNil is t in UTC, or nil when it is zero (not yet, or not set).
func utcOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// NoticeStatus is one notice in booth notice status --json.
type NoticeStatus struct {
	ID       string    `json:"id"` // election/kind/slot
	Election string    `json:"election"`
	Kind     string    `json:"kind"`
	Slot     string    `json:"slot"`
	QueuedAt time.Time `json:"queued_at"`
	Members  int       `json:"members"`
	// Counts by outbox state: pending, claimed, sending, sent, failed,
	// uncertain, skipped (states with no rows are left out).
	Counts map[string]int `json:"counts"`
	// Folded: the per-member rows were dropped at the close; the counts
	// and reasons remain, without members.
	Folded  bool                 `json:"folded"`
	Reasons []NoticeReasonStatus `json:"reasons"`
}

// NoticeReasonStatus counts the rows in one state for one reason; members
// are named for failed and uncertain rows until the close.
type NoticeReasonStatus struct {
	State   string   `json:"state"`
	Reason  string   `json:"reason"`
	Count   int      `json:"count"`
	Members []string `json:"members"`
}

// NewNoticeStatus is r for --json.
func NewNoticeStatus(r NoticeReport) NoticeStatus {
	v := NoticeStatus{
		ID: r.Notice.ID(), Election: r.Notice.ElectionID, Kind: string(r.Notice.Kind), Slot: r.Notice.Slot,
		QueuedAt: r.Created.UTC(), Members: r.Total(), Counts: r.Counts, Folded: r.Folded,
		Reasons: []NoticeReasonStatus{},
	}
	for _, nr := range r.Reasons {
		if nr.Reason == "" {
			continue
		}
		v.Reasons = append(v.Reasons, NoticeReasonStatus{State: nr.State, Reason: nr.Reason, Count: nr.Count, Members: nonNilStrings(nr.Members)})
	}
	return v
}

// NominationSummary is a nomination as members and officers list it:
// ssh HOST nominations ELECTION --json and booth nominations list --json.
// Supporters is null when the election does not publish its nominators
// (officers always see them); Reason is the officers' when they rejected
// it.
type NominationSummary struct {
	Election        string          `json:"election"`
	Nominee         string          `json:"nominee"`
	Name            string          `json:"name"`
	State           NominationState `json:"state"`
	SupportersCount int             `json:"supporters_count"`
	Supporters      []string        `json:"supporters"`
	Statement       string          `json:"statement,omitempty"`
	Reason          string          `json:"reason,omitempty"`
}

// NewNominationSummary is n as listed.
func NewNominationSummary(n NominationView) NominationSummary {
	return NominationSummary{Election: n.ElectionID, Nominee: n.NomineeID, Name: n.Name, State: n.State,
		SupportersCount: n.SupporterCount, Supporters: n.Supporters, Statement: n.Statement, Reason: n.Reason}
}
