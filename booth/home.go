package booth

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

// homeState is the member's list of elections.
type homeState struct {
	loaded bool
	err    error
	list   []models.MemberElection
	cursor int
}

type electionsMsg struct {
	list   []models.MemberElection
	secret []byte
	err    error
}

// loadElections fetches the member's elections and, the first time, the
// secret their candidate orders need: no election opens without it.
func (m *model) loadElections() tea.Cmd {
	ctx, b, id, secret := m.ctx, m.b, m.s.Member.ID, m.secret
	return func() tea.Msg {
		var err error
		if secret == nil {
			if secret, err = b.OrderSecret(ctx); err != nil {
				return electionsMsg{err: err}
			}
		}
		list, err := b.MemberElections(ctx, id)
		return electionsMsg{list, secret, err}
	}
}

// phase is where an election stands for the voter, by the clock.
type phase uint8

const (
	phaseOpen phase = iota
	phaseUpcoming
	phaseClosed
)

func phaseOf(e models.MemberElection, now time.Time) phase {
	switch {
	case e.State == models.Draft, e.State == models.Open && now.Before(e.OpensAt):
		return phaseUpcoming
	case e.IsOpenAt(now):
		return phaseOpen
	}
	return phaseClosed
}

func (m *model) homeKey(msg tea.KeyPressMsg) tea.Cmd {
	if cmd, took := m.homeNomKey(msg); took {
		return cmd
	}
	h := &m.home
	switch {
	case key.Matches(msg, kUp):
		h.cursor = max(h.cursor-1, 0)
	case key.Matches(msg, kDown):
		h.cursor = min(h.cursor+1, max(len(h.list)-1, 0))
	case key.Matches(msg, kOpen):
		if h.cursor < len(h.list) {
			m.openElection(h.list[h.cursor])
		}
	case key.Matches(msg, kLeaveBooth):
		// Not esc: a member pressing it to go back once too often
		// would find themselves at their shell.
		m.quitMsg = m.p.T("You left the booth.")
		return m.quit()
	}
	return nil
}

func (m *model) homeView() (string, string, keyMap) {
	name := safetext.Sanitize(m.s.Member.Name)
	head := m.p.T("Signed in as %s (key %s)", m.st.title.Render(name), safetext.Sanitize(m.s.Fingerprint))
	if ansi.StringWidth(head) > m.w {
		// The fingerprint is what a member compares with their own
		// key's: on its own line rather than cut.
		head = wrap(m.p.T("Signed in as %s", m.st.title.Render(name)), m.w) + "\n" + wrap(m.p.T("key %s", safetext.Sanitize(m.s.Fingerprint)), m.w)
	}
	if m.s.Kiosk {
		head = m.p.T("Signed in as %s with a one-time code", m.st.title.Render(name))
	}
	if note := m.langNote(); note != "" {
		head += "\n" + note
	}
	keys := homeKeys
	if notices, more := m.homeNotices(); notices != "" {
		// Renewal and nominations (nominations.go), under the header.
		head += "\n" + notices
		keys = keyMap{short: append(append([]key.Binding{}, more...), keys.short...),
			full: append([][]key.Binding{more}, keys.full...)}
	}
	switch {
	case !m.home.loaded:
		return head, m.p.T("Loading your elections…"), keys
	case m.home.err != nil:
		return head, m.st.bad.Render(m.p.T("Your elections could not be loaded: %s", safetext.Sanitize(m.p.Err(m.home.err)))) +
			"\n" + m.p.T("Please try again later, or tell the election officers."), keys
	case len(m.home.list) == 0:
		return head, m.p.T("You are not on the roll of any election at the moment."), keys
	}
	now := m.s.Now()
	out := m.voteNotices(now)
	cursorLine, cursorSpan := 0, 1
	last := phase(255)
	for i, e := range m.home.list {
		p := phaseOf(e, now)
		if p != last {
			if len(out) > 0 {
				out = append(out, "")
			}
			out = append(out, m.st.heading.Render(m.p.T([...]string{i18n.Key("OPEN"), i18n.Key("UPCOMING"), i18n.Key("CLOSED")}[p])))
			last = p
		}
		mark := "  "
		if i == m.home.cursor {
			mark = m.st.cursor.Render("› ")
			cursorLine = len(out)
		}
		title, when, detail := m.homeItem(e, p, now)
		item := m.homeLines(mark, title, when, detail)
		if i == m.home.cursor {
			cursorSpan = len(item)
		}
		out = append(out, item...)
	}
	return head, strings.Join(window(out, cursorLine, cursorSpan, m.rows(head)), "\n"), keys
}

// voteNotices are the notices above the list (models.NoticeOf), the
// booth's side of the mailed notices, gone once the member voted: the
// notice itself for one open election the member has not voted in, and
// for several one line counting them, since the list below names each
// (one line apiece would push the list off a small screen).
func (m *model) voteNotices(now time.Time) []string {
	var notices []models.MemberNotice
	for _, e := range m.home.list {
		if n, ok := models.NoticeOf(e.Election, e.OnRoll, e.Voted, now); ok {
			notices = append(notices, n)
		}
	}
	var line string
	switch len(notices) {
	case 0:
		return nil
	case 1:
		line = safetext.Sanitize(notices[0].Line(m.p))
	default:
		line = m.p.N(len(notices), "You have not voted yet in 1 open election.", "You have not voted yet in %d open elections.", len(notices))
	}
	return hang(lines(wrap(m.st.warn.Render(line), m.w-2)), m.st.warn.Render("! "), "  ")
}

// homeLines lays out one election on home: the title with its time on
// the right, or below it when both do not fit, then the detail, wrapped
// rather than cut (the member's "voted ✓" comes last).
func (m *model) homeLines(mark, title, when, detail string) []string {
	var out []string
	if ansi.StringWidth(mark+title)+2+ansi.StringWidth(when) <= m.w {
		out = append(out, spread(mark+title, when, m.w))
	} else {
		out = append(out, hang(lines(wrap(title, m.w-2)), mark, "  ")...)
		out = append(out, hang(lines(wrap(when, m.w-4)), "    ", "    ")...)
	}
	for _, l := range lines(wrap(detail, m.w-4)) {
		out = append(out, "    "+m.st.dim.Render(l))
	}
	return out
}

// homeItem writes one election's two lines: the title and its time, then
// turnout and the voter's own state.
func (m *model) homeItem(e models.MemberElection, p phase, now time.Time) (title, when, detail string) {
	title = safetext.Sanitize(e.Title)
	switch p {
	case phaseOpen:
		when = m.p.T("closes %s (%s)", relative(m.p, e.EffectiveClose(), now), utc(e.EffectiveClose()))
		voted := m.p.T("not voted yet")
		if e.Voted {
			voted = m.st.good.Render(m.p.T("voted ✓"))
		}
		detail = turnout(m.p, e) + " · " + voted
	case phaseUpcoming:
		when = m.p.T("opens %s (%s)", relative(m.p, e.OpensAt, now), utc(e.OpensAt))
		detail = methodName(m.p, e.Method) + " · " + seats(m.p, e.Seats)
	default:
		when = m.p.T("closed %s", utc(e.VotingEnd()))
		detail = turnout(m.p, e)
		if e.State == models.Counted {
			detail += m.p.T(" · results available")
		} else {
			detail += m.p.T(" · results after the count")
		}
		if e.Voted {
			detail += m.p.T(" · you voted ✓")
		}
	}
	return title, when, detail
}

// window picks at most rows lines of out, keeping the lines from focus to
// focus+span-1 in view. When lines are left out, a line at that end says
// so: a list is never cut without a sign that it goes on.
func window(out []string, focus, span, rows int) []string {
	if rows <= 0 || len(out) <= rows {
		return out
	}
	if rows < 3 {
		return out[fit(len(out), focus, span, rows) : fit(len(out), focus, span, rows)+rows]
	}
	// The markers take room from the lines they stand for; two passes
	// settle which of them are needed.
	shown := rows - 1
	for range 2 {
		start := fit(len(out), focus, span, shown)
		n := rows
		if start > 0 {
			n--
		}
		if start+shown < len(out) {
			n--
		}
		shown = max(min(n, shown), 1)
	}
	start := fit(len(out), focus, span, shown)
	var w []string
	if start > 0 {
		w = append(w, moreAbove)
	}
	w = append(w, out[start:start+shown]...)
	if start+shown < len(out) {
		w = append(w, moreBelow)
	}
	return w
}

// The markers of a list that goes on beyond the screen.
const (
	moreAbove = "  ↑ more above"
	moreBelow = "  ↓ more below"
)

// translateMarkers puts the markers, which window and scroll write in
// English, into p's language: they are picked where no Printer is at hand.
func translateMarkers(p i18n.Printer, ls []string) {
	if p.Lang() == "en" {
		return
	}
	for i, l := range ls {
		switch l {
		case moreAbove:
			ls[i] = p.T("  ↑ more above")
		case moreBelow:
			ls[i] = p.T("  ↓ more below")
		}
	}
}

// fit is the first of n lines to show in rows so that the lines from
// focus to focus+span-1 are in view.
func fit(n, focus, span, rows int) int {
	start := 0
	if focus+span > rows {
		start = focus + span - rows
	}
	return max(min(start, n-rows), 0)
}

// hang prefixes the first of ls with first and the others with rest: a
// wrapped item under its mark or label.
func hang(ls []string, first, rest string) []string {
	for i, l := range ls {
		if i == 0 {
			ls[i] = first + l
		} else {
			ls[i] = rest + l
		}
	}
	return ls
}
