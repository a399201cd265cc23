package tally

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestZZIRVTiming(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	e := &Election{Ballots: make([]Ballot, 1_000_000)}
	for i := range 20 {
		e.Candidates = append(e.Candidates, Candidate{Name: string(rune('A' + i))})
	}
	for _, typical := range []bool{false} {
		for i := range e.Ballots {
			var order []int
			if typical {
				order = irvTypicalOrder(rng, 20, 1+rng.IntN(5))
			} else {
				order = rng.Perm(20)[:1+rng.IntN(20)]
			}
			ranks := make([][]int, len(order))
			for j := range order {
				ranks[j] = order[j : j+1]
			}
			e.Ballots[i] = Ballot{Count: 1, Ranks: ranks}
		}
		t0 := time.Now()
		g := e.grouped()
		t1 := time.Now()
		ge := *e
		ge.Ballots = g
		countIRV(&ge, Options{})
		t2 := time.Now()
		var err error
		t3 := time.Now()
		t.Logf("typical=%v groups=%d grouped=%v countIRV(grouped)=%v Count=%v %v", typical, len(g), t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), err)
	}
}
