package booth

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// resultState is a counted election's result, stepped through by stage.
type resultState struct {
	loaded bool
	err    error
	r      *tally.Result
	stage  int  // index into r.Rounds
	table  bool // all stages as a table instead of one stage as bars
	offset int  // first body line shown, when the body is taller than the screen
}

type resultMsg struct {
	id  string
	res models.StoredResult
	err error
}

func (m *model) openResults() tea.Cmd {
	m.res = &resultState{}
	m.scr = scrResults
	ctx, b, id := m.ctx, m.b, m.el.me.ID
	return func() tea.Msg {
		res, err := b.Result(ctx, id)
		return resultMsg{id, res, err}
	}
}

func (m *model) onResultLoaded(msg resultMsg) {
	if m.res == nil || m.el == nil || m.el.me.ID != msg.id {
		return // the member has moved on
	}
	m.res.loaded, m.res.err, m.res.r = true, msg.err, msg.res.Result
	if msg.err == nil && msg.res.Result == nil {
		m.res.err = fmt.Errorf("the election has no stored result")
	}
	if m.res.r != nil {
		m.res.stage = max(len(m.res.r.Rounds)-1, 0) // the final stage first
	}
}

func (m *model) resultsKey(msg tea.KeyPressMsg) tea.Cmd {
	rs := m.res
	switch {
	case key.Matches(msg, kBack):
		m.res, m.scr = nil, scrElection
	case rs.r == nil:
	case key.Matches(msg, kPrev):
		rs.stage, rs.offset = max(rs.stage-1, 0), 0
	case key.Matches(msg, kNext):
		rs.stage, rs.offset = min(rs.stage+1, max(len(rs.r.Rounds)-1, 0)), 0
	case key.Matches(msg, kTable):
		rs.table, rs.offset = !rs.table, 0
	case key.Matches(msg, kUp):
		rs.offset = max(rs.offset-1, 0)
	case key.Matches(msg, kDown):
		rs.offset++
	}
	return nil
}

func (m *model) resultsView() (string, string, keyMap) {
	e, rs := m.el.me, m.res
	line1 := safetext.Sanitize(e.Title) + " · counted · " + methodName(e.Method)
	if e.Method != tally.YesNo {
		line1 += " · " + seats(e.Seats)
	}
	head := m.st.title.Render(wrap(line1, m.w)) + "\n" + strings.ToUpper(turnout(e)[:1]) + turnout(e)[1:]
	var body []string
	switch {
	case !rs.loaded:
		body = []string{"Loading the results…"}
	case rs.err != nil:
		body = []string{m.st.bad.Render("The results could not be loaded: " + safetext.Sanitize(rs.err.Error()))}
	default:
		body = m.resultBody()
	}
	body, rs.offset = scroll(body, rs.offset, m.rows(head))
	return head, strings.Join(body, "\n"), resultKeys
}

func (m *model) resultBody() []string {
	r, rs := m.res.r, m.res
	var out []string
	switch r.Method {
	case tally.YesNo:
		outcome := m.st.bad.Render("The question did not pass.")
		if r.Passed {
			outcome = m.st.good.Render("The question passed.")
		}
		out = append(out, outcome)
	case tally.Schulze:
		out = append(out, m.schulzeLines()...)
	default:
		out = append(out, "Elected: "+m.names(r.Elected, ", "))
	}
	out = append(out, "")
	if len(r.Rounds) > 0 && r.Method != tally.Schulze {
		if rs.table {
			out = append(out, m.stageTable()...)
		} else {
			out = append(out, m.stageBars()...)
		}
	}
	if r.Method == tally.Schulze {
		if rs.table {
			out = append(out, m.matrixLines("Strongest paths: the strength of the best path from the row to the column", r.Strength)...)
		} else {
			out = append(out, m.matrixLines("Pairwise: voters preferring the row to the column", r.Pairwise)...)
		}
	}
	for _, n := range r.Notes {
		out = append(out, lines(wrap(safetext.Sanitize(n), m.w))...)
	}
	return out
}

// names joins candidates' names.
func (m *model) names(cands []int, sep string) string {
	if len(cands) == 0 {
		return "nobody"
	}
	ns := make([]string, len(cands))
	for i, c := range cands {
		ns[i] = safetext.Sanitize(m.res.r.Candidates[c].Name)
	}
	return strings.Join(ns, sep)
}

// stageBars draws one stage: each candidate's votes as a bar with the
// exact figure, the exhausted value, and why the stage did what it did.
func (m *model) stageBars() []string {
	r, rs := m.res.r, m.res
	round := r.Rounds[rs.stage]
	title := fmt.Sprintf("Stage %d of %d — %s", rs.stage+1, len(r.Rounds), safetext.Sanitize(round.Action))
	quota := ""
	if round.Quota != (tally.Decimal{}) {
		quota = "quota " + round.Quota.String()
	}
	out := []string{spread(m.st.heading.Render(title), quota, m.w)}
	nameW, figW := 9, 1 // "exhausted"
	for c, cand := range r.Candidates {
		nameW = max(nameW, ansi.StringWidth(safetext.Sanitize(cand.Name)))
		if c < len(round.Totals) {
			figW = max(figW, len(round.Totals[c].String()))
		}
	}
	figW = max(figW, len(round.Exhausted.String()))
	nameW = min(nameW, m.w/3)
	barW := max(m.w-nameW-figW-16, 4) // and 8 for the status word
	scale := round.Quota
	for _, t := range round.Totals {
		if t.Cmp(scale) > 0 {
			scale = t
		}
	}
	row := func(name string, v tally.Decimal, status string) string {
		return " " + padRight(name, nameW) + "  " + m.st.bar.Render(padRight(bar(v, scale, barW), barW)) +
			"  " + fmt.Sprintf("%*s", figW, v.String()) + "  " + status
	}
	for c, cand := range r.Candidates {
		if c >= len(round.Totals) || c < len(round.Status) && round.Status[c] == tally.Withdrawn {
			continue
		}
		status := ""
		if c < len(round.Status) && round.Status[c] != tally.Hopeful {
			status = round.Status[c].String()
		}
		out = append(out, row(safetext.Sanitize(cand.Name), round.Totals[c], status))
	}
	if round.Exhausted.Units != 0 {
		out = append(out, row("exhausted", round.Exhausted, ""))
	}
	for _, n := range round.Notes {
		out = append(out, lines(wrap("• "+safetext.Sanitize(n), m.w))...)
	}
	for _, t := range r.Ties {
		if t.Round == round.Number {
			out = append(out, lines(wrap(fmt.Sprintf("• Tie to %s between %s: %s chosen by %s.", safetext.Sanitize(t.Purpose),
				m.names(t.Candidates, ", "), m.names([]int{t.Chosen}, ""), safetext.Sanitize(t.Rule)), m.w))...)
		}
	}
	return append(out, "")
}

// bar is v/scale of width cells in eighths of a block. The figures beside
// it are exact; the bar's length is only a picture, so float64 is fine
// here (and never used for counting).
func bar(v, scale tally.Decimal, width int) string {
	if scale.Units <= 0 || v.Units <= 0 {
		return ""
	}
	f := float64(v.Units) / float64(scale.Units) * pow10f(scale.Places-v.Places)
	eighths := min(int(f*float64(width*8)+0.5), width*8)
	s := strings.Repeat("█", eighths/8)
	if rem := eighths % 8; rem > 0 {
		s += string([]rune("▏▎▍▌▋▊▉")[rem-1])
	}
	return s
}

func pow10f(n int) float64 {
	f := 1.0
	for ; n > 0; n-- {
		f *= 10
	}
	for ; n < 0; n++ {
		f /= 10
	}
	return f
}
