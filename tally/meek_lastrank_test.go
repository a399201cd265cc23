package tally

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// TestMeekNeverReachesACompleteBallotsLast: on a ballot that ranks every
// candidate, Meek STV reaches the last one only once every other candidate
// is elected or excluded, and by then the count has ended. So ranking the
// last candidate or not is one meaning, and models stores one text for it
// (issue 10 item 2). IRV and Scottish STV are checked too, to show the
// test can see a difference: there the last rank changes the totals.
func TestMeekNeverReachesACompleteBallotsLast(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 2))
	for _, m := range []Method{Meek, IRV, Scottish} {
		differ := 0
		for range 3000 {
			n := 2 + rng.IntN(5)
			seats := 1
			if m != IRV {
				seats = 1 + rng.IntN(n-1)
			}
			cands := make([]Candidate, n)
			for i := range cands {
				cands[i] = Candidate{ID: string(rune('a' + i)), Name: string(rune('A' + i))}
			}
			var ballots []Ballot
			for range 3 + rng.IntN(8) {
				var ranks [][]int
				for _, c := range rng.Perm(n)[:1+rng.IntN(n)] {
					ranks = append(ranks, []int{c})
				}
				ballots = append(ballots, Ballot{Count: int64(1 + rng.IntN(3)), Ranks: ranks})
			}
			var complete [][]int
			for _, c := range rng.Perm(n) {
				complete = append(complete, []int{c})
			}
			count := func(last [][]int) string {
				e := &Election{Seats: seats, Candidates: cands, Ballots: append(append([]Ballot{}, ballots...), Ballot{Count: 1, Ranks: last})}
				r, err := Count(e, Options{Method: m, Seats: seats})
				if err != nil {
					t.Fatalf("%s: %v", m, err)
				}
				j, err := json.Marshal(r)
				if err != nil {
					t.Fatal(err)
				}
				return string(j)
			}
			if count(complete) != count(complete[:n-1]) {
				differ++
			}
		}
		switch {
		case m == Meek && differ != 0:
			t.Errorf("Meek: in %d of 3000 elections, ranking a complete ballot's last candidate changed the result", differ)
		case m != Meek && differ == 0:
			t.Errorf("%s: the last rank never changed a result in 3000 elections; the test cannot see a difference", m)
		}
	}
}
