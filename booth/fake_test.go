package booth

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// fakeBackend is an in-memory Backend that records every cast.
type fakeBackend struct {
	mu        sync.Mutex
	elections []models.MemberElection
	results   map[string]models.StoredResult
	casts     []castCall
	replaces  []castCall
	castErr   error // returned by the next CastBallot instead of casting
	receipts  int
	// box is what the fake's box knows of each receipt, by election and
	// normalised receipt.
	box map[[2]string]models.ReceiptState
}

type castCall struct {
	election, member, key, oldReceipt string
	ballot                            models.Ballot
}

func (f *fakeBackend) MemberElections(_ context.Context, memberID string) ([]models.MemberElection, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.elections), nil
}

func (f *fakeBackend) CastBallot(_ context.Context, electionID string, by models.Caster, b models.Ballot) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.castErr; err != nil {
		f.castErr = nil
		return "", err
	}
	for i := range f.elections {
		if e := &f.elections[i]; e.ID == electionID {
			if e.Voted {
				return "", models.ErrAlreadyVoted
			}
			e.Voted = true
			e.Turnout.Voted++
		}
	}
	f.casts = append(f.casts, castCall{election: electionID, member: by.MemberID, key: by.Key, ballot: b})
	return f.file(electionID), nil
}

// file draws a receipt for a ballot put in the box.
func (f *fakeBackend) file(electionID string) string {
	r := f.receipt()
	f.setReceipt(electionID, r, models.ReceiptCounted)
	return r
}

func (f *fakeBackend) setReceipt(electionID, receipt string, st models.ReceiptState) {
	norm, err := models.NormalizeReceipt(receipt)
	if err != nil {
		panic(err)
	}
	if f.box == nil {
		f.box = map[[2]string]models.ReceiptState{}
	}
	f.box[[2]string{electionID, norm}] = st
}

// CheckReplace answers as models.Service.CheckReplace does, from the box.
func (f *fakeBackend) CheckReplace(_ context.Context, electionID, receipt string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.checkReplace(electionID, receipt)
}

func (f *fakeBackend) checkReplace(electionID, receipt string) error {
	norm, err := models.NormalizeReceipt(receipt)
	if err != nil {
		return err
	}
	switch f.box[[2]string{electionID, norm}] {
	case models.ReceiptCounted:
		return nil
	case models.ReceiptReplaced:
		return models.ErrReceiptReplaced
	}
	for k := range f.box {
		if k[1] == norm {
			return models.ErrReceiptElsewhere
		}
	}
	return models.ErrReceiptUnknown
}

// fakeSecret is the fake server's candidate-order secret: fixed, so the
// goldens show one order.
var fakeSecret = []byte("the fake server's order secret..")

func (f *fakeBackend) OrderSecret(context.Context) ([]byte, error) { return fakeSecret, nil }

func (f *fakeBackend) ReplaceBallot(_ context.Context, electionID string, by models.Caster, oldReceipt string, b models.Ballot) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkReplace(electionID, oldReceipt); err != nil {
		return "", err
	}
	f.setReceipt(electionID, oldReceipt, models.ReceiptReplaced)
	f.replaces = append(f.replaces, castCall{election: electionID, member: by.MemberID, key: by.Key, oldReceipt: oldReceipt, ballot: b})
	return f.file(electionID), nil
}

// receipt is a deterministic receipt of the form booth issues.
func (f *fakeBackend) receipt() string {
	f.receipts++
	r, err := models.NewReceipt(bytes.NewReader(bytes.Repeat([]byte{byte(0x5a + f.receipts)}, 16)))
	if err != nil {
		panic(err)
	}
	return r
}

func (f *fakeBackend) Result(_ context.Context, electionID string) (models.StoredResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r, ok := f.results[electionID]; ok {
		return r, nil
	}
	return models.StoredResult{}, models.ErrNotFound
}

func (f *fakeBackend) castCalls() []castCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.casts)
}

// The fixed clock of every test: 5 December 2026, noon UTC.
var testNow = time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)

func testSession() Session {
	return Session{
		Member:      models.Member{ID: "m-0042", Name: "Ada Member", Status: models.Active},
		Fingerprint: "SHA256:q9Vt7b1yQm0l7x1m6kzY9nJ0c4Xo3bqj8m2e5k8kE2U",
		Now:         func() time.Time { return testNow },
		Clipboard:   true,
	}
}

func boardCandidates() []models.Candidate {
	return []models.Candidate{
		{ID: "amara-okafor", Name: "Amara Okafor", Affiliation: "Independent", Statement: "# Amara Okafor\n\nI have maintained the **build system** for six years.\n\n- Faster releases\n- A mentoring programme\n- Open finances\n"},
		{ID: "jonas-lindqvist", Name: "Jonas Lindqvist", Affiliation: "Northwind Hosting", Statement: "Mirrors in every continent."},
		{ID: "mei-tanaka", Name: "Mei Tanaka", Statement: "Documentation first."},
		{ID: "rafael-souza", Name: "Rafael Souza", Affiliation: "Independent", Statement: "Security response."},
		{ID: "grace-ito", Name: "Grace Ito", Statement: "Community events."},
		{ID: "ken-adeyemi", Name: "Ken Adeyemi", Statement: "Sustainable funding."},
	}
}

func boardElection() models.MemberElection {
	return models.MemberElection{
		Election: models.Election{
			Definition: models.Definition{
				ID: "board-2026", Title: "Board of Directors election 2026",
				Description: "The foundation elects **three** of its seven directors this year, for a term of two years.\n\nRank as many candidates as you like: your first choice first.",
				Method:      tally.Meek, Seats: 3, Candidates: boardCandidates(),
				OpensAt:      time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC),
				ClosesAt:     time.Date(2026, 12, 15, 14, 0, 0, 0, time.UTC),
				AllowReplace: true, PublishLedger: true,
				Quorum: models.QuorumRule{Percent: 50, Extend: 72 * time.Hour},
			},
			State:       models.Open,
			Fingerprint: "7f3a9c0d41e2b6a8f5c3d2e1b0a99887766554433221100ffeeddccbbaa9c2",
		},
		OnRoll: true, Turnout: models.Turnout{Voted: 1284, Electorate: 2310},
	}
}

func questionElection() models.MemberElection {
	return models.MemberElection{
		Election: models.Election{
			Definition: models.Definition{
				ID: "question-2026", Title: "Which release cadence?", Description: "Pick the cadence.",
				Method: tally.Schulze, Seats: 1, FixedOrder: true, DefaultOption: "nota",
				Candidates: []models.Candidate{
					{ID: "six-months", Name: "Every six months"},
					{ID: "yearly", Name: "Every year"},
					{ID: "nota", Name: "None of the above"},
				},
				OpensAt:  time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
				ClosesAt: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC),
			},
			State: models.Open, Fingerprint: "0011223344556677889900112233445566778899001122334455667788990011",
		},
		OnRoll: true, Voted: true, Turnout: models.Turnout{Voted: 40, Electorate: 2310},
	}
}

func bylawElection() models.MemberElection {
	return models.MemberElection{
		Election: models.Election{
			Definition: models.Definition{
				ID: "bylaw-7", Title: "Bylaw amendment 7", Method: tally.YesNo, Seats: 1,
				Candidates: []models.Candidate{{ID: "yes", Name: "Yes"}, {ID: "no", Name: "No"}, {ID: "abstain", Name: "Abstain"}},
				OpensAt:    time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC),
				ClosesAt:   time.Date(2026, 12, 27, 0, 0, 0, 0, time.UTC),
			},
			State: models.Draft,
		},
		OnRoll: true,
	}
}

// pastElection is a counted Meek election whose result comes from a real
// count, so the results screen shows real rounds.
func pastElection(t *testing.T) (models.MemberElection, models.StoredResult) {
	t.Helper()
	cands := []tally.Candidate{{ID: "a", Name: "Ada Lovelace"}, {ID: "b", Name: "Barbara Liskov"}, {ID: "c", Name: "Ken Thompson"}, {ID: "d", Name: "Grace Hopper"}}
	e := &tally.Election{Title: "Board 2025", Candidates: cands, Seats: 2, Ballots: []tally.Ballot{
		{Count: 30, Ranks: [][]int{{0}, {1}}},
		{Count: 12, Ranks: [][]int{{1}, {0}}},
		{Count: 9, Ranks: [][]int{{2}, {3}}},
		{Count: 11, Ranks: [][]int{{3}, {2}}},
		{Count: 4, Ranks: [][]int{{2}}},
	}}
	res, err := tally.Count(e, tally.Options{Method: tally.Meek, Seats: 2})
	if err != nil {
		t.Fatal(err)
	}
	mc := make([]models.Candidate, len(cands))
	for i, c := range cands {
		mc[i] = models.Candidate{ID: c.ID, Name: c.Name}
	}
	me := models.MemberElection{
		Election: models.Election{
			Definition: models.Definition{
				ID: "board-2025", Title: "Board of Directors election 2025", Method: tally.Meek, Seats: 2, Candidates: mc,
				OpensAt:  time.Date(2025, 12, 1, 14, 0, 0, 0, time.UTC),
				ClosesAt: time.Date(2025, 12, 15, 14, 0, 0, 0, time.UTC),
				Quorum:   models.QuorumRule{Percent: 50},
			},
			State: models.Counted, Fingerprint: "aa00bb11cc22dd33ee44ff5566778899aabbccddeeff00112233445566778899",
		},
		OnRoll: true, Voted: true, Turnout: models.Turnout{Voted: 66, Electorate: 120},
	}
	return me, models.StoredResult{Result: res, CountedAt: me.ClosesAt.Add(time.Hour)}
}

func newFake(t *testing.T) *fakeBackend {
	past, res := pastElection(t)
	return &fakeBackend{
		elections: []models.MemberElection{questionElection(), boardElection(), bylawElection(), past},
		results:   map[string]models.StoredResult{past.ID: res},
	}
}
