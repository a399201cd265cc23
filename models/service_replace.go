package models

import (
	"context"

	"vote.example.org/booth/models/i18n"
)

// Errors of CheckReplace beyond those of ReplaceBallot.
var (
	// ErrReceiptReplaced: the receipt's ballot was replaced by a newer one,
	// so the receipt no longer counts.
	ErrReceiptReplaced = i18n.Errorf("the ballot with this receipt was already replaced by a newer one")
	// ErrReceiptElsewhere: the receipt is one of another election's.
	ErrReceiptElsewhere = i18n.Errorf("this receipt is from another election")
)

// CheckReplace says whether the ballot filed under receipt in an election
// could be replaced now, so that a front end refuses a receipt as it is
// entered rather than after the member built a whole new ballot. It does
// not replace anything; ReplaceBallot checks everything again.
//
// The answer comes from the receipt and the election alone, never from who
// asks: a receipt is a bearer secret of 128 random bits, so its holder
// learns only what the receipt already tells them (its ballot is in the
// box, was replaced, or is in another election), and whoever does not hold
// one learns "not found" whatever any member did. It names no election
// the receipt belongs to, and nothing here depends on a member's roll mark.
func (s *Service) CheckReplace(ctx context.Context, electionID, receipt string) error {
	norm, err := NormalizeReceipt(receipt)
	if err != nil {
		return err
	}
	e, err := s.store.Election(ctx, electionID)
	if err != nil {
		return err
	}
	if err := CheckReplaceAllowed(e); err != nil {
		return err
	}
	now, err := s.store.Now(ctx)
	if err != nil {
		return err
	}
	if err := CheckOpenAt(e, now); err != nil {
		return err
	}
	state, err := s.store.Receipt(ctx, electionID, ReceiptHash(electionID, norm))
	if err != nil {
		return err
	}
	switch state {
	case ReceiptCounted:
		return nil
	case ReceiptReplaced:
		return i18n.Errorf("election %s: %w", electionID, ErrReceiptReplaced)
	}
	others, err := s.store.Elections(ctx)
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID == electionID {
			continue
		}
		st, err := s.store.Receipt(ctx, o.ID, ReceiptHash(o.ID, norm))
		if err != nil {
			return err
		}
		if st != ReceiptUnknown {
			return i18n.Errorf("election %s: %w", electionID, ErrReceiptElsewhere)
		}
	}
	return ReceiptNotInBox(electionID)
}
