package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
)

// Publication is everything a counted election publishes after its count;
// models/bundle writes it as the signed results bundle.
type Publication struct {
	Election Election
	Result   StoredResult
	Turnout  Turnout
	// Voters are the IDs of the members who voted, in ID order.
	Voters []string
	// Ledger is nil unless the election publishes its ledger: every
	// counted ballot and every replaced receipt, in receipt-hash order.
	Ledger []LedgerEntry
	// AuditSeq and AuditHead are the audit chain's last entry when the
	// bundle was made; the publication's own entry follows them.
	AuditSeq    int64
	AuditHead   [32]byte
	PublishedAt time.Time
	// Count is, for an election with trustees, the count session whose
	// releases opened its ballots: the bundle publishes them.
	Count *CountSession
	// Nominations are the nominations that made the ballot, in candidate
	// order, when the election took nominations.
	Nominations []Nomination
}

// LedgerEntry is one receipt of the published ledger: the ballot filed
// under it (its canonical text, Ballot.Text), or the mark that it was
// replaced by a newer ballot.
type LedgerEntry struct {
	ReceiptHash [32]byte
	Ballot      string
	Replaced    bool
}

// Publish gathers a counted election's publication, hands it to seal (which
// writes and signs the bundle: models/bundle) and stores the bytes seal
// returns, so the server can hand them out; the store audits the
// publication with the bundle's SHA-256. When the election publishes its
// ledger the ballots are unsealed with identities, which the audit log
// records like a count; otherwise identities may be nil and nothing is
// unsealed. Publishing again replaces the stored bundle.
func (s *Service) Publish(ctx context.Context, electionID string, identities []age.Identity,
	seal func(Publication) ([]byte, error), actor string) ([]byte, error) {
	if e, err := s.store.Election(ctx, electionID); err != nil {
		return nil, err
	} else if e.Trustees != nil {
		return nil, fmt.Errorf("election %s is counted by its trustees: publish it with the evidence of its count session (booth election publish %s --trustees)", electionID, electionID)
	}
	p, err := s.publication(ctx, electionID, identities, actor)
	if err != nil {
		return nil, err
	}
	return s.saveBundle(ctx, p, seal, actor)
}

// PublishWithTrustees publishes an election with trustees as Publish
// does, with the evidence of the count session that counted it (its
// releases, in the bundle); files are the releases again when the ledger
// is published, to unseal the ballots. Then the session is finished and
// its key file deleted.
func (s *Service) PublishWithTrustees(ctx context.Context, electionID, keyFile string, files []ReleaseFile,
	seal func(Publication) ([]byte, error), actor string) ([]byte, error) {
	e, err := s.trusteeElection(ctx, electionID)
	if err != nil {
		return nil, err
	}
	if err := CheckPublish(e); err != nil {
		return nil, err
	}
	session, id, err := s.countEvidence(ctx, e, keyFile, files)
	if err != nil {
		return nil, err
	}
	var ids []age.Identity
	if id != nil {
		ids = []age.Identity{id}
	}
	p, err := s.publication(ctx, electionID, ids, actor)
	if err != nil {
		return nil, err
	}
	p.Count = &session
	data, err := s.saveBundle(ctx, p, seal, actor)
	if err != nil {
		return nil, err
	}
	return data, s.finishSession(ctx, electionID, session.Key, keyFile, actor)
}

// saveBundle seals a publication and stores the bundle.
func (s *Service) saveBundle(ctx context.Context, p Publication, seal func(Publication) ([]byte, error), actor string) ([]byte, error) {
	electionID := p.Election.ID
	data, err := seal(p)
	if err != nil {
		return nil, fmt.Errorf("election %s: %w", electionID, err)
	}
	if err := s.store.SaveBundle(ctx, electionID, data, actor); err != nil {
		return nil, err
	}
	return data, nil
}

// publication reads what a counted election publishes.
func (s *Service) publication(ctx context.Context, electionID string, identities []age.Identity, actor string) (Publication, error) {
	e, err := s.store.Election(ctx, electionID)
	if err != nil {
		return Publication{}, err
	}
	if e.State != Counted {
		return Publication{}, fmt.Errorf("%w: election %s is %s; count it before publishing its results", ErrWrongState, electionID, e.State)
	}
	if err := scrubbed(e); err != nil {
		return Publication{}, err
	}
	if e.PublishLedger && len(identities) == 0 {
		return Publication{}, fmt.Errorf("election %s publishes its ledger, so its ballots must be unsealed: give the tally key (or an officer's SSH key)", electionID)
	}
	p := Publication{Election: e, PublishedAt: s.Now().UTC()}
	if p.Result, err = s.store.Result(ctx, electionID); err != nil {
		return Publication{}, err
	}
	if p.Turnout, err = s.store.Turnout(ctx, electionID); err != nil {
		return Publication{}, err
	}
	if p.Voters, err = s.store.Voters(ctx, electionID); err != nil {
		return Publication{}, err
	}
	if e.PublishLedger {
		if p.Ledger, err = s.ledger(ctx, electionID, identities, actor); err != nil {
			return Publication{}, err
		}
	} else if err := s.boxMatchesRoll(ctx, electionID, p.Turnout); err != nil {
		return Publication{}, err
	}
	if p.Nominations, err = s.ballotNominations(ctx, e); err != nil {
		return Publication{}, err
	}
	// Read last, so the head covers the unsealing just audited.
	log, err := s.store.AuditLog(ctx)
	if err != nil {
		return Publication{}, err
	}
	if p.AuditHead, err = VerifyChain(log); err != nil {
		return Publication{}, fmt.Errorf("the audit chain is broken, so no results are published: %w (run booth audit verify)", err)
	}
	p.AuditSeq = int64(len(log))
	return p, nil
}

// ledger unseals the box and merges its ballots with the replaced
// receipts, in receipt-hash order.
func (s *Service) ledger(ctx context.Context, electionID string, identities []age.Identity, actor string) ([]LedgerEntry, error) {
	_, ballots, err := s.openBox(ctx, electionID, identities, actor, "publishing")
	if err != nil {
		return nil, err
	}
	replaced, err := s.store.ReplacedReceipts(ctx, electionID)
	if err != nil {
		return nil, err
	}
	out := make([]LedgerEntry, 0, len(ballots)+len(replaced))
	for _, b := range ballots {
		out = append(out, LedgerEntry{ReceiptHash: b.ReceiptHash, Ballot: b.Ballot.Text()})
	}
	for _, h := range replaced {
		out = append(out, LedgerEntry{ReceiptHash: h, Replaced: true})
	}
	slices.SortFunc(out, func(a, b LedgerEntry) int {
		return strings.Compare(string(a.ReceiptHash[:]), string(b.ReceiptHash[:]))
	})
	for i := 1; i < len(out); i++ {
		if out[i].ReceiptHash == out[i-1].ReceiptHash {
			return nil, errors.New("a receipt hash is both in the box and among the replaced receipts; the database was changed by something other than booth")
		}
	}
	return out, nil
}

// boxMatchesRoll checks, without unsealing, that the box holds one ballot
// per roll mark, as the count did.
func (s *Service) boxMatchesRoll(ctx context.Context, electionID string, t Turnout) error {
	sealed, err := s.store.Ballots(ctx, electionID)
	if err != nil {
		return err
	}
	if len(sealed) != t.Voted {
		return fmt.Errorf("%w: election %s has %d members marked as voted but %d ballots in the box; nothing was published — check the database against its backups",
			ErrMismatch, electionID, t.Voted, len(sealed))
	}
	return nil
}

// ballotNominations are the nominations of e's candidates, in candidate
// order; nil when e took no nominations.
func (s *Service) ballotNominations(ctx context.Context, e Election) ([]Nomination, error) {
	if e.Nominations == nil {
		return nil, nil
	}
	ns, err := s.store.Nominations(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	byID := map[string]Nomination{}
	for _, n := range ns {
		byID[n.NomineeID] = n
	}
	out := make([]Nomination, 0, len(e.Candidates))
	for _, c := range e.Candidates {
		n, ok := byID[c.ID]
		if !ok {
			return nil, fmt.Errorf("election %s: candidate %s has no nomination in the store, so no bundle can show it was nominated", e.ID, c.ID)
		}
		out = append(out, n)
	}
	return out, nil
}
