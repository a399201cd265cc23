package tally

import (
	"crypto/sha256"
	"errors"
	"slices"
	"strings"
	"testing"
)

// approvalElection builds an election from ballots written like "A B=C":
// every letter after the count is a candidate (A is the first), "=" joins
// equal ranks, and "" is an empty ballot.
func approvalElection(names string, ballots ...string) *Election {
	e := &Election{}
	for _, n := range strings.Fields(names) {
		e.Candidates = append(e.Candidates, Candidate{Name: n})
	}
	for i, s := range ballots {
		b := Ballot{Count: 1, Line: i + 2}
		for _, rank := range strings.Fields(s) {
			var r []int
			for _, c := range strings.Split(rank, "=") {
				r = append(r, int(c[0]-'A'))
			}
			b.Ranks = append(b.Ranks, r)
		}
		e.Ballots = append(e.Ballots, b)
	}
	return e
}

func TestApproval(t *testing.T) {
	tests := []struct {
		name      string
		e         *Election
		opts      Options
		elected   []int
		totals    []int64
		ballots   int64
		ties      int
		tieChosen []int
	}{
		{
			name:    "most approvals win, any rank counts, empty ballots counted",
			e:       approvalElection("A B C D", "A B", "A B", "A B", "B=C", "B C", "D", ""),
			opts:    Options{Seats: 2},
			elected: []int{1, 0},
			totals:  []int64{3, 5, 2, 1},
			ballots: 7,
		},
		{
			name:    "tie below the last seat needs no lot",
			e:       approvalElection("A B C", "A B C", "A B", "A C"),
			opts:    Options{Seats: 3},
			elected: []int{0, 1, 2},
			totals:  []int64{3, 2, 2},
			ballots: 3,
		},
		{
			name:      "tie across the boundary broken by file order",
			e:         approvalElection("A B C", "A", "B", "C"),
			opts:      Options{Seats: 2, Ties: TieBreak{FileOrder: true}},
			elected:   []int{0, 1},
			totals:    []int64{1, 1, 1},
			ballots:   3,
			ties:      2,
			tieChosen: []int{0, 1},
		},
		{
			name: "file order follows the tie order",
			e: func() *Election {
				e := approvalElection("A B C", "A", "B", "C", "A")
				e.TieOrder = []int{0, 2, 1}
				return e
			}(),
			opts:      Options{Seats: 2, Ties: TieBreak{FileOrder: true}},
			elected:   []int{0, 2},
			totals:    []int64{2, 1, 1},
			ballots:   4,
			ties:      1,
			tieChosen: []int{2},
		},
		{
			name: "withdrawn candidates are ignored",
			e: func() *Election {
				e := approvalElection("A B C", "C A", "C B", "C", "B")
				e.Withdrawn = []int{2}
				return e
			}(),
			opts:    Options{Seats: 1},
			elected: []int{1},
			totals:  []int64{1, 2, 0},
			ballots: 4,
		},
		{
			name:    "as many seats as candidates",
			e:       approvalElection("A B", "A"),
			opts:    Options{Seats: 2},
			elected: []int{0, 1},
			totals:  []int64{1, 0},
			ballots: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Method = Approval
			res, err := Count(tt.e, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Elected, tt.elected) {
				t.Errorf("elected %v, want %v", res.Elected, tt.elected)
			}
			if res.Ballots != tt.ballots {
				t.Errorf("ballots %d, want %d", res.Ballots, tt.ballots)
			}
			if len(res.Rounds) != 1 {
				t.Fatalf("%d rounds, want 1", len(res.Rounds))
			}
			for c, want := range tt.totals {
				if got := res.Rounds[0].Totals[c]; got != Whole(want) {
					t.Errorf("candidate %d has %v approvals, want %d", c, got, want)
				}
			}
			for _, c := range tt.elected {
				if res.Rounds[0].Status[c] != Elected {
					t.Errorf("candidate %d is %v, want elected", c, res.Rounds[0].Status[c])
				}
			}
			if len(res.Ties) != tt.ties {
				t.Fatalf("%d ties recorded, want %d: %+v", len(res.Ties), tt.ties, res.Ties)
			}
			for i, c := range tt.tieChosen {
				if tie := res.Ties[i]; tie.Chosen != c || tie.Rule != "file order" || tie.Purpose != "elect" {
					t.Errorf("tie %d: %+v, want %d chosen by file order", i, tie, c)
				}
			}
		})
	}
}

func TestApprovalWithdrawnStatus(t *testing.T) {
	e := approvalElection("A B C", "A", "C")
	e.Withdrawn = []int{2}
	res, err := Count(e, Options{Method: Approval, Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Rounds[0].Status; !slices.Equal(got, []Status{Elected, Excluded, Withdrawn}) {
		t.Errorf("status %v", got)
	}
}

// The lot orders candidates by SHA-256(seed:election:name); recompute it
// here independently so the test checks the published rule, not the code.
func TestApprovalTieByLot(t *testing.T) {
	e := approvalElection("Ada Bob Cy Dee", "A", "B", "C", "D")
	ties := TieBreak{Seed: "published-seed", Election: "board-2025"}
	res, err := Count(e, Options{Method: Approval, Seats: 1, Ties: ties})
	if err != nil {
		t.Fatal(err)
	}
	want, best := -1, ""
	for c, cand := range e.Candidates {
		h := sha256.Sum256([]byte("published-seed:board-2025:" + cand.Name))
		if want < 0 || string(h[:]) < best {
			want, best = c, string(h[:])
		}
	}
	if !slices.Equal(res.Elected, []int{want}) {
		t.Errorf("elected %v, want [%d]", res.Elected, want)
	}
	if len(res.Ties) != 1 || res.Ties[0].Rule != "lot" || res.Ties[0].Chosen != want || len(res.Ties[0].Candidates) != 4 {
		t.Errorf("ties %+v", res.Ties)
	}
	if notes := strings.Join(res.Rounds[0].Notes, "\n"); !strings.Contains(notes, "chosen by lot") {
		t.Errorf("notes do not say the lot fired: %q", notes)
	}
}

func TestApprovalErrors(t *testing.T) {
	e := approvalElection("A B C", "A")
	e.Withdrawn = []int{1}
	_, err := Count(e, Options{Method: Approval, Seats: 3})
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(ie.Msg, "3 seats but only 2 candidates") {
		t.Errorf("got %v, want an InputError about too many seats", err)
	}
	bad := approvalElection("A B", "A")
	bad.Ballots[0].Ranks = [][]int{{0}, {0}}
	if _, err := Count(bad, Options{Method: Approval}); !errors.As(err, &ie) || ie.Line != 2 {
		t.Errorf("a candidate ranked twice: got %v, want an InputError on line 2", err)
	}
}
