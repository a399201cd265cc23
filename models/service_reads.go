package models

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The reads the front ends show. They go through the Service, like every
// write, so that a front end holds a Service and never the Store.

// Election returns one election (ErrNotFound when there is none).
func (s *Service) Election(ctx context.Context, id string) (Election, error) {
	return s.store.Election(ctx, id)
}

// Elections lists every election in id order.
func (s *Service) Elections(ctx context.Context) ([]Election, error) {
	return s.store.Elections(ctx)
}

// Turnout says how many on an election's roll have voted.
func (s *Service) Turnout(ctx context.Context, electionID string) (Turnout, error) {
	return s.store.Turnout(ctx, electionID)
}

// Roll lists an election's roll.
func (s *Service) Roll(ctx context.Context, electionID string) ([]RollEntry, error) {
	return s.store.Roll(ctx, electionID)
}

// MemberRoll lists the elections whose roll holds the member, with whether
// they have voted.
func (s *Service) MemberRoll(ctx context.Context, memberID string) ([]RollMark, error) {
	return s.store.MemberRoll(ctx, memberID)
}

// Ballots returns an election's sealed box in receipt-hash order.
func (s *Service) Ballots(ctx context.Context, electionID string) ([]SealedBallot, error) {
	return s.store.Ballots(ctx, electionID)
}

// Member returns one member (ErrNotFound when there is none).
func (s *Service) Member(ctx context.Context, id string) (Member, error) {
	return s.store.Member(ctx, id)
}

// Members lists every member in id order.
func (s *Service) Members(ctx context.Context) ([]Member, error) {
	return s.store.Members(ctx)
}

// MemberByFingerprint finds the member owning a key (ErrNotFound when
// nobody does).
func (s *Service) MemberByFingerprint(ctx context.Context, fingerprint string) (Member, error) {
	return s.store.MemberByFingerprint(ctx, fingerprint)
}

// Staff lists the ids of the members with the staff role, in order.
func (s *Service) Staff(ctx context.Context) ([]string, error) {
	return s.store.Staff(ctx)
}

// IsStaff reports whether a member has the staff role.
func (s *Service) IsStaff(ctx context.Context, memberID string) (bool, error) {
	return s.store.IsStaff(ctx, memberID)
}

// KioskDevices lists the kiosk devices.
func (s *Service) KioskDevices(ctx context.Context) ([]KioskDevice, error) {
	return s.store.KioskDevices(ctx)
}

// KioskDeviceByFingerprint finds the device owning a key (ErrNotFound when
// none does).
func (s *Service) KioskDeviceByFingerprint(ctx context.Context, fingerprint string) (KioskDevice, error) {
	return s.store.KioskDeviceByFingerprint(ctx, fingerprint)
}

// Bundle returns an election's published results bundle (ErrNotFound
// before one is published).
func (s *Service) Bundle(ctx context.Context, electionID string) ([]byte, error) {
	return s.store.Bundle(ctx, electionID)
}

// AuditLog returns the whole audit chain, oldest first.
func (s *Service) AuditLog(ctx context.Context) ([]AuditEntry, error) {
	return s.store.AuditLog(ctx)
}

// AuditHead checks the audit chain and returns its length and head: what
// officers publish after a lifecycle step, so that a later check can show
// that no entry up to it was removed.
func (s *Service) AuditHead(ctx context.Context) (entries int, head [32]byte, err error) {
	log, err := s.store.AuditLog(ctx)
	if err != nil {
		return 0, head, err
	}
	head, err = VerifyChain(log)
	if err != nil {
		return 0, head, fmt.Errorf("audit chain broken: %w; run booth audit verify", err)
	}
	return len(log), head, nil
}

// TestData reports whether the store was created as test or demo data
// (sqlite.OpenTestData), where `booth cast` casts for any member. The mark
// is kept inside the SQLite database; a PostgreSQL database is never one.
func (s *Service) TestData(ctx context.Context) (bool, error) {
	marked, ok := s.store.(interface {
		TestData(context.Context) (bool, error)
	})
	if !ok {
		return false, nil
	}
	return marked.TestData(ctx)
}

// Check says whether the service can work: a Service made without
// NewService has no store.
func (s *Service) Check() error {
	if s == nil || s.store == nil {
		return errors.New("no store: build the service with models.NewService")
	}
	return nil
}

// Close closes the store.
func (s *Service) Close() error {
	return s.store.Close()
}

// AcquireLease, RenewLeases and ReleaseLease keep the session leases that
// hold the per-member session limit across front ends (see Store).
func (s *Service) AcquireLease(ctx context.Context, memberID, holder string, limit int, ttl time.Duration, now time.Time) (string, error) {
	return s.store.AcquireLease(ctx, memberID, holder, limit, ttl, now)
}

// RenewLeases moves the live leases' expiry to now+ttl.
func (s *Service) RenewLeases(ctx context.Context, ids []string, ttl time.Duration, now time.Time) error {
	return s.store.RenewLeases(ctx, ids, ttl, now)
}

// ReleaseLease ends a lease.
func (s *Service) ReleaseLease(ctx context.Context, id string) error {
	return s.store.ReleaseLease(ctx, id)
}

// Ready tells whether the store can serve (see HealthStore), for a front
// end's readiness check.
func (s *Service) Ready(ctx context.Context) error { return s.store.Ready(ctx) }
