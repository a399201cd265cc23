package booth

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// rankView draws the two panes, "Your ballot" and "Not ranked", side by
// side, so the ballot as it stands is always in view.
func (m *model) rankView() (string, string, keyMap) {
	r, e := m.rank, m.el.me
	head := m.electionHeader()
	keys := rankKeys
	switch e.Method {
	case tally.YesNo, tally.Approval:
		keys = pickKeys
	case tally.Schulze:
		keys = schulzeRankKeys
	}
	top := lines(wrap(safetext.Sanitize(e.MethodSentenceIn(m.p)), m.w))
	var bottom []string
	switch {
	case r.filtering:
		bottom = []string{r.input.View()}
	case r.problem != "":
		bottom = lines(wrap(m.st.bad.Render(safetext.Sanitize(r.problem)), m.w))
	default:
		bottom = []string{m.st.dim.Render(m.ballotSummary())}
	}
	lw := (m.w - 3) / 2
	rw := m.w - lw - 3
	if full := m.cutName(lw, rw); full != nil {
		bottom = append(full, bottom...)
	}
	paneRows := max(m.rows(head)-len(top)-len(bottom)-3, 1)
	leftHead, rightHead := m.paneHeads()
	left := m.paneLines(paneBallot, lw, paneRows)
	right := m.paneLines(paneRest, rw, paneRows)
	out := append(top, "",
		padRight(m.st.heading.Render(leftHead), lw)+" │ "+m.st.heading.Render(rightHead))
	for i := range paneRows {
		l, rr := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			rr = right[i]
		}
		out = append(out, padRight(l, lw)+" │ "+rr)
	}
	out = append(out, "")
	out = append(out, bottom...)
	return head, strings.Join(out, "\n"), keys
}

// cutName is the name under the cursor, whole and wrapped, when its pane
// is too narrow for it: a long name is read here, not guessed at.
func (m *model) cutName(lw, rw int) []string {
	c := m.selected()
	if c < 0 || m.rank.filtering {
		return nil
	}
	name := m.candName(m.el.me.Candidates[c])
	// A pane's line is the cursor mark, a space, and on the ballot a
	// rank of three.
	room := rw - 2
	if m.rank.pane == paneBallot {
		room = lw - 5
	}
	if ansi.StringWidth(name) <= room {
		return nil
	}
	return lines(wrap(m.st.cursor.Render("› ")+name, m.w))
}

func (m *model) paneHeads() (string, string) {
	r, e := m.rank, m.el.me
	switch e.Method {
	case tally.YesNo:
		return m.p.T(" YOUR ANSWER"), m.p.T(" CHOICES (enter picks)")
	case tally.Approval:
		count := m.p.T("%d approved", len(r.ranks))
		if e.MaxChoices > 0 {
			count = m.p.T("%d of at most %d approved", len(r.ranks), e.MaxChoices)
		}
		return m.p.T(" YOUR BALLOT · %s", count), m.p.T(" NOT APPROVED") + m.filterNote()
	}
	return m.p.T(" YOUR BALLOT"), m.p.T(" NOT RANKED") + m.filterNote()
}

func (m *model) filterNote() string {
	if m.rank.filter == "" {
		return ""
	}
	if m.rank.filtering {
		return m.p.T(" · filter %q", m.rank.filter)
	}
	return m.p.T(" · filter %q (esc clears)", m.rank.filter)
}

// paneLines is one pane's lines, windowed around its cursor.
func (m *model) paneLines(p, width, rows int) []string {
	r, e := m.rank, m.el.me
	var out []string
	mark := func(i int) string {
		if r.pane == p && r.cur[p] == i && !r.filtering {
			return m.st.cursor.Render("›")
		}
		return " "
	}
	switch {
	case p == paneBallot && e.Method == tally.YesNo:
		answer := m.st.dim.Render(m.p.T("no answer yet"))
		for _, c := range m.choices() {
			if c.id == r.answer {
				answer = c.label
			}
		}
		out = append(out, mark(0)+" "+answer)
	case p == paneBallot:
		for i, s := range r.slots() {
			label := fmt.Sprintf("%2d ", s.rank+1)
			switch {
			case e.Method == tally.Approval:
				label = " ✓ "
			case len(r.ranks[s.rank]) > 1:
				label = fmt.Sprintf("%2d=", s.rank+1)
			}
			out = append(out, mark(i)+label+" "+m.candName(e.Candidates[s.cand]))
		}
		if len(out) == 0 {
			out = append(out, m.st.dim.Render(m.p.T("  (empty: enter adds the one under the cursor)")))
		}
	case e.Method == tally.YesNo:
		for i, c := range m.choices() {
			dot := "( )"
			if c.id == r.answer {
				dot = "(•)"
			}
			out = append(out, fmt.Sprintf("%s %d %s %s", mark(i), i+1, dot, c.label))
		}
	default:
		for i, c := range m.rest() {
			out = append(out, mark(i)+" "+m.candName(e.Candidates[c]))
		}
		if len(out) == 0 && r.filter != "" {
			out = append(out, m.st.dim.Render(m.p.T("  (no name matches the filter)")))
		}
	}
	for i := range out {
		out[i] = padRight(out[i], width)
	}
	// The focused row is highlighted whole, not only marked with "›".
	if r.pane == p && !r.filtering && r.cur[p] < len(out) {
		out[r.cur[p]] = m.st.focus.Render(ansi.Strip(out[r.cur[p]]))
	}
	return window(out, r.cur[p], 1, rows)
}

// ballotSummary says what the ballot does as it stands.
func (m *model) ballotSummary() string {
	r, e := m.rank, m.el.me
	switch e.Method {
	case tally.YesNo:
		if r.answer == "" {
			return m.p.T("Pick an answer, then press r to review it.")
		}
		return m.p.T("Press r to review your answer before casting it.")
	case tally.Approval:
		return m.p.T("%d approved · press r to review before casting", len(r.ranks))
	}
	n := len(r.slots())
	if n == 0 {
		return m.p.T("Nobody ranked yet · press r to review before casting")
	}
	return m.p.T("%d ranked, %d not ranked · press r to review before casting", n, len(e.Candidates)-len(e.Withdrawn)-n)
}
