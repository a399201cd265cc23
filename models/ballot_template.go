package models

import (
	"fmt"
	"slices"
	"strings"

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
	var s strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&s, "# "+format+"\n", args...) }
	line("Ballot for %s: %s", safetext.Sanitize(e.ID), safetext.Sanitize(e.Title))
	line("%s", e.MethodSentence())
	line("")
	for _, l := range templateRules(e.Definition) {
		line("%s", l)
	}
	line("Everything after a # is a comment and is not read.")
	line("")
	word := "Candidates"
	if e.Method == tally.YesNo {
		word = "Answers"
	}
	line("%s (id, then name):", word)
	for _, i := range order {
		c := e.Candidates[i]
		name := safetext.Sanitize(c.Name)
		if c.Affiliation != "" {
			name += " (" + safetext.Sanitize(c.Affiliation) + ")"
		}
		if slices.Contains(e.Withdrawn, c.ID) {
			name += ", withdrawn: cannot be chosen"
		}
		line("  %-12s %s", c.ID, name)
	}
	line("")
	line("Check how it is read, storing nothing:  ssh HOST cast %s --dry-run < FILE", e.ID)
	line("Cast it:                                ssh HOST cast %s < FILE", e.ID)
	line("")
	line("Write your ballot below this line.")
	return s.String()
}

// templateRules says how to write a ballot under the definition's method,
// as ParseBallot reads it.
func templateRules(d Definition) []string {
	switch d.Method {
	case tally.YesNo:
		return []string{"Write one line: yes, no or abstain."}
	case tally.Approval:
		r := []string{"Write the id of each candidate you approve, one per line, in any order."}
		if d.MaxChoices > 0 {
			r = append(r, fmt.Sprintf("You may approve at most %d.", d.MaxChoices))
		}
		return append(r, "The word "+Blank+" alone casts a blank ballot that approves nobody.")
	case tally.Schulze:
		return []string{
			"Write candidate ids, one line per rank, first preference first.",
			"Put = between ids that share a rank, as in: alma = bert",
			"Leave out whom you do not rank: they count equal, below everyone you rank.",
			"The word " + Blank + " alone casts a blank ballot.",
		}
	}
	return []string{
		"Write candidate ids, one per line, first preference first; no two on one line.",
		"Leave out whom you do not want to rank.",
		"The word " + Blank + " alone casts a blank ballot.",
	}
}
