package tally

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
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

// writeLargeBLT writes a BLT file of ballots voters and candidates
// candidates as lines distinct ranking lines, for benchmarks and whole
// process timings (the multi-megabyte files are generated, never
// committed). Nine lines in ten rank every candidate, the rest a random
// prefix; the weights sum to ballots and are skewed, a few orders being
// common. Every line's ranking differs from every other line's.
func writeLargeBLT(w io.Writer, seed uint64, ballots, candidates, lines int) error {
	rng := rand.New(rand.NewPCG(seed, 0xb17))
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%d 5\n", candidates)
	weights := make([]int, lines)
	for i := range weights {
		weights[i] = 1
	}
	zipf := rand.NewZipf(rng, 1.1, 1, uint64(lines-1))
	for range ballots - lines {
		weights[zipf.Uint64()]++
	}
	seen := make(map[string]bool, lines)
	order := make([]int, candidates)
	var line []byte
	for _, wt := range weights {
		for {
			for i := range order {
				order[i] = i + 1
			}
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			length := candidates
			if rng.IntN(10) == 0 {
				length = 1 + rng.IntN(candidates)
			}
			line = strconv.AppendInt(line[:0], int64(wt), 10)
			at := len(line)
			for _, c := range order[:length] {
				line = append(line, ' ')
				line = strconv.AppendInt(line, int64(c), 10)
			}
			if !seen[string(line[at:])] {
				seen[string(line[at:])] = true
				break
			}
		}
		bw.Write(line)
		bw.WriteString(" 0\n")
	}
	bw.WriteString("0\n")
	for c := range candidates {
		fmt.Fprintf(bw, "\"Candidate %02d\"\n", c+1)
	}
	fmt.Fprintf(bw, "\"Generated: %d ballots as %d lines\"\n", ballots, lines)
	return bw.Flush()
}

// TestWriteLargeBLT writes the files the whole-process timings of booth
// count use, into $BOOTH_LARGE_BLT_DIR; without it the test skips.
func TestWriteLargeBLT(t *testing.T) {
	dir := os.Getenv("BOOTH_LARGE_BLT_DIR")
	if dir == "" {
		t.Skip("set BOOTH_LARGE_BLT_DIR to write the large BLT files")
	}
	for _, f := range []struct {
		name  string
		lines int
	}{{"1m-120k.blt", 120_000}, {"1m-1m.blt", 1_000_000}} {
		out, err := os.Create(filepath.Join(dir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		if err := writeLargeBLT(out, 18, 1_000_000, 20, f.lines); err != nil {
			t.Fatal(err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
