package teahost

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	cssh "charm.land/ssh"
)

func TestClampWindow(t *testing.T) {
	for _, tc := range []struct{ w, h, ww, wh int }{
		{80, 24, 80, 24},
		{10000, 10000, MaxWidth, MaxHeight},
		{-5, 1 << 40, 0, MaxHeight},
	} {
		if w, h := clampWindow(tc.w, tc.h); w != tc.ww || h != tc.wh {
			t.Errorf("clampWindow(%d, %d) = %d, %d; want %d, %d", tc.w, tc.h, w, h, tc.ww, tc.wh)
		}
	}
}

// A clamped PTY passes on window changes, clamped, but not the
// window its PTY request gave, which charm sends first: the screen starts
// at that size, and a change to it would draw the first screen twice.
func TestClampedPtyPassesOnChangesOnly(t *testing.T) {
	in := make(chan cssh.Window, 2)
	in <- cssh.Window{Width: 80, Height: 24} // charm's, as the PTY request came
	cs := clampPty(cssh.Pty{Window: cssh.Window{Width: 80, Height: 24}}, in)
	in <- cssh.Window{Width: 100000, Height: 30}
	close(in)
	select {
	case w := <-cs.winch:
		if w.Width != MaxWidth || w.Height != 30 {
			t.Fatalf("the first window passed on is %d×%d, want the change, clamped: %d×30", w.Width, w.Height, MaxWidth)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the window change was not passed on")
	}
}

func TestProgramFilterResumesAndClamps(t *testing.T) {
	if _, ok := programFilter(nil, tea.SuspendMsg{}).(tea.ResumeMsg); !ok {
		t.Error("a suspend request is not turned into a resume")
	}
	got := programFilter(nil, tea.WindowSizeMsg{Width: 99999, Height: 99999})
	if got != (tea.WindowSizeMsg{Width: MaxWidth, Height: MaxHeight}) {
		t.Errorf("programFilter let %v through", got)
	}
}
