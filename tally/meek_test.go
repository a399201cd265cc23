package tally

import (
	"slices"
	"testing"
)

func TestMeekDroopReference(t *testing.T) {
	for _, name := range []string{"SC", "SC-Vm-12", "M135", "42", "42t", "513"} {
		t.Run(name, func(t *testing.T) {
			e := readBLTFile(t, "../testdata/elections/droop-ref/"+name+".blt")
			res, err := Count(e, Options{Method: Meek, Ties: TieBreak{FileOrder: true}})
			if err != nil {
				t.Fatal(err)
			}
			compareWithDroop(t, res, readDroopReport(t, "../testdata/elections/droop-ref/"+name+"-meek-prf-o6-fixed-p9-d9.report.txt"), true)
		})
	}
}

func TestFoundationBoards(t *testing.T) {
	cases := []struct {
		file    string
		elected []string
	}{
		{"gnome_board_2018", []string{"Allan Day", "Carlos Soriano", "Ekaterina Gerasimova", "Federico Mena Quintero", "Nuritzi Sanchez", "Philip Chimento", "Robert McQueen"}},
		{"maemo_council_2018q1", []string{"mosen (Timo Könnecke)", "juiceme (Jussi Ohenoja)", "eekkelund (Eetu Kahelin)"}},
	}
	for _, tc := range cases {
		e := readBLTFile(t, "../testdata/elections/foundation-stv/"+tc.file+".blt")
		for _, m := range []struct {
			method Method
			report string
		}{{Meek, "meek-prf"}, {Scottish, "scotland"}} {
			t.Run(tc.file+"/"+string(m.method), func(t *testing.T) {
				res, err := Count(e, Options{Method: m.method, Ties: TieBreak{FileOrder: true}})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, c := range res.Elected {
					got = append(got, res.Candidates[c].Name)
				}
				if !sameSet(got, tc.elected) {
					t.Errorf("elected %q, want %q", got, tc.elected)
				}
				compareWithDroop(t, res, readDroopReport(t, "../testdata/elections/foundation-stv/"+tc.file+".droop-"+m.report+".report.txt"), true)
			})
		}
	}
}

func TestMeekTieByLotIsSeeded(t *testing.T) {
	// SC-Vm-12 ties X, Y and Z for exclusion in round 2; file order takes
	// X (as the reference count does), a seeded lot takes whoever its
	// hash order puts first, the same way every time.
	e := readBLTFile(t, "../testdata/elections/droop-ref/SC-Vm-12.blt")
	opts := Options{Method: Meek, Ties: TieBreak{Seed: "2026-board", Election: "vm12"}}
	first, err := Count(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Count(e, opts)
	if len(first.Ties) != 1 || first.Ties[0].Rule != "lot" || len(first.Ties[0].Candidates) != 3 {
		t.Fatalf("ties %+v, want one three-way tie broken by lot", first.Ties)
	}
	if first.Ties[0].Chosen != again.Ties[0].Chosen || !slices.Equal(first.Elected, again.Elected) {
		t.Error("the same seed gave different results")
	}
	want := newLot(e, opts.Ties).pick([]int{2, 3, 4})
	if first.Ties[0].Chosen != want {
		t.Errorf("lot chose %d, the lot order puts %d first", first.Ties[0].Chosen, want)
	}
}

func TestMeekEqualRanksSplitTheVote(t *testing.T) {
	// eq1.blt: 5 a; 1 b=c; 3 c. The b=c ballot gives half a vote to each.
	e := readBLTFile(t, "../testdata/elections/droop-ref/eq1.blt")
	res, err := Count(e, Options{Method: Meek, Ties: TieBreak{FileOrder: true}})
	if err != nil {
		t.Fatal(err)
	}
	first := res.Rounds[0].Totals
	got := []string{first[0].String(), first[1].String(), first[2].String()}
	want := []string{"5.000000000", "0.500000000", "3.500000000"}
	if !slices.Equal(got, want) {
		t.Errorf("first preferences %q, want %q", got, want)
	}
}

// Equal ranks among elected candidates once made the distribution follow
// every share separately, doubling the work at each rank; 40 such ranks
// would not finish. The remainders now move on together.
func TestMeekManyEqualRanksStayLinear(t *testing.T) {
	const pairs = 40
	e := &Election{Seats: 2*pairs + 1}
	for c := range 2*pairs + 2 {
		e.Candidates = append(e.Candidates, Candidate{Name: "C" + itoa(c+1)})
	}
	var long [][]int
	for c := 0; c < 2*pairs; c += 2 {
		e.Ballots = append(e.Ballots, Ballot{Count: 300, Ranks: [][]int{{c}}}, Ballot{Count: 300, Ranks: [][]int{{c + 1}}})
		long = append(long, []int{c, c + 1})
	}
	e.Ballots = append(e.Ballots,
		Ballot{Count: 10, Ranks: [][]int{{2 * pairs}}},
		Ballot{Count: 9, Ranks: [][]int{{2*pairs + 1}}},
		Ballot{Count: 50, Ranks: append(slices.Clone(long), []int{2 * pairs})},
	)
	res, err := Count(e, Options{Method: Meek})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Elected) != 2*pairs+1 || !slices.Contains(res.Elected, 2*pairs) {
		t.Errorf("elected %v, want every paired candidate and C%d", res.Elected, 2*pairs+1)
	}
}
