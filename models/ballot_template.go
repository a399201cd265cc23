package models

import (
	"fmt"
	"slices"
	"strings"

	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// BallotTemplate is a ballot to fill in with an editor and send to `ssh
// HOST cast`: comments that name the election, its candidates (id and
// name, in order, the order a member's booth shows) and how to write the
// ballot under its method, and no ballot lines. ParseBallot reads the
// template with a ranking written under it exactly as the ranking alone;
// the template unchanged is refused as empty, never cast blank. Officer
// text is sanitised and kept on its comment line.
func BallotTemplate(e Election, order []int) string {
	return BallotTemplateIn(i18n.Printer{}, e, order)
}

// BallotTemplateIn is BallotTemplate with its comments in p's language;
// the words a ballot holds (ids, blank, yes, no, abstain, =) are the
// same in every language, so a template filled in reads alike.
func BallotTemplateIn(p i18n.Printer, e Election, order []int) string {
	var s strings.Builder
	line := func(text string) { s.WriteString("# " + text + "\n") }
	line(p.T("Ballot for %s: %s", safetext.Sanitize(e.ID), safetext.Sanitize(e.Title)))
	line(e.MethodSentenceIn(p))
	line("")
	for _, l := range templateRules(p, e.Definition) {
		line(l)
	}
	line(p.T("Everything after a # is a comment and is not read."))
	if e.Method != tally.YesNo {
		// Linear mode reads #3 as the member's number 3; a file has ids.
		line(p.T("Write ids, not list numbers: #3 here is a comment, not candidate 3."))
	}
	line("")
	if e.Method == tally.YesNo {
		line(p.T("Answers (id, then name):"))
	} else {
		line(p.T("Candidates (id, then name):"))
	}
	for _, i := range order {
		c := e.Candidates[i]
		name := safetext.Sanitize(c.Name)
		if c.Affiliation != "" {
			name += " (" + safetext.Sanitize(c.Affiliation) + ")"
		}
		if slices.Contains(e.Withdrawn, c.ID) {
			name += p.T(", withdrawn: cannot be chosen")
		}
		line(fmt.Sprintf("  %-12s %s", c.ID, name))
	}
	line("")
	line(p.T("Check how it is read, storing nothing:  ssh HOST cast %s --dry-run < FILE", e.ID))
	line(p.T("Cast it:                                ssh HOST cast %s < FILE", e.ID))
	line("")
	line(p.T("Write your ballot below this line."))
	return s.String()
}

// templateRules says how to write a ballot under the definition's method,
// as ParseBallot reads it.
func templateRules(p i18n.Printer, d Definition) []string {
	switch d.Method {
	case tally.YesNo:
		return []string{p.T("Write one line: yes, no or abstain.")}
	case tally.Approval:
		r := []string{p.T("Write the id of each candidate you approve, one per line, in any order.")}
		if d.MaxChoices > 0 {
			r = append(r, p.T("You may approve at most %d.", d.MaxChoices))
		}
		return append(r, p.T("The word %s alone casts a blank ballot that approves nobody.", Blank))
	case tally.Schulze:
		return []string{
			p.T("Write candidate ids, one line per rank, first preference first."),
			p.T("Put = between ids that share a rank, as in: alma = bert"),
			p.T("Leave out whom you do not rank: they count equal, below everyone you rank."),
			p.T("The word %s alone casts a blank ballot.", Blank),
		}
	}
	return []string{
		p.T("Write candidate ids, one per line, first preference first; no two on one line."),
		p.T("Leave out whom you do not want to rank."),
		p.T("The word %s alone casts a blank ballot.", Blank),
	}
}
