package booth

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// electionState is one election opened from home.
type electionState struct {
	me models.MemberElection
	// order lists candidate indexes in the order this member sees them.
	order  []int
	cursor int // 0 is the action line when there is one
	// descCache is the description rendered for descWidth; Markdown is
	// rendered only when shown, and again only when the width or the
	// colours change.
	descCache string
	descWidth int
}

// CandidateOrder shuffles the candidates for one member, the same way
// every time: the seed is HMAC-SHA-256, keyed with the server's secret, of
// the election ID and the member ID (with a NUL between, so "ab"+"c" and
// "a"+"bc" differ). A shuffled order spreads the advantage of being listed
// first across the candidates; yes/no questions and elections with a fixed
// order keep the file's order. The order must not be computable from
// public values: it would tie a ballot that keeps it to its voter.
//
// The commands without a terminal list candidates in the same order.
func CandidateOrder(secret []byte, memberID string, d models.Definition) []int {
	order := make([]int, len(d.Candidates))
	for i := range order {
		order[i] = i
	}
	if d.FixedOrder || d.Method == tally.YesNo {
		return order
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(d.ID + "\x00" + memberID))
	rand.New(rand.NewChaCha8([32]byte(mac.Sum(nil)))).Shuffle(len(order), func(i, j int) {
		order[i], order[j] = order[j], order[i]
	})
	return order
}

func (m *model) openElection(e models.MemberElection) {
	m.el = &electionState{me: e, order: CandidateOrder(m.secret, m.s.Member.ID, e.Definition)}
	m.rank, m.rev, m.res, m.oldReceipt = nil, nil, nil, ""
	m.scr = scrElection
}

// action is what the line above the candidates offers.
type action uint8

const (
	actNone action = iota
	actVote
	actReplace
	actResults
)

// voteLabel says what voting means under method.
func voteLabel(method tally.Method) string {
	switch method {
	case tally.YesNo:
		return "Vote: answer the question"
	case tally.Approval:
		return "Vote: approve candidates"
	}
	return "Vote: rank the candidates"
}

func (m *model) electionAction() (action, string) {
	e := m.el.me
	now := m.s.Now()
	p := phaseOf(e, now)
	switch {
	case p == phaseOpen && e.OnRoll && !e.Voted:
		return actVote, voteLabel(e.Method)
	case p == phaseOpen && e.OnRoll && e.AllowReplace:
		return actReplace, "Replace your ballot (you will need its receipt)"
	case e.State == models.Counted:
		return actResults, "See the results"
	case p == phaseOpen && e.Voted:
		return actNone, "You have voted ✓ — this election does not allow replacing a ballot."
	case p == phaseOpen:
		return actNone, "You are not on this election's roll."
	case p == phaseUpcoming:
		return actNone, "Voting opens " + relative(e.OpensAt, now) + "."
	}
	return actNone, "Voting has closed; the results are shown after the count."
}

// rows is how many lines the body of a screen with this header gets.
func (m *model) rows(head string) int {
	return max(m.h-len(lines(head))-3, 1)
}

func (m *model) electionKey(msg tea.KeyPressMsg) tea.Cmd {
	el := m.el
	act, _ := m.electionAction()
	first := 1 // index of the first candidate among the items
	if act == actNone {
		first = 0
	}
	items := first + len(el.order)
	switch {
	case key.Matches(msg, kUp):
		el.cursor = max(el.cursor-1, 0)
	case key.Matches(msg, kDown):
		el.cursor = min(el.cursor+1, items-1)
	case key.Matches(msg, kBack):
		m.el, m.scr = nil, scrHome
		return m.loadElections() // the voted marks may have changed
	case key.Matches(msg, kDesc):
		m.openReader(safetext.Sanitize(el.me.Title), el.me.Description, scrElection)
	case key.Matches(msg, kVote) && (act == actVote || act == actReplace):
		return m.startVote(act)
	case key.Matches(msg, kResults) && act == actResults:
		return m.openResults()
	case key.Matches(msg, kOpen):
		if el.cursor < first {
			return m.startVote(act)
		}
		m.openStatement(el.order[el.cursor-first], scrElection)
	}
	return nil
}

// startVote goes to the ranking, or first asks for the old receipt when
// replacing a ballot, or to the results.
func (m *model) startVote(act action) tea.Cmd {
	switch act {
	case actVote:
		m.openRanking()
	case actReplace:
		m.openOldReceipt()
	case actResults:
		return m.openResults()
	}
	return nil
}

func (m *model) openStatement(c int, back screen) {
	cand := m.el.me.Candidates[c]
	title := safetext.Sanitize(cand.Name)
	if cand.Affiliation != "" {
		title += " — " + safetext.Sanitize(cand.Affiliation)
	}
	src := cand.Statement
	if strings.TrimSpace(src) == "" {
		src = "_No statement._"
	}
	m.openReader(title, src, back)
}

func (m *model) electionHeader() string {
	e := m.el.me
	now := m.s.Now()
	var when string
	switch phaseOf(e, now) {
	case phaseOpen:
		when = "closes " + relative(e.EffectiveClose(), now)
	case phaseUpcoming:
		when = "opens " + relative(e.OpensAt, now)
	default:
		when = "closed"
	}
	line2 := methodName(e.Method) + " · " + seats(e.Seats)
	if e.Method == tally.YesNo {
		line2 = methodName(e.Method)
	}
	if e.Fingerprint != "" {
		line2 = spread(line2, "fingerprint "+shortFingerprint(e.Fingerprint), m.w)
	}
	return spread(m.st.title.Render(safetext.Sanitize(e.Title)), when, m.w) + "\n" + line2
}

func (m *model) electionView() (string, string, keyMap) {
	e, now := m.el.me, m.s.Now()
	head := m.electionHeader()
	closes := "closes"
	if !e.ClosedAt.IsZero() {
		closes = "closed"
	}
	info := []string{
		wrap(safetext.Sanitize(e.MethodSentence()), m.w),
		wrap(fmt.Sprintf("Opens %s (%s) · %s %s (%s)", utc(e.OpensAt), relative(e.OpensAt, now),
			closes, utc(e.VotingEnd()), relative(e.VotingEnd(), now)), m.w),
	}
	if e.Fingerprint != "" {
		info = append(info, wrap("Fingerprint "+safetext.Sanitize(e.Fingerprint), m.w))
	}
	if e.State != models.Draft {
		info = append(info, turnoutLine(e))
	}
	list := m.electionList()
	rows := m.rows(head)
	infoLines := lines(strings.Join(info, "\n"))
	descRows := rows - len(infoLines) - len(list.lines) - 2
	var body []string
	body = append(body, infoLines...)
	if strings.TrimSpace(e.Description) != "" && descRows >= 2 {
		desc := lines(m.description())
		if len(desc) > descRows {
			desc = append(desc[:descRows-1], m.st.dim.Render("  … press d to read it all"))
		}
		body = append(body, desc...)
	} else {
		body = append(body, "")
	}
	keys := electionKeys
	switch act, _ := m.electionAction(); act {
	case actVote, actReplace:
		keys = voteKeys
	case actResults:
		keys = countedKeys
	}
	if left := rows - len(body); left >= 3 || len(body)+len(list.lines) <= rows {
		body = append(body, window(list.lines, list.cursor, 1, left)...)
		return head, strings.Join(body, "\n"), keys
	}
	// Too short for the facts and a list beside them: the whole screen
	// scrolls with the cursor instead, facts first.
	focus := len(body) + list.cursor
	body = append(body, list.lines...)
	return head, strings.Join(window(body, focus, 1, rows), "\n"), keys
}

// listLines are a screen's selectable lines and where the cursor is.
type listLines struct {
	lines  []string
	cursor int
}

func (m *model) electionList() listLines {
	el := m.el
	act, label := m.electionAction()
	var out listLines
	item := 0
	mark := func() string {
		defer func() { item++ }()
		if item == el.cursor {
			out.cursor = len(out.lines)
			return m.st.cursor.Render("› ")
		}
		return "  "
	}
	if act != actNone {
		out.lines = append(out.lines, mark()+m.st.accent.Render("[ "+label+" ]"))
	} else {
		out.lines = append(out.lines, "  "+m.st.warn.Render(label))
	}
	if el.me.Method == tally.YesNo {
		out.lines = append(out.lines, "", m.st.heading.Render("ANSWERS"))
	} else {
		out.lines = append(out.lines, "", m.st.heading.Render("CANDIDATES")+m.st.dim.Render(" (enter: statement)"))
	}
	for _, c := range el.order {
		cand := el.me.Candidates[c]
		line := mark() + safetext.Sanitize(cand.Name)
		if cand.Affiliation != "" {
			line += m.st.dim.Render(" — " + safetext.Sanitize(cand.Affiliation))
		}
		if slices.Contains(el.me.Withdrawn, cand.ID) {
			line += m.st.warn.Render(" (withdrawn)")
		}
		out.lines = append(out.lines, line)
	}
	return out
}

// description is the election's description rendered for the width.
func (m *model) description() string {
	el := m.el
	if el.descCache == "" || el.descWidth != m.w {
		el.descCache = m.markdown(el.me.Description, m.w)
		el.descWidth = m.w
	}
	return el.descCache
}
