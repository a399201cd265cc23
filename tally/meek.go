package tally

import "slices"

// Meek STV as the Proportional Representation Foundation's reference rule
// defines it (prfound.org, "Reference Meek Rule"): fixed-point decimals with
// nine places, keep factors rounded up, omega 0.000001, no batch defeats.
// The step letters below (A, B.2.a, ...) are the rule's.

const (
	meekPlaces = 9
	meekOne    = 1_000_000_000 // 1.000000000
	meekOmega  = 1_000         // 0.000001000
)

// meekGroup is a group of identical ballots. Plain ballots (one candidate
// per rank) keep their preferences in prefs; ballots with equal ranks keep
// ranks, and share their weight equally among a rank's candidates.
type meekGroup struct {
	prefs []int32
	ranks [][]int
	count int64
}

type meekCount struct {
	e      *Election
	opts   Options
	res    *Result
	lot    lot
	groups []meekGroup
	kf     []int64 // keep factors
	votes  []int64
	status []Status
	valid  int64
	quota  int64
	excess int64 // total surplus s
	resid  int64 // value left on ballots after the last preference (exhausted)
}

func countMeek(e *Election, opts Options) (*Result, error) {
	m := &meekCount{e: e, opts: opts, lot: newLot(e, opts.Ties)}
	if err := m.start(); err != nil {
		return nil, err
	}
	// B.1: count complete when every seat is filled or the hopeful
	// candidates can fill no more than the seats left.
	for countStatus(m.status, Hopeful) > m.seatsLeft() && m.seatsLeft() > 0 {
		m.round()
	}
	// C: elect the remaining hopeful candidates if seats are unfilled (C.1),
	// otherwise defeat them (C.2).
	m.res.fillRemaining(m.status, m.votes)
	return m.res, nil
}

// start sets every hopeful candidate's keep factor to 1 and withdrawn ones
// to 0 (step A), and records the first preferences.
func (m *meekCount) start() error {
	n := len(m.e.Candidates)
	m.status = make([]Status, n)
	for _, c := range m.e.Withdrawn {
		m.status[c] = Withdrawn
	}
	if err := checkSTVSeats(m.e, m.opts.Seats, m.status); err != nil {
		return err
	}
	m.kf = make([]int64, n)
	for c, st := range m.status {
		if st == Hopeful {
			m.kf[c] = meekOne
		}
	}
	m.votes = make([]int64, n)
	m.groups = make([]meekGroup, 0, m.e.box.len())
	for count, marks := range m.e.groupedMarks() {
		if len(marks) == 0 {
			continue // a ballot with no standing candidate is not counted
		}
		m.valid += count
		g := meekGroup{count: count}
		if plainMarks(marks) {
			g.prefs = marks // one candidate per rank: the marks are the preferences
		} else {
			g.ranks = decodeMarks(marks, new([]int), nil)
		}
		m.groups = append(m.groups, g)
	}
	m.res = &Result{Method: Meek, Seats: m.opts.Seats, Candidates: m.e.Candidates, Ballots: m.valid}
	m.distribute()
	m.quota = m.valid*meekOne/int64(m.opts.Seats+1) + 1
	m.record(say("First preferences"), 0)
	return nil
}

// round is step B.2 (iterate until a candidate is elected or the surplus
// is small or stable) followed by B.3 (defeat the lowest) when nobody was
// elected.
func (m *meekCount) round() {
	last := m.valid * meekOne
	for iter := 1; ; iter++ {
		m.distribute() // B.2.a
		// B.2.b: the quota is the votes over seats+1, truncated, plus 10^-9.
		var total int64
		for c, st := range m.status {
			if st == Hopeful || st == Elected {
				total += m.votes[c]
			}
		}
		m.quota = total/int64(m.opts.Seats+1) + 1
		// B.2.c: elect every hopeful candidate with v ≥ q.
		var elected []int
		for c, st := range m.status {
			if st == Hopeful && m.votes[c] >= m.quota {
				elected = append(elected, c)
			}
		}
		slices.SortStableFunc(elected, func(a, b int) int { return cmpInt64(m.votes[b], m.votes[a]) })
		for _, c := range elected {
			m.status[c] = Elected
		}
		m.excess = m.surplus() // B.2.d
		// B.2.e: the round ends with an election, or when the surplus is
		// below omega or (after the first iteration) stops falling.
		if len(elected) > 0 {
			r := m.record(say("%s elected", namesJoined(JoinEachAnd, elected)), iter)
			for _, c := range elected {
				m.res.Elected = append(m.res.Elected, c)
				r.Elected = append(r.Elected, c)
				r.note(m.res, say("%s has %s, at least the quota: elected", names(c), decimal(m.dec(m.votes[c]))))
			}
			return
		}
		if m.excess < meekOmega || m.excess >= last {
			m.defeatLowest(iter, m.excess < meekOmega)
			return
		}
		last = m.excess
		// B.2.f: kf ← kf·q (rounded up) / v (rounded up).
		for c, st := range m.status {
			if st == Elected {
				m.kf[c] = mulDiv(mulDiv(m.kf[c], m.quota, meekOne, true), meekOne, m.votes[c], true)
			}
		}
	}
}

func (m *meekCount) surplus() int64 {
	var s int64
	for c, st := range m.status {
		if st == Elected {
			s += m.votes[c] - m.quota
		}
	}
	return max(s, 0)
}

// defeatLowest is step B.3: defeat the hopeful candidate with the fewest
// votes; every candidate within the total surplus of that is tied with it,
// and procedure T (the lot) chooses among them.
func (m *meekCount) defeatLowest(iter int, belowOmega bool) {
	low := -1
	for c, st := range m.status {
		if st == Hopeful && (low < 0 || m.votes[c] < m.votes[low]) {
			low = c
		}
	}
	var tied []int
	for c, st := range m.status {
		if st == Hopeful && m.votes[c] <= m.votes[low]+m.excess {
			tied = append(tied, c)
		}
	}
	var notes []Phrase
	if len(tied) > 1 {
		var note Phrase
		low, note = m.res.breakTie(len(m.res.Rounds)+1, purposeExclude, tied, nil, true, m.lot)
		notes = append(notes, say("%s (their votes differ by no more than the total surplus %s)", clause(note), decimal(m.dec(m.excess))))
	}
	if belowOmega {
		notes = append(notes, say("%s has the fewest votes (%s) once the surplus %s is below omega: excluded", names(low), decimal(m.dec(m.votes[low])), decimal(m.dec(m.excess))))
	} else {
		notes = append(notes, say("%s has the fewest votes (%s) once the surplus %s stopped falling: excluded", names(low), decimal(m.dec(m.votes[low])), decimal(m.dec(m.excess))))
	}
	m.status[low] = Excluded
	r := m.record(say("%s excluded", names(low)), iter)
	r.Excluded = []int{low}
	for _, n := range notes {
		r.note(m.res, n)
	}
	m.kf[low] = 0
}

// distribute is step B.2.a: each ballot starts with weight 1 and gives
// each candidate in turn its weight times the candidate's keep factor
// (rounded up), until the weight is spent or the preferences run out.
func (m *meekCount) distribute() {
	clear(m.votes)
	m.resid = 0
	for i := range m.groups {
		g := &m.groups[i]
		w := int64(meekOne)
		if g.ranks != nil {
			w = m.distributeEqual(g, w)
		} else {
			for _, c := range g.prefs {
				kf := m.kf[c]
				if kf == 0 {
					continue
				}
				keep := w
				if kf != meekOne {
					keep = (w*kf + meekOne - 1) / meekOne
				}
				m.votes[c] += keep * g.count
				w -= keep
				if w <= 0 {
					break
				}
			}
		}
		m.resid += w * g.count
	}
}

// distributeEqual walks a ballot with equal ranks: the weight reaching a
// rank is shared equally (truncated) among its continuing candidates, each
// keeps its share times its keep factor (rounded up), and what they do not
// keep moves on together to the next rank. Ranks with no continuing
// candidate are skipped. It returns the weight left unkept, truncation
// included. Moving the remainders on together keeps the work linear in the
// ranks; following each share separately would double it at every rank.
func (m *meekCount) distributeEqual(g *meekGroup, w int64) int64 {
	lost := int64(0)
	for _, rank := range g.ranks {
		if w <= 0 {
			break
		}
		live := 0
		for _, c := range rank {
			if m.kf[c] != 0 {
				live++
			}
		}
		if live == 0 {
			continue
		}
		share := w / int64(live)
		lost += w - share*int64(live)
		w = 0
		for _, c := range rank {
			if kf := m.kf[c]; kf != 0 {
				keep := (share*kf + meekOne - 1) / meekOne
				m.votes[c] += keep * g.count
				w += share - keep
			}
		}
	}
	return w + lost
}

func (m *meekCount) record(action Phrase, iterations int) *Round {
	totals := make([]Decimal, len(m.votes))
	for c, v := range m.votes {
		totals[c] = m.dec(v)
	}
	m.res.Rounds = append(m.res.Rounds, Round{
		Number:     len(m.res.Rounds) + 1,
		Totals:     totals,
		Status:     slices.Clone(m.status),
		Exhausted:  m.dec(m.resid),
		Loss:       m.dec(0),
		Quota:      m.dec(m.quota),
		Surplus:    m.dec(m.excess),
		Iterations: iterations,
	})
	r := &m.res.Rounds[len(m.res.Rounds)-1]
	r.act(m.res, action)
	return r
}

func (m *meekCount) seatsLeft() int { return m.opts.Seats - len(m.res.Elected) }

func (m *meekCount) dec(v int64) Decimal { return Decimal{Units: v, Places: meekPlaces} }
