package ssh

import (
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// A booth program on an SSH session draws through a screen, not through
// bubbletea's renderer. bubbletea v2 redraws on a frame ticker that wakes
// every program at its frame rate even when nothing changed: with a
// thousand idle members that is most of the server's work, and a key
// press waits for the next frame. The screen draws when the view changes,
// on the message that changed it, and not otherwise: an idle session
// costs no CPU, and a key press is answered at once.

// sessionOutput serialises writes to a session: the screen draws frames
// while bubbletea writes its queries and the clipboard to the same
// session, and an escape sequence must never be cut by another.
type sessionOutput struct {
	mu sync.Mutex
	w  io.Writer
}

func (o *sessionOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.w.Write(p)
}

// frames lends out the cell buffers a frame is drawn into: a session
// needs one only while the member is at work.
var frames = sync.Pool{New: func() any { return new(uv.NewScreenBuffer(0, 0)) }}

// screen draws one session's views with ultraviolet's renderer, which
// sends only the cells that changed. A screen with no new frame for keep
// lends its frame buffer to others and calls idle.
type screen struct {
	out           io.Writer
	env           []string
	profile       colorprofile.Profile
	width, height int
	drawn         string // the content on the client's screen
	title         string
	stale         bool // a resize: draw everything again
	open          bool // in the alternate screen

	mu      sync.Mutex           // guards frame against the release timer
	term    *uv.TerminalRenderer // its model of the client's screen
	frame   *uv.ScreenBuffer     // holds drawn; nil while idle
	release *time.Timer
	keep    time.Duration // how long after its last frame the screen is idle
	idle    func()        // called when the screen becomes idle
}

func newScreen(out io.Writer, env []string, profile colorprofile.Profile, width, height int, keep time.Duration, idle func()) *screen {
	s := &screen{out: out, env: env, profile: profile, width: width, height: height, keep: keep, idle: idle}
	s.release = time.AfterFunc(time.Hour, func() {
		s.giveBackFrame()
		s.idle()
	})
	s.release.Stop()
	return s
}

// newTerminal builds a renderer writing to w.
func (s *screen) newTerminal(w io.Writer) *uv.TerminalRenderer {
	t := uv.NewTerminalRenderer(w, s.env)
	t.SetColorProfile(s.profile)
	t.SetTabStops(-1)
	// The session's emulated PTY turns \n into \r\n.
	t.SetMapNewline(true)
	// Scroll detection hashes every line of every frame; the booth's
	// screens seldom scroll, and a keystroke costs less without it.
	t.SetScrollOptim(false)
	t.Resize(s.width, s.height)
	return t
}

// size is the client's window as last known.
func (s *screen) size() (width, height int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.width, s.height
}

// resize follows the client's window.
func (s *screen) resize(width, height int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if width == s.width && height == s.height {
		return
	}
	s.width, s.height = width, height
	if s.term != nil {
		s.term.Resize(width, height)
		s.term.Erase()
	}
	s.stale = true
}

// draw puts v on the client's screen, sending what changed since the last
// frame. The booth draws full-screen in the alternate screen with the
// cursor hidden; the first frame switches the terminal there.
func (s *screen) draw(v tea.View) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.open {
		s.term = s.newTerminal(s.out)
		s.term.EnterAltScreen()
		_, _ = s.term.WriteString(ansi.ResetModeTextCursorEnable + ansi.SetModeBracketedPaste)
		s.open, s.stale = true, true
	}
	if v.WindowTitle != s.title {
		_, _ = s.term.WriteString(ansi.SetWindowTitle(v.WindowTitle))
		s.title = v.WindowTitle
	}
	if s.stale || v.Content != s.drawn {
		s.render(v.Content)
		s.drawn, s.stale = v.Content, false
	}
	s.release.Reset(s.keep)
	return s.term.Flush()
}

// render draws content into the frame buffer and has the renderer send
// the lines that differ from what the client shows.
func (s *screen) render(content string) {
	switch {
	case s.frame == nil:
		s.frame = frames.Get().(*uv.ScreenBuffer)
		s.redraw(content)
		// A lent buffer's change marks describe someone else's frame:
		// mark the lines that changed since this session's last frame.
		clear(s.frame.Touched)
		changedLines(s.drawn, content, s.height, func(y int) { s.frame.TouchLine(0, y, s.width) })
	case s.stale:
		s.redraw(content)
	default:
		s.update(content)
	}
	s.term.Render(s.frame.RenderBuffer)
}

// redraw draws content into a cleared frame. The stale flag also makes
// the renderer repaint the whole screen.
func (s *screen) redraw(content string) {
	s.frame.Resize(s.width, s.height)
	s.frame.Clear()
	uv.NewStyledString(content).Draw(s.frame, s.frame.Bounds())
}

// update draws only the lines whose text changed since the frame buffer's
// last frame. A line can be drawn on its own when every style is reset
// where it starts; if one cannot, the whole content is drawn.
func (s *screen) update(content string) {
	lines := strings.SplitN(content, "\n", s.height+1)
	var rows []int
	changedLines(s.drawn, content, s.height, func(y int) { rows = append(rows, y) })
	reset := true
	for y, line := range lines[:min(len(lines), s.height)] {
		if !reset && slices.Contains(rows, y) {
			s.redraw(content)
			return
		}
		reset = endsReset(line, reset)
	}
	for _, y := range rows {
		row := uv.Rect(0, y, s.width, 1)
		s.frame.ClearArea(row)
		if y < len(lines) {
			uv.NewStyledString(lines[y]).Draw(s.frame, row)
		}
	}
}

// giveBackFrame lends an idle screen's frame buffer to others.
func (s *screen) giveBackFrame() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.frame != nil {
		frames.Put(s.frame)
		s.frame = nil
	}
}

// changedLines calls touch for each of the first height lines that may
// look different in the new frame. A line of the same text looks the same
// only if it starts with the same pen: styles carry over line ends, so a
// line counts as unchanged only when both frames reach it with every
// style reset.
func changedLines(old, new string, height int, touch func(y int)) {
	oldReset, newReset := true, true
	for y := range height {
		var o, n string
		o, old, _ = strings.Cut(old, "\n")
		n, new, _ = strings.Cut(new, "\n")
		if o != n || !oldReset || !newReset {
			touch(y)
		}
		oldReset = endsReset(o, oldReset)
		newReset = endsReset(n, newReset)
	}
}

// endsReset tells whether every style is reset after line, given whether
// it was before: lipgloss ends each styled run with a full reset (CSI m),
// and anything else is taken to leave a style on.
func endsReset(line string, before bool) bool {
	i := strings.LastIndex(line, "\x1b[")
	if i < 0 {
		return before
	}
	rest := line[i:]
	return strings.HasPrefix(rest, "\x1b[m") || strings.HasPrefix(rest, "\x1b[0m")
}

// close gives the terminal back as the session found it: the main screen,
// a visible cursor, no bracketed paste and no title.
func (s *screen) close() error {
	s.release.Stop()
	s.giveBackFrame()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.open {
		return nil
	}
	s.open = false
	s.term.MoveTo(0, s.height-1)
	s.term.ExitAltScreen()
	_, _ = s.term.WriteString(ansi.SetModeTextCursorEnable + ansi.ResetModeBracketedPaste)
	if s.title != "" {
		_, _ = s.term.WriteString(ansi.SetWindowTitle(""))
	}
	return s.term.Flush()
}

// drawnModel runs a booth model and draws its view on the screen after
// every message. bubbletea, running without a renderer, asks for the view
// after each update too: it gets the one already drawn. Each program a
// parked session starts runs the same drawnModel; only the first runs the
// booth's Init.
type drawnModel struct {
	inner   tea.Model
	screen  *screen
	parking *parking
	view    tea.View
	started bool
	// width and height are the size the booth was last told.
	width, height int
	// sawProfile and sawEnv: the booth has had these start-up messages.
	sawProfile, sawEnv bool
}

func (m *drawnModel) Init() tea.Cmd {
	if m.started {
		return nil
	}
	m.started = true
	return m.parking.wrap(m.inner.Init())
}

func (m *drawnModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	size, isSize := msg.(tea.WindowSizeMsg)
	if isSize {
		m.screen.resize(size.Width, size.Height)
	}
	// The booth learns the screen's size before anything else: a parked
	// session's window may have changed while no program ran.
	var cmds []tea.Cmd
	if w, h := m.screen.size(); w != m.width || h != m.height {
		m.width, m.height = w, h
		var cmd tea.Cmd
		m.inner, cmd = m.inner.Update(tea.WindowSizeMsg{Width: w, Height: h})
		cmds = append(cmds, cmd)
	}
	if !isSize && !m.repeat(msg) {
		var cmd tea.Cmd
		m.inner, cmd = m.inner.Update(msg)
		cmds = append(cmds, cmd)
	}
	if len(cmds) == 0 {
		return m, nil // nothing reached the booth: its view is the one drawn
	}
	cmd := tea.Batch(cmds...)
	m.view = m.inner.View()
	// A failed write means the connection is gone; the session's context
	// ends the program.
	_ = m.screen.draw(m.view)
	return m, m.parking.wrap(cmd)
}

// repeat tells the messages every program sends as it starts (the
// session's colour profile and environment) once the booth has them: a
// parked session's next program sends them again, unchanged.
func (m *drawnModel) repeat(msg tea.Msg) bool {
	switch msg.(type) {
	case tea.ColorProfileMsg:
		seen := m.sawProfile
		m.sawProfile = true
		return seen
	case tea.EnvMsg:
		seen := m.sawEnv
		m.sawEnv = true
		return seen
	}
	return false
}

func (m *drawnModel) View() tea.View { return m.view }
