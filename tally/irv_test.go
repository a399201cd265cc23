package tally

import (
	"crypto/sha256"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// irvElection builds an election whose candidates are the letters of names;
// each ballot reads "COUNT RANK RANK ...", where a rank is one or more
// letters, several letters being candidates marked at the same rank.
func irvElection(t testing.TB, names string, ballots ...string) *Election {
	t.Helper()
	e := &Election{}
	for _, r := range names {
		e.Candidates = append(e.Candidates, Candidate{Name: string(r)})
	}
	for i, line := range ballots {
		f := strings.Fields(line)
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			t.Fatalf("bad test ballot %q", line)
		}
		b := Ballot{Count: n, Line: i + 1}
		for _, rank := range f[1:] {
			var cands []int
			for _, r := range rank {
				cands = append(cands, strings.IndexRune(names, r))
			}
			b.Ranks = append(b.Ranks, cands)
		}
		e.Ballots = append(e.Ballots, b)
	}
	return e
}

func countIRVOK(t testing.TB, e *Election, opts Options) *Result {
	t.Helper()
	opts.Method = IRV
	res, err := Count(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// irvTotals reads one round's totals in the order of cands.
func irvTotals(r Round, cands ...int) []int64 {
	out := make([]int64, len(cands))
	for i, c := range cands {
		out[i] = r.Totals[c].Units
	}
	return out
}

func TestIRVBurlington2009(t *testing.T) {
	f, err := os.Open("../testdata/elections/burlington2009/burlington2009.toi")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e, err := ReadPrefLib(f)
	if err != nil {
		t.Fatal(err)
	}
	res := countIRVOK(t, e, Options{})
	// Candidates in the file: 1 Kiss, 2 Montroll, 3 Simpson, 4 Smith,
	// 5 Wright, 6 Write-In. The table's columns: Wright, Kiss, Montroll,
	// Smith, Write-in, Simpson, then exhausted; 0 stands for "–".
	cols := []int{4, 0, 1, 3, 5, 2}
	want := [][]int64{
		{2951, 2585, 2063, 1306, 36, 35, 4},
		{2955, 2599, 2067, 1315, 37, 0, 7},
		{2960, 2605, 2080, 1317, 0, 0, 18},
		{3294, 2981, 2554, 0, 0, 0, 151},
		{4060, 4313, 0, 0, 0, 0, 607},
	}
	if len(res.Rounds) != len(want) {
		t.Fatalf("%d rounds, want %d", len(res.Rounds), len(want))
	}
	excluded := []int{-1, 2, 5, 3, 1}
	for i, r := range res.Rounds {
		got := append(irvTotals(r, cols...), r.Exhausted.Units)
		if !slices.Equal(got, want[i]) {
			t.Errorf("round %d: got %v, want %v", i+1, got, want[i])
		}
		if r.Number != i+1 {
			t.Errorf("round %d is numbered %d", i+1, r.Number)
		}
		for _, d := range append(r.Totals, r.Exhausted) {
			if d.Places != 0 {
				t.Errorf("round %d: %v has %d places, want whole votes", i+1, d, d.Places)
			}
		}
		if i > 0 && !slices.Equal(r.Excluded, []int{excluded[i]}) {
			t.Errorf("round %d excluded %v, want [%d]", i+1, r.Excluded, excluded[i])
		}
		if i > 0 && r.Status[excluded[i]] != Excluded {
			t.Errorf("round %d: %s is %v, want excluded", i+1, e.Candidates[excluded[i]].Name, r.Status[excluded[i]])
		}
	}
	if !slices.Equal(res.Elected, []int{0}) || res.Candidates[0].Name != "Bob Kiss" {
		t.Errorf("elected %v, want Bob Kiss", res.Elected)
	}
	last := res.Rounds[4]
	if !slices.Equal(last.Elected, []int{0}) || last.Status[0] != Elected {
		t.Errorf("final round elects %v with status %v", last.Elected, last.Status[0])
	}
	if res.Ballots != 8980 || res.Seats != 1 || res.Method != IRV || len(res.Ties) != 0 {
		t.Errorf("ballots %d, seats %d, method %s, ties %v", res.Ballots, res.Seats, res.Method, res.Ties)
	}
	if res.Rounds[0].Action != "First preferences" || res.Rounds[1].Action != "James Simpson excluded" {
		t.Errorf("actions %q, %q", res.Rounds[0].Action, res.Rounds[1].Action)
	}
	wantNotes := map[int]string{
		1: "James Simpson has the fewest votes (35): excluded",
		4: "Bob Kiss has 4313 of 8373 votes still counting, more than half: elected",
	}
	for i, note := range wantNotes {
		if !slices.Contains(res.Rounds[i].Notes, note) {
			t.Errorf("round %d notes %q, want %q", i+1, res.Rounds[i].Notes, note)
		}
	}
}

func TestIRVOvervoteExhaustsEvenWithExcludedCandidate(t *testing.T) {
	// C goes first; then D's ballots reach {C,A}. Skipping C there would
	// hand A three more votes, but an overvote exhausts the ballot.
	e := irvElection(t, "ABCD", "6 A", "5 B", "2 C", "3 D CA")
	res := countIRVOK(t, e, Options{})
	if len(res.Rounds) != 3 {
		t.Fatalf("%d rounds, want 3", len(res.Rounds))
	}
	r := res.Rounds[2]
	if got := irvTotals(r, 0, 1, 2, 3); !slices.Equal(got, []int64{6, 5, 0, 0}) || r.Exhausted.Units != 5 {
		t.Errorf("round 3 totals %v exhausted %v, want [6 5 0 0] and 5", got, r.Exhausted)
	}
	if !slices.Equal(res.Elected, []int{0}) {
		t.Errorf("elected %v, want A", res.Elected)
	}
}

func TestIRVOvervoteAtFirstRank(t *testing.T) {
	e := irvElection(t, "AB", "3 A", "2 B", "4 AB")
	res := countIRVOK(t, e, Options{})
	if r := res.Rounds[0]; r.Exhausted.Units != 4 || !slices.Equal(res.Elected, []int{0}) {
		t.Errorf("exhausted %v, elected %v; want 4 and A", r.Exhausted, res.Elected)
	}
}

func TestIRVSkipsExcludedRank(t *testing.T) {
	e := irvElection(t, "ABCD", "6 A", "5 B", "2 C", "3 D C B")
	res := countIRVOK(t, e, Options{})
	r := res.Rounds[len(res.Rounds)-1]
	if got := irvTotals(r, 0, 1, 2, 3); !slices.Equal(got, []int64{6, 8, 0, 0}) || r.Exhausted.Units != 2 {
		t.Errorf("final totals %v exhausted %v, want [6 8 0 0] and 2", got, r.Exhausted)
	}
	if !slices.Equal(res.Elected, []int{1}) {
		t.Errorf("elected %v, want B", res.Elected)
	}
}

func TestIRVTieSettledByEarlierRound(t *testing.T) {
	// After E goes, C and D both have 3; D had fewer in round 1.
	e := irvElection(t, "ABCDE", "10 A", "9 B", "3 C B", "2 D", "1 E D")
	res := countIRVOK(t, e, Options{})
	if len(res.Ties) != 1 {
		t.Fatalf("ties %v, want one", res.Ties)
	}
	tie := res.Ties[0]
	if tie.Rule != "round 1" || tie.Chosen != 3 || tie.Round != 3 || tie.Purpose != "exclude" || !slices.Equal(tie.Candidates, []int{2, 3}) {
		t.Errorf("tie %+v, want D chosen by round 1 in round 3", tie)
	}
	if !slices.Equal(res.Rounds[2].Excluded, []int{3}) || !slices.Equal(res.Elected, []int{1}) {
		t.Errorf("round 3 excluded %v, elected %v; want D and B", res.Rounds[2].Excluded, res.Elected)
	}
}

func TestIRVTieSettledByLot(t *testing.T) {
	e := irvElection(t, "ABC", "5 A", "3 B", "3 C")
	ties := TieBreak{Seed: "2024-11-05", Election: "mayor"}
	// The lot as published: the lowest SHA-256(seed:election:name) goes.
	key := func(name string) string {
		h := sha256.Sum256([]byte(ties.Seed + ":" + ties.Election + ":" + name))
		return string(h[:])
	}
	want := 1
	if key("C") < key("B") {
		want = 2
	}
	for range 3 {
		res := countIRVOK(t, e, Options{Ties: ties})
		if len(res.Ties) != 1 || res.Ties[0].Rule != "lot" || res.Ties[0].Chosen != want {
			t.Fatalf("ties %+v, want %s chosen by lot", res.Ties, e.Candidates[want].Name)
		}
		if !slices.Equal(res.Rounds[1].Excluded, []int{want}) {
			t.Errorf("excluded %v, want [%d]", res.Rounds[1].Excluded, want)
		}
	}
}

func TestIRVTieFileOrder(t *testing.T) {
	e := irvElection(t, "ABC", "5 A", "3 B", "3 C")
	res := countIRVOK(t, e, Options{Ties: TieBreak{FileOrder: true}})
	if len(res.Ties) != 1 || res.Ties[0].Rule != "file order" || res.Ties[0].Chosen != 1 {
		t.Errorf("ties %+v, want B (listed first) chosen by file order", res.Ties)
	}
	e.TieOrder = []int{2, 1, 0}
	res = countIRVOK(t, e, Options{Ties: TieBreak{FileOrder: true}})
	if len(res.Ties) != 1 || res.Ties[0].Chosen != 2 {
		t.Errorf("ties %+v, want C (first in the tie order)", res.Ties)
	}
}

func TestIRVLastTwoTied(t *testing.T) {
	e := irvElection(t, "AB", "2 A", "2 B")
	res := countIRVOK(t, e, Options{Ties: TieBreak{FileOrder: true}})
	if !slices.Equal(res.Elected, []int{1}) || len(res.Rounds) != 2 || !slices.Equal(res.Rounds[1].Excluded, []int{0}) {
		t.Errorf("elected %v after %d rounds; want A excluded by file order, B elected", res.Elected, len(res.Rounds))
	}
}

func TestIRVBatchElimination(t *testing.T) {
	e := irvElection(t, "ABCD", "11 A", "9 B", "3 C B", "2 D C")
	single := countIRVOK(t, e, Options{})
	batch := countIRVOK(t, e, Options{BatchElimination: true})
	if !slices.Equal(single.Elected, batch.Elected) || !slices.Equal(batch.Elected, []int{1}) {
		t.Errorf("elected %v one at a time, %v in batches; want B both ways", single.Elected, batch.Elected)
	}
	if len(single.Rounds) != 3 || len(batch.Rounds) != 2 {
		t.Errorf("%d and %d rounds, want 3 and 2", len(single.Rounds), len(batch.Rounds))
	}
	r := batch.Rounds[1]
	if !slices.Equal(r.Excluded, []int{3, 2}) || r.Action != "D and C excluded" {
		t.Errorf("batch round excluded %v (%q), want D and C", r.Excluded, r.Action)
	}
	if got := irvTotals(r, 0, 1, 2, 3); !slices.Equal(got, []int64{11, 12, 0, 0}) || r.Exhausted.Units != 2 {
		t.Errorf("batch round totals %v exhausted %v", got, r.Exhausted)
	}
}

func TestIRVWithdrawn(t *testing.T) {
	e := irvElection(t, "ABC", "4 A", "3 C B", "2 B")
	e.Withdrawn = []int{2}
	res := countIRVOK(t, e, Options{})
	r := res.Rounds[0]
	if r.Status[2] != Withdrawn || r.Totals[2].Units != 0 || !slices.Equal(res.Elected, []int{1}) {
		t.Errorf("status %v totals %v elected %v; want C withdrawn, B elected", r.Status, r.Totals, res.Elected)
	}
	e.Withdrawn = []int{0, 1, 2}
	if _, err := Count(e, Options{Method: IRV}); err == nil {
		t.Error("counted an election where everyone withdrew")
	}
}

func TestIRVRefusesSeveralSeats(t *testing.T) {
	e := irvElection(t, "ABC", "4 A", "3 B")
	_, err := Count(e, Options{Method: IRV, Seats: 2})
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(ie.Msg, "meek") {
		t.Errorf("err %v, want an InputError suggesting meek", err)
	}
}

func TestIRVNoBallots(t *testing.T) {
	e := irvElection(t, "ABC")
	res := countIRVOK(t, e, Options{Ties: TieBreak{FileOrder: true}})
	if !slices.Equal(res.Elected, []int{2}) || len(res.Ties) != 2 {
		t.Errorf("elected %v with ties %v; want C after two ties", res.Elected, res.Ties)
	}
}
