package booth

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"vote.example.org/booth/models"
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
		m.quitMsg = "You left the booth."
		return m.quit()
	}
	return nil
}

func (m *model) homeView() (string, string, keyMap) {
	name := safetext.Sanitize(m.s.Member.Name)
	head := fmt.Sprintf("Signed in as %s (key %s)", m.st.title.Render(name), safetext.Sanitize(m.s.Fingerprint))
	if m.s.Kiosk {
		head = fmt.Sprintf("Signed in as %s with a one-time code", m.st.title.Render(name))
	}
	switch {
	case !m.home.loaded:
		return head, "Loading your elections…", homeKeys
	case m.home.err != nil:
		return head, m.st.bad.Render("Your elections could not be loaded: "+safetext.Sanitize(m.home.err.Error())) +
			"\nPlease try again later, or tell the election officers.", homeKeys
	case len(m.home.list) == 0:
		return head, "You are not on the roll of any election at the moment.", homeKeys
	}
	now := m.s.Now()
	var out []string
	cursorLine := 0
	last := phase(255)
	for i, e := range m.home.list {
		p := phaseOf(e, now)
		if p != last {
			if last != 255 {
				out = append(out, "")
			}
			out = append(out, m.st.heading.Render([...]string{"OPEN", "UPCOMING", "CLOSED"}[p]))
			last = p
		}
		mark := "  "
		if i == m.home.cursor {
			mark = m.st.cursor.Render("› ")
			cursorLine = len(out)
		}
		title, when, detail := m.homeItem(e, p, now)
		out = append(out, spread(mark+title, when, m.w), "    "+m.st.dim.Render(detail))
	}
	rows := m.h - 5
	return head, strings.Join(window(out, cursorLine, 2, rows), "\n"), homeKeys
}

// homeItem writes one election's two lines: the title and its time, then
// turnout and the voter's own state.
func (m *model) homeItem(e models.MemberElection, p phase, now time.Time) (title, when, detail string) {
	title = safetext.Sanitize(e.Title)
	switch p {
	case phaseOpen:
		when = fmt.Sprintf("closes %s (%s)", relative(e.EffectiveClose(), now), utc(e.EffectiveClose()))
		voted := "not voted yet"
		if e.Voted {
			voted = m.st.good.Render("voted ✓")
		}
		detail = turnout(e) + " · " + voted
	case phaseUpcoming:
		when = fmt.Sprintf("opens %s (%s)", relative(e.OpensAt, now), utc(e.OpensAt))
		detail = methodName(e.Method) + " · " + seats(e.Seats)
	default:
		when = "closed " + utc(e.VotingEnd())
		detail = turnout(e)
		if e.State == models.Counted {
			detail += " · results available"
		} else {
			detail += " · results after the count"
		}
		if e.Voted {
			detail += " · you voted ✓"
		}
	}
	return title, when, detail
}

// window picks at most rows lines of out, keeping the lines from focus to
// focus+span-1 in view.
func window(out []string, focus, span, rows int) []string {
	if rows <= 0 || len(out) <= rows {
		return out
	}
	start := 0
	if focus+span > rows {
		start = focus + span - rows
	}
	start = min(start, len(out)-rows)
	return out[start : start+rows]
}
