package booth

import (
	"fmt"
	"strconv"

	"github.com/charmbracelet/x/ansi"
	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// stageTable shows every stage at once: a row per candidate, a column per
// stage, as many columns as fit around the current stage.
func (m *model) stageTable() []string {
	r, rs := m.res.r, m.res
	// The row of votes on ballots with no choice left in the count, named
	// as the officer's sheet names it.
	nonTransferable := m.p.T("non-transferable")
	nameW, figW := ansi.StringWidth(nonTransferable), 5
	for _, cand := range r.Candidates {
		nameW = max(nameW, ansi.StringWidth(safetext.Sanitize(cand.Name)))
	}
	for _, round := range r.Rounds {
		for _, t := range round.Totals {
			figW = max(figW, len(t.String()))
		}
		figW = max(figW, len(round.Exhausted.String()))
	}
	nameW = min(nameW, m.w/3)
	colW := figW + 3 // figure, a status mark, spacing
	cols := max((m.w-nameW-2)/colW, 1)
	first := max(min(rs.stage-cols/2, len(r.Rounds)-cols), 0)
	last := min(first+cols, len(r.Rounds))
	head := " " + padRight(m.p.T("round"), nameW)
	for s := first; s < last; s++ {
		label := strconv.Itoa(s + 1)
		if s == rs.stage {
			label = "[" + label + "]"
		}
		head += fmt.Sprintf("%*s ", colW-1, label)
	}
	out := []string{
		m.st.heading.Render(m.p.T("All rounds (%d–%d of %d shown; ←/→ moves)", first+1, last, len(r.Rounds))),
		head,
	}
	for c, cand := range r.Candidates {
		line := " " + padRight(safetext.Sanitize(cand.Name), nameW)
		for s := first; s < last; s++ {
			round := r.Rounds[s]
			fig, mark := "", " "
			if c < len(round.Totals) {
				fig = round.Totals[c].String()
			}
			if c < len(round.Status) {
				mark = statusMark(round.Status[c])
			}
			line += fmt.Sprintf("%*s%s ", colW-2, fig, mark)
		}
		out = append(out, line)
	}
	line := " " + padRight(nonTransferable, nameW)
	for s := first; s < last; s++ {
		line += fmt.Sprintf("%*s  ", colW-2, r.Rounds[s].Exhausted.String())
	}
	out = append(out, line, m.st.dim.Render(m.p.T(" * elected · x excluded · w withdrawn")), "")
	return out
}

func statusMark(s tally.Status) string {
	switch s {
	case tally.Elected:
		return "*"
	case tally.Excluded:
		return "x"
	case tally.Withdrawn:
		return "w"
	}
	return " "
}

// schulzeLines is a Schulze result: the full order, the winners and the
// options dropped against the default option.
func (m *model) schulzeLines() []string {
	r := m.res.r
	out := append(m.nameLines(m.p.T("Elected: "), r.Elected), "", m.st.heading.Render(m.p.T("Order")))
	tied := false
	for i, group := range r.Order {
		mark := "."
		if len(group) > 1 {
			mark, tied = "=", true
		}
		for _, c := range group {
			out = append(out, fmt.Sprintf(" %2d%s %s", i+1, mark, m.name(c)))
		}
	}
	if tied {
		out = append(out, m.st.dim.Render(m.p.T("(= marks options tied at that place.)")))
	}
	if len(r.Dropped) > 0 {
		out = append(out, lines(wrap(m.p.T("Dropped (failed the quorum or the required majority against the default option):"), m.w))...)
		out = append(out, m.nameLines("    ", r.Dropped)...)
	}
	return append(out, "")
}

// matrixLines is a Schulze table, the pairwise counts (row a, column b:
// voters preferring a to b) or the strongest paths, with a title.
func (m *model) matrixLines(title string, matrix [][]int64) []string {
	r := m.res.r
	n := len(r.Candidates)
	if len(matrix) < n {
		return nil
	}
	figW := 3
	for _, row := range matrix {
		for _, v := range row {
			figW = max(figW, len(strconv.FormatInt(v, 10)))
		}
	}
	nameW := min(max(m.w-4-n*(figW+1), 8), 24)
	head := "    " + padRight("", nameW)
	for b := range n {
		head += fmt.Sprintf(" %*d", figW, b+1)
	}
	out := []string{m.st.heading.Render(title), head}
	for a := range n {
		line := fmt.Sprintf(" %2d %s", a+1, padRight(safetext.Sanitize(r.Candidates[a].Name), nameW))
		for b := range n {
			if a == b {
				line += fmt.Sprintf(" %*s", figW, "–")
			} else {
				line += fmt.Sprintf(" %*d", figW, matrix[a][b])
			}
		}
		out = append(out, line)
	}
	return append(out, "")
}
