package tally

import (
	"crypto/sha256"
	"slices"
	"strings"
)

// TieBreak says how ties are broken once a method's own rule (such as
// Scottish STV's look-back to earlier stages) cannot decide.
type TieBreak struct {
	// FileOrder picks the tied candidate that comes first in the election's
	// tie order (BLT's [tie] line, else the order candidates are listed),
	// whether the choice is to elect or to exclude. The reference counts in
	// testdata break ties this way.
	FileOrder bool
	// Seed and Election define the lot otherwise: candidates are ordered by
	// SHA-256(seed ":" election ":" candidate name), and the first in that
	// order is chosen. Names, not IDs, so that a recount of an exported BLT
	// file (which has only names) draws the same lot. The seed is published before the election, so
	// anyone can repeat the draw.
	Seed     string
	Election string
}

// lot orders candidates for breaking ties; the first tied candidate in the
// order is chosen.
type lot struct {
	rank []int // rank[c] is c's position in the order
	rule string
}

func newLot(e *Election, t TieBreak) lot {
	n := len(e.Candidates)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	rule := "lot"
	if t.FileOrder {
		rule = "file order"
		if e.TieOrder != nil {
			order = slices.Clone(e.TieOrder)
		}
	} else {
		keys := make([][32]byte, n)
		for i, c := range e.Candidates {
			keys[i] = sha256.Sum256([]byte(t.Seed + ":" + t.Election + ":" + c.Name))
		}
		slices.SortStableFunc(order, func(a, b int) int {
			return strings.Compare(string(keys[a][:]), string(keys[b][:]))
		})
	}
	rank := make([]int, n)
	for pos, c := range order {
		rank[c] = pos
	}
	return lot{rank: rank, rule: rule}
}

// pick returns the tied candidate that comes first in the lot's order.
func (l lot) pick(tied []int) int {
	best := tied[0]
	for _, c := range tied[1:] {
		if l.rank[c] < l.rank[best] {
			best = c
		}
	}
	return best
}

// lookBack settles a tie from earlier rounds, as Scottish STV's rules 49(2)
// and 51(2) prescribe and IRV does: going back from the most recent round,
// the first round at which exactly one of the tied candidates had the lowest
// (or, when lowest is false, the highest) total decides. It returns the
// chosen candidate and that round's number, or ok=false when the candidates
// were equal at every round.
func lookBack(rounds []Round, tied []int, lowest bool) (chosen, round int, ok bool) {
	for i := len(rounds) - 1; i >= 0; i-- {
		totals := rounds[i].Totals
		best := tied[0]
		count := 1
		for _, c := range tied[1:] {
			cmp := totals[c].Cmp(totals[best])
			if !lowest {
				cmp = -cmp
			}
			switch {
			case cmp < 0:
				best, count = c, 1
			case cmp == 0:
				count++
			}
		}
		if count == 1 {
			return best, rounds[i].Number, true
		}
	}
	return 0, 0, false
}

// breakTie chooses one of several tied candidates for purpose ("exclude",
// "elect", ...): by look-back over rounds when rounds is not nil, then by
// the lot. It records the tie in res and returns the choice with a note
// for the round.
func (res *Result) breakTie(roundNo int, purpose string, tied []int, rounds []Round, lowest bool, l lot, stageWord string) (int, string) {
	tied = slices.Clone(tied)
	slices.Sort(tied)
	chosen, rule := -1, ""
	if rounds != nil {
		if c, at, ok := lookBack(rounds, tied, lowest); ok {
			chosen, rule = c, stageWord+" "+itoa(at)
		}
	}
	if chosen < 0 {
		chosen, rule = l.pick(tied), l.rule
	}
	res.Ties = append(res.Ties, Tie{Round: roundNo, Purpose: purpose, Candidates: tied, Chosen: chosen, Rule: rule})
	names := make([]string, len(tied))
	for i, c := range tied {
		names[i] = res.name(c)
	}
	return chosen, "tie between " + strings.Join(names, ", ") + " to " + purpose + ": " + res.name(chosen) + " chosen by " + rule
}
