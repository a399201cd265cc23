package models

import (
	"time"

	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/tally"
)

// Definition is an election as its TOML definition file describes it.
// ParseDefinition reads and validates one; see examples/ for a file.
type Definition struct {
	ID          string
	Title       string
	Description string // Markdown
	Method      tally.Method
	Seats       int
	Candidates  []Candidate
	// FixedOrder shows candidates in the file's order; otherwise each
	// member sees them in an order shuffled for that member.
	FixedOrder bool
	OpensAt    time.Time // UTC
	ClosesAt   time.Time // UTC
	// AllowReplace lets a voter replace their ballot before the close, by
	// giving the old receipt.
	AllowReplace bool
	// PublishLedger publishes every ballot by its receipt hash after the
	// close.
	PublishLedger bool
	Quorum        QuorumRule
	// Method options.
	DefaultOption string      // Schulze: candidate ID of "None of the above"
	OptionQuorum  int64       // Schulze
	Majority      tally.Ratio // Schulze, e.g. 3:1; zero means 1:1
	PassRatio     tally.Ratio // yes/no, e.g. 2:3; zero means a simple majority
	MaxChoices    int         // approval: most candidates a ballot may approve; 0 = any
	// TieSeed is published before the election; it drives the lot that
	// breaks ties (tally.TieBreak).
	TieSeed string
	// JoinedBefore limits the electorate to members who joined before it;
	// zero means every active member.
	JoinedBefore time.Time
	// Recipients are officers' SSH public keys (authorized_keys form) to
	// seal ballots to instead of a generated tally key.
	Recipients []string
	// Trustees, when set, hold the key to the ballots between them, any
	// Threshold of them together (trustees.go). Left out of the
	// fingerprint's text when nil, so definitions without them keep theirs.
	Trustees *Trustees `json:",omitempty"`
	// MemberFor limits the electorate to members who had been members for
	// at least this long when it is frozen; zero: no limit. It and
	// Nominations are left out of the JSON when unset, so the fingerprints
	// of earlier definitions stay as they were.
	MemberFor time.Duration `json:",omitempty"`
	// Nominations, when set, is the nomination period and its rules: the
	// candidates are the nominees who accepted (models/nominations.go).
	Nominations *NominationRules `json:",omitempty"`
	// Translations are the election's title, description and statements
	// in other languages, by language code ("ja"), as the officers wrote
	// them (see In). Left out of the JSON when empty, so that the
	// fingerprint of a definition without any is what it always was.
	Translations map[string]Translation `json:",omitempty"`
	// Notices is the [notices] table: which notices booth sends by
	// itself, and when (models/notices.go). omitzero keeps the
	// fingerprint of a definition without one as it was.
	Notices NoticeSchedule `json:",omitzero"`
}

// Candidate is an option on the ballot.
type Candidate struct {
	ID          string
	Name        string
	Affiliation string
	Statement   string // Markdown
}

// QuorumRule is a turnout quorum: a share of the electorate that must vote.
type QuorumRule struct {
	// Percent of the electorate (0 means no quorum).
	Percent int
	// Extend, when set, moves the close on by this period, again and again,
	// until the quorum is met (the AlmaLinux rule); when zero, a missed
	// quorum is only reported.
	Extend time.Duration
}

// EffectiveClose is when voting ends: the close in the definition, moved on
// by each extension granted for a missed turnout quorum. Every front end
// computes the same from the stored election.
func (e Election) EffectiveClose() time.Time {
	return e.ClosesAt.Add(time.Duration(e.Extensions) * e.Quorum.Extend)
}

// VotingEnd is when voting ends, or ended: once the election closed or was
// cancelled, when it did (an officer may close it early; the clock may notice the close
// late), else its effective close. What voters and officers are shown.
func (e Election) VotingEnd() time.Time {
	switch {
	case !e.CancelledAt.IsZero():
		return e.CancelledAt
	case !e.ClosedAt.IsZero():
		return e.ClosedAt
	}
	return e.EffectiveClose()
}

// WindowAt says when voting opens, or when it closed, as a refused cast
// reports it at now.
func (e Election) WindowAt(now time.Time) i18n.Text {
	switch {
	case e.State == Cancelled:
		return i18n.Textf("it was cancelled %s", minute(e.CancelledAt))
	case e.State == Draft || now.Before(e.OpensAt):
		return i18n.Textf("voting opens %s", minute(e.OpensAt))
	case e.State == Open && now.Before(e.EffectiveClose()):
		return i18n.Textf("voting is open until %s", minute(e.EffectiveClose()))
	}
	return i18n.Textf("voting closed %s", minute(e.VotingEnd()))
}

// IsOpenAt reports whether a ballot may be cast at now: the election is
// open and now is within [OpensAt, EffectiveClose).
func (e Election) IsOpenAt(now time.Time) bool {
	return e.State == Open && !now.Before(e.OpensAt) && now.Before(e.EffectiveClose())
}

// QuorumMet reports whether a turnout meets the quorum (always, without
// one; never when nobody voted, 0 of 0 included). Integer arithmetic:
// voted/electorate ≥ percent/100.
func (q QuorumRule) QuorumMet(t Turnout) bool {
	if q.Percent == 0 {
		return true
	}
	// Nobody voting among nobody meets no share of anyone.
	return t.Voted > 0 && int64(t.Voted)*100 >= int64(q.Percent)*int64(t.Electorate)
}
