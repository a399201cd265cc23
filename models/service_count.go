package models

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"filippo.io/age"

	"vote.example.org/booth/tally"
)

// openedBallot is a ballot out of the box: its receipt hash and its text.
type openedBallot struct {
	ReceiptHash [32]byte
	Text        string
	Ballot      Ballot
}

// Count unseals a closed election's ballots with the officers' key, counts
// them with tally and stores the result (again, for a recount of a counted
// election). It refuses when the box holds a different number of ballots
// than the roll has marks: a ballot was lost or slipped in.
func (s *Service) Count(ctx context.Context, electionID string, identities []age.Identity, actor string) (*tally.Result, error) {
	if err := s.notTrustees(ctx, electionID, "count it with 'booth election count "+electionID+" --trustees'"); err != nil {
		return nil, err
	}
	return s.count(ctx, electionID, identities, actor)
}

// notTrustees refuses an election whose key is split among trustees for
// what needs a key booth does not keep; do says what to do instead.
func (s *Service) notTrustees(ctx context.Context, electionID, do string) error {
	e, err := s.store.Election(ctx, electionID)
	if err != nil {
		return err
	}
	if e.Trustees != nil {
		return fmt.Errorf("election %s is opened by its trustees, any %d of them together, not by one key: %s", electionID, e.Trustees.Threshold, do)
	}
	return nil
}

// count unseals with identities, counts and stores the result.
func (s *Service) count(ctx context.Context, electionID string, identities []age.Identity, actor string) (*tally.Result, error) {
	e, ballots, err := s.openBox(ctx, electionID, identities, actor, "counting")
	if err != nil {
		return nil, err
	}
	parsed := make([]Ballot, len(ballots))
	for i, b := range ballots {
		parsed[i] = b.Ballot
	}
	te, opts := TallyElection(e.Definition, e.Withdrawn, parsed)
	res, err := tally.Count(te, opts)
	if err != nil {
		return nil, fmt.Errorf("counting election %s: %w", electionID, err)
	}
	if err := s.store.SaveResult(ctx, electionID, StoredResult{Result: res, CountedAt: s.Now().UTC()}, actor); err != nil {
		return nil, err
	}
	return res, nil
}

// openBox checks that an election is closed (or counted) and its box
// matches its roll, unseals every ballot (auditing that it did, naming the
// purpose) and parses each. Ballots come back in receipt-hash order.
func (s *Service) openBox(ctx context.Context, electionID string, identities []age.Identity, actor, purpose string) (Election, []openedBallot, error) {
	e, err := s.store.Election(ctx, electionID)
	if err != nil {
		return Election{}, nil, err
	}
	if e.State != Closed && e.State != Counted {
		return Election{}, nil, fmt.Errorf("%w: election %s is %s; close it before %s", ErrWrongState, electionID, e.State, purpose)
	}
	if err := scrubbed(e); err != nil {
		return Election{}, nil, err
	}
	turnout, err := s.store.Turnout(ctx, electionID)
	if err != nil {
		return Election{}, nil, err
	}
	sealed, err := s.store.Ballots(ctx, electionID)
	if err != nil {
		return Election{}, nil, err
	}
	if turnout.Voted != len(sealed) {
		return Election{}, nil, fmt.Errorf("%w: election %s has %d members marked as voted but %d ballots in the box; nothing was unsealed or counted — check the database against its backups",
			ErrMismatch, electionID, turnout.Voted, len(sealed))
	}
	slices.SortFunc(sealed, func(a, b SealedBallot) int {
		return strings.Compare(string(a.ReceiptHash[:]), string(b.ReceiptHash[:]))
	})
	out := make([]openedBallot, len(sealed))
	for i, sb := range sealed {
		text, err := Unseal(identities, sb.Sealed)
		if err != nil {
			return Election{}, nil, fmt.Errorf("election %s: %w", electionID, err)
		}
		out[i] = openedBallot{ReceiptHash: sb.ReceiptHash, Text: string(text)}
	}
	detail := fmt.Sprintf("ballots of %s unsealed for %s (%d ballots)", electionID, purpose, len(out))
	if err := s.store.Audit(ctx, actor, "unseal", detail); err != nil {
		return Election{}, nil, err
	}
	for i := range out {
		// A ballot cast before a withdrawal may name the withdrawn
		// candidate; it was valid then. The count skips them, and the
		// ballot is kept in its standing form (Ballot.Standing), the one
		// text of its meaning that the ledger publishes.
		if out[i].Text == "" {
			// Sealed before blank ballots were written as the word
			// blank (issue 10 item 7).
			out[i].Text = Ballot{}.Text()
		}
		b, err := ParseBallot(e.Definition, nil, out[i].Text)
		if err != nil {
			// booth checks every ballot before sealing it, so this means
			// the box was written by something else.
			return Election{}, nil, fmt.Errorf("election %s: the ballot with receipt hash %s… does not read as a ballot of this election: %w",
				electionID, hex.EncodeToString(out[i].ReceiptHash[:4]), err)
		}
		if out[i].Ballot, err = b.Standing(e.Definition, e.Withdrawn); err != nil {
			return Election{}, nil, err
		}
	}
	return e, out, nil
}

// TallyElection turns an election's ballots into what tally counts, with
// the options its definition sets: candidates in definition order (a
// yes/no question without candidates gets yes, no, abstain), withdrawn
// candidates marked so ballots skip them, and ties broken by the lot from
// the published seed and the election ID. Anyone holding the ballots can
// count them the same way.
func TallyElection(d Definition, withdrawn []string, ballots []Ballot) (*tally.Election, tally.Options) {
	e := &tally.Election{Title: d.Title, Seats: d.Seats}
	cands := d.Candidates
	if d.Method == tally.YesNo {
		e.Seats = 1
		if len(cands) == 0 {
			cands = []Candidate{{ID: "yes", Name: "Yes"}, {ID: "no", Name: "No"}, {ID: "abstain", Name: "Abstain"}}
		}
	}
	for _, c := range cands {
		e.Candidates = append(e.Candidates, tally.Candidate{ID: c.ID, Name: c.Name})
	}
	index := make(map[string]int, len(e.Candidates))
	for i, c := range e.Candidates {
		index[c.ID] = i
	}
	for _, id := range withdrawn {
		if i, ok := index[id]; ok {
			e.Withdrawn = append(e.Withdrawn, i)
		}
	}
	e.Ballots = make([]tally.Ballot, len(ballots))
	for i, b := range ballots {
		ranks := make([][]int, 0, len(b.Ranks))
		for _, rank := range b.Ranks {
			r := make([]int, 0, len(rank))
			for _, id := range rank {
				c, ok := index[id]
				if !ok {
					// ParseBallot refuses unknown candidates; an index
					// out of range makes tally.Count refuse the ballot
					// rather than count it as someone else's.
					c = -1
				}
				r = append(r, c)
			}
			ranks = append(ranks, r)
		}
		e.Ballots[i] = tally.Ballot{Count: 1, Ranks: ranks}
	}
	opts := tally.Options{
		Method:        d.Method,
		Seats:         e.Seats,
		Ties:          tally.TieBreak{Seed: d.TieSeed, Election: d.ID},
		DefaultOption: d.DefaultOption,
		OptionQuorum:  d.OptionQuorum,
		Majority:      d.Majority,
		PassRatio:     d.PassRatio,
	}
	return e, opts
}

// Export writes a counted election's files for other tools into dir
// (created if missing; existing files are never overwritten):
//
//	definition.json  the definition, its fingerprint and lifecycle
//	result.json      the stored result, as tally writes it
//	ledger.json      [{receipt_hash, ballot}] in receipt-hash order — only
//	                 when the election publishes its ledger
//	voters.json      the IDs of the members who voted, in ID order
//	ballots.blt      the ballots as a BLT file (equal ranks with '='), in
//	                 receipt-hash order, for any STV or IRV counter
//
// The ballots are unsealed with identities for the ledger and the BLT
// file; that unsealing is audited like a count. The files are not signed.
func (s *Service) Export(ctx context.Context, electionID, dir string, identities []age.Identity, actor string) error {
	if err := s.notTrustees(ctx, electionID, "its ballots are published in its results bundle's ledger (booth election publish "+electionID+" --trustees)"); err != nil {
		return err
	}
	e, err := s.store.Election(ctx, electionID)
	if err != nil {
		return err
	}
	if e.State != Counted {
		return fmt.Errorf("%w: election %s is %s; count it before exporting", ErrWrongState, electionID, e.State)
	}
	if err := scrubbed(e); err != nil {
		return err
	}
	stored, err := s.store.Result(ctx, electionID)
	if err != nil {
		return err
	}
	voters, err := s.store.Voters(ctx, electionID)
	if err != nil {
		return err
	}
	_, ballots, err := s.openBox(ctx, electionID, identities, actor, "export")
	if err != nil {
		return err
	}
	files, err := exportFiles(e, stored, voters, ballots)
	if err != nil {
		return err
	}
	return writeExport(dir, files)
}
