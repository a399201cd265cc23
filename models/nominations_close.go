package models

import (
	"fmt"
	"strings"
	"time"
)

// CheckCloseNominations checks, inside the store's transaction, that e's
// nominations are due to close at now.
func CheckCloseNominations(e Election, now time.Time) error {
	switch {
	case e.Nominations == nil:
		return fmt.Errorf("election %s takes no nominations: %w", e.ID, ErrWrongState)
	case e.State != Draft || e.Nominations.Closed:
		return fmt.Errorf("election %s: its nominations closed already: %w", e.ID, ErrWrongState)
	case now.Before(e.Nominations.Closes):
		return fmt.Errorf("election %s: its nominations close %s: %w", e.ID, minute(e.Nominations.Closes), ErrWrongState)
	}
	return nil
}

// Closing is what closing an election's nominations makes of them.
type Closing struct {
	// Definition has the valid nominees as candidates and the period
	// closed.
	Definition Definition
	// Dropped are the accepted nominations whose nominees may no longer
	// stand at the close, rejected with the reason their nominee is shown.
	Dropped []Nomination
	// Record says, when the close falls short (ErrTooFewNominees), whether
	// the store records the refusal (Election.OpenRefused) and audits it,
	// once per definition, as CheckElectorate does.
	Record bool
}

// ClosingNominations is what closing e's nominations at now makes of
// them, given the nominees as stored (by ID) and the foundation's rules.
// The rules CheckNominate applied when a member was nominated are applied
// again, since weeks may have passed: a nominee who is no longer active,
// no longer in good standing, or who will not have been a member for
// nominee_member_for at the opening now set, is dropped, not made a
// candidate. Fewer candidates than seats is ErrTooFewNominees; the
// dropped are then only named, and judged again at the next close.
func ClosingNominations(e Election, ns []Nomination, nominees map[string]Member, f Foundation, now time.Time) (Closing, error) {
	d := e.Definition
	rules := *d.Nominations
	var c Closing
	standing := make([]Nomination, 0, len(ns))
	names := make(map[string]string, len(nominees))
	for _, n := range ns {
		m := nominees[n.NomineeID]
		names[n.NomineeID] = m.Name
		if n.State == NominationAccepted {
			if why := whyNotStanding(e, f, now, m); why != "" {
				n.State, n.Reason = NominationRejected, why
				c.Dropped = append(c.Dropped, n)
				continue
			}
		}
		standing = append(standing, n)
	}
	d.Candidates = Candidates(standing, rules, names)
	c.Definition = d
	if len(d.Candidates) < d.Seats {
		fp := e.Definition.Fingerprint()
		c.Record = e.OpenRefused != fp
		return c, fmt.Errorf("election %s is not opened: %w (%d accepted for %s%s); extend the nomination period with booth nominations extend %s --until TIME",
			e.ID, ErrTooFewNominees, len(d.Candidates), seats(d.Seats), droppedNote(c.Dropped), e.ID)
	}
	rules.Closed = true
	c.Definition.Nominations = &rules
	return c, nil
}

// DroppedAtClose starts the reason of a nomination the close rejected
// because its nominee no longer met the rules (not an officer's decision).
const DroppedAtClose = "dropped at the close of the nominations: "

// whyNotStanding says why m may not stand in e at the close at now under
// f, in words for the nominee; "" if they may.
func whyNotStanding(e Election, f Foundation, now time.Time, m Member) string {
	const at = DroppedAtClose
	rules := e.Nominations
	switch {
	case m.Status != Active:
		return at + fmt.Sprintf("the membership is %s; only active members stand", orUnknown(string(m.Status)))
	case !m.StandingAt(f, now).InGood():
		return at + "the membership has lapsed; only members in good standing stand"
	case !rules.memberLongEnough(m, e.OpensAt):
		return at + fmt.Sprintf("a member for %d days at the opening on %s; nominees need %d days",
			max(m.MemberFor(e.OpensAt), 0), day(e.OpensAt), rules.memberForDays())
	}
	return ""
}

func orUnknown(status string) string {
	if status == "" {
		return "unknown"
	}
	return status
}

// droppedNote names the dropped nominees for a refusal; "" if none.
func droppedNote(dropped []Nomination) string {
	if len(dropped) == 0 {
		return ""
	}
	ids := make([]string, len(dropped))
	for i, n := range dropped {
		ids[i] = n.NomineeID
	}
	return "; no longer standing: " + strings.Join(ids, ", ")
}

// memberLongEnough reports whether m will have been a member for
// nominee_member_for at opens.
func (r NominationRules) memberLongEnough(m Member, opens time.Time) bool {
	return r.NomineeMemberFor <= 0 || opens.Sub(m.Joined) >= r.NomineeMemberFor
}

func (r NominationRules) memberForDays() int { return int(r.NomineeMemberFor / (24 * time.Hour)) }

// CheckEarlyOpening refuses to open e at now, before its opens_at, when a
// candidate its nominations made would not have been a member for
// nominee_member_for at that real opening; candidates maps the
// candidates' IDs to the members as stored. The candidates are final
// once the nominations closed (their fingerprint announced, their
// statements read), so an early opening cannot drop one: the opening
// waits instead, until every candidate qualifies, as the rule measured at
// the opening requires.
func CheckEarlyOpening(e Election, now time.Time, candidates map[string]Member) error {
	rules := e.Nominations
	if rules == nil || !now.Before(e.OpensAt) || rules.NomineeMemberFor <= 0 {
		return nil
	}
	var short []string
	var from time.Time
	for _, c := range e.Candidates {
		m := candidates[c.ID]
		if rules.memberLongEnough(m, now) {
			continue
		}
		short = append(short, fmt.Sprintf("%s (a member for %d days)", c.ID, max(m.MemberFor(now), 0)))
		if at := m.Joined.Add(rules.NomineeMemberFor); at.After(from) {
			from = at
		}
	}
	if len(short) == 0 {
		return nil
	}
	return fmt.Errorf("election %s is not opened early: nominees need %d days of membership at the opening, and %s would not have them now; open it from %s, or let it open at %s: %w",
		e.ID, rules.memberForDays(), strings.Join(short, ", "), minute(from.Add(time.Minute-1).Truncate(time.Minute)), minute(e.OpensAt), ErrWrongState)
}
