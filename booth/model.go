package booth

import (
	"context"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

// The smallest terminal the booth draws in; below it the booth asks for a
// bigger window instead of drawing a mangled ballot.
const (
	minWidth  = 60
	minHeight = 16
)

// maxWidth caps the width the booth draws in: on a wide terminal a
// title and its date two hundred columns apart, or a sentence across the
// whole screen, are hard to read.
const maxWidth = 100

// defaultIdle ends a session nobody typed in for this long.
const defaultIdle = 15 * time.Minute

// idleWarning is how long before the idle close the booth counts down on
// screen, so that a member who stepped away can keep the ballot they were
// filling in; a shorter timeout warns for its second half.
const idleWarning = time.Minute

type screen uint8

const (
	scrHome screen = iota
	scrElection
	scrRead       // a statement or description in a viewport
	scrOldReceipt // replacing a ballot: enter the old receipt
	scrRank
	scrReview
	scrReceipt
	scrResults
	scrNominations // issue 13: nominations.go
	scrNominate
	scrAccept
)

// model is one session's booth. It is kept small on purpose (DESIGN
// "Scale"): styles and key maps are shared by all sessions, and each
// screen's state exists only while the screen can be reached.
type model struct {
	ctx     context.Context
	cancel  context.CancelFunc
	b       Backend
	s       Session
	p       i18n.Printer // the member's language
	timeout time.Duration

	w, h     int
	tw       int // the terminal's width, which w caps at maxWidth
	st       *styles
	dark     bool
	noColour bool

	scr      screen
	showHelp bool
	// chrome is the last frame's rule and key line: they change with the
	// width, the styles and the keys offered, not with each key press.
	chrome  chrome
	cut     cutLines
	page    pageState
	lastKey time.Time // wall clock of the last key press, for the idle timer
	// idleLeft is the countdown to the idle close while it is on screen,
	// zero otherwise.
	idleLeft time.Duration
	quitMsg  string // shown when the session ends
	// langNoteRead: the member pressed a key since langNote was shown.
	langNoteRead bool

	home homeState
	// nom is the member's standing and nominations (nominations.go).
	nom nomState
	// secret seeds the member's candidate orders (Backend.OrderSecret).
	secret []byte
	el     *electionState // the election opened from home; nil on home
	read   *readState
	oldIn  *oldReceiptState
	rank   *rankState
	rev    *reviewState
	res    *resultState
	// receipt is shown once, on the receipt screen, and forgotten when
	// the member leaves it.
	receipt string
	// oldReceipt is the receipt of the ballot being replaced, if any.
	oldReceipt string
	// replaced is the receipt a replacement made void, shown with the new
	// receipt and forgotten with it.
	replaced string
}

// New returns the booth for one session. ctx should end with the session:
// the backend calls and the idle timer's goroutine end with it.
func New(ctx context.Context, b Backend, s Session) tea.Model {
	if s.Now == nil {
		s.Now = time.Now
	}
	timeout := s.IdleTimeout
	if timeout <= 0 {
		timeout = defaultIdle
	}
	ctx, cancel := context.WithCancel(ctx)
	return &model{ctx: ctx, cancel: cancel, b: b, s: s, p: i18n.For(s.Lang), timeout: timeout,
		w: 80, h: 24, tw: 80, st: darkStyles, dark: true, lastKey: time.Now()}
}

func (m *model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.loadElections(), m.loadNominations(), m.idleAfter(m.timeout-m.warnFor()))
}

// warnFor is how long the countdown to the idle close runs.
func (m *model) warnFor() time.Duration { return min(idleWarning, m.timeout/2) }

// idleMsg is the idle timer firing.
type idleMsg struct{ at time.Time }

// idleAfter waits for d once. There is no periodic tick but the
// countdown's, in the session's last minute: when it fires the model
// compares with the last key press and, if one came since, waits again
// for just the remainder. The wait ends with the session's context,
// so an ended session leaves no goroutine sleeping for minutes (tea.Tick
// would).
func (m *model) idleAfter(d time.Duration) tea.Cmd {
	ctx := m.ctx
	return func() tea.Msg {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case at := <-t.C:
			return idleMsg{at}
		case <-ctx.Done():
			return nil
		}
	}
}

func (m *model) onIdle(msg idleMsg) tea.Cmd {
	idle := msg.at.Sub(m.lastKey)
	left := m.timeout - idle
	switch {
	case left <= 0:
		// Nothing is cast: leaving drops whatever ballot was being
		// filled in.
		m.idleLeft = 0
		m.quitMsg = m.p.T("No key was pressed for %s, so the booth closed this session. Nothing was cast.", spelledDuration(m.p, idle))
		return m.quit()
	case left > m.warnFor():
		m.idleLeft = 0
		return m.idleAfter(left - m.warnFor())
	}
	// The countdown shows whole seconds, rounded up: the next wait ends
	// as the number shown drops by one, the last one at the close.
	m.idleLeft = left
	secs := (left + time.Second - 1) / time.Second
	return m.idleAfter(left - (secs-1)*time.Second)
}

// idleBanner is the countdown to the idle close, shown in place of the
// header while it runs.
func (m *model) idleBanner() string {
	secs := int((m.idleLeft + time.Second - 1) / time.Second)
	return m.st.warn.Render(wrap(m.p.T("No key pressed for a while: this session closes in %s, dropping any ballot not cast. Press any key to stay.",
		spelledDuration(m.p, time.Duration(secs)*time.Second)), m.w))
}

// Farewell is what the booth said as it ended the session ("" while it
// runs). An SSH session prints it after leaving the alternate screen, so
// that the member still sees why the booth closed once it has.
func (m *model) Farewell() string { return m.quitMsg }

func (m *model) quit() tea.Cmd {
	m.cancel()
	return tea.Quit
}

func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.tw, m.w, m.h = msg.Width, min(msg.Width, maxWidth), msg.Height
		m.resize()
		return m, nil
	case tea.ColorProfileMsg:
		m.noColour = msg.Profile <= colorprofile.Ascii
		m.setStyles()
		return m, nil
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.setStyles()
		return m, nil
	case idleMsg:
		return m, m.onIdle(msg)
	case tea.KeyPressMsg:
		m.lastKey = time.Now()
		m.langNoteRead = true
		if m.idleLeft > 0 && !key.Matches(msg, kQuit) {
			// The key only stops the countdown: the member may not
			// see what it would do on the screen behind it.
			m.idleLeft = 0
			return m, nil
		}
		return m, m.onKey(msg)
	case tea.PasteMsg:
		m.lastKey = time.Now()
		m.idleLeft = 0
		return m, m.onPaste(msg)
	}
	return m, m.onResult(msg)
}

func (m *model) setStyles() {
	switch {
	case m.noColour:
		m.st = plainStyles
	case m.dark:
		m.st = darkStyles
	default:
		m.st = lightStyles
	}
	// Rendered Markdown carries the old style.
	if m.el != nil {
		m.el.descCache = ""
	}
	if m.read != nil {
		m.read.width = 0
	}
	m.resize()
}

// onKey handles a key on any screen: ctrl+c and help first, then the
// screen's own keys. Screens with a text field see keys first so that
// "q" or "?" can be typed.
func (m *model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, kQuit) {
		m.quitMsg = m.p.T("You left the booth.")
		return m.quit()
	}
	if m.pageScrolls() && m.scrollPage(msg) {
		return nil
	}
	if m.showHelp {
		if key.Matches(msg, kHelp, kBack) {
			m.showHelp = false
		}
		return nil
	}
	if !m.typing() && key.Matches(msg, kHelp) {
		m.showHelp = true
		return nil
	}
	switch m.scr {
	case scrHome:
		return m.homeKey(msg)
	case scrElection:
		return m.electionKey(msg)
	case scrRead:
		return m.readKey(msg)
	case scrOldReceipt:
		return m.oldReceiptKey(msg)
	case scrRank:
		return m.rankKey(msg)
	case scrReview:
		return m.reviewKey(msg)
	case scrReceipt:
		return m.receiptKey(msg)
	case scrResults:
		return m.resultsKey(msg)
	case scrNominations:
		return m.nominationsKey(msg)
	case scrNominate:
		return m.nominateKey(msg)
	case scrAccept:
		return m.acceptKey(msg)
	}
	return nil
}

// onPaste gives text the member's terminal pasted to the field being
// typed in, if any.
func (m *model) onPaste(msg tea.PasteMsg) tea.Cmd {
	var cmd tea.Cmd
	switch {
	case m.showHelp:
	case m.scr == scrOldReceipt && m.oldIn != nil:
		m.oldIn.input, cmd = m.oldIn.input.Update(msg)
	case m.scr == scrRank && m.rank != nil && m.rank.filtering:
		*m.rank.input, cmd = m.rank.input.Update(msg)
		m.rank.filter = safetext.Sanitize(m.rank.input.Value())
	case m.scr == scrNominate && m.nom.pick != nil:
		m.nom.pick.input, cmd = m.nom.pick.input.Update(msg)
	case m.scr == scrAccept && m.nom.accept != nil:
		*m.nom.accept, cmd = m.nom.accept.Update(msg)
	}
	// Pasting into the confirmation is not typing the word cast.
	return cmd
}

// pageScrolls reports whether ↑/↓ scroll the whole body: on the screens
// that have no cursor of their own to move, so that a body taller than
// the terminal can still be read whole.
func (m *model) pageScrolls() bool {
	return m.showHelp || m.scr == scrReceipt || m.scr == scrOldReceipt
}

// scrollPage scrolls the body by a line for ↑/↓ and reports whether msg
// was one of them.
func (m *model) scrollPage(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "up":
		m.page.offset = max(m.page.offset-1, 0)
	case "down":
		m.page.offset++ // frame stops it at the end
	default:
		return false
	}
	return true
}

// pageState is how far the body of the screen shown is scrolled, by ↑/↓
// where pageScrolls, and which screen that was.
type pageState struct {
	scr    screen
	help   bool
	offset int
}

// typing reports whether a text field takes "?" as text. The receipt and
// the confirmation never contain one, so help works there too.
func (m *model) typing() bool {
	return m.scr == scrRank && m.rank != nil && m.rank.filtering || m.scr == scrNominate || m.scr == scrAccept
}

// onResult handles what the backend answered.
func (m *model) onResult(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case electionsMsg:
		// The officers' own text in the member's language, where they
		// wrote it.
		for i := range msg.list {
			msg.list[i].Definition = msg.list[i].Definition.In(m.p.Lang())
		}
		m.home.loaded, m.home.err, m.home.list = true, msg.err, msg.list
		if msg.secret != nil {
			m.secret = msg.secret
		}
		m.home.cursor = min(m.home.cursor, max(len(m.home.list)-1, 0))
	case castMsg:
		return m.onCast(msg)
	case replaceCheckMsg:
		m.onReplaceCheck(msg)
	case resultMsg:
		m.onResultLoaded(msg)
	case nomLoadedMsg:
		m.onNomLoaded(msg)
	case nomDoneMsg:
		return m.onNomDone(msg)
	case optionsMsg:
		if m.nom.pick != nil {
			m.nom.pick.setOptions(msg.options, m.p)
			if msg.err != nil {
				m.nom.note = refusalText(m.p, msg.err)
			}
		}
	}
	return nil
}

// resize fits the screens that keep sized components to the terminal.
func (m *model) resize() {
	if m.read != nil {
		m.read.resize(m)
	}
	// A text field wider than the screen would be cut with an ellipsis
	// that reads as text.
	if m.rev != nil {
		m.rev.input.SetWidth(inputWidth(m, m.rev.input.Prompt))
	}
	if m.rank != nil && m.rank.input != nil {
		m.rank.input.SetWidth(inputWidth(m, m.rank.input.Prompt))
	}
	if m.oldIn != nil {
		m.oldIn.input.SetWidth(inputWidth(m, m.oldIn.input.Prompt))
	}
	if m.nom.pick != nil {
		m.nom.pick.input.SetWidth(inputWidth(m, m.nom.pick.input.Prompt))
	}
	if m.nom.accept != nil {
		sizeStatementArea(m, m.nom.accept)
	}
}

func (m *model) View() tea.View {
	v := tea.NewView(m.content())
	v.AltScreen = true
	v.WindowTitle = "booth"
	return v
}

func (m *model) content() string {
	if m.quitMsg != "" {
		return m.quitMsg + "\n"
	}
	// Under a kiosk the booth has every row of the terminal but the
	// kiosk's status line: the kiosk as a whole needs the minimum size.
	rows := m.h
	if m.s.Kiosk {
		rows++
	}
	if m.w < minWidth || rows < minHeight {
		// Wrapped: the size needed is at the end, and this is shown
		// precisely when the terminal is too narrow for one line.
		small := wrap(m.p.T("please enlarge the terminal (now %d×%d, need %d×%d)", m.tw, rows, minWidth, minHeight), max(m.w, 1))
		if note := m.langNote(); note != "" {
			small += "\n\n" + note
		}
		return small
	}
	var head, body string
	var keys keyMap
	switch m.scr {
	case scrHome:
		head, body, keys = m.homeView()
	case scrElection:
		head, body, keys = m.electionView()
	case scrRead:
		head, body, keys = m.readView()
	case scrOldReceipt:
		head, body, keys = m.oldReceiptView()
	case scrRank:
		head, body, keys = m.rankView()
	case scrReview:
		head, body, keys = m.reviewView()
	case scrReceipt:
		head, body, keys = m.receiptView()
	case scrResults:
		head, body, keys = m.resultsView()
	case scrNominations:
		head, body, keys = m.nominationsView()
	case scrNominate:
		head, body, keys = m.nominateView()
	case scrAccept:
		head, body, keys = m.acceptView()
	}
	if m.idleLeft > 0 {
		head = m.idleBanner()
	}
	return m.frame(head, body, keys)
}

// frame lays out a screen: the header, a rule, the body in the rows left
// (scrolled, with a marker where lines are left out), a rule and the key
// help. Every line is cut to the width, so nothing wraps and the terminal
// never scrolls.
func (m *model) frame(head, body string, keys keyMap) string {
	keys = m.offered(keys)
	if m.showHelp {
		body = m.st.heading.Render(m.p.T("Keys on this screen")) + "\n\n" + m.fullHelp(keys) +
			"\n\n" + m.st.dim.Render(m.p.T("Press ? or esc to close this help."))
		keys = m.offered(keyMap{short: []key.Binding{kHelp, kQuit}})
	}
	rule, foot := m.chromeFor(keys.short)
	headLines := lines(head)
	footLines := lines(foot)
	rows := max(m.h-len(headLines)-len(footLines)-2, 0)
	if m.page.scr != m.scr || m.page.help != m.showHelp {
		m.page = pageState{scr: m.scr, help: m.showHelp}
	}
	var bodyLines []string
	bodyLines, m.page.offset = scroll(lines(body), m.page.offset, rows)
	for len(bodyLines) < rows {
		bodyLines = append(bodyLines, "")
	}
	all := make([]string, 0, m.h)
	all = append(all, headLines...)
	all = append(all, rule)
	all = append(all, bodyLines...)
	all = append(all, rule)
	all = append(all, footLines...)
	translateMarkers(m.p, all)
	m.cutToWidth(all)
	return strings.Join(all, "\n")
}

// scroll picks rows lines of ls from offset on (clamped, and returned),
// with a marker line at either end where lines are left out.
func scroll(ls []string, offset, rows int) ([]string, int) {
	if rows <= 0 || len(ls) <= rows {
		return ls, 0
	}
	if rows < 3 {
		offset = min(max(offset, 0), len(ls)-rows)
		return ls[offset : offset+rows], offset
	}
	// The first line is a marker once scrolled; the last is one unless
	// the end is shown.
	offset = min(max(offset, 0), len(ls)-rows+1)
	var out []string
	if offset > 0 {
		out = append(out, moreAbove)
	}
	start := offset + len(out)
	if start+rows-len(out) >= len(ls) {
		return append(out, ls[start:]...), offset
	}
	out = append(out, ls[start:start+rows-len(out)-1]...)
	return append(out, moreBelow), offset
}

// cutToWidth cuts each line to the width. Most lines of a frame are the
// last frame's, and measuring a line is much of a frame's cost, so the
// last frame's lines are remembered with their cut.
func (m *model) cutToWidth(lines []string) {
	c := &m.cut
	if c.w != m.w {
		*c = cutLines{w: m.w}
	}
	raw := slices.Clone(lines)
	for i, l := range lines {
		if i < len(c.raw) && c.raw[i] == l {
			lines[i] = c.cut[i]
		} else {
			lines[i] = ansi.Truncate(l, m.w, "…")
		}
	}
	c.raw, c.cut = raw, slices.Clone(lines)
}

// cutLines is the last frame's lines, before and after cutToWidth.
type cutLines struct {
	w        int
	raw, cut []string
}

// chrome is a frame's rule and key line, with what they were drawn for.
type chrome struct {
	w          int
	st         *styles
	keys       string // the short keys' help, joined
	rule, foot string
}

// fullHelp is every key of a screen, in columns side by side where they
// fit, else one column under another (the frame scrolls them): bubbles
// would leave out the columns that do not fit.
func (m *model) fullHelp(keys keyMap) string {
	h := m.helpView()
	h.SetWidth(0)
	if all := h.FullHelpView(keys.FullHelp()); widest(all) <= m.w {
		return all
	}
	var cols []string
	for _, g := range keys.FullHelp() {
		cols = append(cols, h.FullHelpView([][]key.Binding{g}))
	}
	return strings.Join(cols, "\n")
}

// widest is the width of the widest line of s.
func widest(s string) int {
	w := 0
	for _, l := range lines(s) {
		w = max(w, ansi.StringWidth(l))
	}
	return w
}

func (m *model) helpView() help.Model {
	h := help.New()
	h.Styles = m.st.help
	h.SetWidth(m.w)
	return h
}

// chromeFor returns the rule and the key line for these keys, drawing
// them again only when something they depend on changed.
func (m *model) chromeFor(short []key.Binding) (rule, foot string) {
	var sig strings.Builder
	for _, b := range short {
		if b.Enabled() {
			sig.WriteString(b.Help().Key + "\x00" + b.Help().Desc + "\x00")
		}
	}
	c := &m.chrome
	if c.w != m.w || c.st != m.st || c.keys != sig.String() || c.rule == "" {
		*c = chrome{w: m.w, st: m.st, keys: sig.String(),
			rule: m.st.dim.Render(strings.Repeat("─", m.w)),
			foot: m.helpView().ShortHelpView(short)}
	}
	return c.rule, c.foot
}

// lines splits text into lines, with no trailing empty line.
func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
