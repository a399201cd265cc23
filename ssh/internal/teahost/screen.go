package teahost

import (
	"bytes"
	"io"
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
// while bubbletea writes the clipboard (OSC 52) to the same session, and
// an escape sequence must never be cut by another.
type sessionOutput struct {
	mu sync.Mutex
	w  io.Writer
}

func (o *sessionOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.w.Write(p)
}

// A screen keeps no cells of its own. A model of the client's screen in
// cells (ultraviolet's renderer keeps one, and a frame to compare it with)
// costs some 200 KB a session, and with a thousand members at work the
// garbage collector's passes over those pointer-filled buffers stalled
// every session for a tenth of a second every few seconds. The screen
// keeps the text it last drew instead: a new view is compared with it
// line by line, and only a line that changed is parsed into cells, old
// and new, to send the cells that differ.

// lineBuffers lend the one-line cell buffers a changed line is parsed
// into, old and new.
var lineBuffers = sync.Pool{New: func() any { return &[2]uv.ScreenBuffer{uv.NewScreenBuffer(0, 1), uv.NewScreenBuffer(0, 1)} }}

// outBuffers lend the buffer a frame's output is built in, sent in one
// write.
var outBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// screen draws one session's views. A screen with no new frame for keep
// calls idle.
type screen struct {
	out     io.Writer
	profile colorprofile.Profile
	release *time.Timer   // calls idle
	keep    time.Duration // how long after its last frame the screen is idle

	mu            sync.Mutex // guards what follows, and writes to out
	width, height int
	drawn         []string // the lines on the client's screen
	drawnPens     []string // the styles open where each of them starts
	title         string
	stale         bool // the next frame draws everything
	open          bool // in the alternate screen
}

func newScreen(out io.Writer, profile colorprofile.Profile, width, height int, keep time.Duration, idle func()) *screen {
	s := &screen{out: out, profile: profile, width: width, height: height, keep: keep}
	s.release = time.AfterFunc(time.Hour, idle)
	s.release.Stop()
	return s
}

// size is the client's window as last known.
func (s *screen) size() (width, height int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.width, s.height
}

// resize follows the client's window. The terminal rearranges what it
// shows in ways nobody can tell, so the next frame clears and draws all,
// even at the size the screen had: a window shrunk and grown back quickly
// reaches the server as one change to the size it had, with the columns
// the terminal cut now blank.
func (s *screen) resize(width, height int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.width, s.height = width, height
	s.stale = true
}

// repaintDue tells whether the next frame draws everything, even one the
// screen has drawn.
func (s *screen) repaintDue() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stale && s.open
}

// awake starts the wait after which an idle screen calls idle, as a
// program starts: one woken by something it ignores draws nothing.
func (s *screen) awake() {
	s.release.Reset(s.keep)
}

// send writes a sequence a program sends besides its frames (a terminal
// query, the kiosk's wipe of the scrollback) in order with them.
func (s *screen) send(seq string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = io.WriteString(s.out, seq)
}

// clear has the next frame clear the screen and draw everything: the
// program asked for it (the kiosk does, wiping the terminal between
// voters).
func (s *screen) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stale = true
}

// draw puts v on the client's screen, sending what changed since the last
// frame. The booth draws full-screen in the alternate screen with the
// cursor hidden; the first frame switches the terminal there.
func (s *screen) draw(v tea.View) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	buf := outBuffers.Get().(*bytes.Buffer)
	defer outBuffers.Put(buf)
	buf.Reset()
	if !s.open {
		buf.WriteString(ansi.SetModeAltScreenSaveCursor + ansi.ResetModeTextCursorEnable + ansi.SetModeBracketedPaste)
		s.open, s.stale = true, true
	}
	if v.WindowTitle != s.title {
		buf.WriteString(ansi.SetWindowTitle(v.WindowTitle))
		s.title = v.WindowTitle
	}
	lines := strings.SplitN(v.Content, "\n", s.height+1)
	lines = lines[:min(len(lines), s.height)]
	pens := openPens(lines)
	if s.stale {
		// The pen is reset after every frame, so this clears to the
		// terminal's own background.
		buf.WriteString(ansi.CursorHomePosition + ansi.EraseEntireScreen)
		s.drawn, s.drawnPens = nil, nil
	}
	p := painter{buf: buf, profile: s.profile, width: s.width}
	for y := range s.height {
		var oldLine, oldPen, newLine, newPen string
		if y < len(s.drawn) {
			oldLine, oldPen = s.drawn[y], s.drawnPens[y]
		}
		if y < len(lines) {
			newLine, newPen = lines[y], pens[y]
		}
		if oldLine != newLine || oldPen != newPen {
			p.line(y, oldPen+oldLine, newPen+newLine)
		}
	}
	p.resetPen()
	s.drawn, s.drawnPens, s.stale = lines, pens, false
	s.release.Reset(s.keep)
	if buf.Len() == 0 {
		return nil
	}
	_, err := s.out.Write(buf.Bytes())
	return err
}

// openPens returns, for each line, the style sequences still in effect
// where it starts ("" where every style is reset). Styles carry over line
// ends, so a line is parsed with its open styles in front of it.
func openPens(lines []string) []string {
	pens := make([]string, len(lines))
	open := ""
	for y, line := range lines {
		pens[y] = open
		for rest := line; ; {
			i := strings.Index(rest, "\x1b[")
			if i < 0 {
				break
			}
			rest = rest[i:]
			end := strings.IndexFunc(rest[2:], func(r rune) bool { return r >= 0x40 && r <= 0x7e })
			if end < 0 {
				break
			}
			seq := rest[:2+end+1]
			rest = rest[len(seq):]
			if seq[len(seq)-1] != 'm' {
				continue
			}
			switch params := seq[2 : len(seq)-1]; {
			case params == "" || params == "0":
				open = ""
			case strings.HasPrefix(params, "0;"):
				open = seq
			default:
				open += seq
			}
		}
	}
	return pens
}

// painter writes the cells of a frame that differ from the client's
// screen.
type painter struct {
	buf     *bytes.Buffer
	profile colorprofile.Profile
	width   int
	pen     uv.Style // the terminal's current style, as converted
}

// line sends the cells of row y that differ between old and new (each a
// line of styled text).
func (p *painter) line(y int, old, new string) {
	bufs := lineBuffers.Get().(*[2]uv.ScreenBuffer)
	defer lineBuffers.Put(bufs)
	o, n := parseLine(&bufs[0], old, p.width), parseLine(&bufs[1], new, p.width)
	first := 0
	for first < p.width && o[first].Equal(&n[first]) {
		first++
	}
	if first == p.width {
		return
	}
	last := p.width - 1
	for last > first && o[last].Equal(&n[last]) {
		last--
	}
	// Neither end can fall inside a wide character: its cells differ
	// together or not at all.
	// Where the new line ends in blanks, erasing to the end of the line
	// is shorter than writing them.
	tail := p.width
	for tail > 0 && isBlank(&n[tail-1]) {
		tail--
	}
	p.buf.WriteString(ansi.CursorPosition(first+1, y+1))
	end := last + 1
	if tail <= last {
		end = tail
	}
	for x := first; x < end; x++ {
		c := &n[x]
		if c.Width == 0 {
			continue
		}
		p.setPen(c.Style)
		if c.Content == "" {
			p.buf.WriteByte(' ')
		} else {
			p.buf.WriteString(c.Content)
		}
	}
	if tail <= last {
		p.resetPen()
		p.buf.WriteString(ansi.EraseLineRight)
	}
}

// parseLine draws a line of styled text into a one-row buffer of width
// cells and returns its cells.
func parseLine(b *uv.ScreenBuffer, text string, width int) uv.Line {
	b.Resize(width, 1)
	uv.NewStyledString(text).Draw(b, b.Bounds())
	return b.Line(0)
}

// isBlank tells a cell that shows nothing on the terminal's background.
func isBlank(c *uv.Cell) bool {
	return c.Width == 1 && c.Content == " " && c.Style.IsZero() && c.Link.IsZero()
}

// setPen switches the terminal to style, in the session's colours.
func (p *painter) setPen(style uv.Style) {
	st := uv.ConvertStyle(style, p.profile)
	if st.Equal(&p.pen) {
		return
	}
	if st.IsZero() {
		p.buf.WriteString(ansi.ResetStyle)
	} else {
		p.buf.WriteString(st.Diff(&p.pen))
	}
	p.pen = st
}

// resetPen leaves every style off, as each frame ends.
func (p *painter) resetPen() { p.setPen(uv.Style{}) }

// close gives the terminal back as the session found it: the main screen,
// a visible cursor, no bracketed paste and no title.
func (s *screen) close() error {
	s.release.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.open {
		return nil
	}
	s.open = false
	seq := ansi.ResetModeAltScreenSaveCursor + ansi.SetModeTextCursorEnable + ansi.ResetModeBracketedPaste
	if s.title != "" {
		seq += ansi.SetWindowTitle("")
	}
	_, err := io.WriteString(s.out, seq)
	return err
}
