package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// The officers' changes to elections, members, staff and kiosk devices
// that carry a rule beyond the store's own checks: the state an election or
// member must be in, and what may still change.

// checkNotPast refuses a definition whose voting would already be over:
// the automatic lifecycle would open and close it at once.
func (s *Service) checkNotPast(d Definition) error {
	if now := s.Now(); !d.ClosesAt.After(now) {
		return fmt.Errorf("election %s closes at %s, which has passed (it is now %s): set closes_at in the future",
			d.ID, d.ClosesAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return nil
}

// checkNew refuses to create an election whose voting is over or whose id
// is taken.
func (s *Service) checkNew(ctx context.Context, d Definition) error {
	if err := s.checkNotPast(d); err != nil {
		return err
	}
	e, err := s.store.Election(ctx, d.ID)
	if err == nil {
		return fmt.Errorf("election %s already exists (%s): change a draft with 'booth election edit FILE', or give the new election another id", d.ID, e.State)
	}
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// EditElection replaces a draft election's definition. Only a draft may
// change, its voting may not be over, and its recipients stay: ballots are
// sealed to what was chosen at create, and other recipients would need
// another key.
func (s *Service) EditElection(ctx context.Context, d Definition, actor string) error {
	e, err := s.store.Election(ctx, d.ID)
	if err != nil {
		return err
	}
	if e.State != Draft {
		return fmt.Errorf("election %s is %s: a definition can be edited only before it opens", d.ID, e.State)
	}
	if err := s.checkNotPast(d); err != nil {
		return err
	}
	if err := keepTrustees(e.Definition, &d); err != nil {
		return err
	}
	if !slices.Equal(e.Definition.Recipients, d.Recipients) {
		return fmt.Errorf("the recipients of election %s cannot change after it was created (its ballots are sealed to them); create a new election instead", d.ID)
	}
	err = s.store.UpdateDefinition(ctx, d, actor)
	if errors.Is(err, ErrWrongState) {
		return fmt.Errorf("election %s has opened: a definition can be edited only before it opens", d.ID)
	}
	return err
}

// WithdrawCandidate withdraws a candidate before the close and returns the
// candidate's name. Ballots can no longer choose them; ballots already cast
// skip them when counted.
func (s *Service) WithdrawCandidate(ctx context.Context, electionID, candidateID, actor string) (string, error) {
	e, err := s.store.Election(ctx, electionID)
	if err != nil {
		return "", err
	}
	if e.State != Draft && e.State != Open {
		return "", fmt.Errorf("election %s is %s: candidates can be withdrawn only before the close", e.ID, e.State)
	}
	if err := e.Definition.CheckWithdrawal(e.Withdrawn, candidateID); err != nil {
		return "", err
	}
	if err := s.store.WithdrawCandidate(ctx, e.ID, candidateID, actor); err != nil {
		return "", err
	}
	return e.candidate(candidateID).Name, nil // CheckWithdrawal found it
}

// statusChanges says, for each status a member can be given, from which
// statuses, and the word for the change.
var statusChanges = map[MemberStatus]struct {
	from []MemberStatus
	done string
}{
	Suspended: {[]MemberStatus{Active}, "suspended"},
	Active:    {[]MemberStatus{Suspended, Removed}, "reinstated"},
	Removed:   {[]MemberStatus{Active, Suspended}, "removed"},
}

// StatusChangeWord is the word for giving a member status to: "suspended",
// "reinstated" or "removed".
func StatusChangeWord(to MemberStatus) string {
	return statusChanges[to].done
}

// SetMemberStatus suspends, reinstates or removes a member and returns
// them as they were. A member is suspended only when active, reinstated
// when suspended or removed, removed when active or suspended.
func (s *Service) SetMemberStatus(ctx context.Context, id string, to MemberStatus, actor string) (Member, error) {
	change, ok := statusChanges[to]
	if !ok {
		return Member{}, fmt.Errorf("unknown member status %q", to)
	}
	m, err := s.store.Member(ctx, id)
	if err != nil {
		return Member{}, err
	}
	if m.Status == to {
		return m, fmt.Errorf("member %s is already %s", m.ID, m.Status)
	}
	if !slices.Contains(change.from, m.Status) {
		return m, fmt.Errorf("member %s is %s and cannot be %s: reinstate them first", m.ID, m.Status, change.done)
	}
	return m, s.store.SetMemberStatus(ctx, m.ID, to, actor)
}

// RemoveKey removes a member's key, named by its fingerprint, and returns
// the member as they were (so a caller can say when it was their last).
func (s *Service) RemoveKey(ctx context.Context, id, fingerprint, actor string) (Member, error) {
	m, err := s.store.Member(ctx, id)
	if err != nil {
		return Member{}, err
	}
	if !slices.ContainsFunc(m.Keys, func(k Key) bool { return k.Fingerprint == fingerprint }) {
		return m, fmt.Errorf("member %s has no key %s: see 'booth member show %s' for their keys' fingerprints", id, strconv.QuoteToGraphic(fingerprint), id)
	}
	return m, s.store.RemoveKey(ctx, id, fingerprint, actor)
}

// SetStaff grants (true) or withdraws the staff role, refusing a change
// that changes nothing; it returns the member.
func (s *Service) SetStaff(ctx context.Context, id string, staff bool, actor string) (Member, error) {
	m, err := s.store.Member(ctx, id)
	if err != nil {
		return Member{}, err
	}
	is, err := s.store.IsStaff(ctx, m.ID)
	switch {
	case err != nil:
		return m, err
	case is == staff && staff:
		return m, fmt.Errorf("member %s is staff already", m.ID)
	case is == staff:
		return m, fmt.Errorf("member %s is not staff", m.ID)
	}
	return m, s.store.SetStaff(ctx, m.ID, staff, actor)
}

// RemoveKioskDevice removes a kiosk device (ErrNotFound when there is
// none): its key opens nothing any more.
func (s *Service) RemoveKioskDevice(ctx context.Context, name, actor string) error {
	return s.store.RemoveKioskDevice(ctx, name, actor)
}

// CastTestBallot casts the ballot text for a member, for tests and the
// demo only: the store must have been created as test data, where anyone
// at the officers' shell may cast for any member. The cast is audited
// first; the entry names the election, not the member, since the audit log
// never puts a member next to a time that could be their cast's.
func (s *Service) CastTestBallot(ctx context.Context, electionID, memberID, text, actor string) (string, error) {
	test, err := s.TestData(ctx)
	if err != nil {
		return "", err
	}
	if !test {
		return "", errors.New("refusing to cast: the database was not created as test or demo data; in a real election members cast their own ballots over SSH")
	}
	e, err := s.store.Election(ctx, electionID)
	if err != nil {
		return "", err
	}
	b, err := ParseBallot(e.Definition, e.Withdrawn, text)
	if err != nil {
		return "", err
	}
	if err := s.store.Audit(ctx, actor, "ballot.cast.command-line",
		fmt.Sprintf("command-line cast in election %s (test data)", electionID)); err != nil {
		return "", err
	}
	return s.CastBallot(ctx, electionID, Caster{MemberID: memberID}, b)
}
