package tally

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// Issue 19: IRV breaks a tie for last place the way RCTab and the usual
// ordinances do, narrowing it round by round; Scottish STV keeps Droop's
// reading of rule 51(2) (droopreport_test.go).

// irvTiesFile counts testdata's three-way-last.blt under IRV.
func irvTiesFile(t *testing.T, ties TieBreak) (*Election, *Result) {
	t.Helper()
	f, err := os.Open("../testdata/elections/irv-ties/three-way-last.blt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e, _, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return e, countIRVOK(t, e, Options{Seats: 1, Ties: ties})
}

// After three exclusions 02, 06 and 08 have 24 each; round 3 (24, 23, 23)
// spares 02 and round 1 (22 against 23) excludes 06. The rounds then equal
// the reference count in testdata/elections/README.md, whatever the lot.
func TestIRVThreeWayLastMatchesReference(t *testing.T) {
	for _, ties := range []TieBreak{{FileOrder: true}, {Seed: "s33d", Election: "issue-19"}} {
		e, res := irvTiesFile(t, ties)
		idx := func(name string) int {
			i := e.indexOf("Candidate " + name)
			if i < 0 {
				t.Fatalf("no Candidate %s", name)
			}
			return i
		}
		if len(res.Rounds) < 5 {
			t.Fatalf("%d rounds, want at least 5", len(res.Rounds))
		}
		for _, c := range []struct {
			name string
			by   []int64 // rounds 1 to 4
		}{{"02", []int64{22, 23, 24, 24}}, {"06", []int64{22, 23, 23, 24}}, {"08", []int64{23, 23, 23, 24}}} {
			for r, want := range c.by {
				if got := res.Rounds[r].Totals[idx(c.name)]; got.Cmp(Whole(want)) != 0 {
					t.Errorf("round %d: %s has %s, want %d", r+1, c.name, got, want)
				}
			}
		}
		fifth := res.Rounds[4]
		if !slices.Equal(fifth.Excluded, []int{idx("06")}) {
			t.Fatalf("round 5 excluded %v, want Candidate 06", fifth.Excluded)
		}
		want := map[string]int64{"01": 207, "02": 25, "04": 29, "08": 26, "09": 294, "10": 97, "11": 236}
		for c := range e.Candidates {
			got := fifth.Totals[c]
			name := strings.TrimPrefix(e.Candidates[c].Name, "Candidate ")
			if got.Cmp(Whole(want[name])) != 0 {
				t.Errorf("after excluding 06: %s has %s, want %d", name, got, want[name])
			}
		}
		if !slices.Equal(res.Elected, []int{idx("09")}) {
			t.Errorf("elected %v, want Candidate 09", res.Elected)
		}
		if len(res.Ties) != 1 || res.Ties[0].Rule != "round 1" || res.Ties[0].Round != 5 || len(res.Ties[0].Candidates) != 3 {
			t.Errorf("ties %+v, want the three-way tie of round 5 settled by round 1", res.Ties)
		}
		note := "Round 3: Candidate 06 and Candidate 08 had the fewest (23); round 1: Candidate 06 had the fewest (22): excluded"
		if !slices.Contains(fifth.Notes, note) {
			t.Errorf("round 5 notes %q, want %q", fifth.Notes, note)
		}
	}
}

// A narrowed tie goes to the lot only among those still tied: A had more
// than B and C in round 1, so A stays, though file order lists A first.
func TestIRVLotOnlyAmongNarrowedTie(t *testing.T) {
	e := irvElection(t, "ABCDE", "4 A", "3 B", "3 C", "10 D", "1 E B", "1 E C")
	res := countIRVOK(t, e, Options{Ties: TieBreak{FileOrder: true}})
	if len(res.Ties) != 1 {
		t.Fatalf("ties %+v, want one", res.Ties)
	}
	tie := res.Ties[0]
	if tie.Chosen != 1 || tie.Rule != "round 1, then file order" || !slices.Equal(tie.Candidates, []int{0, 1, 2}) {
		t.Errorf("tie %+v, want B chosen by round 1, then file order", tie)
	}
	note := "Round 1: B and C had the fewest (3); no round separates B and C: B chosen by file order: excluded"
	if !slices.Contains(res.Rounds[2].Notes, note) {
		t.Errorf("round 3 notes %q, want %q", res.Rounds[2].Notes, note)
	}
	for seed := range 20 {
		res := countIRVOK(t, e, Options{Ties: TieBreak{Seed: itoa(seed), Election: "narrow"}})
		if got := res.Rounds[2].Excluded; len(got) != 1 || got[0] == 0 {
			t.Fatalf("seed %d: round 3 excluded %v; the lot drew A, whom round 1 had ahead", seed, got)
		}
	}
}

// TestPropertyIRVTieSparesCandidateAhead: in seeded random IRV elections, a
// candidate excluded after a tie never had more votes, at the most recent
// round where the tied candidates differed, than another tied candidate
// that stayed. The look-back that asked for exactly one lowest candidate
// among all those tied broke this whenever two shared the lowest total
// there and a third was above them.
func TestPropertyIRVTieSparesCandidateAhead(t *testing.T) {
	ties, partial := 0, 0
	// Many candidates and few ballots make three-way ties common.
	for seed := range uint64(10 * propSeeds) {
		e := propElection(seed, propConfig{candidates: 3 + int(seed%6), withdrawn: true})
		for _, batch := range []bool{false, true} {
			res, err := Count(e, Options{Method: IRV, Seats: 1, Ties: propTies, BatchElimination: batch})
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			for _, tie := range res.Ties {
				ties++
				// Round tie.Round excludes; the rounds before it are what
				// the tie-break could look at.
				for i := tie.Round - 2; i >= 0; i-- {
					totals := res.Rounds[i].Totals
					chosen := totals[tie.Chosen]
					differ, lower := false, 0
					for _, c := range tie.Candidates {
						switch totals[c].Cmp(chosen) {
						case -1:
							differ, lower = true, lower+1
						case 1:
							differ = true
						}
					}
					if !differ {
						continue
					}
					if lower > 0 {
						t.Errorf("seed %d (batch %v): round %d excluded %s after a tie, but at round %d it had %s, more than another tied candidate",
							seed, batch, tie.Round, res.name(tie.Chosen), res.Rounds[i].Number, chosen)
					}
					if slices.ContainsFunc(tie.Candidates, func(c int) bool { return c != tie.Chosen && totals[c].Cmp(chosen) == 0 }) {
						partial++
					}
					break
				}
			}
		}
	}
	t.Logf("%d ties, %d where the deciding round left several at the fewest", ties, partial)
	if partial < 5 {
		t.Fatalf("only %d ties where the deciding round left several at the fewest; the property is barely exercised", partial)
	}
}

// The two look-backs part on three-way-last.blt's totals: IRV's narrowing
// excludes 06, while Scottish STV's reading of rule 51(2) (a stage decides
// only when one of all the tied candidates alone is lowest) finds no
// deciding stage, as Droop does; the droop-ref and Glasgow reports pin
// that reading down.
func TestLookBackScottishAndIRVDiffer(t *testing.T) {
	var rounds []Round
	for i, totals := range [][3]int64{{22, 22, 23}, {23, 23, 23}, {24, 23, 23}, {24, 24, 24}} {
		r := Round{Number: i + 1}
		for _, v := range totals {
			r.Totals = append(r.Totals, Whole(v))
		}
		rounds = append(rounds, r)
	}
	tied := []int{0, 1, 2} // 02, 06, 08
	if c, at, ok := lookBack(rounds, tied, true); ok {
		t.Errorf("Scottish look-back chose %d by stage %d; Droop's reading finds no deciding stage", c, at)
	}
	left, steps := narrowBack(rounds, tied)
	if !slices.Equal(left, []int{1}) || len(steps) != 2 || steps[0].round != 3 || steps[1].round != 1 {
		t.Errorf("IRV narrowing left %v after %+v; want 06 after rounds 3 and 1", left, steps)
	}
}
