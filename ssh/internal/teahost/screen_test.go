package teahost

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	cssh "charm.land/ssh"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// client is a terminal on the far side of an emulated PTY: what a screen
// writes passes through charm's \n → \r\n and lands in a terminal emulator.
type client struct {
	term *vt.Emulator
	scr  *screen
}

func newClient(w, h int) *client {
	term := vt.NewEmulator(w, h)
	return &client{term: term, scr: newScreen(cssh.NewPtyWriter(term), colorprofile.ANSI256, w, h, time.Hour, func() {})}
}

// show draws content and checks that the client's terminal now shows
// exactly what content draws into an empty screen: every cell's text and
// style.
func (c *client) show(t *testing.T, step string, content string) {
	t.Helper()
	if err := c.scr.draw(tea.View{Content: content, WindowTitle: "booth"}); err != nil {
		t.Fatal(err)
	}
	want := uv.NewScreenBuffer(c.scr.width, c.scr.height)
	uv.NewStyledString(content).Draw(want, want.Bounds())
	for y := range c.scr.height {
		for x := range c.scr.width {
			got, exp := c.term.CellAt(x, y), want.CellAt(x, y)
			if got.Content != exp.Content || !looksSame(got.Style, exp.Style, got.Content == " ") {
				t.Fatalf("%s: cell (%d,%d) shows %q %+v, want %q %+v\nscreen:\n%s\nwant:\n%s",
					step, x, y, got.Content, got.Style, exp.Content, exp.Style, c.term.String(), content)
			}
		}
	}
}

// looksSame tells whether two styles look the same on a cell; on a blank
// the foreground colour and the text attributes show nothing, and the
// renderer may leave them out.
func looksSame(a, b uv.Style, blank bool) bool {
	if !blank {
		return a.Equal(&b)
	}
	return a.Bg == b.Bg && a.Underline == b.Underline && a.Attrs&uv.AttrReverse == b.Attrs&uv.AttrReverse
}

// Lines a generated frame is made of: plain, styled and reset, a style
// left open across the line end, a line with no text, wide characters
// (in two alignments, and cut at the screen's edge), lines longer than
// the screen.
var frameLines = []string{
	"Signed in as \x1b[1mAda\x1b[m (key SHA256:abc)",
	"\x1b[38;5;246m────────────────────────────────────────\x1b[m",
	"› Board of Directors 2026            closes in 2d 4h",
	"  Bylaw amendment                    closes in 5d",
	"\x1b[31mstill red at the end of the line",
	"plain text after an open style",
	"",
	"\x1b[7m 1  Ada Lovelace \x1b[m  │  Grace Hopper",
	"日本語の候補者 · 3 seats",
	" 日本語の候補者 · one column further",
	"ab",
	"\x1b[44m a background running past the right edge of any screen this test draws on, and on \x1b[m",
	"a wide character where the line is cut: " + strings.Repeat("x", 18) + "語語語語",
	"turnout 12 of 40 (30.0%) · \x1b[32mvoted ✓\x1b[0m",
}

func generatedFrame(r *rand.Rand, h int) string {
	n := 1 + r.IntN(h+2) // sometimes more lines than the screen
	lines := make([]string, n)
	for i := range lines {
		lines[i] = frameLines[r.IntN(len(frameLines))]
	}
	return strings.Join(lines, "\n")
}

// Whatever sequence of frames a session draws, and however its window
// changes between them, the client ends up showing each frame exactly.
func TestScreenShowsEveryFrameExactly(t *testing.T) {
	for seed := range uint64(20) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 7))
			c := newClient(60, 12)
			for i := range 100 {
				if r.IntN(8) == 0 {
					w, h := 40+r.IntN(30), 6+r.IntN(10)
					c.term.Resize(w, h)
					c.scr.resize(w, h)
				}
				c.show(t, fmt.Sprintf("frame %d", i), generatedFrame(r, c.scr.height))
			}
		})
	}
}

// After the program asks for a clear screen, the next frame draws
// everything again, even a frame the screen drew before: something else
// may have wiped the terminal.
func TestScreenRedrawsAllAfterAClear(t *testing.T) {
	c := newClient(60, 12)
	frame := strings.Join(frameLines, "\n")
	c.show(t, "first", frame)
	c.term.Write([]byte(ansi.EraseEntireScreen))
	c.scr.clear()
	c.show(t, "after a clear", frame)
}

// A window shrunk and grown back quickly reaches the screen as a change to
// the size it had (charm keeps only the latest), with the columns the
// terminal cut now blank: the screen repaints all the same.
func TestScreenRepaintsAfterAWindowChangeToTheSameSize(t *testing.T) {
	c := newClient(60, 12)
	frame := strings.Join(frameLines, "\n")
	c.show(t, "first", frame)
	c.term.Resize(30, 6)
	c.term.Resize(60, 12)
	c.scr.resize(60, 12)
	c.show(t, "after the window went small and back", frame)
}

// staticModel always shows the same text.
type staticModel string

func (m staticModel) Init() tea.Cmd                       { return nil }
func (m staticModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }
func (m staticModel) View() tea.View                      { return tea.NewView(string(m)) }

// The screen's size is the session's window, whatever size messages a
// program sees: each program sends one made as it started, which may
// come after a newer window change. And a window change draws at once,
// even when the booth has nothing new to show.
func TestDrawnModelFollowsTheSessionsWindow(t *testing.T) {
	frame := strings.Join(frameLines, "\n")
	c := newClient(40, 10)
	dm := &drawnModel{inner: staticModel(frame), screen: c.scr, parking: newParking(func(any) {})}
	dm.Update(tea.WindowSizeMsg{Width: 40, Height: 10})

	// The session's window goroutine: the screen first, then the message.
	c.term.Resize(100, 30)
	c.scr.resize(100, 30)
	dm.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	dm.Update(tea.WindowSizeMsg{Width: 40, Height: 10}) // a program's start-up size, late
	if w, h := c.scr.size(); w != 100 || h != 30 || dm.width != 100 || dm.height != 30 {
		t.Fatalf("the screen is %d×%d and the booth laid out for %d×%d; the window is 100×30", w, h, dm.width, dm.height)
	}
	if !strings.Contains(c.term.String(), "Bylaw amendment") {
		t.Fatalf("after the window changed the terminal shows:\n%s", c.term.String())
	}

	// Small and back before the program hears of either change.
	c.term.Resize(30, 6)
	c.scr.resize(30, 6)
	c.term.Resize(100, 30)
	c.scr.resize(100, 30)
	dm.Update(tea.WindowSizeMsg{Width: 30, Height: 6})
	dm.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if !strings.Contains(c.term.String(), "Bylaw amendment") {
		t.Fatalf("after the window went small and back the terminal shows:\n%s", c.term.String())
	}
}

// A cursor move on a drawn screen sends only the two lines that changed.
func TestScreenSendsOnlyWhatChanged(t *testing.T) {
	var out strings.Builder
	s := newScreen(cssh.NewPtyWriter(&out), colorprofile.ANSI256, 80, 24, time.Hour, func() {})
	first := strings.Join([]string{frameLines[0], frameLines[2], frameLines[3]}, "\n")
	moved := strings.Join([]string{frameLines[0], strings.Replace(frameLines[2], "›", " ", 1), strings.Replace(frameLines[3], "  ", "› ", 1)}, "\n")
	if err := s.draw(tea.View{Content: first}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := s.draw(tea.View{Content: moved}); err != nil {
		t.Fatal(err)
	}
	if n := out.Len(); n == 0 || n > 40 {
		t.Fatalf("a cursor move sent %d bytes: %q", n, out.String())
	}
	out.Reset()
	if err := s.draw(tea.View{Content: moved}); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Fatalf("an unchanged view sent %q", out.String())
	}
}

// Closing gives the terminal back: main screen, cursor shown, bracketed
// paste off, title cleared.
func TestScreenCloseRestoresTheTerminal(t *testing.T) {
	var out strings.Builder
	s := newScreen(&out, colorprofile.ANSI256, 80, 24, time.Hour, func() {})
	if err := s.draw(tea.View{Content: "hello", WindowTitle: "booth"}); err != nil {
		t.Fatal(err)
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, seq := range []string{"\x1b[?1049h", "\x1b[?25l", "\x1b[?1049l", "\x1b[?25h", "\x1b[?2004l", "\x1b]2;\a"} {
		if !strings.Contains(got, seq) {
			t.Errorf("output lacks %q: %q", seq, got)
		}
	}
}
