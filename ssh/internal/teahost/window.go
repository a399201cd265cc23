package teahost

import (
	tea "charm.land/bubbletea/v2"
	cssh "charm.land/ssh"
)

// MaxWidth and MaxHeight clamp terminal sizes: the booth draws its views
// at the size the client claims, so a 10000×10000 request would cost
// gigabytes of text and cells; 200×80 costs little. The booth fits in
// 80×24 and gains nothing beyond this: a bigger terminal shows it in its
// top-left 200×80 cells.
const (
	MaxWidth  = 200
	MaxHeight = 80
)

// clampWindow bounds a terminal size the client claims.
func clampWindow(w, h int) (int, int) {
	return min(max(w, 0), MaxWidth), min(max(h, 0), MaxHeight)
}

// clampedPty is a session's PTY and window changes, clamped before the
// program sees them.
type clampedPty struct {
	pty   cssh.Pty
	winch chan cssh.Window
}

// clampPty clamps pty and the window changes that come on winch. pty and
// winch are the session's Pty()'s, read once: charm's session writes the
// PTY's window on every window-change request, so reading it again later
// would race.
func clampPty(pty cssh.Pty, winch <-chan cssh.Window) *clampedPty {
	pty.Window.Width, pty.Window.Height = clampWindow(pty.Window.Width, pty.Window.Height)
	pty.Window.WidthPixels, pty.Window.HeightPixels = 0, 0
	cs := &clampedPty{pty: pty, winch: make(chan cssh.Window, 1)}
	go cs.forward(winch)
	return cs
}

// forward copies window changes, clamped, keeping only the latest when
// the program is slower than the client: a flood of resizes costs one
// pending message, not a queue. It drains the session's channel until
// charm closes it at the session's end, so charm's request loop never
// blocks on it (which would leak that loop). The channel's first window
// is the PTY request's own, which cs.pty holds: it is no change.
func (cs *clampedPty) forward(in <-chan cssh.Window) {
	<-in
	for w := range in {
		w.Width, w.Height = clampWindow(w.Width, w.Height)
		w.WidthPixels, w.HeightPixels = 0, 0
		select {
		case <-cs.winch: // drop the stale size
		default:
		}
		cs.winch <- w // cannot block: this is the only sender
	}
}

// programFilter is the programs' message filter: a suspend request
// (ctrl+z) would stop the whole server process, so it resumes instead;
// and it clamps sizes once more, whatever their source.
func programFilter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch m := msg.(type) {
	case tea.SuspendMsg:
		return tea.ResumeMsg{}
	case tea.WindowSizeMsg:
		m.Width, m.Height = clampWindow(m.Width, m.Height)
		return m
	}
	return msg
}
