package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// CreateElection stores a new draft election, refusing one whose voting is
// over or whose id is taken, and decides what its ballots
// are sealed to. Without officer recipients in the definition, it generates
// the election's tally key, writes the private half to keyOut (mode 0600,
// never over an existing file) and stores only the public half: the server
// cannot read a ballot. With recipients, ballots are sealed to the
// officers' SSH keys and keyOut is not used. The message says what was done
// with the key, for the officer.
func (s *Service) CreateElection(ctx context.Context, d Definition, keyOut, actor string) (Election, string, error) {
	if err := s.checkNew(ctx, d); err != nil {
		return Election{}, "", err
	}
	e := Election{Definition: d, State: Draft}
	if d.Trustees != nil {
		return s.createTrusteeElection(ctx, e, actor)
	}
	if len(d.Recipients) > 0 {
		if _, err := ParseRecipients(d.Recipients); err != nil {
			return Election{}, "", fmt.Errorf("election %s: the officers' keys: %w", d.ID, err)
		}
		e.Recipients = append([]string(nil), d.Recipients...)
		if err := s.store.CreateElection(ctx, e, actor); err != nil {
			return Election{}, "", err
		}
		msg := fmt.Sprintf("ballots of %s are sealed to the %d officers' SSH keys in the definition; any one of them can unseal them to count", d.ID, len(d.Recipients))
		return s.reload(ctx, d.ID, msg)
	}
	if keyOut == "" {
		return Election{}, "", errors.New("the election names no officers' keys, so booth generates a tally key: say where to write it")
	}
	identity, recipient, err := NewTallyKey()
	if err != nil {
		return Election{}, "", err
	}
	if err := writeKeyFile(keyOut, d.ID, identity, recipient); err != nil {
		return Election{}, "", err
	}
	e.Recipients = []string{recipient}
	if err := s.store.CreateElection(ctx, e, actor); err != nil {
		// The key belongs to an election that does not exist; a stale key
		// file would only be confused with a real one later.
		_ = os.Remove(keyOut)
		return Election{}, "", err
	}
	msg := fmt.Sprintf("tally key of %s written to %s: keep it offline and safe, it is needed to count and booth keeps no copy", d.ID, keyOut)
	return s.reload(ctx, d.ID, msg)
}

func (s *Service) reload(ctx context.Context, id, msg string) (Election, string, error) {
	e, err := s.store.Election(ctx, id)
	if err != nil {
		return Election{}, "", err
	}
	return e, msg, nil
}

// writeKeyFile writes a tally key once: O_EXCL refuses an existing file,
// so an earlier election's key is never overwritten, and 0600 keeps it to
// the officer. The file is synced before the election is stored.
func writeKeyFile(path, electionID, identity, recipient string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s already exists: booth never overwrites a key file; choose another path", path)
	}
	if err != nil {
		return fmt.Errorf("writing the tally key: %w", err)
	}
	content := fmt.Sprintf("# booth tally key for election %s\n# created: %s\n# public key: %s\n%s\n",
		electionID, time.Now().UTC().Format(time.RFC3339), recipient, identity)
	_, err = f.WriteString(content)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("writing the tally key to %s: %w", path, err)
	}
	return nil
}

// OpenElection opens a draft election now, by the store's clock: the
// store records the definition's fingerprint and freezes the electorate.
// Before its opening time, the opening time moves to now (OpeningAt), so
// the election is open in every sense; with nobody eligible it stays a
// draft (ErrEmptyElectorate). An election taking nominations closes them
// first, once due (CloseNominations).
func (s *Service) OpenElection(ctx context.Context, id, actor string) error {
	e, err := s.store.Election(ctx, id)
	if err != nil {
		return err
	}
	if e.State != Draft {
		return fmt.Errorf("%w: election %s is %s; only a draft election can be opened", ErrWrongState, id, e.State)
	}
	if !e.NominationsFinal() {
		// Its nominations make its candidates: they close first, if due.
		if err := s.store.CloseNominations(ctx, id, actor); err != nil {
			return err
		}
		if e, err = s.store.Election(ctx, id); err != nil {
			return err
		}
	}
	return s.store.OpenElection(ctx, id, e.Definition.Fingerprint(), actor)
}

// CancelElection gives up a draft or open election that has no ballot:
// the store discards its roll and the record of its tally key, audited.
// The officer's tally key file, if booth generated one, seals nothing any
// more.
func (s *Service) CancelElection(ctx context.Context, id, actor string) error {
	return s.store.CancelElection(ctx, id, actor)
}

// CloseElection stops voting in an open election now, by the store's
// clock; the store rewrites the box in receipt-hash order and scrubs. A
// *ScrubError means the election is closed but not scrubbed yet.
func (s *Service) CloseElection(ctx context.Context, id, actor string) error {
	e, err := s.store.Election(ctx, id)
	if err != nil {
		return err
	}
	if e.State != Open {
		return fmt.Errorf("%w: election %s is %s; only an open election can be closed", ErrWrongState, id, e.State)
	}
	return s.store.CloseElection(ctx, id, actor)
}

// Tick applies the automatic lifecycle at the store's time (Store.Now),
// never at this process's clock: one front end whose clock is wrong must
// not open or close elections for everyone. Every command runs it before
// it works, so no daemon is needed. A draft election whose opening
// time has passed opens, unless nobody is eligible: then it stays a draft
// and its ErrEmptyElectorate error is among those returned, for callers to
// warn about (the store audits it once per definition). An open election whose effective close has passed
// closes, unless its turnout quorum was missed and the rules extend the
// close (the AlmaLinux rule): then the close moves on by whole periods
// until it lies in the future, one store.Extend (and audit entry) each.
// Before that, a draft whose nominations_close has passed closes its
// nominations (closeDueNominations): the accepted nominees become its
// candidates; too few, and it stays a draft with ErrTooFewNominees among
// the errors. Last, it retries the scrub of elections closed but not scrubbed
// (models/scrub.go); if that still cannot complete, Tick returns its
// *ScrubError after everything else was applied: callers warn and carry on.
// An election it cannot open, extend or close does not stop the others or
// the retry: Tick goes on and returns every error, joined. What it does is
// audited as done by ClockActor, whoever's command called it.
func (s *Service) Tick(ctx context.Context) error {
	const actor = ClockActor
	elections, err := s.store.Elections(ctx)
	if err != nil {
		return err
	}
	now, err := s.store.Now(ctx)
	if err != nil {
		return err
	}
	now = now.UTC()
	// One election's failure (its quorum never met, a write refused) must
	// not stop the others opening or closing, nor the scrub retry.
	var errs []error
	pending := false
	for _, e := range elections {
		pending = pending || e.ScrubPending
		if e, err = s.closeDueNominations(ctx, e, now, actor); err != nil {
			errs = append(errs, err)
			continue
		}
		if e.State == Draft && !now.Before(e.OpensAt) {
			// ErrWrongState: another front end on the same database opened
			// it first.
			if err := s.store.OpenElection(ctx, e.ID, e.Definition.Fingerprint(), actor); err != nil && !errors.Is(err, ErrWrongState) {
				errs = append(errs, fmt.Errorf("opening election %s at its opening time: %w", e.ID, err))
				continue
			}
			if e, err = s.store.Election(ctx, e.ID); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if e.State == Open && !now.Before(e.EffectiveClose()) {
			err := s.closeOrExtend(ctx, e, now, actor)
			if errors.Is(err, ErrNotScrubbed) {
				pending = true
			} else if err != nil {
				errs = append(errs, err)
			}
		}
	}
	if pending {
		if _, err := s.store.Scrub(ctx, ScrubRetryWait, actor); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 1 {
		// Alone, a scrub's *ScrubError is what callers warn about.
		return errs[0]
	}
	return errors.Join(errs...)
}

// maxExtensions stops Tick from writing without end for a tiny extension
// period after a long pause.
const maxExtensions = 10000

// closeOrExtend handles an open election whose effective close has passed.
func (s *Service) closeOrExtend(ctx context.Context, e Election, now time.Time, actor string) error {
	if e.Quorum.Extend > 0 {
		t, err := s.store.Turnout(ctx, e.ID)
		if err != nil {
			return err
		}
		if !e.Quorum.QuorumMet(t) {
			for !now.Before(e.EffectiveClose()) {
				if e.Extensions >= maxExtensions {
					return fmt.Errorf("election %s: %d extensions and its quorum is still not met; close it by hand or fix its extension period", e.ID, e.Extensions)
				}
				if err := s.store.Extend(ctx, e.ID, e.Extensions, actor); errors.Is(err, ErrWrongState) {
					// Another front end extended or closed it first: see
					// where it stands now.
					if e, err = s.store.Election(ctx, e.ID); err != nil || e.State != Open {
						return err
					}
					continue
				} else if err != nil {
					return fmt.Errorf("extending election %s for its missed quorum: %w", e.ID, err)
				}
				e.Extensions++
			}
			return nil
		}
	}
	err := s.store.CloseElection(ctx, e.ID, actor)
	switch {
	case err == nil, errors.Is(err, ErrWrongState):
	case errors.Is(err, ErrNotScrubbed):
		// Closed; Tick retries the scrub.
		return err
	default:
		return fmt.Errorf("closing election %s at its closing time: %w", e.ID, err)
	}
	return nil
}
