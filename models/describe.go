package models

import (
	"fmt"
	"strings"

	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/tally"
)

// Words for voters: the method in one sentence and a ballot read back in
// full before it is cast, so a voter confirms what the ballot says rather
// than what they meant it to say.

// methodName is a method as voters read it.
func methodName(p i18n.Printer, m tally.Method) string {
	switch m {
	case tally.Schulze:
		return p.T("the Schulze method")
	case tally.IRV:
		return p.T("instant runoff")
	case tally.Meek:
		return p.T("Meek STV")
	case tally.Scottish:
		return p.T("Scottish STV")
	case tally.Approval:
		return p.T("approval voting")
	case tally.YesNo:
		return p.T("a yes/no question")
	}
	return string(m)
}

// MethodSentence explains how to vote and how the votes are counted in one
// plain sentence, e.g. "Rank as many candidates as you like; 3 seats are
// filled by Meek STV."
func (d Definition) MethodSentence() string { return d.MethodSentenceIn(i18n.Printer{}) }

// MethodSentenceIn is MethodSentence in p's language.
func (d Definition) MethodSentenceIn(p i18n.Printer) string {
	switch d.Method {
	case tally.Schulze:
		s := p.T("Rank as many options as you like, several at the same rank if you wish; ")
		if d.Seats > 1 {
			s += p.T("the Schulze method orders the options and the first %d win", d.Seats)
		} else {
			s += p.T("the Schulze method picks the winner")
		}
		if c := d.candidate(d.DefaultOption); c != nil {
			s += p.T(" from the options that beat %q", c.Name)
		}
		return s + p.T(".")
	case tally.IRV, tally.Meek, tally.Scottish:
		return p.N(d.Seats, "Rank as many candidates as you like; 1 seat is filled by %[2]s.",
			"Rank as many candidates as you like; %d seats are filled by %s.", d.Seats, methodName(p, d.Method))
	case tally.Approval:
		s := p.T("Approve as many candidates as you like; ")
		if d.MaxChoices > 0 {
			s = p.N(d.MaxChoices, "Approve up to %d candidate; ", "Approve up to %d candidates; ", d.MaxChoices)
		}
		if d.Seats > 1 {
			return s + p.T("the %d with the most approvals win.", d.Seats)
		}
		return s + p.T("the candidate with the most approvals wins.")
	case tally.YesNo:
		r := d.PassRatio
		if r.Den > 0 && 2*r.Num > r.Den {
			return p.T("Answer yes, no or abstain; the question passes if at least %d in %d of those answering yes or no say yes.", r.Num, r.Den)
		}
		return p.T("Answer yes, no or abstain; the question passes if more answer yes than no.")
	}
	return p.T("Counted by %s.", methodName(p, d.Method))
}

// Describe is the ballot in words, for the screen where the voter reviews
// it before casting and for `ssh HOST verify`: one candidate to a line
// ("1. Ada Lovelace", "2= Bob" where options share rank 2, and "  - Cy"
// under "Not ranked:"), since a name may hold a comma, then what the
// ballot does in the count.
func (b Ballot) Describe(d Definition) string { return b.DescribeIn(i18n.Printer{}, d) }

// DescribeIn is Describe in p's language.
func (b Ballot) DescribeIn(p i18n.Printer, d Definition) string { return b.describe(p, d, false) }

// DescribeWithIDsIn is DescribeIn with each candidate's id after the name
// ("Jose Ruiz (id ruiz-j)"): a terminal that shows only ASCII writes
// "José Ruiz" and "Jose Ruiz", or two Cyrillic names of one length, alike,
// and the ids, which are ASCII, still tell the candidates apart.
func (b Ballot) DescribeWithIDsIn(p i18n.Printer, d Definition) string {
	return b.describe(p, d, true)
}

func (b Ballot) describe(p i18n.Printer, d Definition, withIDs bool) string {
	var s strings.Builder
	name := func(id string) string {
		c := d.candidate(id)
		switch {
		case c == nil:
			return id
		case withIDs:
			return p.T("%s (id %s)", c.Name, c.ID)
		}
		return c.Name
	}
	switch d.Method {
	case tally.YesNo:
		if len(b.Ranks) == 0 || b.Ranks[0][0] == "abstain" {
			return p.T("You abstain: your ballot counts towards the turnout, not for yes or for no.") + "\n"
		}
		return p.T("Your answer: %s.", name(b.Ranks[0][0])) + "\n"
	case tally.Approval:
		if len(b.Ranks) == 0 {
			return p.T("You approve nobody: a blank ballot, counted in the turnout but for no candidate.") + "\n"
		}
		var yes []string
		for _, rank := range b.Ranks {
			for _, id := range rank {
				yes = append(yes, name(id))
			}
		}
		writeNames(&s, p.T("You approve:"), yes)
		if rest := b.unranked(d, name); len(rest) > 0 {
			writeNames(&s, p.T("You do not approve:"), rest)
		}
		return s.String()
	}
	if len(b.Ranks) == 0 {
		return p.T("You ranked nobody: a blank ballot, counted in the turnout but for no candidate.") + "\n"
	}
	shared := false
	for i, rank := range b.Ranks {
		mark := "."
		if len(rank) > 1 {
			mark, shared = "=", true
		}
		for _, id := range rank {
			fmt.Fprintf(&s, "%d%s %s\n", i+1, mark, name(id))
		}
	}
	if shared {
		s.WriteString(p.T("(= marks options that share a rank.)") + "\n")
	}
	rest := b.unranked(d, name)
	switch {
	case d.Method == tally.Schulze && len(rest) > 0:
		writeNames(&s, p.T("Not ranked, so equal below everyone you ranked:"), rest)
	case len(rest) > 0:
		writeNames(&s, p.T("Not ranked:"), rest)
	}
	s.WriteString(d.CountNoteIn(p))
	return s.String()
}

// CountNoteIn is the line a ranked ballot's description ends with, on how
// the count uses the ranking (empty for methods that need none), so a
// dialogue that reads several ballots back can say it once.
func (d Definition) CountNoteIn(p i18n.Printer) string {
	switch d.Method {
	case tally.IRV:
		return p.T("Your vote counts for your highest-ranked candidate still in the race; if all the candidates you ranked are excluded, your ballot stops counting.") + "\n"
	case tally.Meek, tally.Scottish:
		return p.T("Your vote counts for your highest-ranked candidate still in the count and moves down your list when they are elected with votes to spare or excluded; once all the candidates you ranked are elected or excluded, your ballot stops counting.") + "\n"
	}
	return ""
}

// unranked names the candidates the ballot leaves out, in definition order.
// writeNames writes a heading and the names under it, one to a line: a
// name may hold a comma, so names joined on one line could read as more
// candidates than there are.
func writeNames(s *strings.Builder, heading string, names []string) {
	s.WriteString(heading + "\n")
	for _, n := range names {
		s.WriteString("  - " + n + "\n")
	}
}

func (b Ballot) unranked(d Definition, name func(id string) string) []string {
	on := map[string]bool{}
	for _, rank := range b.Ranks {
		for _, id := range rank {
			on[id] = true
		}
	}
	var rest []string
	for _, c := range d.Candidates {
		if !on[c.ID] {
			rest = append(rest, name(c.ID))
		}
	}
	return rest
}

// seats is "1 seat" or "3 seats", for the officers' messages.
func seats(n int) string {
	if n == 1 {
		return "1 seat"
	}
	return fmt.Sprintf("%d seats", n)
}
