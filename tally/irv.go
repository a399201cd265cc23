package tally

import (
	"cmp"
	"slices"
)

// irvCount is the state of an instant-runoff count. Identical rankings are
// merged into groups, and each candidate keeps a list of the groups whose
// votes sit with them, so an exclusion moves only the excluded candidate's
// ballots: the work is proportional to the ballots transferred, not to all
// of them.
type irvCount struct {
	res *Result
	// groups holds all that a move reads of each group in one irvGroup,
	// which keeps the walk through a million ballots in cache.
	groups []irvGroup
	// holding[c] lists the groups sitting with c. A list of indexes, not
	// a linked list, so that an exclusion's reads of its groups do not
	// wait on one another.
	holding [][]int32
	totals  []int64
	status  []Status
	// counting is the number of votes still with continuing candidates.
	counting int64
	touched  int32 // what touch read, kept so the reads are not optimised away
	lot      lot
}

// irvGroup is a group of identical ballots in an instant-runoff count.
type irvGroup struct {
	// prefs are the group's marks (see ballotBox), read in place: a rank
	// of several candidates is an opening mark followed by negative ones.
	prefs []int32
	pos   int   // where in prefs the group's votes sit
	count int64 // the number of ballots in the group
}

func countIRV(e *Election, opts Options) (*Result, error) {
	if opts.Seats > 1 {
		return nil, inputErrorf(0, "instant runoff fills one seat, not %d; count several seats with meek or scottish", opts.Seats)
	}
	c := newIRVCount(e, opts)
	if !slices.Contains(c.status, Hopeful) {
		return nil, inputErrorf(0, "every candidate has withdrawn; there is no one to elect")
	}
	for g := range c.groups {
		c.place(int32(g))
	}
	round := Round{Number: 1}
	round.act(c.res, say("First preferences"))
	for {
		c.record(&round)
		cont := c.continuing()
		if w, note, ok := c.winner(cont); ok {
			round.Elected = []int{w}
			round.Status[w] = Elected
			round.note(c.res, note)
			c.res.Rounds = append(c.res.Rounds, round)
			c.res.Elected = []int{w}
			return c.res, nil
		}
		c.res.Rounds = append(c.res.Rounds, round)
		round = Round{Number: round.Number + 1}
		out, notes := c.chooseExclusions(cont, opts.BatchElimination, round.Number)
		c.exclude(out)
		round.Excluded = out
		for _, n := range notes {
			round.note(c.res, n)
		}
		round.act(c.res, say("%s excluded", names(out...)))
	}
}

func newIRVCount(e *Election, opts Options) *irvCount {
	n := len(e.Candidates)
	c := &irvCount{
		res:     &Result{Method: IRV, Seats: 1, Candidates: e.Candidates, Ballots: e.totalBallots()},
		holding: make([][]int32, n),
		totals:  make([]int64, n),
		status:  make([]Status, n),
		lot:     newLot(e, opts.Ties),
	}
	c.groups = make([]irvGroup, 0, e.box.len())
	for count, marks := range e.groupedMarks() {
		c.groups = append(c.groups, irvGroup{prefs: marks, count: count})
	}
	for _, w := range e.Withdrawn {
		c.status[w] = Withdrawn
	}
	return c
}

// place walks group g's ranks from its position to the first that counts:
// a single continuing candidate takes the votes, a single excluded one is
// skipped, and a rank naming several candidates is an overvote, which
// exhausts the ballot whoever those candidates are (as Burlington counted).
func (c *irvCount) place(g int32) {
	gr := &c.groups[g]
	for p := gr.pos; p < len(gr.prefs); p++ {
		if p+1 < len(gr.prefs) && gr.prefs[p+1] < 0 {
			return // an overvote: nothing after it is ever read
		}
		x := gr.prefs[p]
		if c.status[x] == Hopeful {
			gr.pos = p
			c.holding[x] = append(c.holding[x], g)
			c.totals[x] += gr.count
			c.counting += gr.count
			return
		}
	}
}

// exclude marks all of out excluded before moving any ballots, so that a
// batch never passes votes among its own members.
func (c *irvCount) exclude(out []int) {
	for _, x := range out {
		c.status[x] = Excluded
	}
	for _, x := range out {
		held := c.holding[x]
		c.holding[x] = nil
		c.counting -= c.totals[x]
		c.totals[x] = 0
		for len(held) > 0 {
			batch := held[:min(len(held), irvBatch)]
			held = held[len(batch):]
			c.touch(batch)
			for _, g := range batch {
				c.groups[g].pos++
				c.place(g)
			}
		}
	}
}

// irvBatch is how many groups an exclusion reads ahead.
const irvBatch = 16

// touch reads where each group's votes sit, so that the memory reads a
// batch of moves makes wait together rather than one after another (in a
// large count nearly every group a move reads is out of the cache).
func (c *irvCount) touch(batch []int32) {
	var sum int32
	for _, g := range batch {
		gr := &c.groups[g]
		sum += gr.prefs[gr.pos]
	}
	c.touched = sum
}

func (c *irvCount) record(r *Round) {
	r.Totals = make([]Decimal, len(c.totals))
	for i, t := range c.totals {
		r.Totals[i] = Whole(t)
	}
	r.Status = slices.Clone(c.status)
	r.Exhausted = Whole(c.res.Ballots - c.counting)
}

func (c *irvCount) continuing() []int {
	var cont []int
	for i, s := range c.status {
		if s == Hopeful {
			cont = append(cont, i)
		}
	}
	return cont
}

// winner reports the candidate with more than half of the votes still
// counting, or the last one left once every other has been excluded.
func (c *irvCount) winner(cont []int) (int, Phrase, bool) {
	top := cont[0]
	for _, x := range cont[1:] {
		if c.totals[x] > c.totals[top] {
			top = x
		}
	}
	if 2*c.totals[top] > c.counting {
		return top, say("%s has %d of %d votes still counting, more than half: elected", names(top), count(c.totals[top]), count(c.counting)), true
	}
	if len(cont) == 1 {
		return top, say("%s is the only candidate left: elected", names(top)), true
	}
	return 0, Phrase{}, false
}

// chooseExclusions picks who round roundNo excludes: a batch when allowed
// and it takes more than one, else the lowest candidate, breaking a tie by
// narrowing it through the earlier rounds, then by lot. A batch never
// splits a tie (equal candidates stand or fall together), so the single
// exclusion after the batches end is the only place an IRV tie is broken.
func (c *irvCount) chooseExclusions(cont []int, batch bool, roundNo int) ([]int, []Phrase) {
	if batch {
		if out, above := c.batch(cont); len(out) > 1 {
			var sum int64
			for _, x := range out {
				sum += c.totals[x]
			}
			return out, []Phrase{say("%s together have %d votes, fewer than the %d of %s, the next candidate up: excluded together",
				names(out...), count(sum), count(c.totals[above]), names(above))}
		}
	}
	low := c.totals[cont[0]]
	for _, x := range cont[1:] {
		low = min(low, c.totals[x])
	}
	var tied []int
	for _, x := range cont {
		if c.totals[x] == low {
			tied = append(tied, x)
		}
	}
	if len(tied) == 1 {
		return tied, []Phrase{say("%s has the fewest votes (%s): excluded", names(tied[0]), decimal(Whole(low)))}
	}
	chosen, tieNote := c.res.breakTieNarrowing(roundNo, tied, c.res.Rounds, c.lot)
	return []int{chosen}, []Phrase{
		say("%s share the fewest votes (%d each)", names(tied...), count(low)),
		tieNote,
	}
}

// batch finds RCTab's batch elimination: the largest set of lowest
// candidates whose votes combined are fewer than those of the lowest
// candidate above them, so that none of them could overtake anyone. It
// returns the candidate just above the set too. The set always leaves at
// least two continuing: a lone survivor would hold more votes than all the
// others together, a majority, and the count would already have ended.
func (c *irvCount) batch(cont []int) (out []int, above int) {
	sorted := slices.Clone(cont)
	slices.SortStableFunc(sorted, func(a, b int) int { return cmp.Compare(c.totals[a], c.totals[b]) })
	var running int64
	cut := 0
	for i := 0; i < len(sorted); {
		v := c.totals[sorted[i]]
		if running < v {
			cut = i
		}
		// Candidates with equal votes stand or fall together.
		for ; i < len(sorted) && c.totals[sorted[i]] == v; i++ {
			running += v
		}
	}
	return sorted[:cut], sorted[cut]
}
