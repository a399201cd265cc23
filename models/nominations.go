package models

import (
	"errors"
	"slices"
	"strings"
	"time"

	"vote.example.org/booth/models/i18n"
)

// NominationRules is an election's nomination period and the rules its
// nominations follow ([nominations] in a definition file). Members
// nominate members between Opens and Closes; at Closes the nominees who
// accepted, with enough supporters, become the candidates, and Closed is
// set: the definition is final from then on.
type NominationRules struct {
	Opens, Closes time.Time
	// Supporters is how many distinct members must nominate a person.
	Supporters int
	// Self allows members to nominate themselves.
	Self bool
	// NomineeMemberFor is how long a nominee must have been a member at
	// the election's opening.
	NomineeMemberFor time.Duration
	// NominatorInGoodStanding: only members in good standing nominate.
	NominatorInGoodStanding bool
	// MaxPerNominator is the most nominations one member makes; 0: any.
	MaxPerNominator int
	// PublishNominators lists who nominated whom, for every member to
	// check and in the results bundle.
	PublishNominators bool
	// Closed is set when the nominations closed and the candidates were
	// written: from then on the definition cannot change.
	Closed bool `json:",omitempty"`
}

// NominationState is where a nomination stands.
type NominationState string

// Nomination states.
const (
	NominationPending   NominationState = "pending"   // made; the nominee has not answered
	NominationAccepted  NominationState = "accepted"  // the nominee accepted, with a statement
	NominationDeclined  NominationState = "declined"  // the nominee declined; final
	NominationWithdrawn NominationState = "withdrawn" // the nominee withdrew after accepting; final
	NominationRejected  NominationState = "rejected"  // the officers rejected it, with a reason
)

// Nomination is a member nominated in an election, with every member who
// nominated them (supporters, in ID order).
type Nomination struct {
	ElectionID string
	NomineeID  string
	State      NominationState
	Statement  string // Markdown, the nominee's, when they accepted
	Reason     string // the officers', when they rejected it
	Supporters []string
}

// NominationAction is what a nominee or an officer does to a nomination.
type NominationAction string

// Nomination actions: the nominee's (accept, decline, withdraw) and the
// officers' (reject, reinstate).
const (
	Accept    NominationAction = "accept"
	Decline   NominationAction = "decline"
	Withdraw  NominationAction = "withdraw"
	Reject    NominationAction = "reject"
	Reinstate NominationAction = "reinstate"
)

// NominationChange is a nominee answering their nomination (MemberID the
// nominee) or an officer rejecting or reinstating it (MemberID "").
type NominationChange struct {
	ElectionID string
	NomineeID  string
	Action     NominationAction
	Statement  string // accept
	Reason     string // reject, reinstate
}

// Nominate is a member (Nominator) nominating another (Nominee).
type Nominate struct {
	ElectionID, Nominator, Nominee string
}

// ErrTooFewNominees: the nominations closed with fewer accepted nominees
// than seats, so the election is not opened.
var ErrTooFewNominees = errors.New("fewer accepted nominees than seats")

// NominationsOpenAt reports whether d takes nominations at now.
func (d Definition) NominationsOpenAt(now time.Time) bool {
	n := d.Nominations
	return n != nil && !n.Closed && !now.Before(n.Opens) && now.Before(n.Closes)
}

// NominationsFinal reports whether d's candidates are final: it takes no
// nominations, or they closed.
func (d Definition) NominationsFinal() bool {
	return d.Nominations == nil || d.Nominations.Closed
}

// period says when an election takes nominations, for refusals.
func (d Definition) period(now time.Time) i18n.Text {
	n := d.Nominations
	switch {
	case n.Closed || !now.Before(n.Closes):
		return i18n.Textf("nominations for %s closed %s", d.ID, minute(n.Closes))
	}
	return i18n.Textf("nominations for %s open %s", d.ID, minute(n.Opens))
}

func minute(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// Valid reports whether n counts at the close: accepted, with enough
// supporters under rules. A nominee's own support counts only while the
// rules allow self-nomination: they may have been edited since it was
// made, and booth verify refuses a self-nominated candidate under rules
// that forbid it.
func (n Nomination) Valid(rules NominationRules) bool {
	support := len(n.Supporters)
	if !rules.Self && slices.Contains(n.Supporters, n.NomineeID) {
		support--
	}
	return n.State == NominationAccepted && support >= max(rules.Supporters, 1)
}

// Candidates is the ballot the nominations make: the valid nominations'
// nominees, in member-ID order, named as members, with their statements.
// names maps member IDs to names.
func Candidates(ns []Nomination, rules NominationRules, names map[string]string) []Candidate {
	var cs []Candidate
	for _, n := range ns {
		if n.Valid(rules) {
			cs = append(cs, Candidate{ID: n.NomineeID, Name: names[n.NomineeID], Statement: n.Statement})
		}
	}
	slices.SortFunc(cs, func(a, b Candidate) int { return strings.Compare(a.ID, b.ID) })
	return cs
}
