package tally

import "slices"

// countApproval elects the opts.Seats candidates named on the most ballots.
// A ballot approves everyone it names, whatever the rank, so equal ranks and
// orderings carry no extra weight. A tie across the last seat is settled by
// the lot, one seat at a time, and recorded.
func countApproval(e *Election, opts Options) (*Result, error) {
	n := len(e.Candidates)
	withdrawn := e.withdrawnSet()
	var running []int
	for c := range n {
		if !withdrawn[c] {
			running = append(running, c)
		}
	}
	if opts.Seats > len(running) {
		return nil, inputErrorf(0, "%d seats but only %d candidates standing", opts.Seats, len(running))
	}

	approvals := make([]int64, n)
	for _, b := range e.grouped() {
		for _, rank := range b.Ranks {
			for _, c := range rank {
				approvals[c] += b.Count
			}
		}
	}

	res := &Result{
		Method:     Approval,
		Seats:      opts.Seats,
		Candidates: e.Candidates,
		Ballots:    e.totalBallots(),
	}
	round := Round{Number: 1, Totals: make([]Decimal, n), Status: make([]Status, n)}
	round.act(res, say("Approvals counted"))
	for c := range n {
		round.Totals[c] = Whole(approvals[c])
		if withdrawn[c] {
			round.Status[c] = Withdrawn
		}
	}

	// Most approvals first; candidates with equal approvals stay in ballot
	// order until the lot has to choose among them.
	slices.SortStableFunc(running, func(a, b int) int { return compareDesc(approvals[a], approvals[b]) })
	l := newLot(e, opts.Ties)
	for len(running) > 0 && len(round.Elected) < opts.Seats {
		tied := slices.Clone(running[:equalRun(running, approvals)])
		if free := opts.Seats - len(round.Elected); len(tied) > free {
			c, note := res.breakTie(1, purposeElect, tied, nil, false, l)
			round.note(res, note)
			tied = []int{c}
		}
		for _, c := range tied {
			round.Elected = append(round.Elected, c)
			round.Status[c] = Elected
			round.note(res, sayN("%s elected with %d approval", "%s elected with %d approvals", names(c), count(approvals[c])))
			running = slices.DeleteFunc(running, func(x int) bool { return x == c })
		}
	}
	for _, c := range running {
		round.Excluded = append(round.Excluded, c)
		round.Status[c] = Excluded
	}
	res.Elected = slices.Clone(round.Elected)
	res.Rounds = []Round{round}
	return res, nil
}

// equalRun returns how many leading candidates share the first one's count.
func equalRun(cands []int, counts []int64) int {
	k := 1
	for k < len(cands) && counts[cands[k]] == counts[cands[0]] {
		k++
	}
	return k
}

func compareDesc(a, b int64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
