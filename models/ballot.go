package models

import (
	"slices"
	"strings"
	"unicode/utf8"

	"vote.example.org/booth/models/i18n"

	"vote.example.org/booth/tally"
)

// Ballot is what a voter chose, by candidate ID, first preference first.
// Each rank holds the candidates given that rank: more than one only on a
// Schulze ballot that ranks them equally. An approval ballot holds one
// rank per approved candidate (the count gives every one the same
// weight). A yes/no ballot is one rank with yes, no or abstain; a ballot
// with no ranks abstains (on a question without an abstain answer that is
// the only way to) and, for the other methods, is a blank ballot: it
// counts towards turnout, for nobody.
//
// A ballot from ParseBallot is canonical: approvals, and the candidates
// sharing a rank, are in the definition's candidate order, whatever order
// the voter chose them in — that order is their screen's, which is
// shuffled per member, so keeping it would tie a ballot to its voter and
// let anyone mark a ballot for a vote buyer (issue 10 item 2).
type Ballot struct {
	Ranks [][]string
}

// Blank is the word a blank ballot is written with, alone on its line: a
// ballot that chooses nobody must say so, since empty input is more often
// a mistake (a script's empty file, `ssh -n`) than a choice.
const Blank = "blank"

// Limits on ballot text: more lines than candidates is a mistake, and the
// limits keep a hostile client from making booth parse without end.
const (
	MaxBallotLines = 1000
	MaxBallotBytes = 64 << 10
)

// ParseBallot reads ballot text, the form `booth cast` reads and the booth
// writes: one line per rank with candidate IDs, "=" between IDs that share
// a rank (Schulze only), "#" starting a comment, blank lines ignored. A
// yes/no question takes one line, yes, no or abstain; approval takes one
// ID per line. A blank ballot is the word blank alone (on a question it
// abstains); text with nothing but comments and blank lines is refused.
// Every problem is reported with its line in a *ValidationError for the
// file "ballot". withdrawn lists candidates that may no longer be chosen.
// The ballot returned is canonical (see Ballot).
func ParseBallot(d Definition, withdrawn []string, text string) (Ballot, error) {
	return ParseBallotIn(i18n.Printer{}, d, withdrawn, text)
}

// ParseBallotIn is ParseBallot with its problems in p's language.
func ParseBallotIn(p i18n.Printer, d Definition, withdrawn []string, text string) (Ballot, error) {
	bp := ballotParser{p: p, d: d, withdrawn: withdrawn, seen: map[string]int{}, index: make(map[string]int, len(d.Candidates))}
	for i, c := range d.Candidates {
		bp.index[c.ID] = i
	}
	switch {
	case len(text) > MaxBallotBytes:
		bp.add(0, bp.p.T("the ballot is %d bytes; at most %d are read", len(text), MaxBallotBytes))
	case !utf8.ValidString(text):
		bp.add(0, bp.p.T("the ballot is not UTF-8 text"))
	case ballotLines(text) > MaxBallotLines:
		bp.add(0, bp.p.T("the ballot has %d lines; at most %d are read", ballotLines(text), MaxBallotLines))
	default:
		text = strings.TrimPrefix(text, "\ufeff")
		for i, line := range strings.Split(text, "\n") {
			line, _, _ = strings.Cut(line, "#")
			if line = strings.TrimSpace(line); line != "" {
				bp.lines++
				bp.line(i+1, line)
			}
		}
		bp.whole()
	}
	if len(bp.problems) > 0 {
		return Ballot{}, &ValidationError{File: "ballot", Problems: bp.problems}
	}
	bp.canonical()
	return Ballot{Ranks: bp.ranks}, nil
}

// whole checks what only the whole ballot shows: that it says something,
// and that a blank ballot says nothing else.
func (bp *ballotParser) whole() {
	switch {
	case bp.lines == 0 && bp.d.Method == tally.YesNo:
		bp.add(0, bp.p.T("the ballot is empty: write yes, no or abstain"))
	case bp.lines == 0 && bp.d.Method == tally.Approval:
		bp.add(0, bp.p.T("the ballot is empty: write the IDs of the candidates you approve, one per line, or the word %s alone to cast a blank ballot", Blank))
	case bp.lines == 0:
		bp.add(0, bp.p.T("the ballot is empty: write candidate IDs, one line per rank, first preference first, or the word %s alone to cast a blank ballot", Blank))
	case bp.blank > 0 && bp.lines > 1:
		bp.add(bp.blank, bp.p.T("%q casts a blank ballot, which chooses nobody: remove it, or remove the other lines", Blank))
	}
}

// canonical puts the ranks in the one order that means the same whatever
// the order they were written in: approvals and the candidates sharing a
// rank by the definition's candidate order. The order of ranks is
// meaningful on a ranked ballot and stays.
//
// On a Schulze ballot the unranked candidates count equal, below every
// ranked one (Debian A.6(1), tally's pairwise), so a last rank that holds
// every standing candidate not ranked above it says nothing: it is
// dropped, and a single rank holding everyone is a blank ballot (issue 10
// item 2). The default option is a candidate like any other. Meek STV
// likewise never reaches a ballot's last candidate when the ballot ranks
// everyone: by then every other candidate is elected or excluded, so the
// count has ended (tally's TestMeekNeverReachesACompleteBallotsLast). IRV
// and Scottish STV keep such a rank: there a ballot that ranks the last
// remaining candidate still counts for them in a final round, where one
// that stops short is exhausted, so the reported totals differ. Standing
// means not among withdrawn; withdrawals after sealing are applied when
// the ledger is published (Ballot.Standing).
func (bp *ballotParser) canonical() {
	byDefinition := func(a, b string) int { return bp.index[a] - bp.index[b] }
	for _, rank := range bp.ranks {
		slices.SortFunc(rank, byDefinition)
	}
	if bp.d.Method == tally.Approval {
		slices.SortFunc(bp.ranks, func(a, b []string) int { return byDefinition(a[0], b[0]) })
	}
	if bp.coversEveryone() && (bp.d.Method == tally.Schulze || bp.d.Method == tally.Meek && len(bp.ranks) > 1) {
		bp.ranks = bp.ranks[:len(bp.ranks)-1]
	}
}

// coversEveryone says whether the ranks hold every standing candidate.
// ParseBallot refuses a candidate twice, a withdrawn one and one not in
// the definition, so counting the standing ones is enough.
func (bp *ballotParser) coversEveryone() bool {
	standing := 0
	for _, c := range bp.d.Candidates {
		if !slices.Contains(bp.withdrawn, c.ID) {
			standing++
		}
	}
	return len(bp.ranks) > 0 && len(bp.seen) == standing
}

// Standing is b (a ballot as ParseBallot returns it) as it counts once
// the candidates in withdrawn are out: they are left out of its ranks (the
// count skips them) and the result is canonical among the candidates
// still standing.
// The published ledger holds this form, so a withdrawal after a ballot
// was sealed does not leave two texts for one meaning.
func (b Ballot) Standing(d Definition, withdrawn []string) (Ballot, error) {
	if len(withdrawn) == 0 {
		return b, nil // canonical already, as ParseBallot returns it
	}
	var kept [][]string
	for _, rank := range b.Ranks {
		rank = slices.DeleteFunc(slices.Clone(rank), func(id string) bool { return slices.Contains(withdrawn, id) })
		if len(rank) > 0 {
			kept = append(kept, rank)
		}
	}
	return ParseBallot(d, withdrawn, Ballot{Ranks: kept}.Text())
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
	p         i18n.Printer
	d         Definition
	withdrawn []string
	ranks     [][]string
	seen      map[string]int // candidate ID → line
	index     map[string]int // candidate ID → place in the definition
	problems  []Problem
	answered  int // yes/no: line of the answer
	lines     int // lines that are not blank or comments
	blank     int // line of the word blank
}

func (bp *ballotParser) add(line int, msg string) {
	bp.problems = append(bp.problems, Problem{Line: line, Msg: msg})
}

// line reads one rank.
func (bp *ballotParser) line(n int, text string) {
	ids := strings.Split(text, "=")
	if len(ids) > 1 && bp.d.Method != tally.Schulze {
		switch bp.d.Method {
		case tally.Approval:
			bp.add(n, bp.p.T("write one candidate per line: approval has no ranks to share"))
		case tally.YesNo:
			bp.add(n, bp.p.T("answer yes, no or abstain, once"))
		default:
			bp.add(n, bp.p.T("%s does not allow equal ranks: put each candidate on a line of its own, in your order of preference", methodName(bp.p, bp.d.Method)))
		}
		return
	}
	if word := strings.ToLower(strings.TrimSpace(text)); word == Blank && bp.d.Method != tally.YesNo {
		bp.blank = n
		return
	}
	var rank []string
	for _, id := range ids {
		id = strings.ToLower(strings.TrimSpace(id))
		if id == "" {
			bp.add(n, bp.p.T("an empty name beside \"=\": write candidate IDs on both sides"))
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
		bp.add(n, bp.p.T("%q is approval number %d; this election allows at most %d", rank[0], len(bp.ranks)+1, bp.d.MaxChoices))
		return
	}
	bp.ranks = append(bp.ranks, rank)
}

// candidate checks one candidate ID on a ranked or approval ballot.
func (bp *ballotParser) candidate(n int, id string) bool {
	i, known := bp.index[id]
	switch {
	case id == Blank:
		bp.add(n, bp.p.T("%q casts a blank ballot and goes on a line of its own", Blank))
		return false
	case !known:
		bp.add(n, bp.p.T("%q is not a candidate: use one of %s", truncate(id, 40), bp.d.candidateIDs()))
		return false
	case slices.Contains(bp.withdrawn, id):
		bp.add(n, bp.p.T("%s (%s) has withdrawn and cannot be chosen", id, bp.d.Candidates[i].Name))
		return false
	}
	if first, dup := bp.seen[id]; dup {
		bp.add(n, bp.p.T("%s is already on line %d: a candidate appears once on a ballot", id, first))
		return false
	}
	bp.seen[id] = n
	return true
}

func (bp *ballotParser) known(id string) bool {
	_, ok := bp.index[id]
	return ok
}

// answer reads a yes/no question's one line.
func (bp *ballotParser) answer(n int, word string) {
	if bp.answered > 0 {
		bp.add(n, bp.p.T("a yes/no question takes one answer; line %d already answers it", bp.answered))
		return
	}
	bp.answered = n
	if word == Blank {
		word = "abstain" // a blank ballot abstains
	}
	switch {
	case word != "yes" && word != "no" && word != "abstain":
		bp.add(n, bp.p.T("%q is not an answer: write yes, no or abstain", truncate(word, 40)))
	case bp.known(word):
		bp.ranks = [][]string{{word}}
	case word != "abstain":
		bp.add(n, bp.p.T("%q is not an answer to this question: use one of %s", word, bp.d.candidateIDs()))
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

// Text is the ballot as text: one line per rank, IDs that share a rank
// joined by " = ", each line ending in a newline; a ballot with no ranks
// is the word blank. ParseBallot reads it back to the same ballot. The
// text of a ballot from ParseBallot is canonical: one text per meaning,
// and it is what is sealed.
func (b Ballot) Text() string {
	if len(b.Ranks) == 0 {
		return Blank + "\n"
	}
	var s strings.Builder
	for _, rank := range b.Ranks {
		s.WriteString(strings.Join(rank, " = "))
		s.WriteByte('\n')
	}
	return s.String()
}
