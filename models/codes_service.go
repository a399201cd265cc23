package models

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// codeTries bounds the draws when a new code's hash is taken: 50 random
// bits clash only when many codes are live, and a run of clashes means
// the random source is broken.
const codeTries = 5

// IssuedCode is a code as staff hand it to a member: shown once, never
// stored.
type IssuedCode struct {
	Code string // grouped, e.g. K7QM-4XPD-92
	KioskCode
}

// IssueCode draws a one-time kiosk code for a member, valid for ttl
// (DefaultCodeTTL when zero) and, if electionID is not empty, for that
// election only; an officer at the server's command line issues it, not
// limited. It refuses a code that could open nothing: the member must be
// active with an open election to vote in (the one named, if any). The
// audit entry names the actor and the scope, not the member; the sealed
// records name both (see codes_record.go).
func (s *Service) IssueCode(ctx context.Context, memberID, electionID string, ttl time.Duration, actor string) (IssuedCode, error) {
	return s.issueCode(ctx, memberID, electionID, ttl, "", actor)
}

// issueCode issues a code for staff ("" for an officer named actor).
func (s *Service) issueCode(ctx context.Context, memberID, electionID string, ttl time.Duration, staff, actor string) (IssuedCode, error) {
	if ttl == 0 {
		ttl = DefaultCodeTTL
	}
	if err := CheckCodeTTL(ttl); err != nil {
		return IssuedCode{}, err
	}
	// The store's clock, like the cast window's: a front end whose clock
	// is wrong must not stretch a staff member's limit or a code's life.
	now, err := s.store.Now(ctx)
	if err != nil {
		return IssuedCode{}, err
	}
	now = now.UTC()
	voter := KioskVoter{ElectionID: electionID}
	if voter.Member, err = s.store.Member(ctx, memberID); err != nil {
		return IssuedCode{}, err
	}
	opens, err := s.kioskCanVote(ctx, voter, now)
	if err != nil {
		return IssuedCode{}, err
	}
	if _, err := s.store.DeleteExpiredCodes(ctx, now); err != nil {
		return IssuedCode{}, err
	}
	ci := CodeIssue{Staff: staff, Issued: now}
	if staff != "" {
		ci.Rate = s.codeRate()
	}
	for range codeTries {
		code, err := NewCode(s.Rand)
		if err != nil {
			return IssuedCode{}, err
		}
		norm, err := NormalizeCode(code)
		if err != nil {
			return IssuedCode{}, err
		}
		ci.Code = KioskCode{Hash: CodeHash(norm), MemberID: memberID, ElectionID: electionID, Expires: now.Add(ttl)}
		if ci.Records, err = s.sealCodeRecords(&ci.Code, opens, staff, actor); err != nil {
			return IssuedCode{}, err
		}
		err = s.store.IssueCode(ctx, ci, actor)
		if errors.Is(err, ErrExists) {
			continue
		}
		if err != nil {
			return IssuedCode{}, err
		}
		return IssuedCode{Code: code, KioskCode: ci.Code}, nil
	}
	return IssuedCode{}, fmt.Errorf("%d kiosk codes in a row were already taken; the random source is broken, so no code was issued", codeTries)
}

// RedeemCode takes the code someone typed at the kiosk and returns who it
// lets in. The code is used up whatever happens next: a code is good for
// one visit. It refuses a code that is mistyped, used, revoked or expired,
// a member who is no longer active, and one with nothing left to vote in
// (ErrAlreadyVoted when the code's election has their ballot already).
func (s *Service) RedeemCode(ctx context.Context, typed string) (KioskVoter, error) {
	norm, err := NormalizeCode(typed)
	if err != nil {
		return KioskVoter{}, err
	}
	now, err := s.store.Now(ctx)
	if err != nil {
		return KioskVoter{}, err
	}
	now = now.UTC()
	c, err := s.store.RedeemCode(ctx, CodeHash(norm), now)
	if err != nil {
		return KioskVoter{}, err
	}
	voter := KioskVoter{ElectionID: c.ElectionID, Elections: c.Opens}
	if voter.Elections == nil {
		voter.Elections = []string{} // a code for no election opens none
	}
	if voter.Member, err = s.store.Member(ctx, c.MemberID); err != nil {
		return KioskVoter{}, err
	}
	if _, err := s.kioskCanVote(ctx, voter, now); err != nil {
		return KioskVoter{}, err
	}
	return voter, nil
}

// kioskCanVote returns the elections a code for voter opens at now,
// saying why there are none otherwise.
func (s *Service) kioskCanVote(ctx context.Context, voter KioskVoter, now time.Time) ([]MemberElection, error) {
	m := voter.Member
	if m.Status != Active {
		return nil, fmt.Errorf("%w: member %s is %s and cannot vote", ErrInactive, m.ID, m.Status)
	}
	mine, err := s.MemberElections(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	opens := slices.DeleteFunc(slices.Clone(mine), func(e MemberElection) bool { return !voter.Opens(e, now) })
	if len(opens) > 0 {
		return opens, nil
	}
	if voter.ElectionID == "" {
		return nil, fmt.Errorf("%w: member %s has no open election left to vote in", ErrNothingToVote, m.ID)
	}
	i := slices.IndexFunc(mine, func(e MemberElection) bool { return e.ID == voter.ElectionID })
	switch {
	case i < 0:
		if _, err := s.store.Election(ctx, voter.ElectionID); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("member %s, election %s: %w", m.ID, voter.ElectionID, ErrNotOnRoll)
	case mine[i].Voted:
		return nil, fmt.Errorf("member %s, election %s: %w", m.ID, voter.ElectionID, ErrAlreadyVoted)
	}
	return nil, fmt.Errorf("election %s: %w", voter.ElectionID, ErrNotOpen)
}

// LiveCodes lists the codes not yet used, revoked or expired, soonest to
// expire first; it deletes the expired ones first.
func (s *Service) LiveCodes(ctx context.Context) ([]KioskCode, error) {
	if _, err := s.store.DeleteExpiredCodes(ctx, s.Now().UTC()); err != nil {
		return nil, err
	}
	cs, err := s.store.Codes(ctx)
	slices.SortStableFunc(cs, func(a, b KioskCode) int { return a.Expires.Compare(b.Expires) })
	return cs, err
}

// minCodeIDPrefix is the shortest code id an officer may type to revoke a
// code: long enough not to hit the wrong one by accident.
const minCodeIDPrefix = 4

// RevokeCode revokes the live code whose id (see KioskCode.ID) starts with
// prefix, refusing a prefix that matches none or several.
func (s *Service) RevokeCode(ctx context.Context, prefix, actor string) (KioskCode, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if _, err := hex.DecodeString(prefix + strings.Repeat("0", len(prefix)%2)); err != nil || len(prefix) < minCodeIDPrefix {
		return KioskCode{}, fmt.Errorf("%q is not a code id: give at least %d of the hex digits 'booth code list' shows", prefix, minCodeIDPrefix)
	}
	cs, err := s.LiveCodes(ctx)
	if err != nil {
		return KioskCode{}, err
	}
	var match []KioskCode
	for _, c := range cs {
		if strings.HasPrefix(hex.EncodeToString(c.Hash[:]), prefix) {
			match = append(match, c)
		}
	}
	switch len(match) {
	case 0:
		return KioskCode{}, fmt.Errorf("no live kiosk code has an id starting %s (used and expired codes are gone already): %w", prefix, ErrNotFound)
	case 1:
		return match[0], s.store.RevokeCode(ctx, match[0].Hash, actor)
	}
	return KioskCode{}, fmt.Errorf("%d live kiosk codes have an id starting %s: give more of the id", len(match), prefix)
}

// RevokeMemberCodes revokes every live code issued for a member and
// returns how many there were.
func (s *Service) RevokeMemberCodes(ctx context.Context, memberID, actor string) (int, error) {
	if _, err := s.store.Member(ctx, memberID); err != nil {
		return 0, err
	}
	cs, err := s.LiveCodes(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range cs {
		if c.MemberID != memberID {
			continue
		}
		// A code used meanwhile is gone already: nothing to revoke.
		err := s.store.RevokeCode(ctx, c.Hash, actor)
		switch {
		case errors.Is(err, ErrNotFound):
			continue
		case err != nil:
			return n, err
		}
		n++
	}
	return n, nil
}

// AddKioskDevice registers a laptop's SSH key as a kiosk thin client.
func (s *Service) AddKioskDevice(ctx context.Context, name string, keys []Key, actor string) error {
	if err := CheckDeviceName(name); err != nil {
		return err
	}
	if len(keys) != 1 {
		return fmt.Errorf("a kiosk device has exactly one key, and %d were given: give the laptop's public key file", len(keys))
	}
	k := keys[0]
	owner, err := s.store.MemberByFingerprint(ctx, k.Fingerprint)
	switch {
	case err == nil:
		return fmt.Errorf("key %s is member %s's: %w; a kiosk device needs a key of its own (ssh-keygen -t ed25519 on the laptop)", k.Fingerprint, owner.ID, ErrKeyTaken)
	case !errors.Is(err, ErrNotFound):
		return err
	}
	err = s.store.AddKioskDevice(ctx, KioskDevice{Name: name, Key: k}, actor)
	if errors.Is(err, ErrExists) {
		return fmt.Errorf("%w: remove it first with 'booth kiosk remove %s', or choose another name", err, name)
	}
	return err
}
