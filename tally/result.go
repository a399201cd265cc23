package tally

import (
	"fmt"
	"slices"
)

// Status is where a candidate stands at the end of a round.
type Status uint8

// Candidate states during a count.
const (
	Hopeful Status = iota
	Elected
	Excluded
	Withdrawn
)

func (s Status) String() string {
	switch s {
	case Elected:
		return "elected"
	case Excluded:
		return "excluded"
	case Withdrawn:
		return "withdrawn"
	}
	return "hopeful"
}

// MarshalText writes the status as its word.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads the word MarshalText writes.
func (s *Status) UnmarshalText(text []byte) error {
	for st := Hopeful; st <= Withdrawn; st++ {
		if st.String() == string(text) {
			*s = st
			return nil
		}
	}
	return fmt.Errorf("unknown candidate status %q", text)
}

// Round is one round (IRV, Meek) or stage (Scottish STV) of a count: the
// state at its end and what happened in it.
type Round struct {
	Number int
	// Action says in words what the round did, e.g. "Surplus of Ada
	// Lovelace transferred" or "Ken Thompson excluded".
	Action string
	// ActionPhrase is Action kept so any language can say it; nil in a
	// result counted before phrases were kept.
	ActionPhrase *Phrase `json:",omitempty"`
	// Totals holds each candidate's votes at the end of the round, indexed
	// like Result.Candidates.
	Totals []Decimal
	Status []Status
	// Elected and Excluded are the candidates elected or excluded in this
	// round, in order.
	Elected  []int
	Excluded []int
	// Exhausted is the value of ballots with no continuing preference left.
	Exhausted Decimal
	// Loss is the value lost to the rule's rounding so far (Scottish STV's
	// truncated transfer values; Meek's rounding residue).
	Loss    Decimal
	Quota   Decimal
	Surplus Decimal
	// Iterations is how many Meek iterations the round took.
	Iterations int
	// Notes explain the round: why each candidate was elected or excluded,
	// which tie-break fired.
	Notes []string
	// NotePhrases are Notes kept so any language can say them, one for
	// each note; none in a result counted before phrases were kept.
	NotePhrases []Phrase `json:",omitempty"`
}

// Tie records a tie a count had to break.
type Tie struct {
	Round int
	// Purpose is what the choice decided: "exclude", "elect", "transfer
	// surplus first" or "rank".
	Purpose    string
	Candidates []int
	Chosen     int
	// Rule names what broke the tie, e.g. "stage 3", "round 2", "lot",
	// "file order", or for an IRV tie that earlier rounds narrowed but did
	// not settle, "round 3, then lot".
	Rule string
	// RulePhrase is Rule kept so any language can say it (nil in a
	// result counted before phrases were kept). Purpose is one word of
	// the count's vocabulary, said as it is.
	RulePhrase *Phrase `json:",omitempty"`
}

// Result is the outcome of a count with everything needed to explain it.
type Result struct {
	Title      string
	Method     Method
	Seats      int
	Candidates []Candidate
	// Ballots is the number of valid ballots counted.
	Ballots int64
	// Elected lists the winners in order of election.
	Elected []int
	// Order is the full order of the options for Schulze: groups of options
	// ranked equally, best first. Nil for other methods.
	Order [][]int
	// Rounds are the rounds or stages, in order; the first is the count of
	// first preferences.
	Rounds []Round
	Ties   []Tie
	// Pairwise[a][b] is the number of voters preferring a to b; Strength is
	// the strongest path from a to b (Schulze only).
	Pairwise [][]int64
	Strength [][]int64
	// Dropped lists, for Schulze, the options that failed the quorum or the
	// required majority against the default option.
	Dropped []int
	// Passed reports whether a yes/no question passed.
	Passed bool
	// Notes explain the outcome as a whole (quorum, majority).
	Notes []string
	// NotePhrases are Notes kept so any language can say them, one for
	// each note; none in a result counted before phrases were kept.
	NotePhrases []Phrase `json:",omitempty"`
}

func (r *Result) name(c int) string { return r.Candidates[c].Name }

// fillRemaining ends an STV count: the hopeful candidates, most votes
// first, fill the seats still empty (Meek's step C.1, Scottish rule 52);
// any left over are not elected. Both are recorded in the last round.
func (res *Result) fillRemaining(status []Status, votes []int64) {
	r := &res.Rounds[len(res.Rounds)-1]
	var rest []int
	for c, st := range status {
		if st == Hopeful {
			rest = append(rest, c)
		}
	}
	slices.SortStableFunc(rest, func(a, b int) int { return cmpInt64(votes[b], votes[a]) })
	for _, c := range rest {
		if len(res.Elected) < res.Seats {
			status[c], r.Status[c] = Elected, Elected
			res.Elected = append(res.Elected, c)
			r.Elected = append(r.Elected, c)
			r.note(res, say("%s elected: the continuing candidates fill the remaining seats", names(c)))
		} else {
			status[c], r.Status[c] = Excluded, Excluded
			r.Excluded = append(r.Excluded, c)
			r.note(res, say("%s not elected: all seats are filled", names(c)))
		}
	}
}

// countStatus counts the candidates in state st.
func countStatus(status []Status, st Status) int {
	n := 0
	for _, x := range status {
		if x == st {
			n++
		}
	}
	return n
}
