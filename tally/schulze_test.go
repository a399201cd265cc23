package tally

import (
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// schulzeFixture builds an election from lines like "4: B>C>A" or "1: A=B":
// candidates are the letters in names, each line a group of ballots.
func schulzeFixture(t testing.TB, names string, lines ...string) *Election {
	t.Helper()
	e := &Election{}
	for _, r := range names {
		e.Candidates = append(e.Candidates, Candidate{Name: string(r)})
	}
	for i, l := range lines {
		count, order, ok := strings.Cut(l, ": ")
		n, err := strconv.ParseInt(count, 10, 64)
		if !ok || err != nil {
			t.Fatalf("bad fixture line %q", l)
		}
		var ranks [][]int
		for _, rank := range strings.Split(order, ">") {
			var cs []int
			for _, name := range strings.Split(rank, "=") {
				cs = append(cs, strings.Index(names, name))
			}
			ranks = append(ranks, cs)
		}
		e.Ballots = append(e.Ballots, Ballot{Count: n, Ranks: ranks, Line: i + 1})
	}
	return e
}

func orderNames(r *Result) string {
	groups := make([]string, len(r.Order))
	for i, g := range r.Order {
		names := make([]string, len(g))
		for j, c := range g {
			names[j] = r.name(c)
		}
		groups[i] = strings.Join(names, " = ")
	}
	return strings.Join(groups, " > ")
}

func hasNote(r *Result, want string) bool {
	return slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, want) })
}

func readDebianFile(t testing.TB, name string) *Election {
	t.Helper()
	f, err := os.Open("../testdata/elections/debian/" + name + "_tally.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e, err := ReadDebian(f)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The Debian Project Leader elections give the published full order.
func TestSchulzeDebian(t *testing.T) {
	type pair struct {
		a, b       string
		vab, vba   int64
		tiedInNote bool
	}
	tests := []struct {
		file, def string
		ballots   int64
		order     string
		dropped   []string
		pairs     []pair
		notes     []string
	}{{
		file: "leader2006", def: "None of the Above", ballots: 421,
		order:   "Anthony Towns > Steve McIntyre > Jeroen van Wolffelaar = Andreas Schuldei > Bill Allombert > None of the Above > Ari Pollak > Jonathan aka Ted Walther",
		dropped: []string{"Ari Pollak", "Jonathan aka Ted Walther"},
		pairs:   []pair{{"Andreas Schuldei", "Jeroen van Wolffelaar", 166, 166, true}},
		notes:   []string{"Jeroen van Wolffelaar and Andreas Schuldei are tied 166:166 head to head"},
	}, {
		file: "leader2007", def: "None Of The Above", ballots: 482,
		order:   "Sam Hocevar > Steve McIntyre > Raphaël Hertzog > Wouter Verhelst > Anthony Towns > Gustavo Franco > None Of The Above > Simon Richter > Aigars Mahinovs",
		dropped: []string{"Aigars Mahinovs", "Simon Richter"},
		pairs: []pair{
			{"Simon Richter", "None Of The Above", 183, 233, false},
			{"Aigars Mahinovs", "None Of The Above", 142, 270, false},
		},
		notes: []string{
			"Simon Richter fails the majority requirement against None Of The Above (183:233)",
			"Aigars Mahinovs fails the majority requirement against None Of The Above (142:270)",
		},
	}, {
		file: "leader2020", def: "None Of The Above", ballots: 339,
		order: "Jonathan Carter > Sruthi Chandran > Brian Gupta > None Of The Above",
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e := readDebianFile(t, tt.file)
			r, err := Count(e, Options{Method: Schulze, DefaultOption: tt.def})
			if err != nil {
				t.Fatal(err)
			}
			if got := orderNames(r); got != tt.order {
				t.Errorf("order\n got %s\nwant %s", got, tt.order)
			}
			if r.Ballots != tt.ballots {
				t.Errorf("ballots = %d, want %d", r.Ballots, tt.ballots)
			}
			if len(r.Elected) != 1 || r.Elected[0] != r.Order[0][0] {
				t.Errorf("elected %v, want the first of the order %v", r.Elected, r.Order[0])
			}
			if len(r.Ties) != 0 {
				t.Errorf("unexpected ties %v", r.Ties)
			}
			var dropped []string
			for _, c := range r.Dropped {
				dropped = append(dropped, r.name(c))
			}
			if !slices.Equal(dropped, tt.dropped) {
				t.Errorf("dropped %q, want %q", dropped, tt.dropped)
			}
			for _, p := range tt.pairs {
				a, b := e.indexOf(p.a), e.indexOf(p.b)
				if r.Pairwise[a][b] != p.vab || r.Pairwise[b][a] != p.vba {
					t.Errorf("V(%s, %s) = %d:%d, want %d:%d", p.a, p.b, r.Pairwise[a][b], r.Pairwise[b][a], p.vab, p.vba)
				}
			}
			for _, n := range tt.notes {
				if !hasNote(r, n) {
					t.Errorf("no note %q in %q", n, r.Notes)
				}
			}
		})
	}
}

func TestSchulzeHandMade(t *testing.T) {
	// A beats B 5:2, B beats C 6:5, C beats A 6:4. Winning votes drop A>B
	// (5), the weakest, so B wins; margins would drop B>C (1) and elect C.
	wv := []string{"2: B>C>A", "4: C>A>B", "1: A=C>B", "4: A=B>C"}
	// A>B 5:4 and B>C 5:2 have equal winning votes; A>B has more opposing
	// votes, so it is the weaker, and B wins.
	opp := []string{"4: B>C>A", "2: C>A>B", "3: A", "1: A=B"}
	// A beats D 6:3 (2:1), B beats D 9:3 (3:1 exactly), B beats A 9:3.
	super := []string{"6: B>A>D", "3: D>A>B", "3: B"}
	tests := []struct {
		name    string
		e       *Election
		opts    Options
		order   string
		elected string
		dropped string
		note    string
	}{
		{"winning votes", schulzeFixture(t, "ABC", wv...), Options{}, "B > C > A", "B", "", ""},
		{"opposing votes", schulzeFixture(t, "ABC", opp...), Options{}, "B > C > A", "B", "", ""},
		{"two seats", schulzeFixture(t, "ABC", wv...), Options{Seats: 2}, "B > C > A", "BC", "", ""},
		{"simple majority", schulzeFixture(t, "ABD", super...), Options{DefaultOption: "D"}, "B > A > D", "B", "", ""},
		{"supermajority 3:1", schulzeFixture(t, "ABD", super...), Options{DefaultOption: "D", Majority: Ratio{3, 1}}, "B > D > A", "B", "A",
			"A fails the required 3:1 majority against D (6:3)"},
		{"supermajority 4:1", schulzeFixture(t, "ABD", super...), Options{DefaultOption: "D", Majority: Ratio{4, 1}, Seats: 2}, "D > B > A", "", "AB",
			"None of the above won"},
		{"quorum", schulzeFixture(t, "ABD", super...), Options{DefaultOption: "d", OptionQuorum: 7}, "B > D > A", "B", "A",
			"A fails the quorum: 6 voters rank it above D, 7 needed"},
		{"quorum met exactly", schulzeFixture(t, "ABD", super...), Options{DefaultOption: "D", OptionQuorum: 9, Seats: 2}, "B > D > A", "B", "A",
			"The default option D comes next"},
		{"default wins", schulzeFixture(t, "ABD", "3: D>A>B", "1: A>B>D"), Options{DefaultOption: "D"}, "D > A > B", "", "AB",
			"None of the above won: the default option D comes first, so no option is elected"},
		{"withdrawn", func() *Election {
			e := schulzeFixture(t, "ABC", wv...)
			e.Withdrawn = []int{2}
			return e
		}(), Options{}, "A > B", "A", "", "C has withdrawn"},
		{"no ballots", schulzeFixture(t, "ABC"), Options{Ties: TieBreak{FileOrder: true}}, "A = B = C", "A", "", "A and B are tied 0:0 head to head"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Method = Schulze
			r, err := Count(tt.e, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := orderNames(r); got != tt.order {
				t.Errorf("order %s, want %s", got, tt.order)
			}
			var elected, dropped string
			for _, c := range r.Elected {
				elected += r.name(c)
			}
			for _, c := range r.Dropped {
				dropped += r.name(c)
			}
			if elected != tt.elected || dropped != tt.dropped {
				t.Errorf("elected %q dropped %q, want %q and %q", elected, dropped, tt.elected, tt.dropped)
			}
			if tt.note != "" && !hasNote(r, tt.note) {
				t.Errorf("no note %q in %q", tt.note, r.Notes)
			}
		})
	}
}

func TestSchulzeStrength(t *testing.T) {
	r, err := Count(schulzeFixture(t, "ABC", "2: B>C>A", "4: C>A>B", "1: A=C>B", "4: A=B>C"), Options{Method: Schulze})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int64{{0, 5, 4}, {2, 0, 6}, {6, 5, 0}}
	if !slices.EqualFunc(r.Pairwise, want, slices.Equal) {
		t.Errorf("pairwise %v, want %v", r.Pairwise, want)
	}
	// A→B is direct (5); A→C goes through B (5); B→A through C (6).
	strength := [][]int64{{0, 5, 5}, {6, 0, 6}, {6, 5, 0}}
	if !slices.EqualFunc(r.Strength, strength, slices.Equal) {
		t.Errorf("strength %v, want %v", r.Strength, strength)
	}
}

// A tie for first place goes to the lot, is recorded, and is repeatable.
func TestSchulzeTieForFirst(t *testing.T) {
	tie := func() *Election { return schulzeFixture(t, "AB", "1: A>B", "1: B>A") }
	chosen := map[int]bool{}
	for seed := range 8 {
		ties := TieBreak{Seed: "seed" + strconv.Itoa(seed), Election: "test"}
		r1, err := Count(tie(), Options{Method: Schulze, Ties: ties})
		if err != nil {
			t.Fatal(err)
		}
		r2, _ := Count(tie(), Options{Method: Schulze, Ties: ties})
		if len(r1.Ties) != 1 {
			t.Fatalf("ties %v, want one", r1.Ties)
		}
		got := r1.Ties[0]
		if got.Rule != "lot" || got.Purpose != "elect" || !slices.Equal(got.Candidates, []int{0, 1}) {
			t.Errorf("tie %+v, want the lot electing from A and B", got)
		}
		if want := newLot(tie(), ties).pick([]int{0, 1}); got.Chosen != want || !slices.Equal(r1.Elected, []int{want}) {
			t.Errorf("lot chose %d, elected %v; the seed's lot picks %d", got.Chosen, r1.Elected, want)
		}
		if !slices.Equal(r1.Elected, r2.Elected) {
			t.Errorf("same seed, different winners: %v and %v", r1.Elected, r2.Elected)
		}
		if orderNames(r1) != "A = B" {
			t.Errorf("order %s, want A = B", orderNames(r1))
		}
		chosen[got.Chosen] = true
	}
	if len(chosen) != 2 {
		t.Errorf("8 seeds always chose %v; the lot should depend on the seed", chosen)
	}

	byFile := Options{Method: Schulze, Ties: TieBreak{FileOrder: true}}
	r, _ := Count(tie(), byFile)
	if len(r.Ties) != 1 || r.Ties[0].Rule != "file order" || !slices.Equal(r.Elected, []int{0}) {
		t.Errorf("file order: ties %v elected %v, want A by file order", r.Ties, r.Elected)
	}
	e := tie()
	e.TieOrder = []int{1, 0}
	r, _ = Count(e, byFile)
	if !slices.Equal(r.Elected, []int{1}) {
		t.Errorf("tie order B, A elected %v, want B", r.Elected)
	}
}

func TestSchulzeErrors(t *testing.T) {
	e := schulzeFixture(t, "ABD", "1: A>B>D")
	withdrawnD := schulzeFixture(t, "ABD", "1: A>B>D")
	withdrawnD.Withdrawn = []int{2}
	tests := []struct {
		name string
		e    *Election
		opts Options
	}{
		{"no such default", e, Options{DefaultOption: "None of the above"}},
		{"negative majority", e, Options{DefaultOption: "D", Majority: Ratio{-1, 1}}},
		{"zero denominator", e, Options{DefaultOption: "D", Majority: Ratio{3, 0}}},
		{"negative quorum", e, Options{DefaultOption: "D", OptionQuorum: -1}},
		{"quorum without default", e, Options{OptionQuorum: 2}},
		{"majority without default", e, Options{Majority: Ratio{3, 1}}},
		{"withdrawn default", withdrawnD, Options{DefaultOption: "D"}},
	}
	for _, tt := range tests {
		tt.opts.Method = Schulze
		_, err := Count(tt.e, tt.opts)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: error %v, want an *InputError", tt.name, err)
		}
	}
}

// schulzeRandomElection has n candidates and count ballots of random partial
// rankings with occasional equal ranks.
func schulzeRandomElection(n, count int, seed uint64) *Election {
	rng := rand.New(rand.NewPCG(seed, 1))
	e := &Election{}
	for i := range n {
		e.Candidates = append(e.Candidates, Candidate{Name: "C" + strconv.Itoa(i)})
	}
	e.Ballots = make([]Ballot, count)
	perm := make([]int, n)
	for i := range e.Ballots {
		for j := range perm {
			perm[j] = j
		}
		rng.Shuffle(n, func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
		ranked := perm[:1+rng.IntN(n)]
		var ranks [][]int
		for j := 0; j < len(ranked); {
			size := 1
			if rng.IntN(8) == 0 {
				size = min(2, len(ranked)-j)
			}
			ranks = append(ranks, slices.Clone(ranked[j:j+size]))
			j += size
		}
		e.Ballots[i] = Ballot{Count: 1, Ranks: ranks}
	}
	return e
}

// Grouping must not change the count: compare with a direct pairwise count.
func TestSchulzePairwiseDirect(t *testing.T) {
	e := schulzeRandomElection(7, 2000, 3)
	e.Withdrawn = []int{4}
	r, err := Count(e, Options{Method: Schulze})
	if err != nil {
		t.Fatal(err)
	}
	n := len(e.Candidates)
	for a := range n {
		for b := range n {
			var want int64
			for _, bal := range e.Ballots {
				pos := func(c int) int {
					for i, rank := range bal.Ranks {
						if slices.Contains(rank, c) {
							return i
						}
					}
					return n
				}
				if a != 4 && b != 4 && pos(a) < pos(b) {
					want++
				}
			}
			if r.Pairwise[a][b] != want {
				t.Errorf("V(%d,%d) = %d, want %d", a, b, r.Pairwise[a][b], want)
			}
		}
	}
}

// BenchmarkSchulzeDistinct1M counts a million random ballots over 20
// candidates, nearly all different: the worst case for grouping, which
// BenchmarkCount's repetitive elections do not show.
func BenchmarkSchulzeDistinct1M(b *testing.B) {
	e := schulzeRandomElection(20, 1_000_000, 1)
	b.ResetTimer()
	for range b.N {
		if _, err := Count(e, Options{Method: Schulze}); err != nil {
			b.Fatal(err)
		}
	}
}
