package bundle

import (
	"fmt"
	"slices"

	"vote.example.org/booth/models"
)

// PublishedNomination is a candidate's nomination as a bundle lists it.
type PublishedNomination struct {
	NomineeID      string
	SupporterCount int
	// Supporters is nil unless the election publishes its nominators.
	Supporters []string
}

// ErrNominations: the bundle's candidates are not the nominations its
// definition's rules allow (fail closed: a definition that takes
// nominations and a bundle that lists none fails too).
var ErrNominations = &Failure{Code: "nominations-invalid", msg: "its candidates are not validly nominated"}

// CheckNominations is the check's name in a report.
const CheckNominations = "nominations"

// fillNominations reads the nominations section. A v3 bundle holds
// neither the section nor a definition that takes nominations: either
// would be a v4 bundle relabelled to skip the check.
func fillNominations(b *Bundle, format string, recs *[]nominationRecord) error {
	d := b.Election.Definition
	if format != Format && (recs != nil || d.Nominations != nil || d.MemberFor != 0) {
		return fmt.Errorf("a %s bundle holds no nominations nor a definition that takes them", format)
	}
	if recs == nil {
		return nil
	}
	b.Nominations = make([]PublishedNomination, len(*recs))
	for i, r := range *recs {
		b.Nominations[i] = PublishedNomination{NomineeID: r.Nominee, SupporterCount: r.SupportersCount, Supporters: r.Supporters}
	}
	if b.Nominations == nil {
		b.Nominations = []PublishedNomination{}
	}
	return nil
}

// CheckNominations checks that every candidate was validly nominated
// under the rules in the definition: each candidate, and no one else, has
// a nomination, with at least the supporters the rules ask for; when the
// nominators are published, they are that many distinct members, the
// nominee not counted unless self-nomination is allowed, none of them
// backing more candidates than max_per_nominator. A definition without
// nominations and a bundle without the section pass; either without the
// other fails.
func (b *Bundle) CheckNominations() error {
	d := b.Election.Definition
	r := d.Nominations
	switch {
	case r == nil && b.Nominations == nil:
		return nil
	case r == nil:
		return fmt.Errorf("%w: it lists nominations, but its definition takes none", ErrNominations)
	case b.Nominations == nil:
		return fmt.Errorf("%w: its definition takes nominations, but it lists none: nothing shows its candidates were nominated", ErrNominations)
	case !r.Closed:
		return fmt.Errorf("%w: its definition's nominations never closed", ErrNominations)
	}
	byID := map[string]PublishedNomination{}
	for _, n := range b.Nominations {
		if _, dup := byID[n.NomineeID]; dup {
			return fmt.Errorf("%w: %s is listed twice", ErrNominations, n.NomineeID)
		}
		byID[n.NomineeID] = n
	}
	for i, c := range d.Candidates {
		n, ok := byID[c.ID]
		switch {
		case !ok:
			return fmt.Errorf("%w: candidate %s (%s) was not nominated", ErrNominations, c.ID, c.Name)
		case i > 0 && d.Candidates[i-1].ID >= c.ID:
			return fmt.Errorf("%w: the candidates are not in nominee-ID order, as the close of the nominations writes them", ErrNominations)
		case n.SupporterCount < max(r.Supporters, 1):
			return fmt.Errorf("%w: candidate %s had %d supporters; the rules need %d", ErrNominations, c.ID, n.SupporterCount, r.Supporters)
		case !r.PublishNominators && n.Supporters != nil:
			return fmt.Errorf("%w: it names %s's nominators although the rules keep them unpublished", ErrNominations, c.ID)
		case r.PublishNominators:
			if err := checkSupporters(c.ID, n, r.Self, max(r.Supporters, 1)); err != nil {
				return err
			}
		}
		delete(byID, c.ID)
	}
	for id := range byID {
		return fmt.Errorf("%w: it lists a nomination of %s, who is not a candidate", ErrNominations, id)
	}
	if r.PublishNominators {
		return checkMaxPerNominator(b.Nominations, r.MaxPerNominator)
	}
	return nil
}

// checkMaxPerNominator refuses published nominators of whom one backed
// more nominees than the rules allow (0: any). Only the candidates'
// nominations are listed, so a count over them can only be too low: one
// over the limit is proof enough.
func checkMaxPerNominator(ns []PublishedNomination, most int) error {
	if most <= 0 {
		return nil
	}
	made := map[string]int{}
	for _, n := range ns {
		for _, s := range n.Supporters {
			if made[s]++; made[s] > most {
				return fmt.Errorf("%w: %s nominated %d candidates; the rules allow %d per member", ErrNominations, s, made[s], most)
			}
		}
	}
	return nil
}

// checkSupporters checks a published list of nominators.
func checkSupporters(id string, n PublishedNomination, self bool, need int) error {
	if len(n.Supporters) != n.SupporterCount {
		return fmt.Errorf("%w: %s has %d supporters listed, but %d counted", ErrNominations, id, len(n.Supporters), n.SupporterCount)
	}
	for i, s := range n.Supporters {
		if models.CheckMemberID(s) != nil || i > 0 && n.Supporters[i-1] >= s {
			return fmt.Errorf("%w: %s's supporters are not distinct member IDs in order", ErrNominations, id)
		}
	}
	// A self-nomination made while the rules allowed it stays listed after
	// an edit forbids it, but no longer counts (models.Nomination.Valid).
	if !self && slices.Contains(n.Supporters, id) && n.SupporterCount-1 < need {
		return fmt.Errorf("%w: %s nominated themselves, which the rules forbid, and has %d other supporters; the rules need %d",
			ErrNominations, id, n.SupporterCount-1, need)
	}
	return nil
}
