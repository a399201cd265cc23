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
	rank []int  // rank[c] is c's position in the order
	rule string // the lot's name, a word of the count's vocabulary
}

func newLot(e *Election, t TieBreak) lot {
	n := len(e.Candidates)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	rule := key("lot")
	if t.FileOrder {
		rule = key("file order")
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

// lookBack settles a tie from earlier stages as Scottish STV's rules 49(2)
// and 51(2) prescribe, in Droop's reading of "the most recently preceding
// stage at which they had an unequal number of votes": going back from the
// most recent stage, the first stage at which exactly one of all the tied
// candidates had the lowest (or, when lowest is false, the highest) total
// decides. A stage at which two of them share the lowest total decides
// nothing, even if it puts a third above them. It returns the chosen
// candidate and that stage's number, or ok=false when no stage decided.
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

// narrowing is one earlier round that shrank a tie: the candidates that
// had the fewest votes there among those still in contention.
type narrowing struct {
	round  int
	fewest []int
	votes  Decimal
}

// narrowBack settles a tie for last place from earlier rounds the way
// RCTab's previous-rounds tie-break (Tiebreak.doPreviousRounds) and the
// usual ordinance wording ("the candidate with the fewest votes in the
// previous round") do: going back from the most recent round, only the
// candidates with the fewest votes at that round stay in contention, until
// one is left. It returns those still in contention after the first round
// (one when the rounds decided) and each round that narrowed them.
func narrowBack(rounds []Round, tied []int) ([]int, []narrowing) {
	left := tied
	var steps []narrowing
	for i := len(rounds) - 1; i >= 0 && len(left) > 1; i-- {
		totals := rounds[i].Totals
		low := totals[left[0]]
		for _, c := range left[1:] {
			if totals[c].Cmp(low) < 0 {
				low = totals[c]
			}
		}
		var fewest []int
		for _, c := range left {
			if totals[c].Cmp(low) == 0 {
				fewest = append(fewest, c)
			}
		}
		if len(fewest) < len(left) {
			left = fewest
			steps = append(steps, narrowing{round: rounds[i].Number, fewest: fewest, votes: low})
		}
	}
	return left, steps
}

// What a tie's choice decides (Tie.Purpose), words of the count's
// vocabulary.
var (
	purposeExclude  = key("exclude")
	purposeElect    = key("elect")
	purposeTransfer = key("transfer surplus first")
)

// breakTie chooses one of several tied candidates for purpose
// (purposeExclude, ...): by Scottish STV's look-back to earlier stages
// (lookBack) over rounds when rounds is not nil, then by the lot. IRV
// narrows instead (breakTieNarrowing). It records the tie in res and
// returns the choice with a note for the round.
func (res *Result) breakTie(roundNo int, purpose string, tied []int, rounds []Round, lowest bool, l lot) (int, Phrase) {
	tied = slices.Clone(tied)
	slices.Sort(tied)
	chosen, rule := -1, Phrase{}
	if rounds != nil {
		if c, at, ok := lookBack(rounds, tied, lowest); ok {
			chosen, rule = c, say("stage %d", count(int64(at)))
		}
	}
	if chosen < 0 {
		chosen, rule = l.pick(tied), say(l.rule)
	}
	res.addTie(Tie{Round: roundNo, Purpose: purpose, Candidates: tied, Chosen: chosen}, rule)
	return chosen, say("tie between %s to %s: %s chosen by %s", namesJoined(JoinComma, tied), word(purpose), names(chosen), clause(rule))
}

func (res *Result) addTie(t Tie, rule Phrase) {
	t.Rule, t.RulePhrase = res.english(rule), &rule
	res.Ties = append(res.Ties, t)
}

// breakTieNarrowing chooses which of several candidates tied for last
// place an instant-runoff round excludes: earlier rounds narrow the tie
// (narrowBack), and the lot decides among those still tied after the first
// round. It records the tie in res and returns the choice with a note that
// names each round that narrowed the tie, e.g. "Round 3: B and C had the
// fewest (23); round 1: C had the fewest (22): excluded".
func (res *Result) breakTieNarrowing(roundNo int, tied []int, rounds []Round, l lot) (int, Phrase) {
	tied = slices.Clone(tied)
	slices.Sort(tied)
	left, steps := narrowBack(rounds, tied)
	parts := make([]Phrase, len(steps))
	for i, s := range steps {
		parts[i] = say("round %d: %s had the fewest (%s)", count(int64(s.round)), names(s.fewest...), decimal(s.votes))
	}
	chosen, rule := left[0], Phrase{}
	if len(left) == 1 {
		rule = say("round %d", count(int64(steps[len(steps)-1].round)))
	} else {
		chosen, rule = l.pick(left), say(l.rule)
		tiedAt := say("tied at every earlier round: %s chosen by %s", names(chosen), word(l.rule))
		if len(steps) > 0 {
			tiedAt = say("no round separates %s: %s chosen by %s", names(left...), names(chosen), word(l.rule))
			rule = say("round %d, then %s", count(int64(steps[len(steps)-1].round)), word(l.rule))
		}
		parts = append(parts, tiedAt)
	}
	res.addTie(Tie{Round: roundNo, Purpose: purposeExclude, Candidates: tied, Chosen: chosen}, rule)
	note := say("%s: excluded", clauses(JoinClauses, parts))
	note.Capital = true
	return chosen, note
}
