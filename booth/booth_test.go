package booth

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// harness runs the booth in a teatest program with the ASCII profile, so
// the screens are plain text.
type harness struct {
	t  *testing.T
	tm *teatest.TestModel
	fb *fakeBackend
}

func start(t *testing.T, fb *fakeBackend, s Session, w, h int) *harness {
	t.Helper()
	if fb == nil {
		fb = newFake(t)
	}
	tm := teatest.NewTestModel(t, New(context.Background(), fb, s),
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii),
			tea.WithEnvironment([]string{"TERM=xterm-256color"})))
	hs := &harness{t: t, tm: tm, fb: fb}
	hs.waitFor("Signed in as", "Board of Directors election 2026")
	return hs
}

// screen is the model's content now, read on the program's goroutine after
// every message sent before it.
func (h *harness) screen() string {
	h.t.Helper()
	ch := make(chan string, 1)
	h.tm.Send(probeMsg(func(m *model) { ch <- m.content() }))
	select {
	case s := <-ch:
		return s
	case <-time.After(10 * time.Second):
		h.t.Fatal("the program did not answer a probe")
		return ""
	}
}

// waitFor waits until the screen shows every one of want: backend answers
// arrive as messages some time after the key that asked for them.
func (h *harness) waitFor(want ...string) string {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := h.screen()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the screen never showed %q; it shows:\n%s", want, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// keys sends key presses by name: "enter", "esc", "up", "down", "tab",
// "space", "ctrl+c" or text typed one character at a time.
func (h *harness) keys(ks ...string) {
	for _, k := range ks {
		switch k {
		case "enter":
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		case "esc":
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
		case "up":
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeyUp})
		case "down":
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
		case "left":
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeyLeft})
		case "right":
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeyRight})
		case "tab":
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
		case "space":
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
		case "ctrl+c":
			h.tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
		default:
			h.tm.Type(k)
		}
	}
}

// final quits and returns the final model's view content.
func (h *harness) final() string {
	h.t.Helper()
	if err := h.tm.Quit(); err != nil {
		h.t.Fatal(err)
	}
	return h.finalModel().View().Content
}

func (h *harness) finalModel() *model {
	h.t.Helper()
	return h.tm.FinalModel(h.t, teatest.WithFinalTimeout(10*time.Second)).(*model)
}

// openBoard goes from home to the board election.
func (h *harness) openBoard() {
	h.keys("down", "enter")
	h.waitFor("Meek STV · 3 seats", "CANDIDATES")
}

func TestGoldenHome(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	golden.RequireEqual(t, h.final())
}

func TestGoldenElection(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.openBoard()
	golden.RequireEqual(t, h.final())
}

func TestGoldenStatement(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.openBoard()
	h.keys("down", "down") // past the vote line to the second candidate shown
	h.keys("enter")
	h.waitFor("esc/q back")
	golden.RequireEqual(t, h.final())
}

// rankSome ranks three candidates: the first shown, then the third, then
// the first again (which moves up as the pane shrinks).
func (h *harness) rankSome() {
	h.keys("v")
	h.waitFor("YOUR BALLOT", "NOT RANKED")
	h.keys("enter", "down", "enter", "enter")
	h.waitFor("3 ranked, 3 not ranked")
}

func TestGoldenRanking(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.openBoard()
	h.rankSome()
	h.keys("tab", "down", "K") // the second on the ballot moves up
	golden.RequireEqual(t, h.final())
}

func TestGoldenReview(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.openBoard()
	h.rankSome()
	h.keys("r")
	h.waitFor("REVIEW YOUR BALLOT")
	golden.RequireEqual(t, h.final())
}

func TestGoldenReceipt(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.openBoard()
	h.rankSome()
	h.keys("r", "yes", "enter")
	h.waitFor("Your ballot is cast")
	golden.RequireEqual(t, h.final())
}

func TestGoldenResults(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.keys("down", "down", "down", "enter")
	h.waitFor("See the results")
	h.keys("enter")
	h.waitFor("Elected:", "Stage")
	golden.RequireEqual(t, h.final())
}

func TestGoldenResultsTable(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.keys("down", "down", "down", "enter")
	h.waitFor("See the results")
	h.keys("enter")
	h.waitFor("Elected:", "Stage")
	h.keys("left", "t")
	h.waitFor("All stages")
	golden.RequireEqual(t, h.final())
}

func TestGoldenHelp(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.openBoard()
	h.keys("v", "?")
	h.waitFor("Keys on this screen")
	golden.RequireEqual(t, h.final())
}

func TestGoldenTooSmall(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.tm.Send(tea.WindowSizeMsg{Width: 59, Height: 16})
	h.waitFor("please enlarge")
	golden.RequireEqual(t, h.final())
}
