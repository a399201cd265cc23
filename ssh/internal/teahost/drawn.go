package teahost

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

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
	// keyToFrame, when set, times key presses (see Options.KeyToFrame):
	// keyRead is when the key being handled was read, set by filter for
	// the Update that follows it on the program's goroutine.
	keyToFrame Observer
	keyRead    time.Time
}

// timedKey is a key press with the time it was read, on its way to the
// program's filter, which hands the booth the key alone.
type timedKey struct {
	key  uv.KeyPressEvent
	read time.Time
}

func (m *drawnModel) Init() tea.Cmd {
	if m.started {
		return nil
	}
	m.started = true
	return m.parking.wrap(m.inner.Init())
}

func (m *drawnModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	// The screen's size comes from the session's window changes alone: a
	// program's own size message, made as it started, may come after a
	// newer change. The booth learns the screen's size before anything
	// else: a parked session's window may have changed while no program
	// ran.
	_, isSize := msg.(tea.WindowSizeMsg)
	if isClearScreen(msg) {
		m.screen.clear()
	}
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
	if len(cmds) == 0 && !m.screen.repaintDue() {
		return m, nil // nothing reached the booth: its view is the one drawn
	}
	cmd := tea.Batch(cmds...)
	m.view = m.inner.View()
	// A failed write means the connection is gone; the session's context
	// ends the program.
	_ = m.screen.draw(m.view)
	if !m.keyRead.IsZero() {
		m.keyToFrame.Observe(time.Since(m.keyRead).Seconds())
		m.keyRead = time.Time{}
	}
	return m, m.parking.wrap(cmd)
}

// filter is the session's programs' message filter: programFilter's
// limits, and what a program writes to the terminal besides its frames
// goes through the screen, in order with them. bubbletea would write it
// at its next flush, after frames drawn since (the kiosk's wipe of the
// scrollback would blank the welcome screen on terminals that clear the
// screen with it), and it sends no query at all from a program without
// input of its own, as the booth's are (the booth asks for the
// background colour).
func (m *drawnModel) filter(model tea.Model, msg tea.Msg) tea.Msg {
	if k, ok := msg.(timedKey); ok {
		m.keyRead = k.read
		return tea.KeyPressMsg(k.key)
	}
	msg = programFilter(model, msg)
	if raw, ok := msg.(tea.RawMsg); ok {
		m.screen.send(fmt.Sprint(raw.Msg))
		return nil
	}
	if isBackgroundRequest(msg) {
		m.screen.send(ansi.RequestBackgroundColor)
		return nil
	}
	return msg
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
