package tally

import (
	"math/bits"
	"slices"
)

// Schulze counting follows the Debian constitution, appendix A.6, which
// describes the Schwartz sequential dropping method (cloneproof SSD) with
// winning votes. Schulze proved that SSD's winners are exactly the options
// no other option beats by the strongest path, so the count computes
// strongest paths, which also give the full order that A.6 leaves implicit.

// strength is the strength of a defeat or path: the votes for the winning
// side, then the votes against it (fewer is stronger). The zero value is
// weaker than any defeat, since a defeat has at least one winning vote.
type strength struct{ win, opp int64 }

// stronger is A.6(7)(1) turned around: (A,X) is weaker than (B,Y) if
// V(A,X) < V(B,Y), or they are equal and V(X,A) > V(Y,B).
func (s strength) stronger(t strength) bool {
	return s.win > t.win || (s.win == t.win && s.opp < t.opp)
}

func weaker(s, t strength) strength {
	if t.stronger(s) {
		return s
	}
	return t
}

func countSchulze(e *Election, opts Options) (*Result, error) {
	n := len(e.Candidates)
	def, err := schulzeDefault(e, opts)
	if err != nil {
		return nil, err
	}
	res := &Result{Method: Schulze, Seats: opts.Seats, Candidates: e.Candidates, Ballots: e.totalBallots()}
	v := pairwise(e, n)
	res.Pairwise = make([][]int64, n)
	for a := range n {
		res.Pairwise[a] = v[a*n : (a+1)*n : (a+1)*n]
	}
	withdrawn := e.withdrawnSet()
	var live []int
	for c := range n {
		if withdrawn[c] {
			res.note(say("%s has withdrawn and takes no part", names(c)))
			continue
		}
		if c != def && res.dropAgainstDefault(c, def, opts) {
			continue
		}
		live = append(live, c)
	}
	p := make([]strength, n*n)
	strongestPaths(v, n, live, p)
	strongestPaths(v, n, res.Dropped, p)
	res.Strength = make([][]int64, n)
	for a := range n {
		res.Strength[a] = make([]int64, n)
		for b := range n {
			res.Strength[a][b] = p[a*n+b].win
		}
	}
	// Dropped options come last, below the default option they failed
	// against, ordered among themselves by the same strongest-path rule.
	res.Order = append(schulzeOrder(p, n, live), schulzeOrder(p, n, res.Dropped)...)
	res.noteTies(p, n)
	res.elect(e, opts, def)
	return res, nil
}

// schulzeDefault finds the default option and checks the options that
// depend on it.
func schulzeDefault(e *Election, opts Options) (int, error) {
	m := opts.Majority
	if m != (Ratio{}) && (m.Num <= 0 || m.Den <= 0) {
		return -1, inputErrorf(0, "the required majority must be a ratio of positive numbers, not %s", m)
	}
	if opts.OptionQuorum < 0 {
		return -1, inputErrorf(0, "the option quorum must not be negative, not %d", opts.OptionQuorum)
	}
	if opts.DefaultOption == "" {
		if opts.OptionQuorum > 0 || (m != Ratio{} && m.Num != m.Den) {
			return -1, inputErrorf(0, "a quorum or required majority needs a default option to measure options against")
		}
		return -1, nil
	}
	def := e.indexOf(opts.DefaultOption)
	if def < 0 {
		return -1, inputErrorf(0, "the default option %q is not one of the options", opts.DefaultOption)
	}
	if slices.Contains(e.Withdrawn, def) {
		return -1, inputErrorf(0, "the default option %q cannot be withdrawn", opts.DefaultOption)
	}
	return def, nil
}

// pairwise returns V as a flat n×n matrix: v[a*n+b] voters prefer a to b.
// Per A.6(1), ranked options beat every unranked one and unranked options
// are equal, so each candidate in a rank beats everything after it in the
// ballot's ranks followed by its unranked candidates. Identical rankings are
// merged first (the groups also drop withdrawn candidates), since real
// elections repeat rankings a lot.
func pairwise(e *Election, n int) []int64 {
	v := make([]int64, n*n)
	withdrawn := e.withdrawnSet()
	seen := make([]int, n) // group number+1 that ranked each candidate
	seq := make([]int, 0, n)
	ends := make([]int, 0, n)
	mark := 0
	for count, marks := range e.groupedMarks() {
		mark++
		seq, ends = seq[:0], ends[:0]
		for i, m := range marks {
			c := int(m)
			if m < 0 {
				c = int(^m) // ranked equal with the candidate before
			} else if i > 0 {
				ends = append(ends, len(seq))
			}
			seen[c] = mark
			seq = append(seq, c)
		}
		if len(marks) > 0 {
			ends = append(ends, len(seq))
		}
		for c := range n {
			if seen[c] != mark && !withdrawn[c] {
				seq = append(seq, c)
			}
		}
		start := 0
		for _, end := range ends {
			below := seq[end:]
			for _, a := range seq[start:end] {
				row := v[a*n : a*n+n]
				for _, c := range below {
					row[c] += count
				}
			}
			start = end
		}
	}
	return v
}

// dropAgainstDefault applies A.6(2) and A.6(3) to option c, recording why it
// is dropped.
func (res *Result) dropAgainstDefault(c, def int, opts Options) bool {
	if def < 0 {
		return false
	}
	pro, con := res.Pairwise[c][def], res.Pairwise[def][c]
	var why Phrase
	switch m := opts.Majority; {
	// A.6(2): at least R voters must rank the option above the default.
	case pro < opts.OptionQuorum:
		why = say("%s fails the quorum: %d voters rank it above %s, %d needed and is dropped", names(c), count(pro), names(def), count(opts.OptionQuorum))
	// A.6(3)(2): V(A,D) > V(D,A), and V(A,D)·M ≥ N·V(D,A) for a ratio N:M.
	case pro <= con:
		why = say("%s fails the majority requirement against %s (%d:%d) and is dropped", names(c), names(def), count(pro), count(con))
	case m != (Ratio{}) && mulLess(pro, m.Den, con, m.Num):
		why = say("%s fails the required %s majority against %s (%d:%d) and is dropped", names(c), text(m.String()), names(def), count(pro), count(con))
	default:
		return false
	}
	res.Dropped = append(res.Dropped, c)
	res.note(why)
	return true
}

// mulLess reports a·b < c·d for non-negative operands, exactly.
func mulLess(a, b, c, d int64) bool {
	h1, l1 := bits.Mul64(uint64(a), uint64(b))
	h2, l2 := bits.Mul64(uint64(c), uint64(d))
	return h1 < h2 || (h1 == h2 && l1 < l2)
}

// strongestPaths fills p[a*n+b] with the strongest path from a to b through
// the options in set (the widest-path form of Floyd–Warshall). Between
// options in set, A.6(4)(1) makes a beat b when V(a,b) > V(b,a); those
// defeats are the edges, weighed as A.6(7)(1) says.
func strongestPaths(v []int64, n int, set []int, p []strength) {
	for _, a := range set {
		for _, b := range set {
			if a != b && v[a*n+b] > v[b*n+a] {
				p[a*n+b] = strength{v[a*n+b], v[b*n+a]}
			}
		}
	}
	for _, k := range set {
		for _, i := range set {
			ik := p[i*n+k]
			if i == k || ik == (strength{}) {
				continue
			}
			for _, j := range set {
				if j == i || j == k {
					continue
				}
				if s := weaker(ik, p[k*n+j]); s.stronger(p[i*n+j]) {
					p[i*n+j] = s
				}
			}
		}
	}
}

// schulzeOrder ranks the options in set: a is above b when the strongest
// path from a to b is stronger than the one back. That relation is a strict
// partial order (Schulze 2011, §4.1), so taking, again and again, the
// options nothing left beats gives groups of equal options, best first.
// The first group is the Schwartz set's winners of A.6(8).
func schulzeOrder(p []strength, n int, set []int) [][]int {
	left := slices.Clone(set)
	var order [][]int
	for len(left) > 0 {
		var top, rest []int
		for _, a := range left {
			beaten := slices.ContainsFunc(left, func(b int) bool {
				return p[b*n+a].stronger(p[a*n+b])
			})
			if beaten {
				rest = append(rest, a)
			} else {
				top = append(top, a)
			}
		}
		slices.Sort(top)
		order = append(order, top)
		left = rest
	}
	return order
}

// noteTies explains every pair of options ranked equal; a large group (as
// when there are no votes) gets one note rather than a note per pair.
func (res *Result) noteTies(p []strength, n int) {
	for _, group := range res.Order {
		if len(group) > 4 {
			res.note(say("%s are ranked equal", namesJoined(JoinComma, group)))
			continue
		}
		for i, a := range group {
			for _, b := range group[i+1:] {
				va, vb := res.Pairwise[a][b], res.Pairwise[b][a]
				if va == vb {
					res.note(say("%s and %s are tied %d:%d head to head", names(a), names(b), count(va), count(vb)))
					continue
				}
				ab := p[a*n+b]
				res.note(say("%s and %s are ranked equal: the strongest paths between them are equally strong (%d:%d)", names(a), names(b), count(ab.win), count(ab.opp)))
			}
		}
	}
}

// elect fills the seats from the top of the order. The default option can
// win: options below it are not elected, since voters preferred none of
// them. A tie across the last seats (or with the default option) is left to
// the lot, as A.6(8) leaves it to a casting vote.
func (res *Result) elect(e *Election, opts Options, def int) {
	dropped := make(map[int]bool, len(res.Dropped))
	for _, c := range res.Dropped {
		dropped[c] = true
	}
	l := newLot(e, opts.Ties)
	for _, group := range res.Order {
		if len(res.Elected) == opts.Seats {
			break
		}
		if dropped[group[0]] {
			break // dropped options are below the default option
		}
		tied := slices.Clone(group)
		for len(tied) > 0 && len(res.Elected) < opts.Seats {
			c := tied[0]
			if len(tied) > opts.Seats-len(res.Elected) || (def >= 0 && len(tied) > 1 && slices.Contains(tied, def)) {
				var note Phrase
				c, note = res.breakTie(0, purposeElect, tied, nil, false, l)
				note.Capital = true
				res.note(note)
			}
			if c == def {
				res.noteDefaultWon(def)
				return
			}
			res.Elected = append(res.Elected, c)
			tied = slices.DeleteFunc(tied, func(x int) bool { return x == c })
		}
	}
	if len(res.Elected) < opts.Seats {
		res.note(say("only %d options can be elected for %d seats", count(int64(len(res.Elected))), count(int64(opts.Seats))))
	}
}

func (res *Result) noteDefaultWon(def int) {
	if len(res.Elected) == 0 {
		res.note(say("None of the above won: the default option %s comes first, so no option is elected", names(def)))
		return
	}
	res.note(say("The default option %s comes next, so no more options are elected", names(def)))
}
