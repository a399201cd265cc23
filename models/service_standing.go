package models

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// termDefaults gives members their term's defaults: joined now, and good
// until one term from now when the foundation sets a term. A join time in
// the future or an expiry before the join is refused.
func (s *Service) termDefaults(ctx context.Context, ms []*Member) error {
	f, err := s.store.Foundation(ctx)
	if err != nil {
		return err
	}
	now := s.Now().UTC().Truncate(time.Second)
	for _, m := range ms {
		if m.Joined.IsZero() {
			m.Joined = now
		}
		if m.Joined.After(now) {
			return fmt.Errorf("member %s: joined %s is in the future: give the day they joined, or leave it out for today", m.ID, day(m.Joined))
		}
		if m.GoodUntil.IsZero() && f.Tracked() {
			m.GoodUntil = f.NewTerm(now)
		}
		if !m.GoodUntil.IsZero() && !m.GoodUntil.After(m.Joined) {
			return fmt.Errorf("member %s: good standing until %s is not after joining on %s", m.ID, day(m.GoodUntil), day(m.Joined))
		}
	}
	return nil
}

// Foundation returns the membership rules (zero when none were set).
func (s *Service) Foundation(ctx context.Context) (Foundation, error) {
	return s.store.Foundation(ctx)
}

// SetFoundation sets the membership rules, audited. Members registered
// before a term was set keep no expiry (in good standing while active)
// until they or an officer renew them.
func (s *Service) SetFoundation(ctx context.Context, f Foundation, actor string) error {
	return s.store.SetFoundation(ctx, f, actor)
}

// Renew renews a member's own membership (ssh HOST renew), in the window
// or the grace only.
func (s *Service) Renew(ctx context.Context, memberID string) (Member, error) {
	return s.store.RenewMember(ctx, Renewal{MemberID: memberID}, memberID)
}

// RenewByOfficer renews a member's membership at any time, with a reason.
func (s *Service) RenewByOfficer(ctx context.Context, memberID, reason, actor string) (Member, error) {
	return s.store.RenewMember(ctx, Renewal{MemberID: memberID, ByOfficer: true, Reason: reason}, actor)
}

// Lapse ends a member's good standing now, with a reason.
func (s *Service) Lapse(ctx context.Context, memberID, reason, actor string) (Member, error) {
	return s.store.LapseMember(ctx, memberID, reason, actor)
}

// MemberStanding is a member with their standing now.
type MemberStanding struct {
	Member
	Standing Standing
}

// Standing is one member's standing now, by the store's clock.
func (s *Service) Standing(ctx context.Context, memberID string) (MemberStanding, error) {
	m, err := s.store.Member(ctx, memberID)
	if err != nil {
		return MemberStanding{}, err
	}
	f, now, err := s.rulesNow(ctx)
	if err != nil {
		return MemberStanding{}, err
	}
	return MemberStanding{m, m.StandingAt(f, now)}, nil
}

// MembersByStanding lists the members whose standing now is one of
// states (every member when states is empty), by ID.
func (s *Service) MembersByStanding(ctx context.Context, states ...StandingState) ([]MemberStanding, error) {
	ms, err := s.store.Members(ctx)
	if err != nil {
		return nil, err
	}
	f, now, err := s.rulesNow(ctx)
	if err != nil {
		return nil, err
	}
	var out []MemberStanding
	for _, m := range ms {
		st := m.StandingAt(f, now)
		if len(states) == 0 || slices.Contains(states, st.State) {
			out = append(out, MemberStanding{m, st})
		}
	}
	return out, nil
}

// RenewalDue lists the members whose standing expires within the
// foundation's renewal window or who are in the grace after it: whom a
// renewal reminder is for.
func (s *Service) RenewalDue(ctx context.Context) ([]MemberStanding, error) {
	return s.MembersByStanding(ctx, StandingExpiring, StandingGrace)
}

// rulesNow reads the membership rules and the store's time.
func (s *Service) rulesNow(ctx context.Context) (Foundation, time.Time, error) {
	f, err := s.store.Foundation(ctx)
	if err != nil {
		return f, time.Time{}, err
	}
	now, err := s.store.Now(ctx)
	return f, now.UTC(), err
}

// ParseStanding reads a --standing filter.
func ParseStanding(s string) (StandingState, error) {
	st := StandingState(s)
	if !slices.Contains(StandingFilters, st) {
		return "", fmt.Errorf("unknown standing %q: give good, expiring, grace, lapsed or inactive", s)
	}
	return st, nil
}
