package tally

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// Property tests: many small seeded elections, each checked against a
// property every count must have. Everything is seeded, so a failure names
// the seed that reproduces it.

// propSeeds is how many small elections each property checks.
const propSeeds = 300

// propTies is the lot the property tests break ties with: a fixed seed,
// never the file order, so renaming candidates changes the draw.
var propTies = TieBreak{Seed: "property", Election: "booth"}

// propConfig shapes a generated election.
type propConfig struct {
	candidates int  // 0 means 3 to 7
	equal      bool // some ballots rank candidates equally
	withdrawn  bool // sometimes one candidate withdraws
}

// propElection makes a small election with varied partial rankings: 5 to
// 60 ballot lines, mostly of count 1, popular candidates ranked first more
// often, some rankings repeated, the odd empty ballot and, when asked,
// equal ranks and a withdrawn candidate. The same seed gives the same
// election.
func propElection(seed uint64, cfg propConfig) *Election {
	rng := rand.New(rand.NewPCG(seed, 0xb007))
	n := cfg.candidates
	if n == 0 {
		n = 3 + rng.IntN(5)
	}
	e := &Election{Title: fmt.Sprintf("property %d", seed)}
	popularity := make([]float64, n)
	for c := range n {
		e.Candidates = append(e.Candidates, Candidate{Name: fmt.Sprintf("Candidate %c", 'A'+c)})
		popularity[c] = 0.5 + 3*rng.Float64()
	}
	lines := 5 + rng.IntN(56)
	for range lines {
		var ranks [][]int
		if len(e.Ballots) > 0 && rng.IntN(4) == 0 {
			ranks = propCloneRanks(e.Ballots[rng.IntN(len(e.Ballots))].Ranks)
		} else {
			ranks = propOrder(rng, popularity, cfg.equal)
		}
		count := int64(1)
		if rng.IntN(5) == 0 {
			count = 2 + rng.Int64N(3)
		}
		e.Ballots = append(e.Ballots, Ballot{Count: count, Ranks: ranks})
	}
	if cfg.withdrawn && n >= 4 && rng.IntN(5) == 0 {
		e.Withdrawn = []int{rng.IntN(n)}
	}
	return e
}

// propOrder draws one partial ranking by weighted draws without
// replacement; with equal set, a candidate sometimes joins the rank before.
func propOrder(rng *rand.Rand, popularity []float64, equal bool) [][]int {
	n := len(popularity)
	length := rng.IntN(n + 1)
	if length == 0 && rng.IntN(3) != 0 {
		length = 1 + rng.IntN(n) // empty ballots occur, but rarely
	}
	left := make([]int, n)
	for i := range left {
		left[i] = i
	}
	var ranks [][]int
	for range length {
		var total float64
		for _, c := range left {
			total += popularity[c]
		}
		x := rng.Float64() * total
		pick := len(left) - 1
		for i, c := range left {
			if x -= popularity[c]; x < 0 {
				pick = i
				break
			}
		}
		c := left[pick]
		left = slices.Delete(left, pick, pick+1)
		if equal && len(ranks) > 0 && rng.IntN(4) == 0 {
			ranks[len(ranks)-1] = append(ranks[len(ranks)-1], c)
		} else {
			ranks = append(ranks, []int{c})
		}
	}
	return ranks
}

func propCloneRanks(ranks [][]int) [][]int {
	out := make([][]int, len(ranks))
	for i, r := range ranks {
		out[i] = slices.Clone(r)
	}
	return out
}

// propCloneElection copies an election deeply, so a variant can be changed
// without touching the original.
func propCloneElection(e *Election) *Election {
	c := *e
	c.Candidates = slices.Clone(e.Candidates)
	c.Withdrawn = slices.Clone(e.Withdrawn)
	c.TieOrder = slices.Clone(e.TieOrder)
	c.Ballots = make([]Ballot, len(e.Ballots))
	for i, b := range e.Ballots {
		b.Ranks = propCloneRanks(b.Ranks)
		c.Ballots[i] = b
	}
	return &c
}

// propCase is a method with the options the properties count it with.
type propCase struct {
	name string
	opts Options
}

// propCases are the counts property (b) and (f) run on every election.
var propCases = []propCase{
	{"schulze", Options{Method: Schulze, Ties: propTies}},
	{"schulze-2", Options{Method: Schulze, Seats: 2, Ties: propTies}},
	{"irv", Options{Method: IRV, Ties: propTies}},
	{"irv-batch", Options{Method: IRV, Ties: propTies, BatchElimination: true}},
	{"meek-1", Options{Method: Meek, Seats: 1, Ties: propTies}},
	{"meek-2", Options{Method: Meek, Seats: 2, Ties: propTies}},
	{"scottish-1", Options{Method: Scottish, Seats: 1, Ties: propTies}},
	{"scottish-2", Options{Method: Scottish, Seats: 2, Ties: propTies}},
	{"approval-2", Options{Method: Approval, Seats: 2, Ties: propTies}},
}

// propCountJSON counts e and returns the result as JSON, or the error.
func propCountJSON(e *Election, opts Options) ([]byte, error) {
	res, err := Count(e, opts)
	if err != nil {
		return nil, err
	}
	return res.JSON()
}

// propRank gives each candidate's rank position on a ballot: unranked
// candidates share the position after the last rank.
func propRank(b Ballot, n int) []int {
	pos := make([]int, n)
	for c := range pos {
		pos[c] = len(b.Ranks)
	}
	for i, rank := range b.Ranks {
		for _, c := range rank {
			pos[c] = i
		}
	}
	return pos
}

// propCondorcetWinner finds, by brute force over the ballots, the standing
// candidate who beats every other standing candidate head to head, or -1.
func propCondorcetWinner(e *Election) int {
	n := len(e.Candidates)
	withdrawn := make([]bool, n)
	for _, c := range e.Withdrawn {
		withdrawn[c] = true
	}
	beats := make([][]int64, n)
	for a := range beats {
		beats[a] = make([]int64, n)
	}
	for _, b := range e.Ballots {
		pos := propRank(b, n)
		for a := range n {
			for c := range n {
				if pos[a] < pos[c] {
					beats[a][c] += b.Count
				}
			}
		}
	}
	for a := range n {
		if withdrawn[a] {
			continue
		}
		wins := true
		for c := range n {
			if c != a && !withdrawn[c] && beats[a][c] <= beats[c][a] {
				wins = false
				break
			}
		}
		if wins {
			return a
		}
	}
	return -1
}

// (a) A Condorcet winner always wins Schulze.
func TestPropertyCondorcetWinnerWinsSchulze(t *testing.T) {
	checked := 0
	for seed := range uint64(propSeeds) {
		e := propElection(seed, propConfig{equal: seed%2 == 1, withdrawn: true})
		cw := propCondorcetWinner(e)
		if cw < 0 {
			continue
		}
		checked++
		res, err := Count(e, Options{Method: Schulze, Ties: propTies})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(res.Elected) == 0 || res.Elected[0] != cw {
			t.Errorf("seed %d: the Condorcet winner %s did not win Schulze: elected %v, order %v", seed, e.Candidates[cw].Name, res.nameList(res.Elected), res.Order)
			continue
		}
		if len(res.Order) == 0 || !slices.Equal(res.Order[0], []int{cw}) {
			t.Errorf("seed %d: the Condorcet winner %d is not alone at the top of the order %v", seed, cw, res.Order)
		}
	}
	t.Logf("%d of %d elections have a Condorcet winner", checked, propSeeds)
	if checked < propSeeds/4 {
		t.Fatalf("only %d of %d elections had a Condorcet winner; the generator no longer exercises the property", checked, propSeeds)
	}
}

// TestPropertyCondorcetBruteForce checks the test's own brute force on a
// hand-made election: B beats A 3:2 and C 4:1 (unranked C is last); A
// beats C.
func TestPropertyCondorcetBruteForce(t *testing.T) {
	e := &Election{
		Candidates: []Candidate{{Name: "A"}, {Name: "B"}, {Name: "C"}},
		Ballots: []Ballot{
			{Count: 2, Ranks: [][]int{{0}, {1}}},
			{Count: 2, Ranks: [][]int{{1}}},
			{Count: 1, Ranks: [][]int{{2}, {1}, {0}}},
		},
	}
	if got := propCondorcetWinner(e); got != 1 {
		t.Fatalf("Condorcet winner %d, want 1 (B)", got)
	}
	e.Ballots[1].Count = 1 // B and A now tie 2:2
	if got := propCondorcetWinner(e); got != -1 {
		t.Fatalf("Condorcet winner %d, want none", got)
	}
}

// propVariants returns copies of e that hold the same votes: shuffled,
// split into ballots of count 1 (shuffled), and with identical rankings
// merged. With withinRank, candidates ranked equally are also reordered
// within their rank.
func propVariants(e *Election, seed uint64, withinRank bool) map[string]*Election {
	rng := rand.New(rand.NewPCG(seed, 0x5b0f))
	out := map[string]*Election{}

	shuffled := propCloneElection(e)
	rng.Shuffle(len(shuffled.Ballots), func(i, j int) {
		shuffled.Ballots[i], shuffled.Ballots[j] = shuffled.Ballots[j], shuffled.Ballots[i]
	})
	out["shuffled"] = shuffled

	split := propCloneElection(e)
	split.Ballots = nil
	for _, b := range e.Ballots {
		for range b.Count {
			split.Ballots = append(split.Ballots, Ballot{Count: 1, Ranks: propCloneRanks(b.Ranks)})
		}
	}
	rng.Shuffle(len(split.Ballots), func(i, j int) {
		split.Ballots[i], split.Ballots[j] = split.Ballots[j], split.Ballots[i]
	})
	out["split"] = split

	merged := propCloneElection(e)
	merged.Ballots = nil
	at := map[string]int{}
	for _, b := range e.Ballots {
		key := fmt.Sprint(b.Ranks)
		if i, ok := at[key]; ok {
			merged.Ballots[i].Count += b.Count
			continue
		}
		at[key] = len(merged.Ballots)
		merged.Ballots = append(merged.Ballots, Ballot{Count: b.Count, Ranks: propCloneRanks(b.Ranks)})
	}
	// Merged in reverse order of first appearance, so merging and
	// reordering are tested together.
	slices.Reverse(merged.Ballots)
	out["merged"] = merged

	if withinRank {
		within := propCloneElection(e)
		for _, b := range within.Ballots {
			for _, rank := range b.Ranks {
				rng.Shuffle(len(rank), func(i, j int) { rank[i], rank[j] = rank[j], rank[i] })
			}
		}
		out["equal ranks reordered"] = within
	}
	return out
}

// (b) Reordering, splitting or merging ballots never changes a result.
func TestPropertyBallotOrderIrrelevant(t *testing.T) {
	counted := 0
	for seed := range uint64(propSeeds) {
		equal := seed%3 == 1
		e := propElection(seed, propConfig{equal: equal, withdrawn: true})
		variants := propVariants(e, seed, equal)
		for _, pc := range propCases {
			want, wantErr := propCountJSON(e, pc.opts)
			if wantErr == nil {
				counted++
			}
			for vname, v := range variants {
				got, err := propCountJSON(v, pc.opts)
				if (err != nil) != (wantErr != nil) {
					t.Errorf("seed %d %s %s: error %v, but the original ballots give %v", seed, pc.name, vname, err, wantErr)
					continue
				}
				if !bytes.Equal(got, want) {
					t.Errorf("seed %d %s: the %s ballots give a different result:\n%s", seed, pc.name, vname, propFirstDiff(want, got))
				}
			}
		}
	}
	if counted < propSeeds*len(propCases)/2 {
		t.Fatalf("only %d counts succeeded; the property is barely exercised", counted)
	}
}

// (b) for yes/no: 3-candidate elections whose ballots have a single first
// rank.
func TestPropertyBallotOrderIrrelevantYesNo(t *testing.T) {
	for seed := range uint64(propSeeds) {
		e := propElection(seed, propConfig{candidates: 3})
		for _, opts := range []Options{
			{Method: YesNo},
			{Method: YesNo, Quorum: 30, PassRatio: Ratio{2, 3}},
		} {
			want, wantErr := propCountJSON(e, opts)
			if wantErr != nil {
				t.Fatalf("seed %d: %v", seed, wantErr)
			}
			for vname, v := range propVariants(e, seed, false) {
				got, err := propCountJSON(v, opts)
				if err != nil {
					t.Fatalf("seed %d %s: %v", seed, vname, err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("seed %d yesno %s: different result:\n%s", seed, vname, propFirstDiff(want, got))
				}
			}
		}
	}
}

// propFirstDiff shows the first line where two JSON results differ.
func propFirstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d: want %s\n         got  %s", i+1, strings.TrimSpace(w), strings.TrimSpace(g))
		}
	}
	return "(identical)"
}

// propPermute renumbers candidate c as perm[c] and renames every
// candidate.
func propPermute(e *Election, perm []int) *Election {
	p := propCloneElection(e)
	for c, cand := range e.Candidates {
		p.Candidates[perm[c]] = Candidate{Name: "Renamed " + cand.Name}
	}
	for i, c := range e.Withdrawn {
		p.Withdrawn[i] = perm[c]
	}
	for _, b := range p.Ballots {
		for _, rank := range b.Ranks {
			for i, c := range rank {
				rank[i] = perm[c]
			}
		}
	}
	return p
}

// propComparePermuted checks that res2, counted on the election with
// candidates renumbered by perm, is res1 with the candidates mapped
// across, and returns what differs.
func propComparePermuted(res1, res2 *Result, perm []int) []string {
	var diffs []string
	mapped := func(cands []int) []int {
		out := make([]int, len(cands))
		for i, c := range cands {
			out[i] = perm[c]
		}
		return out
	}
	if got, want := res2.Elected, mapped(res1.Elected); !propSameUpToEqual(got, want, propElectedKey(res2)) {
		diffs = append(diffs, fmt.Sprintf("elected %v, want %v", res2.nameList(got), res2.nameList(want)))
	}
	if res1.Ballots != res2.Ballots || res1.Passed != res2.Passed {
		diffs = append(diffs, fmt.Sprintf("ballots %d passed %v, want %d %v", res2.Ballots, res2.Passed, res1.Ballots, res1.Passed))
	}
	if len(res1.Rounds) != len(res2.Rounds) {
		return append(diffs, fmt.Sprintf("%d rounds, want %d", len(res2.Rounds), len(res1.Rounds)))
	}
	for i, r1 := range res1.Rounds {
		r2 := res2.Rounds[i]
		for c := range r1.Totals {
			if r1.Totals[c] != r2.Totals[perm[c]] || r1.Status[c] != r2.Status[perm[c]] {
				diffs = append(diffs, fmt.Sprintf("round %d: %s has %v (%v), want %v (%v)", i+1,
					res2.name(perm[c]), r2.Totals[perm[c]], r2.Status[perm[c]], r1.Totals[c], r1.Status[c]))
			}
		}
		if r1.Exhausted != r2.Exhausted || r1.Loss != r2.Loss || r1.Quota != r2.Quota || r1.Surplus != r2.Surplus {
			diffs = append(diffs, fmt.Sprintf("round %d: exhausted/loss/quota/surplus %v %v %v %v, want %v %v %v %v", i+1,
				r2.Exhausted, r2.Loss, r2.Quota, r2.Surplus, r1.Exhausted, r1.Loss, r1.Quota, r1.Surplus))
		}
		byTotal := func(c int) string { return r2.Totals[c].String() }
		if !propSameUpToEqual(r2.Elected, mapped(r1.Elected), byTotal) || !propSameUpToEqual(r2.Excluded, mapped(r1.Excluded), byTotal) {
			diffs = append(diffs, fmt.Sprintf("round %d: elected %v excluded %v, want %v %v", i+1,
				res2.nameList(r2.Elected), res2.nameList(r2.Excluded), res2.nameList(mapped(r1.Elected)), res2.nameList(mapped(r1.Excluded))))
		}
	}
	// Schulze: the pairwise counts and the order (as sets of options).
	for a := range res1.Pairwise {
		for b := range res1.Pairwise[a] {
			if res1.Pairwise[a][b] != res2.Pairwise[perm[a]][perm[b]] || res1.Strength[a][b] != res2.Strength[perm[a]][perm[b]] {
				diffs = append(diffs, fmt.Sprintf("pairwise/strength %s over %s differs", res1.name(a), res1.name(b)))
			}
		}
	}
	if len(res1.Order) != len(res2.Order) {
		diffs = append(diffs, fmt.Sprintf("order %v, want %v (mapped)", res2.Order, res1.Order))
	} else {
		for i, g := range res1.Order {
			want := mapped(g)
			slices.Sort(want)
			if got := slices.Sorted(slices.Values(res2.Order[i])); !slices.Equal(got, want) {
				diffs = append(diffs, fmt.Sprintf("order group %d is %v, want %v", i, res2.nameList(got), res2.nameList(want)))
			}
		}
	}
	return diffs
}

// propSameUpToEqual reports whether got and want list the same candidates in
// the same order, except that candidates with equal keys (elected or
// excluded together with equal votes, which the count lists in ballot
// order without a tie) may come in either order.
func propSameUpToEqual(got, want []int, key func(int) string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if key(got[i]) != key(want[i]) {
			return false
		}
	}
	return slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want)))
}

// propElectedKey tells apart candidates elected at different points of a
// count: the round that elected them and their votes then, or for Schulze
// their place in the order.
func propElectedKey(res *Result) func(int) string {
	return func(c int) string {
		for i, r := range res.Rounds {
			if slices.Contains(r.Elected, c) {
				return fmt.Sprintf("round %d with %v", i+1, r.Totals[c])
			}
		}
		for i, g := range res.Order {
			if slices.Contains(g, c) {
				return fmt.Sprintf("order group %d", i)
			}
		}
		return "?"
	}
}

// (c) Renumbering and renaming the candidates changes nothing but the
// names, when no tie had to be broken.
func TestPropertyCandidateOrderIrrelevant(t *testing.T) {
	cases := append(slices.Clone(propCases), propCase{"yesno", Options{Method: YesNo}})
	checked := map[string]int{}
	for seed := range uint64(propSeeds) {
		equal := seed%3 == 1
		cfg := propConfig{equal: equal, withdrawn: true}
		e := propElection(seed, cfg)
		rng := rand.New(rand.NewPCG(seed, 0xbe4))
		perm := rng.Perm(len(e.Candidates))
		pe := propPermute(e, perm)
		for _, pc := range cases {
			e, pe, perm := e, pe, perm
			if pc.opts.Method == YesNo {
				// A yes/no question's candidates are Yes, No, Abstain in
				// that order; renaming them is all that can change.
				e = propElection(seed, propConfig{candidates: 3})
				perm = []int{0, 1, 2}
				pe = propPermute(e, perm)
			}
			res1, err1 := Count(e, pc.opts)
			res2, err2 := Count(pe, pc.opts)
			if (err1 != nil) != (err2 != nil) {
				t.Errorf("seed %d %s: errors %v and %v", seed, pc.name, err1, err2)
				continue
			}
			if err1 != nil || len(res1.Ties) > 0 || len(res2.Ties) > 0 {
				continue
			}
			checked[pc.name]++
			for _, d := range propComparePermuted(res1, res2, perm) {
				t.Errorf("seed %d %s, candidates renumbered %v: %s", seed, pc.name, perm, d)
			}
		}
	}
	t.Logf("counts compared without ties: %v", checked)
	for _, pc := range cases {
		if checked[pc.name] < propSeeds/10 {
			t.Errorf("%s: only %d of %d elections counted without a tie; the property is barely exercised", pc.name, checked[pc.name], propSeeds)
		}
	}
}

// (d) STV for one seat (Meek and Scottish) and instant runoff elect the
// same candidate when no count broke a tie.
func TestPropertySingleSeatSTVIsIRV(t *testing.T) {
	compared := 0
	for seed := range uint64(propSeeds) {
		e := propElection(seed, propConfig{withdrawn: true})
		results := map[Method]*Result{}
		for _, m := range []Method{IRV, Meek, Scottish} {
			res, err := Count(e, Options{Method: m, Seats: 1, Ties: propTies})
			if err != nil {
				t.Fatalf("seed %d %s: %v", seed, m, err)
			}
			if len(res.Elected) != 1 {
				t.Fatalf("seed %d %s: elected %v for one seat", seed, m, res.Elected)
			}
			results[m] = res
		}
		irv := results[IRV]
		for _, m := range []Method{Meek, Scottish} {
			stv := results[m]
			if len(irv.Ties) > 0 || len(stv.Ties) > 0 {
				continue
			}
			compared++
			if stv.Elected[0] != irv.Elected[0] {
				t.Errorf("seed %d: %s elects %s but IRV elects %s", seed, m, stv.name(stv.Elected[0]), irv.name(irv.Elected[0]))
			}
		}
	}
	t.Logf("%d comparisons without ties", compared)
	if compared < propSeeds/2 {
		t.Fatalf("only %d comparisons without ties; the property is barely exercised", compared)
	}
}

// propCheckConservation checks that at every round of an STV count the
// candidates' totals, the exhausted votes and the loss add up to the valid
// ballots exactly, in the rule's own decimal places.
func propCheckConservation(res *Result) error {
	places := map[Method]int{Meek: meekPlaces, Scottish: scotPlaces}[res.Method]
	want := res.Ballots * pow10(places)
	for _, r := range res.Rounds {
		sum := r.Exhausted.Units + r.Loss.Units
		for c, d := range r.Totals {
			if d.Places != places {
				return fmt.Errorf("round %d: %s's total %v has %d places, want %d", r.Number, res.name(c), d, d.Places, places)
			}
			if d.Units < 0 {
				return fmt.Errorf("round %d: %s's total %v is negative", r.Number, res.name(c), d)
			}
			sum += d.Units
		}
		if r.Exhausted.Places != places || r.Loss.Places != places {
			return fmt.Errorf("round %d: exhausted %v and loss %v should have %d places", r.Number, r.Exhausted, r.Loss, places)
		}
		if r.Exhausted.Units < 0 || r.Loss.Units < 0 {
			return fmt.Errorf("round %d: exhausted %v or loss %v is negative", r.Number, r.Exhausted, r.Loss)
		}
		if sum != want {
			return fmt.Errorf("round %d (%s): totals + exhausted + loss = %v, want the %d valid ballots",
				r.Number, r.Action, Decimal{Units: sum, Places: places}, res.Ballots)
		}
	}
	return nil
}

// (e) Votes are conserved at every STV stage.
func TestPropertySTVConservesVotes(t *testing.T) {
	check := func(name string, e *Election, seats int) {
		t.Helper()
		for _, m := range []Method{Meek, Scottish} {
			if m == Scottish && propHasEqualRanks(e) {
				continue
			}
			res, err := Count(e, Options{Method: m, Seats: seats, Ties: propTies})
			if err != nil {
				t.Fatalf("%s %s: %v", name, m, err)
			}
			if err := propCheckConservation(res); err != nil {
				t.Errorf("%s %s %d seats: %v", name, m, seats, err)
			}
		}
	}
	for seed := range uint64(propSeeds) {
		e := propElection(seed, propConfig{equal: seed%3 == 1, withdrawn: true})
		standing := len(e.Candidates) - len(e.Withdrawn)
		check(fmt.Sprintf("seed %d", seed), e, 1+int(seed)%min(3, standing))
	}
	// A few larger, realistic elections.
	for seed := range uint64(3) {
		e := genElection(seed, 3000, 9, 3, 200)
		check(fmt.Sprintf("genElection %d", seed), e, 3)
	}
	// Odd ballot weights make Scottish STV's truncation lose value.
	e := propElection(7, propConfig{})
	for i := range e.Ballots {
		e.Ballots[i].Count = 1 + int64(i*7919)%13
	}
	check("odd weights", e, 2)
}

func propHasEqualRanks(e *Election) bool {
	for _, b := range e.Ballots {
		for _, rank := range b.Ranks {
			if len(rank) > 1 {
				return true
			}
		}
	}
	return false
}

// propCheckConservation must catch a lost vote.
func TestPropertyConservationCheckFails(t *testing.T) {
	res, err := Count(propElection(3, propConfig{}), Options{Method: Scottish, Seats: 2, Ties: propTies})
	if err != nil {
		t.Fatal(err)
	}
	if err := propCheckConservation(res); err != nil {
		t.Fatal(err)
	}
	res.Rounds[len(res.Rounds)-1].Exhausted.Units++
	if propCheckConservation(res) == nil {
		t.Fatal("an extra 0.00001 exhausted went unnoticed")
	}
}

// (f) Counting is deterministic: the same election and seed give the same
// JSON, whatever was counted in between.
func TestPropertyDeterministic(t *testing.T) {
	cases := append(slices.Clone(propCases), propCase{"yesno", Options{Method: YesNo}})
	for seed := range uint64(propSeeds) {
		e := propElection(seed, propConfig{equal: seed%3 == 1, withdrawn: true})
		if rand.New(rand.NewPCG(seed, 1)).IntN(2) == 0 {
			e.TieOrder = rand.New(rand.NewPCG(seed, 2)).Perm(len(e.Candidates))
		}
		other := propElection(seed+propSeeds, propConfig{equal: true})
		for _, pc := range cases {
			e := e
			if pc.opts.Method == YesNo {
				e = propElection(seed, propConfig{candidates: 3})
			}
			opts := pc.opts
			opts.Ties.FileOrder = seed%2 == 0
			first, err1 := propCountJSON(e, opts)
			Count(other, opts) // state left by another count must not leak
			second, err2 := propCountJSON(e, opts)
			if fmt.Sprint(err1) != fmt.Sprint(err2) || !bytes.Equal(first, second) {
				t.Errorf("seed %d %s (file order %v): two counts differ:\n%s\nerrors %v, %v", seed, pc.name, opts.Ties.FileOrder, propFirstDiff(first, second), err1, err2)
			}
		}
	}
}
