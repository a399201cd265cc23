package tally

import (
	"fmt"
	"math/rand/v2"
)

// genElection makes a realistic election for benchmarks and property
// tests: voters follow a few hundred distinct opinions (many ballots share
// an order, as in real elections), rank some candidates and leave the rest
// unranked, and popular candidates come first more often. The same seed
// always gives the same election.
func genElection(seed uint64, ballots, candidates, seats, opinions int) *Election {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	e := &Election{Title: fmt.Sprintf("generated %d", seed), Seats: seats}
	popularity := make([]float64, candidates)
	for c := range candidates {
		e.Candidates = append(e.Candidates, Candidate{Name: fmt.Sprintf("Candidate %02d", c+1)})
		popularity[c] = 1 + rng.Float64()*float64(candidates)
	}
	orders := make([][][]int, opinions)
	for i := range orders {
		orders[i] = genOrder(rng, popularity)
	}
	// Zipf-like: a few opinions are held by many voters.
	zipf := rand.NewZipf(rng, 1.2, 1, uint64(opinions-1))
	e.Ballots = make([]Ballot, ballots)
	for i := range e.Ballots {
		e.Ballots[i] = Ballot{Count: 1, Ranks: orders[zipf.Uint64()]}
	}
	return e
}

// genOrder draws a partial ranking: candidates in order of weighted draws
// without replacement (Plackett–Luce), truncated at a random length.
func genOrder(rng *rand.Rand, popularity []float64) [][]int {
	n := len(popularity)
	length := 1 + rng.IntN(n)
	left := make([]int, n)
	for i := range left {
		left[i] = i
	}
	var ranks [][]int
	for len(ranks) < length {
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
		ranks = append(ranks, []int{left[pick]})
		left = append(left[:pick], left[pick+1:]...)
	}
	return ranks
}
