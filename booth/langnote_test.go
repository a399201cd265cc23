package booth

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// A member who chose Japanese on a terminal that shows only ASCII reads
// English, and the booth says why: on home until the first key, in a
// 40×12 terminal too (where it asks for a larger one), every line within
// the width; then it is gone.
func TestLangNoteOnTheFullScreenBooth(t *testing.T) {
	const note = "Your language is set to ja, but your terminal's locale shows only ASCII, so the booth speaks English here; connect with a UTF-8 locale (ssh -o SetEnv=LANG=en_US.UTF-8) to read it in ja."
	s := testSession()
	s.Lang, s.ASCII, s.LangUnreadable = "en", true, "ja"
	h := start(t, nil, s, 80, 24)
	for _, size := range []struct{ w, h int }{{80, 24}, {60, 16}, {40, 12}} {
		h.tm.Send(tea.WindowSizeMsg{Width: size.w, Height: size.h})
		screen := h.waitFor("ASCII,")
		if got := strings.Join(strings.Fields(ansi.Strip(screen)), " "); !strings.Contains(got, note) {
			t.Errorf("%d×%d: the note is not whole:\n%s", size.w, size.h, screen)
		}
		ls := strings.Split(strings.TrimRight(screen, "\n"), "\n")
		if len(ls) > size.h {
			t.Errorf("%d×%d: %d lines:\n%s", size.w, size.h, len(ls), screen)
		}
		for _, l := range ls {
			if w := ansi.StringWidth(l); w > size.w {
				t.Errorf("%d×%d: a line of width %d: %q", size.w, size.h, w, l)
			}
		}
	}
	h.tm.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.waitFor("Board of Directors election 2026", "ASCII,")
	h.keys("down")
	h.waitFor("Board of Directors election 2026")
	if screen := h.screen(); strings.Contains(screen, "UTF-8") {
		t.Errorf("the note stays after a key:\n%s", screen)
	}
	h.final()
}

// A member whose terminal shows their language gets no note.
func TestNoLangNoteWhenTheLanguageShows(t *testing.T) {
	h := start(t, nil, langSession("ja"), 80, 24)
	if screen := h.screen(); strings.Contains(screen, "UTF-8") {
		t.Errorf("a note for a member who reads their language:\n%s", screen)
	}
	h.final()
}

// TestGoldenLangNote is home with the note, at 80×24.
func TestGoldenLangNote(t *testing.T) {
	s := testSession()
	s.Lang, s.ASCII, s.LangUnreadable = "en", true, "ja"
	h := start(t, nil, s, 80, 24)
	h.waitFor("ASCII,")
	golden.RequireEqual(t, h.final())
}
