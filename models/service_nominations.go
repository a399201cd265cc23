package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"vote.example.org/booth/models/i18n"
)

// Nominate records memberID's nomination of nominee in an election. The
// store checks every rule (CheckNominate) inside its transaction.
func (s *Service) Nominate(ctx context.Context, electionID, memberID, nominee string) error {
	if _, err := s.store.Election(ctx, electionID); errors.Is(err, ErrNotFound) {
		return i18n.Errorf("there is no election %q: %w", electionID, ErrNotFound)
	} else if err != nil {
		return err
	}
	if _, err := s.store.Member(ctx, nominee); errors.Is(err, ErrNotFound) {
		return i18n.Errorf("there is no member %q: check the id with 'nominations %s' or the booth's Nominate screen: %w", nominee, electionID, ErrNotFound)
	} else if err != nil {
		return err
	}
	return s.store.Nominate(ctx, Nominate{ElectionID: electionID, Nominator: memberID, Nominee: nominee}, memberID)
}

// AnswerNomination is a nominee accepting (with a statement, Markdown;
// Windows line ends become newlines), declining or withdrawing.
func (s *Service) AnswerNomination(ctx context.Context, electionID, memberID string, a NominationAction, statement string) (Nomination, error) {
	if a != Accept && a != Decline && a != Withdraw {
		return Nomination{}, fmt.Errorf("unknown answer %q: accept, decline or withdraw", a)
	}
	statement = strings.TrimSpace(strings.ReplaceAll(strings.TrimPrefix(statement, "\ufeff"), "\r\n", "\n"))
	return s.store.ChangeNomination(ctx, NominationChange{ElectionID: electionID, NomineeID: memberID, Action: a, Statement: statement}, memberID)
}

// DecideNomination is an officer rejecting or reinstating a nomination,
// with a reason the nominee is shown.
func (s *Service) DecideNomination(ctx context.Context, electionID, nominee string, a NominationAction, reason, actor string) (Nomination, error) {
	if a != Reject && a != Reinstate {
		return Nomination{}, fmt.Errorf("unknown decision %q: reject or reinstate", a)
	}
	return s.store.ChangeNomination(ctx, NominationChange{ElectionID: electionID, NomineeID: nominee, Action: a, Reason: reason}, actor)
}

// NominationView is a nomination as members see it: with the nominee's
// name, and the supporters only when the election publishes them.
type NominationView struct {
	Nomination
	Name string
	// SupporterCount is how many members nominated them.
	SupporterCount int
}

// Nominations lists an election's nominations with the nominees' names.
// officer: the supporters are kept whatever the rules say.
func (s *Service) Nominations(ctx context.Context, electionID string, officer bool) (Election, []NominationView, error) {
	e, err := s.store.Election(ctx, electionID)
	if err != nil {
		return e, nil, err
	}
	if e.Nominations == nil {
		return e, nil, i18n.Errorf("election %s takes no nominations: its candidates are set by the officers", electionID)
	}
	ns, err := s.store.Nominations(ctx, electionID)
	if err != nil {
		return e, nil, err
	}
	out := make([]NominationView, len(ns))
	for i, n := range ns {
		v := NominationView{Nomination: n, SupporterCount: len(n.Supporters)}
		if m, err := s.store.Member(ctx, n.NomineeID); err == nil {
			v.Name = m.Name
		}
		if !officer && !e.Nominations.PublishNominators {
			v.Supporters = nil
		}
		out[i] = v
	}
	return e, out, nil
}

// MyNomination is a member's own nomination in an election taking
// nominations: what their home screen and ssh HOST status tell them.
type MyNomination struct {
	Election Election
	Nomination
}

// MyNominations lists the member's nominations in elections whose
// nominations have not closed, in election-ID order.
func (s *Service) MyNominations(ctx context.Context, memberID string) ([]MyNomination, error) {
	es, err := s.store.Elections(ctx)
	if err != nil {
		return nil, err
	}
	var out []MyNomination
	for _, e := range es {
		if e.State != Draft || e.NominationsFinal() {
			continue
		}
		ns, err := s.store.Nominations(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			if n.NomineeID == memberID {
				out = append(out, MyNomination{e, n})
			}
		}
	}
	return out, nil
}

// NominatingElections lists the elections taking nominations now.
func (s *Service) NominatingElections(ctx context.Context) ([]Election, error) {
	es, err := s.store.Elections(ctx)
	if err != nil {
		return nil, err
	}
	now, err := s.store.Now(ctx)
	if err != nil {
		return nil, err
	}
	var out []Election
	for _, e := range es {
		if e.State == Draft && e.NominationsOpenAt(now) {
			out = append(out, e)
		}
	}
	return out, nil
}

// CloseNominations closes an election's nominations now, by hand, if
// they are due (the clock does it at nominations_close): the accepted
// nominees become the candidates. Fewer than seats: ErrTooFewNominees,
// and the officers may extend the period.
func (s *Service) CloseNominations(ctx context.Context, id, actor string) error {
	return s.store.CloseNominations(ctx, id, actor)
}

// ExtendNominations moves an election's nomination close to until.
func (s *Service) ExtendNominations(ctx context.Context, id string, until time.Time, actor string) error {
	return s.store.ExtendNominations(ctx, id, until, actor)
}

// closeDueNominations is the Tick's part for a draft whose nominations
// are due to close at now: it returns the election as it then stands.
// ErrWrongState: another front end closed them first.
func (s *Service) closeDueNominations(ctx context.Context, e Election, now time.Time, actor string) (Election, error) {
	if e.State != Draft || e.NominationsFinal() || now.Before(e.Nominations.Closes) {
		return e, nil
	}
	if err := s.store.CloseNominations(ctx, e.ID, actor); err != nil && !errors.Is(err, ErrWrongState) {
		return e, fmt.Errorf("closing the nominations of election %s: %w", e.ID, err)
	}
	return s.store.Election(ctx, e.ID)
}

// NomineeOption is a member one could nominate, and why not when one
// cannot (Refusal, the error the store would give, in words for the
// nominator, an i18n message; nil when one can).
type NomineeOption struct {
	Member  Member
	Refusal error
}

// NomineeOptions lists the active members memberID could nominate in an
// election, by ID, each with the reason CheckNominate would refuse them
// now: what the booth's Nominate screen shows before anything is asked.
// The store checks again when the nomination is made.
func (s *Service) NomineeOptions(ctx context.Context, electionID, memberID string) ([]NomineeOption, error) {
	e, err := s.store.Election(ctx, electionID)
	if err != nil {
		return nil, err
	}
	ms, err := s.store.Members(ctx)
	if err != nil {
		return nil, err
	}
	ns, err := s.store.Nominations(ctx, electionID)
	if err != nil {
		return nil, err
	}
	f, now, err := s.rulesNow(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]*Nomination{}
	made := 0
	for i, n := range ns {
		byID[n.NomineeID] = &ns[i]
		if slices.Contains(n.Supporters, memberID) {
			made++
		}
	}
	var me Member
	for _, m := range ms {
		if m.ID == memberID {
			me = m
		}
	}
	var out []NomineeOption
	for _, m := range ms {
		if m.Status == Removed {
			continue
		}
		o := NomineeOption{Member: m}
		o.Refusal = CheckNominate(e, now, f, me, m, byID[m.ID], made)
		out = append(out, o)
	}
	return out, nil
}
