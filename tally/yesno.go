package tally

import (
	"fmt"
	"math/bits"
	"strings"
)

// The answers of a yes/no question, in the order its candidates list them.
const (
	answerYes = iota
	answerNo
	answerAbstain
)

// countYesNo decides a question whose candidates are Yes, No and optionally
// Abstain, in that order. Each ballot's first rank is its answer; a ballot
// that ranks nothing abstains, so turnout counts it towards the quorum but
// the pass ratio does not.
func countYesNo(e *Election, opts Options) (*Result, error) {
	n := len(e.Candidates)
	if n != 2 && n != 3 {
		return nil, inputErrorf(0, "a yes/no question needs 2 or 3 candidates, in the order Yes, No, Abstain; this election has %d", n)
	}
	if len(e.Withdrawn) > 0 {
		return nil, inputErrorf(0, "a yes/no question cannot have withdrawn answers")
	}
	ratio := opts.PassRatio
	if ratio == (Ratio{}) {
		ratio = Ratio{1, 2}
	}
	if ratio.Num < 0 || ratio.Den <= 0 || ratio.Num > ratio.Den {
		return nil, inputErrorf(0, "pass ratio %s must be between 0:1 and 1:1 (e.g. 2:3 for two thirds)", ratio)
	}
	if opts.Quorum < 0 {
		return nil, inputErrorf(0, "quorum must not be negative, not %d", opts.Quorum)
	}

	var votes [3]int64
	for _, b := range e.grouped() {
		answer := answerAbstain
		if len(b.Ranks) > 0 {
			if len(b.Ranks[0]) > 1 {
				return nil, inputErrorf(b.Line, "a yes/no ballot has one answer, but this one ranks %d answers first", len(b.Ranks[0]))
			}
			answer = b.Ranks[0][0]
		}
		votes[answer] += b.Count
	}
	yes, no, abstain := votes[answerYes], votes[answerNo], votes[answerAbstain]
	total := yes + no + abstain

	res := &Result{Method: YesNo, Seats: 1, Candidates: e.Candidates, Ballots: total}
	quorate := total >= opts.Quorum
	ratioMet := !productLess(yes, ratio.Den, ratio.Num, yes+no)
	res.Passed = quorate && ratioMet && yes > no

	res.Notes = append(res.Notes, yesNoSummary(e, votes, ratio))
	if opts.Quorum > 0 {
		verb := "meets"
		if !quorate {
			verb = "does not meet"
		}
		res.Notes = append(res.Notes, fmt.Sprintf("Turnout of %d ballots %s the quorum of %d.", total, verb, opts.Quorum))
	}
	outcome := e.Candidates[answerNo]
	if res.Passed {
		outcome = e.Candidates[answerYes]
		res.Notes = append(res.Notes, "The question passed.")
	} else {
		res.Notes = append(res.Notes, "The question did not pass.")
	}

	round := Round{Number: 1, Action: "Answers counted", Totals: make([]Decimal, n), Status: make([]Status, n)}
	for c := range n {
		round.Totals[c] = Whole(votes[c])
	}
	winner, loser := answerYes, answerNo
	if !res.Passed {
		winner, loser = answerNo, answerYes
	}
	round.Status[winner], round.Status[loser] = Elected, Excluded
	round.Elected, round.Excluded = []int{winner}, []int{loser}
	round.Notes = []string{outcome.Name + " carries"}
	res.Elected = []int{winner}
	res.Rounds = []Round{round}
	return res, nil
}

// yesNoSummary states the figures in words, e.g. "Yes 212, No 97,
// Abstain 14: 68.6% of 309 answering said Yes; passing needs more than
// half."
func yesNoSummary(e *Election, votes [3]int64, ratio Ratio) string {
	var b strings.Builder
	abstainName := "Abstain"
	if len(e.Candidates) == 3 {
		abstainName = e.Candidates[answerAbstain].Name
	}
	yesName := e.Candidates[answerYes].Name
	fmt.Fprintf(&b, "%s %d, %s %d, %s %d: ", yesName, votes[answerYes], e.Candidates[answerNo].Name, votes[answerNo], abstainName, votes[answerAbstain])
	answering := votes[answerYes] + votes[answerNo]
	if answering == 0 {
		b.WriteString("nobody answered " + yesName + " or " + e.Candidates[answerNo].Name)
	} else {
		fmt.Fprintf(&b, "%s of %d answering said %s", percent(votes[answerYes], answering), answering, yesName)
	}
	if ratio == (Ratio{1, 2}) {
		b.WriteString("; passing needs more than half.")
	} else {
		fmt.Fprintf(&b, "; passing needs at least %d/%d (%s) and more %s than %s.", ratio.Num, ratio.Den, percent(ratio.Num, ratio.Den), yesName, e.Candidates[answerNo].Name)
	}
	return b.String()
}

// percent formats part/whole as a percentage to one decimal place, rounded
// half up, in integer arithmetic so the figure never depends on floats.
func percent(part, whole int64) string {
	tenths := mulDiv(part, 2000, whole, false)
	tenths = (tenths + 1) / 2
	return fmt.Sprintf("%d.%d%%", tenths/10, tenths%10)
}

// productLess reports whether a·b < c·d for non-negative operands, exactly:
// ballots up to 10^9 times a ratio's terms can overflow an int64.
func productLess(a, b, c, d int64) bool {
	hi1, lo1 := bits.Mul64(uint64(a), uint64(b))
	hi2, lo2 := bits.Mul64(uint64(c), uint64(d))
	return hi1 < hi2 || (hi1 == hi2 && lo1 < lo2)
}
