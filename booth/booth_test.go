package booth

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// harness runs the booth in a teatest program with the ASCII profile, so
// the screens are plain text.
type harness struct {
	t  *testing.T
	tm *teatest.TestModel
	fb *fakeBackend
	// viaEnglish waits for text in the English of the screen shown, so
	// that one script drives the booth in every language (lang_test.go).
	viaEnglish bool
}

func start(t *testing.T, fb *fakeBackend, s Session, w, h int) *harness {
	t.Helper()
	if fb == nil {
		fb = newFake(t)
	}
	tm := startProgram(t, New(context.Background(), fb, s), w, h)
	hs := &harness{t: t, tm: tm, fb: fb, viaEnglish: s.Lang != ""}
	hs.waitFor("Signed in as", "Board of Directors election 2026")
	return hs
}

// screen is the model's content now, read on the program's goroutine after
// every message sent before it.
func (h *harness) screen() string {
	h.t.Helper()
	return readScreen(h.t, h.tm, (*model).content)
}

// waitFor waits until the screen shows every one of want.
func (h *harness) waitFor(want ...string) string {
	h.t.Helper()
	if h.viaEnglish {
		return waitForScreen(h.t, func() string { return readScreen(h.t, h.tm, englishContent) }, want...)
	}
	return waitForScreen(h.t, h.screen, want...)
}

// keys sends key presses by name (see namedKeys) or text.
func (h *harness) keys(ks ...string) { pressKeys(h.tm, ks...) }

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
	return finalModel[*model](h.t, h.tm)
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
	// Past the vote line to Amara Okafor, the fourth shown in this
	// member's order, whose statement is Markdown.
	h.keys("down", "down", "down", "down")
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
	h.keys("r", "cast", "enter")
	h.waitFor("Your ballot is cast")
	golden.RequireEqual(t, h.final())
}

func TestGoldenResults(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.keys("down", "down", "down", "enter")
	h.waitFor("See the results")
	h.keys("enter")
	h.waitFor("Elected:", "Round")
	golden.RequireEqual(t, h.final())
}

func TestGoldenResultsTable(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.keys("down", "down", "down", "enter")
	h.waitFor("See the results")
	h.keys("enter")
	h.waitFor("Elected:", "Round")
	h.keys("left", "t")
	h.waitFor("All rounds")
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
