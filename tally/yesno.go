package tally

import (
	"fmt"
	"math/bits"
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

	res.note(yesNoSummary(e, votes, ratio))
	switch {
	case opts.Quorum > 0 && quorate:
		res.note(say("Turnout of %d ballots meets the quorum of %d.", count(total), count(opts.Quorum)))
	case opts.Quorum > 0:
		res.note(say("Turnout of %d ballots does not meet the quorum of %d.", count(total), count(opts.Quorum)))
	}
	if res.Passed {
		res.note(say("The question passed."))
	} else {
		res.note(say("The question did not pass."))
	}

	round := Round{Number: 1, Totals: make([]Decimal, n), Status: make([]Status, n)}
	round.act(res, say("Answers counted"))
	for c := range n {
		round.Totals[c] = Whole(votes[c])
	}
	winner, loser := answerYes, answerNo
	if !res.Passed {
		winner, loser = answerNo, answerYes
	}
	round.Status[winner], round.Status[loser] = Elected, Excluded
	round.Elected, round.Excluded = []int{winner}, []int{loser}
	round.note(res, say("%s carries", names(winner)))
	res.Elected = []int{winner}
	res.Rounds = []Round{round}
	return res, nil
}

// yesNoSummary states the figures in words, e.g. "Yes 212, No 97,
// Abstain 14: 68.6% of 309 answering said Yes; passing needs more than
// half."
func yesNoSummary(e *Election, votes [3]int64, ratio Ratio) Phrase {
	abstain := word(key("Abstain"))
	if len(e.Candidates) == 3 {
		abstain = names(answerAbstain)
	}
	var said, needs Phrase
	answering := votes[answerYes] + votes[answerNo]
	if answering == 0 {
		said = say("nobody answered %s or %s", names(answerYes), names(answerNo))
	} else {
		said = say("%s of %d answering said %s", text(percent(votes[answerYes], answering)), count(answering), names(answerYes))
	}
	if ratio == (Ratio{1, 2}) {
		needs = say("passing needs more than half.")
	} else {
		needs = say("passing needs at least %d/%d (%s) and more %s than %s.", count(ratio.Num), count(ratio.Den), text(percent(ratio.Num, ratio.Den)), names(answerYes), names(answerNo))
	}
	return say("%s %d, %s %d, %s %d: %s; %s", names(answerYes), count(votes[answerYes]), names(answerNo), count(votes[answerNo]),
		abstain, count(votes[answerAbstain]), clause(said), clause(needs))
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
