package booth

import (
	"fmt"
	"slices"
	"strings"

	"vote.example.org/booth/models/i18n"

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
		m.res.err = i18n.Errorf("the election has no stored result")
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
	case key.Matches(msg, kPrev) && rs.r.Method != tally.Schulze:
		rs.stage, rs.offset = max(rs.stage-1, 0), 0
	case key.Matches(msg, kNext) && rs.r.Method != tally.Schulze:
		rs.stage, rs.offset = min(rs.stage+1, max(len(rs.r.Rounds)-1, 0)), 0
	case key.Matches(msg, kTable) && (len(rs.r.Rounds) > 1 || rs.r.Method == tally.Schulze):
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
	line1 := m.p.T("%s · counted · %s", safetext.Sanitize(e.Title), methodName(m.p, e.Method))
	if e.Method != tally.YesNo {
		line1 += " · " + seats(m.p, e.Seats)
	}
	head := m.st.title.Render(wrap(line1, m.w)) + "\n" + turnoutLine(m.p, e)
	var body []string
	switch {
	case !rs.loaded:
		body = []string{m.p.T("Loading the results…")}
	case rs.err != nil:
		body = []string{m.st.bad.Render(m.p.T("The results could not be loaded: %s", safetext.Sanitize(m.p.Err(rs.err))))}
	default:
		body = m.resultBody()
	}
	body, rs.offset = scroll(body, rs.offset, m.rows(head))
	return head, strings.Join(body, "\n"), m.resultKeys()
}

// resultKeys are the keys that apply to the result shown: rounds to step
// through only where the count has more than one, and for Schulze the
// switch between its two tables.
func (m *model) resultKeys() keyMap {
	r := m.res.r
	switch {
	case r == nil:
		return oneRoundKeys
	case r.Method == tally.Schulze && m.res.table:
		return pairsKeys
	case r.Method == tally.Schulze:
		return pathsKeys
	case len(r.Rounds) > 1:
		return resultKeys
	}
	return oneRoundKeys
}

func (m *model) resultBody() []string {
	r, rs := m.res.r, m.res
	var out []string
	switch r.Method {
	case tally.YesNo:
		outcome := m.st.bad.Render(m.p.T("The question did not pass."))
		if r.Passed {
			outcome = m.st.good.Render(m.p.T("The question passed."))
		}
		out = append(out, outcome)
	case tally.Schulze:
		out = append(out, m.schulzeLines()...)
	default:
		out = append(out, m.nameLines(m.p.T("Elected: "), r.Elected)...)
	}
	out = append(out, "")
	if len(r.Rounds) > 0 && r.Method != tally.Schulze {
		if rs.table {
			out = append(out, m.stageTable()...)
		} else {
			out = append(out, m.stageBars()...)
		}
		if slices.ContainsFunc(r.Rounds, func(x tally.Round) bool { return x.Exhausted.Units != 0 }) {
			out = append(out, lines(m.st.dim.Render(wrap(m.p.T("Non-transferable: votes on ballots whose every remaining choice is elected or excluded, which count for nobody from then on."), m.w)))...)
			out = append(out, "")
		}
	}
	if r.Method == tally.Schulze {
		if rs.table {
			out = append(out, m.matrixLines(m.p.T("Strongest paths: the strength of the best path from the row to the column"), r.Strength)...)
		} else {
			out = append(out, m.matrixLines(m.p.T("Pairwise: voters preferring the row to the column"), r.Pairwise)...)
		}
	}
	for _, n := range r.OutcomeNotes(m.p) {
		out = append(out, lines(wrap(safetext.Sanitize(n), m.w))...)
	}
	return out
}

// nameLines lists candidates one to a line, the first after prefix and
// the others under it: a name may hold a comma, so only a line break
// tells two names from one.
func (m *model) nameLines(prefix string, cands []int) []string {
	if len(cands) == 0 {
		return []string{prefix + m.p.T("nobody")}
	}
	out := make([]string, len(cands))
	for i, c := range cands {
		out[i] = strings.Repeat(" ", ansi.StringWidth(prefix)) + m.name(c)
	}
	out[0] = prefix + m.name(cands[0])
	return out
}

func (m *model) name(c int) string { return safetext.Sanitize(m.res.r.Candidates[c].Name) }

// stageBars draws one stage: each candidate's votes as a bar with the
// exact figure, the exhausted value, and why the stage did what it did.
func (m *model) stageBars() []string {
	r, rs := m.res.r, m.res
	round := r.Rounds[rs.stage]
	title := m.p.T("Round %d of %d — %s", rs.stage+1, len(r.Rounds), safetext.Sanitize(r.RoundAction(m.p, round)))
	quota := ""
	if round.Quota != (tally.Decimal{}) {
		quota = m.p.T("quota %s", round.Quota.String())
	}
	out := []string{spread(m.st.heading.Render(title), quota, m.w)}
	nonTransferable := m.p.T("non-transferable")
	nameW, figW := ansi.StringWidth(nonTransferable), 1
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
	for _, c := range m.barOrder(round) {
		if c >= len(round.Totals) || c < len(round.Status) && round.Status[c] == tally.Withdrawn {
			continue
		}
		out = append(out, row(safetext.Sanitize(r.Candidates[c].Name), round.Totals[c], statusWord(m.p, r.Method, round, c)))
	}
	if round.Exhausted.Units != 0 {
		out = append(out, row(nonTransferable, round.Exhausted, ""))
	}
	for _, n := range r.RoundNotes(m.p, round) {
		// A hanging indent keeps a long note (a Japanese one wraps
		// anywhere) visibly one note.
		out = append(out, hang(lines(wrap(safetext.Sanitize(n), m.w-2)), "• ", "  ")...)
	}
	for _, t := range r.Ties {
		if t.Round == round.Number {
			out = append(out, m.p.T("• Tie to %s between:", safetext.Sanitize(m.p.T(t.Purpose))))
			out = append(out, m.nameLines("    ", t.Candidates)...)
			out = append(out, lines(wrap(m.p.T("  Chosen by %s: %s", safetext.Sanitize(r.TieRule(m.p, t)), m.name(t.Chosen)), m.w))...)
		}
	}
	return append(out, "")
}

// barOrder is the order of a round's rows: the candidates as listed, or
// by approvals for an approval count, which has one round and no order of
// its own to keep.
func (m *model) barOrder(round tally.Round) []int {
	order := make([]int, len(m.res.r.Candidates))
	for i := range order {
		order[i] = i
	}
	if m.res.r.Method == tally.Approval {
		slices.SortStableFunc(order, func(a, b int) int {
			if a >= len(round.Totals) || b >= len(round.Totals) {
				return 0
			}
			return round.Totals[b].Cmp(round.Totals[a])
		})
	}
	return order
}

// statusWord is a candidate's status in a round, in the words the officer's
// sheet uses: an approval count elects the most approved and excludes
// nobody, so its other candidates get no word.
func statusWord(p i18n.Printer, method tally.Method, round tally.Round, c int) string {
	if c >= len(round.Status) || round.Status[c] == tally.Hopeful {
		return ""
	}
	switch round.Status[c] {
	case tally.Elected:
		return p.T("elected")
	case tally.Excluded:
		if method == tally.Approval {
			return ""
		}
		return p.T("excluded")
	case tally.Withdrawn:
		return p.T("withdrawn")
	}
	return round.Status[c].String()
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
