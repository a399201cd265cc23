// Package tally counts ballots exactly: Schulze (as Debian counts), instant
// runoff, Meek STV (the Proportional Representation Foundation's reference
// rule), Scottish STV (the Scottish Local Government Elections Order 2007),
// approval and yes/no/abstain. Each count returns its outcome with every
// round or stage, the reasons for each election and exclusion, and every tie
// and how it was broken, so a result can be explained and audited.
//
// Arithmetic is exact: integers, or fixed-point decimals with each rule's own
// precision and rounding, never floating point. Ties that a method's own rule
// cannot settle are broken by a published seed or by the file's order, never
// by unseeded randomness. The package does no I/O beyond reading ballot files
// from an io.Reader and writing reports to an io.Writer, and imports nothing
// else of booth, so it can be read and audited on its own.
package tally

import (
	"fmt"
	"iter"
	"slices"
	"strings"
)

// Candidate is one option on the ballot.
type Candidate struct {
	// ID is the candidate's identifier in the election definition, if any;
	// options such as Schulze's default option may name it by ID.
	ID   string
	Name string
}

// Ballot is a group of identical ballots.
type Ballot struct {
	// Count is how many voters cast this ballot (BLT's weight).
	Count int64
	// Ranks lists the preferences, first preference first. Each rank holds
	// the indexes (into Election.Candidates) of the candidates given that
	// rank; more than one means they were ranked equally.
	Ranks [][]int
	// Line is where the ballot was read from, for error messages; 0 when
	// it did not come from a file.
	Line int
}

// Election is what a count needs: the candidates, the seats and the ballots.
type Election struct {
	Title      string
	Candidates []Candidate
	// Seats is the number of seats the source declares; 0 when it does not.
	Seats int
	// Withdrawn candidates take no part in the count; ballots skip them.
	Withdrawn []int
	// TieOrder is the order the source gives for breaking ties by file
	// order (BLT's [tie] line); nil means the order of Candidates.
	TieOrder []int
	Ballots  []Ballot

	// box holds the ballots ReadGrouped read, grouped by ranking as they
	// were read; a count takes them with any in Ballots. Count gives the
	// methods an election whose box holds every ballot, grouped, checked
	// and without withdrawn candidates, and no Ballots.
	box *ballotBox
}

// Method names a counting method.
type Method string

// The counting methods.
const (
	Schulze  Method = "schulze"
	IRV      Method = "irv"
	Meek     Method = "meek"
	Scottish Method = "scottish"
	Approval Method = "approval"
	YesNo    Method = "yesno"
)

// Methods lists every method, in the order the documentation presents
// them. Each call returns a new slice, so no caller can change the list
// another sees.
func Methods() []Method {
	return []Method{Schulze, IRV, Meek, Scottish, Approval, YesNo}
}

// Ratio is a proportion Num:Den, e.g. 3:1 for a supermajority or 2:3 for
// two thirds.
type Ratio struct{ Num, Den int64 }

func (r Ratio) String() string { return fmt.Sprintf("%d:%d", r.Num, r.Den) }

// Options configures a count.
type Options struct {
	Method Method
	// Seats to fill; 0 means the election's own, or 1.
	Seats int
	Ties  TieBreak

	// DefaultOption names (by ID or name) Schulze's default option ("None of
	// the above"); empty means there is none.
	DefaultOption string
	// OptionQuorum is Schulze's quorum R: an option needs at least R voters
	// preferring it to the default option.
	OptionQuorum int64
	// Majority is Schulze's required majority N:M over the default option:
	// V(A,D)·M ≥ N·V(D,A); zero means 1:1.
	Majority Ratio

	// BatchElimination lets IRV exclude, in one round, every candidate who
	// could not overtake the next candidate up even with all of their votes
	// combined (as RCTab defines it).
	BatchElimination bool

	// Quorum is the yes/no turnout quorum: the question fails unless at least
	// this many ballots (abstentions included) were cast.
	Quorum int64
	// PassRatio is the share of yes among yes+no a yes/no question needs:
	// yes·Den ≥ Num·(yes+no), and always more yes than no; zero means 1:2
	// (a simple majority).
	PassRatio Ratio
}

// An InputError is a problem with the ballots or options that stops a count.
type InputError struct {
	Line int // 0 when the problem is not tied to one ballot line
	Msg  string
}

func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

func inputErrorf(line int, format string, args ...any) error {
	return &InputError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// maxBallots bounds the total number of ballots so that every rule's
// fixed-point totals (up to 9 places) fit in an int64.
const maxBallots = 1_000_000_000

// Count counts the election by the method in opts.
func Count(e *Election, opts Options) (*Result, error) {
	if err := e.validate(); err != nil {
		return nil, err
	}
	box, err := e.group()
	if err != nil {
		return nil, err
	}
	// The methods count the groups: the same election, far fewer ballots.
	grouped := *e
	grouped.Ballots, grouped.box = nil, box
	e = &grouped
	if opts.Seats == 0 {
		opts.Seats = e.Seats
	}
	if opts.Seats == 0 {
		opts.Seats = 1
	}
	if opts.Seats < 0 {
		return nil, inputErrorf(0, "seats must be at least 1, not %d", opts.Seats)
	}
	var count func(*Election, Options) (*Result, error)
	switch opts.Method {
	case Schulze:
		count = countSchulze
	case IRV:
		count = countIRV
	case Meek:
		count = countMeek
	case Scottish:
		count = countScottish
	case Approval:
		count = countApproval
	case YesNo:
		count = countYesNo
	}
	if count != nil {
		res, err := count(e, opts)
		if res != nil {
			res.Title = e.Title
		}
		return res, err
	}
	methods := Methods()
	names := make([]string, len(methods))
	for i, m := range methods {
		names[i] = string(m)
	}
	return nil, inputErrorf(0, "unknown counting method %q (choose one of %s)", opts.Method, strings.Join(names, ", "))
}

// maxCandidates bounds the candidates an election may have.
const maxCandidates = 10_000

// validate checks the election as a whole; group checks each ballot.
func (e *Election) validate() error {
	n := len(e.Candidates)
	if n == 0 {
		return inputErrorf(0, "the election has no candidates")
	}
	if n > maxCandidates {
		return inputErrorf(0, "%d candidates; booth counts at most %d", n, maxCandidates)
	}
	for _, w := range e.Withdrawn {
		if w < 0 || w >= n {
			return inputErrorf(0, "withdrawn candidate %d does not exist (there are %d candidates)", w+1, n)
		}
	}
	if e.TieOrder != nil {
		if len(e.TieOrder) != n {
			return inputErrorf(0, "the tie order lists %d candidates, but there are %d", len(e.TieOrder), n)
		}
		seen := make([]bool, n)
		for _, c := range e.TieOrder {
			if c < 0 || c >= n || seen[c] {
				return inputErrorf(0, "the tie order must list each candidate exactly once")
			}
			seen[c] = true
		}
	}
	return nil
}

// checkRanking refuses a ballot naming a candidate that does not exist, or
// one candidate twice.
func (e *Election) checkRanking(b *Ballot) error {
	n := len(e.Candidates)
	seen := make(map[int]bool)
	for _, rank := range b.Ranks {
		if len(rank) == 0 {
			return inputErrorf(b.Line, "a ballot has an empty rank")
		}
		for _, c := range rank {
			if c < 0 || c >= n {
				return inputErrorf(b.Line, "candidate %d does not exist (there are %d candidates)", c+1, n)
			}
			if seen[c] {
				return inputErrorf(b.Line, "candidate %d (%s) is ranked more than once on the same ballot", c+1, e.Candidates[c].Name)
			}
			seen[c] = true
		}
	}
	return nil
}

func (e *Election) withdrawnSet() []bool {
	w := make([]bool, len(e.Candidates))
	for _, c := range e.Withdrawn {
		w[c] = true
	}
	return w
}

func (e *Election) totalBallots() int64 {
	var t int64
	if e.box != nil {
		t = e.box.groupTotal()
	}
	for _, b := range e.Ballots {
		t += b.Count
	}
	return t
}

// indexOf finds a candidate by ID or by name, ignoring case.
func (e *Election) indexOf(name string) int {
	for i, c := range e.Candidates {
		if c.ID == name || strings.EqualFold(c.Name, name) {
			return i
		}
	}
	return -1
}

// grouped yields the ballots with identical rankings merged, their counts
// summed, and withdrawn candidates dropped from every rank (a rank left
// empty disappears). Real elections repeat orders a lot, so the methods work
// on far fewer groups than ballots. The groups keep the order of first
// appearance, so results never depend on hashing. Count has grouped and
// checked the ballots before any method runs; the Ranks yielded are only
// valid until the next.
func (e *Election) grouped() iter.Seq2[int, Ballot] {
	return e.box.ballots()
}

// groupedMarks yields the same groups as grouped, each as its count and its
// marks (see ballotBox), which stay valid as long as the election: a count
// may keep them rather than copy them.
func (e *Election) groupedMarks() iter.Seq2[int64, []int32] {
	return func(yield func(int64, []int32) bool) {
		for g := range e.box.len() {
			if !yield(e.box.group(g).count, e.box.groupMarks(g)) {
				return
			}
		}
	}
}

// plainMarks reports whether marks rank one candidate per rank.
func plainMarks(marks []int32) bool {
	for _, m := range marks {
		if m < 0 {
			return false
		}
	}
	return true
}

// group groups the ballots for grouped, checking each count and each
// distinct ranking once (with checkRanking). Ballots a reader grouped
// (e.box) were checked as they were read; without withdrawn candidates to
// drop they are grouped already, once for every count.
func (e *Election) group() (*ballotBox, error) {
	withdrawn := e.withdrawnSet()
	drop := slices.Contains(withdrawn, true)
	read := e.box
	if read != nil {
		if read.tooMany > 0 {
			return nil, inputErrorf(read.tooMany, "more than %d ballots; booth does not count elections this large", maxBallots)
		}
		if !drop && len(e.Ballots) == 0 {
			return read, nil
		}
	}
	n := len(e.Candidates)
	out := newBallotBox()
	var key []int32
	if read != nil {
		var flat []int
		var ranks [][]int
		for g := range read.len() {
			gr := read.group(g)
			ranks = decodeMarks(read.groupMarks(g), &flat, ranks[:0])
			key = rankingMarks(key[:0], ranks, withdrawn, n)
			out.add(gr.count, gr.line, key)
		}
	}
	for i := range e.Ballots {
		b := &e.Ballots[i]
		if b.Count <= 0 {
			return nil, inputErrorf(b.Line, "a ballot's count must be positive, not %d", b.Count)
		}
		if b.Count > maxBallots-out.total {
			return nil, inputErrorf(b.Line, "more than %d ballots; booth does not count elections this large", maxBallots)
		}
		key = rankingMarks(key[:0], b.Ranks, withdrawn, n)
		if _, isNew := out.add(b.Count, b.Line, key); isNew {
			if err := e.checkRanking(b); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// rankingMarks encodes ranks without withdrawn candidates as marks (see
// ballotBox); a rank left empty disappears. It leaves out a candidate that
// does not exist: checkRanking refuses such a ranking when its group is new.
func rankingMarks(marks []int32, ranks [][]int, withdrawn []bool, n int) []int32 {
	for _, rank := range ranks {
		opened := false
		for _, c := range rank {
			if c < 0 || c >= n || withdrawn[c] {
				continue
			}
			if opened {
				marks = append(marks, int32(^c))
			} else {
				marks = append(marks, int32(c))
				opened = true
			}
		}
	}
	return marks
}
