package tally

import "slices"

// Scottish STV, as the Scottish Local Government Elections Order 2007
// (SSI 2007/42, schedule 1, rules 45 to 52) prescribes: the weighted
// inclusive Gregory method with transfer values truncated to five decimal
// places. The rule numbers below are the Order's.

// scotPlaces is the precision of rule 48(3): "to five decimal places (any
// remainder being ignored)".
const scotPlaces = 5

// stvPile is a group of identical ballot papers during a transfer count:
// where the papers sit and what each is worth.
type stvPile struct {
	prefs  []int32 // the preferences, one candidate per rank
	pos    int     // index into prefs of the candidate holding the papers; len(prefs) when non-transferable
	value  int64   // value of each paper, scaled by 10^scotPlaces
	papers int64
}

type scottishCount struct {
	e       *Election
	opts    Options
	res     *Result
	lot     lot
	piles   []stvPile
	holding [][]int // holding[c] lists the piles candidate c holds
	votes   []int64 // scaled by 10^scotPlaces
	status  []Status
	pending []int // elected candidates whose surplus is not yet transferred, in order of election
	quota   int64
	exhaust int64
	loss    int64
	one     int64
}

func countScottish(e *Election, opts Options) (*Result, error) {
	for _, b := range e.grouped() {
		for _, rank := range b.Ranks {
			if len(rank) > 1 {
				return nil, inputErrorf(b.Line, "a ballot ranks %s equally; Scottish STV ballots rank one candidate per preference (count it with meek, or correct the ballot)", joinNames(e, rank))
			}
		}
	}
	s := &scottishCount{e: e, opts: opts, lot: newLot(e, opts.Ties), one: pow10(scotPlaces)}
	if err := s.start(); err != nil {
		return nil, err
	}
	for !s.complete() {
		if len(s.pending) > 0 {
			s.transferSurplus()
		} else {
			s.exclude()
		}
	}
	// Rule 52: the continuing candidates fill the last seats.
	s.res.fillRemaining(s.status, s.votes)
	return s.res, nil
}

// start sorts the papers by first preference (rule 45) and sets the quota
// (rule 46): the valid papers divided by one more than the seats, ignoring
// decimals, plus one.
func (s *scottishCount) start() error {
	n := len(s.e.Candidates)
	s.status = make([]Status, n)
	for _, c := range s.e.Withdrawn {
		s.status[c] = Withdrawn
	}
	if err := checkSTVSeats(s.e, s.opts.Seats, s.status); err != nil {
		return err
	}
	s.votes = make([]int64, n)
	s.holding = make([][]int, n)
	var valid int64
	s.piles = make([]stvPile, 0, s.e.box.len())
	// countScottish has refused equal ranks: each mark is a preference.
	for count, prefs := range s.e.groupedMarks() {
		if len(prefs) == 0 {
			continue // a paper with no preference for a standing candidate is not valid
		}
		first := prefs[0]
		s.holding[first] = append(s.holding[first], len(s.piles))
		s.piles = append(s.piles, stvPile{prefs: prefs, value: s.one, papers: count})
		s.votes[first] += count * s.one
		valid += count
	}
	s.quota = (valid/int64(s.opts.Seats+1) + 1) * s.one
	s.res = &Result{Method: Scottish, Seats: s.opts.Seats, Candidates: s.e.Candidates, Ballots: valid}
	s.record(say("First preferences"), nil)
	s.electWithQuota()
	return nil
}

// electWithQuota deems elected every continuing candidate at or above the
// quota (rule 47), highest first.
func (s *scottishCount) electWithQuota() {
	var reached []int
	for c, st := range s.status {
		if st == Hopeful && s.votes[c] >= s.quota {
			reached = append(reached, c)
		}
	}
	slices.SortStableFunc(reached, func(a, b int) int { return cmpInt64(s.votes[b], s.votes[a]) })
	r := &s.res.Rounds[len(s.res.Rounds)-1]
	for _, c := range reached {
		s.status[c] = Elected
		s.pending = append(s.pending, c)
		s.res.Elected = append(s.res.Elected, c)
		r.Elected = append(r.Elected, c)
		r.Status[c] = Elected
		r.note(s.res, say("%s reached the quota with %s votes: elected", names(c), decimal(s.dec(s.votes[c]))))
	}
}

// complete reports whether every seat is filled or the continuing
// candidates can fill no more than the seats left (rule 52).
func (s *scottishCount) complete() bool {
	left := s.opts.Seats - len(s.res.Elected)
	return left <= 0 || countStatus(s.status, Hopeful) <= left
}

// transferSurplus transfers the largest surplus (rule 49(1)); equal
// surpluses go by the most recent stage at which the candidates differed
// (49(2)), then by lot (49(3)).
func (s *scottishCount) transferSurplus() {
	stage := len(s.res.Rounds) + 1
	high := s.pending[0]
	for _, c := range s.pending[1:] {
		if s.votes[c] > s.votes[high] {
			high = c
		}
	}
	var notes []Phrase
	if tied := s.tiedWith(s.pending, s.votes[high]); len(tied) > 1 {
		var note Phrase
		high, note = s.res.breakTie(stage, purposeTransfer, tied, s.res.Rounds, false, s.lot)
		notes = append(notes, note)
	}
	s.pending = slices.DeleteFunc(s.pending, func(c int) bool { return c == high })
	vote := s.votes[high]
	surplus := vote - s.quota
	moved := s.move(high, func(value int64) int64 {
		// Rule 48(3): the surplus times the paper's value, divided by the
		// candidate's total, to five decimal places, any remainder ignored.
		return mulDiv(value, surplus, vote, false)
	})
	s.votes[high] = s.quota
	s.loss += surplus - moved
	notes = append(notes, say("surplus of %s (%s) transferred", names(high), decimal(s.dec(surplus))))
	s.record(say("Surplus of %s transferred", names(high)), notes)
	s.res.Rounds[len(s.res.Rounds)-1].Surplus = s.dec(surplus)
	s.electWithQuota()
}

// exclude excludes the candidate with the fewest votes (rule 50); equal
// lowest go by the most recent stage at which they differed (51(2)(a)),
// then by lot (51(2)(b)). Papers move at the value they arrived with
// (50(4)).
func (s *scottishCount) exclude() {
	stage := len(s.res.Rounds) + 1
	var hopeful []int
	for c, st := range s.status {
		if st == Hopeful {
			hopeful = append(hopeful, c)
		}
	}
	low := hopeful[0]
	for _, c := range hopeful[1:] {
		if s.votes[c] < s.votes[low] {
			low = c
		}
	}
	var notes []Phrase
	if tied := s.tiedWith(hopeful, s.votes[low]); len(tied) > 1 {
		var note Phrase
		low, note = s.res.breakTie(stage, purposeExclude, tied, s.res.Rounds, true, s.lot)
		notes = append(notes, note)
	}
	notes = append(notes, say("%s has the fewest votes (%s): excluded", names(low), decimal(s.dec(s.votes[low]))))
	s.status[low] = Excluded
	s.move(low, func(value int64) int64 { return value })
	s.votes[low] = 0
	s.record(say("%s excluded", names(low)), notes)
	s.res.Rounds[len(s.res.Rounds)-1].Excluded = []int{low}
	s.electWithQuota()
}

// move passes every pile candidate c holds to its next continuing
// preference at the value newValue gives, or to the non-transferable
// papers, and returns the total value moved.
func (s *scottishCount) move(c int, newValue func(int64) int64) int64 {
	var moved int64
	for _, i := range s.holding[c] {
		p := &s.piles[i]
		p.value = newValue(p.value)
		amount := p.value * p.papers
		moved += amount
		p.pos++
		for p.pos < len(p.prefs) && s.status[p.prefs[p.pos]] != Hopeful {
			p.pos++
		}
		if p.pos == len(p.prefs) {
			s.exhaust += amount
			continue
		}
		next := int(p.prefs[p.pos])
		s.votes[next] += amount
		s.holding[next] = append(s.holding[next], i)
	}
	s.holding[c] = nil
	return moved
}

// record closes a stage with a snapshot of every total.
func (s *scottishCount) record(action Phrase, notes []Phrase) {
	totals := make([]Decimal, len(s.votes))
	for c, v := range s.votes {
		totals[c] = s.dec(v)
	}
	s.res.Rounds = append(s.res.Rounds, Round{
		Number:    len(s.res.Rounds) + 1,
		Totals:    totals,
		Status:    slices.Clone(s.status),
		Exhausted: s.dec(s.exhaust),
		Loss:      s.dec(s.loss),
		Quota:     s.dec(s.quota),
	})
	r := &s.res.Rounds[len(s.res.Rounds)-1]
	r.act(s.res, action)
	for _, n := range notes {
		r.note(s.res, n)
	}
}

func (s *scottishCount) tiedWith(cands []int, vote int64) []int {
	var tied []int
	for _, c := range cands {
		if s.votes[c] == vote {
			tied = append(tied, c)
		}
	}
	return tied
}

func (s *scottishCount) dec(v int64) Decimal { return Decimal{Units: v, Places: scotPlaces} }

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// checkSTVSeats refuses a count that would fill more seats than there are
// standing candidates.
func checkSTVSeats(e *Election, seats int, status []Status) error {
	standing := 0
	for _, st := range status {
		if st != Withdrawn {
			standing++
		}
	}
	if seats > standing {
		return inputErrorf(0, "%d seats but only %d standing candidates; lower --seats", seats, standing)
	}
	return nil
}

func joinNames(e *Election, cands []int) string {
	s := ""
	for i, c := range cands {
		if i > 0 {
			s += " and "
		}
		s += e.Candidates[c].Name
	}
	return s
}
