package tally

import (
	"fmt"
	"testing"
)

// BenchmarkCount counts generated elections of 100k and 1M ballots with 10
// and 20 candidates (5 seats for STV), from the ballots as cast: grouping
// identical rankings is part of the measured time.
func BenchmarkCount(b *testing.B) {
	for _, size := range []struct{ ballots, candidates int }{{100_000, 10}, {100_000, 20}, {1_000_000, 10}, {1_000_000, 20}} {
		e := genElection(uint64(size.ballots+size.candidates), size.ballots, size.candidates, 5, 10000)
		for _, method := range []Method{Schulze, IRV, Meek, Scottish} {
			seats := 5
			if method == Schulze || method == IRV {
				seats = 1
			}
			b.Run(fmt.Sprintf("%s/%dk-ballots/%d-candidates", method, size.ballots/1000, size.candidates), func(b *testing.B) {
				for b.Loop() {
					if _, err := Count(e, Options{Method: method, Seats: seats}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
