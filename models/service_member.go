package models

import (
	"context"
	"slices"
)

// MemberElection is an election as one member sees it in the booth.
type MemberElection struct {
	Election
	// OnRoll is true when the member may vote in it (open or past
	// elections whose frozen roll holds them); for a draft it says whether
	// they would be on the roll if it opened now.
	OnRoll  bool
	Voted   bool
	Turnout Turnout
}

// MemberElections lists what a member sees on the booth's home screen:
// the elections whose roll holds them, and drafts they are eligible for
// (upcoming). Open ones come first (closing soonest first), then upcoming
// (opening soonest first), then past ones (latest first).
func (s *Service) MemberElections(ctx context.Context, memberID string) ([]MemberElection, error) {
	m, err := s.store.Member(ctx, memberID)
	if err != nil {
		return nil, err
	}
	marks, err := s.store.MemberRoll(ctx, memberID)
	if err != nil {
		return nil, err
	}
	voted := make(map[string]bool, len(marks))
	for _, mk := range marks {
		voted[mk.ElectionID] = mk.Voted
	}
	all, err := s.store.Elections(ctx)
	if err != nil {
		return nil, err
	}
	var out []MemberElection
	for _, e := range all {
		v, onRoll := voted[e.ID]
		if e.State == Draft {
			onRoll = m.Status == Active && (e.JoinedBefore.IsZero() || m.Joined.Before(e.JoinedBefore))
		}
		if !onRoll {
			continue
		}
		me := MemberElection{Election: e, OnRoll: true, Voted: v}
		if e.State != Draft {
			if me.Turnout, err = s.store.Turnout(ctx, e.ID); err != nil {
				return nil, err
			}
		}
		out = append(out, me)
	}
	slices.SortStableFunc(out, func(a, b MemberElection) int {
		if ga, gb := homeGroup(a.State), homeGroup(b.State); ga != gb {
			return ga - gb
		}
		switch a.State {
		case Open:
			return a.EffectiveClose().Compare(b.EffectiveClose())
		case Draft:
			return a.OpensAt.Compare(b.OpensAt)
		}
		return b.EffectiveClose().Compare(a.EffectiveClose())
	})
	return out, nil
}

// homeGroup orders the home screen: open, upcoming, past.
func homeGroup(s ElectionState) int {
	switch s {
	case Open:
		return 0
	case Draft:
		return 1
	}
	return 2
}

// Result returns an election's stored count.
func (s *Service) Result(ctx context.Context, electionID string) (StoredResult, error) {
	return s.store.Result(ctx, electionID)
}
