package booth

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// openRanking shows the ballot; one already being filled in for this
// election is kept.
func (m *model) openRanking() {
	if m.rank == nil {
		m.rank = &rankState{pane: paneRest}
	}
	m.scr = scrRank
}

// rest is the "not ranked" pane: candidates not on the ballot, not
// withdrawn, matching the filter, in this member's order.
func (m *model) rest() []int {
	e, r := m.el.me, m.rank
	filter := strings.ToLower(r.filter)
	var out []int
	for _, c := range m.el.order {
		cand := e.Candidates[c]
		if r.find(c) >= 0 || slices.Contains(e.Withdrawn, cand.ID) {
			continue
		}
		if filter != "" && !strings.Contains(strings.ToLower(safetext.Sanitize(cand.Name)), filter) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// candName is a candidate as the ranking screen lists it: the name, and
// on a terminal that shows ASCII only the id too, since two names that
// differ only outside ASCII would be written alike (see Session.ASCII).
func (m *model) candName(c models.Candidate) string {
	if m.s.ASCII {
		return safetext.Sanitize(m.p.T("%s (id %s)", c.Name, c.ID))
	}
	return safetext.Sanitize(c.Name)
}

// choice is one answer of a yes/no question.
type choice struct{ id, label string }

// choices are a yes/no question's answers; abstaining is always offered
// (without an abstain answer on the question it casts an empty ballot,
// which the count takes as an abstention).
func (m *model) choices() []choice {
	var out []choice
	for _, c := range m.el.me.Candidates {
		out = append(out, choice{c.ID, m.candName(c)})
	}
	if !slices.ContainsFunc(out, func(c choice) bool { return c.id == "abstain" }) {
		out = append(out, choice{"abstain", m.p.T("Abstain")})
	}
	return out
}

// selected is the candidate under the cursor, or -1.
func (m *model) selected() int {
	r := m.rank
	if r.pane == paneBallot {
		if s := r.slots(); r.cur[paneBallot] < len(s) {
			return s[r.cur[paneBallot]].cand
		}
		return -1
	}
	if m.el.me.Method == tally.YesNo {
		return -1
	}
	if rest := m.rest(); r.cur[paneRest] < len(rest) {
		return rest[r.cur[paneRest]]
	}
	return -1
}

func (m *model) paneLen(p int) int {
	switch {
	case p == paneBallot:
		return len(m.rank.slots())
	case m.el.me.Method == tally.YesNo:
		return len(m.choices())
	}
	return len(m.rest())
}

func (m *model) clampCursors() {
	for p := range 2 {
		m.rank.cur[p] = min(max(m.rank.cur[p], 0), max(m.paneLen(p)-1, 0))
	}
}

// follow puts the ballot cursor on c.
func (m *model) follow(c int) {
	for i, s := range m.rank.slots() {
		if s.cand == c {
			m.rank.cur[paneBallot] = i
		}
	}
}

func (m *model) rankKey(msg tea.KeyPressMsg) tea.Cmd {
	r := m.rank
	if r.filtering {
		return m.filterKey(msg)
	}
	r.problem = ""
	method := m.el.me.Method
	switch {
	case msg.String() == "esc" && r.filter != "":
		// An applied filter would still hide candidates on return.
		r.filter, r.cur[paneRest] = "", 0
	case key.Matches(msg, kBack):
		m.scr = scrElection
	case key.Matches(msg, kTab):
		r.pane = 1 - r.pane
	case key.Matches(msg, kUp):
		r.cur[r.pane]--
	case key.Matches(msg, kDown):
		r.cur[r.pane]++
	case key.Matches(msg, kReview):
		m.toReview()
	case key.Matches(msg, kInfo):
		if c := m.selected(); c >= 0 {
			m.openStatement(c, scrRank)
		}
	case key.Matches(msg, kFilter) && method != tally.YesNo:
		in := newInput(m, m.p.T("filter by name: "), r.filter)
		r.input, r.filtering, r.pane = &in, true, paneRest
		return r.input.Focus()
	case method == tally.YesNo:
		m.answerKey(msg)
	case method == tally.Approval:
		m.approveKey(msg)
	default:
		m.orderKey(msg)
	}
	m.clampCursors()
	return nil
}

// answerKey picks a yes/no answer, with enter/space or its number.
func (m *model) answerKey(msg tea.KeyPressMsg) {
	r, ch := m.rank, m.choices()
	switch {
	case key.Matches(msg, kToggle) && r.pane == paneRest && r.cur[paneRest] < len(ch):
		r.answer = ch[r.cur[paneRest]].id
	case key.Matches(msg, kToggle, kRemove) && r.pane == paneBallot:
		r.answer = ""
	case key.Matches(msg, kPlace):
		if n := int(msg.Code - '0'); n <= len(ch) {
			r.answer, r.cur[paneRest] = ch[n-1].id, n-1
		}
	}
}

// approveKey approves or withdraws approval, within the limit.
func (m *model) approveKey(msg tea.KeyPressMsg) {
	r, c := m.rank, m.selected()
	if c < 0 || !key.Matches(msg, kToggle, kRemove) {
		return
	}
	switch limit := m.el.me.MaxChoices; {
	case r.find(c) >= 0:
		r.take(c)
	case key.Matches(msg, kRemove):
	case limit > 0 && len(r.ranks) >= limit:
		r.problem = m.p.T("You may approve at most %d; remove one first.", limit)
	default:
		r.add(c)
	}
}

// orderKey edits a ranked ballot.
func (m *model) orderKey(msg tea.KeyPressMsg) {
	r, c := m.rank, m.selected()
	if c < 0 {
		return
	}
	ranked := r.find(c) >= 0
	switch {
	case key.Matches(msg, kToggle) && ranked, key.Matches(msg, kRemove) && ranked:
		r.take(c)
	case key.Matches(msg, kToggle):
		r.add(c)
	case key.Matches(msg, kMoveUp):
		if r.moveUp(c) {
			m.follow(c)
		}
	case key.Matches(msg, kMoveDn):
		if r.moveDown(c) {
			m.follow(c)
		}
	case key.Matches(msg, kPlace):
		r.place(c, int(msg.Code-'0'))
		if r.pane == paneBallot {
			m.follow(c)
		}
	case key.Matches(msg, kEqual):
		switch {
		case m.el.me.Method != tally.Schulze:
			r.problem = m.p.T("%s does not allow equal ranks; only Schulze elections do.", methodName(m.p, m.el.me.Method))
		case !r.shareAbove(c):
			r.problem = m.p.T("There is no rank above to share.")
		case r.pane == paneBallot:
			m.follow(c)
		}
	}
}

// filterKey edits the name filter; enter keeps it, esc clears it.
func (m *model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	r := m.rank
	switch msg.String() {
	case "enter":
		r.filtering, r.input = false, nil
		return nil
	case "esc":
		r.filtering, r.input, r.filter = false, nil, ""
		return nil
	}
	var cmd tea.Cmd
	*r.input, cmd = r.input.Update(msg)
	r.filter = safetext.Sanitize(r.input.Value())
	r.cur[paneRest] = 0
	return cmd
}

// newInput is a text field with a steady cursor: a blinking one would wake
// the program twice a second for as long as the field is shown.
func newInput(m *model, prompt, value string) textinput.Model {
	in := textinput.New()
	st := textinput.DefaultStyles(m.dark)
	if m.noColour {
		st = textinput.Styles{}
	}
	st.Cursor.Blink = false
	in.SetStyles(st)
	// ctrl+v would read the clipboard of the machine the booth runs on
	// (the server's); the member's own terminal pastes with bracketed
	// paste, which still works.
	in.KeyMap.Paste.SetEnabled(false)
	in.Prompt = prompt
	in.CharLimit = 64
	in.SetWidth(inputWidth(m, prompt))
	in.SetValue(value)
	return in
}

// inputWidth is the width of a text field after its prompt.
func inputWidth(m *model, prompt string) int {
	return max(m.w-ansi.StringWidth(prompt)-4, 10)
}

// toReview checks the ballot and shows it in words.
func (m *model) toReview() {
	b, err := m.rank.ballot(m.p, m.el.me)
	if err != nil {
		m.rank.problem = problemText(m.p, err)
		return
	}
	in := newInput(m, m.p.T("Type cast to confirm: "), "")
	in.Focus()
	m.rev = &reviewState{ballot: b, input: in, shortened: len(b.Ranks) < len(m.rank.ranks)}
	m.scr = scrReview
}
