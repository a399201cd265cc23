package models

import (
	"context"
	"errors"
	"fmt"

	"vote.example.org/booth/models/i18n"
)

// ErrInactive is returned when a suspended or removed member tries to vote.
var ErrInactive = i18n.Errorf("the member is not active")

// receiptTries bounds the retries when a new receipt's hash is already in
// the box: with 128 random bits a second collision means the random source
// is broken, and casting must stop rather than loop.
const receiptTries = 5

// CastBallot seals b and puts it in the box for the caster, in one store
// transaction that also marks the member on the roll and checks, at the
// store's time, that the election is open and that the caster is still an
// active member holding the key they signed in with. The receipt is
// returned only after that transaction committed; a failed cast leaves no
// trace and returns no receipt. Nothing here logs the member next to the
// ballot or the time.
func (s *Service) CastBallot(ctx context.Context, electionID string, by Caster, b Ballot) (string, error) {
	e, err := s.store.Election(ctx, electionID)
	if err != nil {
		return "", err
	}
	sealed, err := s.sealBallot(e, b)
	if err != nil {
		return "", err
	}
	return s.fileUnderNewReceipt(electionID, "cast", func(hash [32]byte) error {
		return s.store.Cast(ctx, Cast{
			ElectionID:  electionID,
			MemberID:    by.MemberID,
			Key:         by.Key,
			ReceiptHash: hash,
			Sealed:      sealed,
		})
	})
}

// ReplaceBallot replaces the ballot filed under oldReceipt with b, where
// the election allows it, and returns the new ballot's receipt. Whoever
// holds a receipt can replace its ballot: the caster is checked as for a
// cast (still active, still holding their key) but never tied to the
// ballot, so the server never links a member to a ballot.
func (s *Service) ReplaceBallot(ctx context.Context, electionID string, by Caster, oldReceipt string, b Ballot) (string, error) {
	old, err := NormalizeReceipt(oldReceipt)
	if err != nil {
		return "", err
	}
	e, err := s.store.Election(ctx, electionID)
	if err != nil {
		return "", err
	}
	if !e.AllowReplace {
		return "", i18n.Errorf("%w: election %s", ErrNoReplace, electionID)
	}
	sealed, err := s.sealBallot(e, b)
	if err != nil {
		return "", err
	}
	return s.fileUnderNewReceipt(electionID, "replaced", func(hash [32]byte) error {
		return s.store.Replace(ctx, Replacement{
			ElectionID: electionID,
			MemberID:   by.MemberID,
			Key:        by.Key,
			OldReceipt: ReceiptHash(electionID, old),
			NewReceipt: hash,
			Sealed:     sealed,
		})
	})
}

// fileUnderNewReceipt draws a receipt and lets file store the ballot under
// its hash, drawing again when the hash is taken. The receipt is returned
// only once file succeeded.
func (s *Service) fileUnderNewReceipt(electionID, verb string, file func(hash [32]byte) error) (string, error) {
	for range receiptTries {
		receipt, norm, err := s.newReceipt()
		if err != nil {
			return "", err
		}
		err = file(ReceiptHash(electionID, norm))
		if errors.Is(err, ErrExists) {
			continue
		}
		if err != nil {
			return "", err
		}
		return receipt, nil
	}
	return "", fmt.Errorf("%d receipts in a row were already taken; the random source is broken, so nothing was %s", receiptTries, verb)
}

// VerifyReceipt says whether the ballot filed under a receipt is in the
// box, was replaced, or is unknown.
func (s *Service) VerifyReceipt(ctx context.Context, electionID, receipt string) (ReceiptState, error) {
	norm, err := NormalizeReceipt(receipt)
	if err != nil {
		return ReceiptUnknown, err
	}
	if _, err := s.store.Election(ctx, electionID); err != nil {
		return ReceiptUnknown, err
	}
	return s.store.Receipt(ctx, electionID, ReceiptHash(electionID, norm))
}

// sealBallot checks b against the election once more (a front end may have
// built it by hand, and the count must never meet a ballot it cannot read)
// and seals its canonical text to the election's recipients at the
// election's fixed size. Every cast and replacement goes through here, so
// no front end can store a ballot in its voter's screen order.
func (s *Service) sealBallot(e Election, b Ballot) ([]byte, error) {
	canonical, err := ParseBallot(e.Definition, e.Withdrawn, b.Text())
	if err != nil {
		return nil, err
	}
	text := canonical.Text()
	recipients, err := ParseRecipients(e.Recipients)
	if err != nil {
		return nil, fmt.Errorf("election %s: %w", e.ID, err)
	}
	return Seal(recipients, []byte(text), SealSize(e.Definition))
}

// newReceipt draws a receipt and returns it grouped (for the voter) and
// normalised (for its hash).
func (s *Service) newReceipt() (receipt, norm string, err error) {
	receipt, err = NewReceipt(s.Rand)
	if err != nil {
		return "", "", err
	}
	norm, err = NormalizeReceipt(receipt)
	return receipt, norm, err
}
