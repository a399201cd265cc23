package models

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"vote.example.org/booth/tally"
)

// Ballot is what a voter chose, by candidate ID, first preference first.
// Each rank holds the candidates given that rank: more than one only on a
// Schulze ballot that ranks them equally. An approval ballot holds one
// rank per approved candidate, in the order the voter wrote them (the
// count gives every one the same weight). A yes/no ballot is one rank
// with yes, no or abstain; a ballot with no ranks abstains (on a question
// without an abstain answer that is the only way to) and, for the other
// methods, is a blank ballot: it counts towards turnout, for nobody.
type Ballot struct {
	Ranks [][]string
}

// Limits on ballot text: more lines than candidates is a mistake, and the
// limits keep a hostile client from making booth parse without end.
const (
	MaxBallotLines = 1000
	MaxBallotBytes = 64 << 10
)

// ParseBallot reads ballot text, the form `booth cast` reads and the booth
// writes: one line per rank with candidate IDs, "=" between IDs that share
// a rank (Schulze only), "#" starting a comment, blank lines ignored. A
// yes/no question takes one line, yes, no or abstain (or nothing, which
// abstains); approval takes one ID per line. Every problem is reported
// with its line in a *ValidationError for the file "ballot". withdrawn
// lists candidates that may no longer be chosen.
func ParseBallot(d Definition, withdrawn []string, text string) (Ballot, error) {
	bp := ballotParser{d: d, withdrawn: withdrawn, seen: map[string]int{}}
	switch {
	case len(text) > MaxBallotBytes:
		bp.add(0, "the ballot is %d bytes; at most %d are read", len(text), MaxBallotBytes)
	case !utf8.ValidString(text):
		bp.add(0, "the ballot is not UTF-8 text")
	case ballotLines(text) > MaxBallotLines:
		bp.add(0, "the ballot has %d lines; at most %d are read", ballotLines(text), MaxBallotLines)
	default:
		text = strings.TrimPrefix(text, "\ufeff")
		for i, line := range strings.Split(text, "\n") {
			line, _, _ = strings.Cut(line, "#")
			if line = strings.TrimSpace(line); line != "" {
				bp.line(i+1, line)
			}
		}
	}
	if len(bp.problems) > 0 {
		return Ballot{}, &ValidationError{File: "ballot", Problems: bp.problems}
	}
	return Ballot{Ranks: bp.ranks}, nil
}

// ballotLines counts lines, the last one whether or not it ends in a
// newline.
func ballotLines(text string) int {
	n := strings.Count(text, "\n")
	if text != "" && !strings.HasSuffix(text, "\n") {
		n++
	}
	return n
}

type ballotParser struct {
	d         Definition
	withdrawn []string
	ranks     [][]string
	seen      map[string]int // candidate ID → line
	problems  []Problem
	answered  int // yes/no: line of the answer
}

func (bp *ballotParser) add(line int, format string, args ...any) {
	bp.problems = append(bp.problems, Problem{Line: line, Msg: fmt.Sprintf(format, args...)})
}

// line reads one rank.
func (bp *ballotParser) line(n int, text string) {
	ids := strings.Split(text, "=")
	if len(ids) > 1 && bp.d.Method != tally.Schulze {
		switch bp.d.Method {
		case tally.Approval:
			bp.add(n, "write one candidate per line: approval has no ranks to share")
		case tally.YesNo:
			bp.add(n, "answer yes, no or abstain, once")
		default:
			bp.add(n, "%s does not allow equal ranks: put each candidate on a line of its own, in your order of preference", methodName(bp.d.Method))
		}
		return
	}
	var rank []string
	for _, id := range ids {
		id = strings.ToLower(strings.TrimSpace(id))
		if id == "" {
			bp.add(n, "an empty name beside \"=\": write candidate IDs on both sides")
			continue
		}
		if bp.d.Method == tally.YesNo {
			bp.answer(n, id)
			return
		}
		if bp.candidate(n, id) {
			rank = append(rank, id)
		}
	}
	if len(rank) == 0 {
		return
	}
	if bp.d.Method == tally.Approval && bp.d.MaxChoices > 0 && len(bp.ranks) == bp.d.MaxChoices {
		bp.add(n, "%q is approval number %d; this election allows at most %d", rank[0], len(bp.ranks)+1, bp.d.MaxChoices)
		return
	}
	bp.ranks = append(bp.ranks, rank)
}

// candidate checks one candidate ID on a ranked or approval ballot.
func (bp *ballotParser) candidate(n int, id string) bool {
	c := bp.d.candidate(id)
	switch {
	case c == nil:
		bp.add(n, "%q is not a candidate: use one of %s", truncate(id, 40), bp.d.candidateIDs())
		return false
	case slices.Contains(bp.withdrawn, id):
		bp.add(n, "%s (%s) has withdrawn and cannot be chosen", id, c.Name)
		return false
	}
	if first, dup := bp.seen[id]; dup {
		bp.add(n, "%s is already on line %d: a candidate appears once on a ballot", id, first)
		return false
	}
	bp.seen[id] = n
	return true
}

// answer reads a yes/no question's one line.
func (bp *ballotParser) answer(n int, word string) {
	if bp.answered > 0 {
		bp.add(n, "a yes/no question takes one answer; line %d already answers it", bp.answered)
		return
	}
	bp.answered = n
	switch {
	case word != "yes" && word != "no" && word != "abstain":
		bp.add(n, "%q is not an answer: write yes, no or abstain", truncate(word, 40))
	case bp.d.candidate(word) != nil:
		bp.ranks = [][]string{{word}}
	case word != "abstain":
		bp.add(n, "%q is not an answer to this question: use one of %s", word, bp.d.candidateIDs())
	}
	// Abstaining on a question without an abstain answer leaves the ballot
	// empty, which the count takes as an abstention.
}

func (d Definition) candidate(id string) *Candidate {
	for i := range d.Candidates {
		if d.Candidates[i].ID == id {
			return &d.Candidates[i]
		}
	}
	return nil
}

func (d Definition) candidateIDs() string {
	ids := make([]string, len(d.Candidates))
	for i, c := range d.Candidates {
		ids[i] = c.ID
	}
	return strings.Join(ids, ", ")
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Text is the ballot in its canonical form: one line per rank, IDs that
// share a rank joined by " = ", each line ending in a newline; an empty
// ballot is empty text. ParseBallot reads it back to the same ballot, and
// it is what is sealed.
func (b Ballot) Text() string {
	var s strings.Builder
	for _, rank := range b.Ranks {
		s.WriteString(strings.Join(rank, " = "))
		s.WriteByte('\n')
	}
	return s.String()
}
