package booth

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"vote.example.org/booth/models"
)

// longName is a candidate name of 70 characters.
const longName = "Maria-Fernanda Castellanos Villanueva de la Torre y Montenegro-Ibarras"

// goldenSizes are the terminal sizes every screen is checked at: below
// the smallest the booth draws in, the smallest, the usual, and wide.
var goldenSizes = [][2]int{{40, 12}, {60, 16}, {80, 24}, {200, 50}}

// sizedFake is the usual fake backend whose board election has a
// seventh candidate, with a 70-character name.
func sizedFake(t *testing.T) *fakeBackend {
	if len(longName) != 70 {
		t.Fatalf("longName has %d characters", len(longName))
	}
	fb := newFake(t)
	fb.elections[1].Candidates = append(fb.elections[1].Candidates,
		models.Candidate{ID: "long-name", Name: longName, Affiliation: "Independent"})
	return fb
}

// rankSix ranks six of the seven candidates of the board election, the
// one with the long name among them.
func (h *harness) rankSix() {
	h.keys("v")
	h.waitFor("YOUR BALLOT", "NOT RANKED")
	h.keys("enter", "enter", "enter", "enter", "enter", "enter")
	h.waitFor("6 ranked, 1 not ranked")
}

// sizedScreens lead from home to each screen checked at every size.
var sizedScreens = []struct {
	name string
	fake func(*fakeBackend)
	to   func(*harness)
}{
	{"Home", nil, func(*harness) {}},
	{"HomeNotVoted", notVotedInThree, func(*harness) {}},
	{"Election", nil, func(h *harness) { h.openBoard() }},
	{"Statement", nil, func(h *harness) {
		h.openBoard()
		h.keys("down", "enter")
		h.waitFor("esc/q back")
	}},
	{"Replace", func(fb *fakeBackend) { fb.elections[1].Voted = true }, func(h *harness) {
		h.openBoard()
		h.waitFor("Replace your ballot")
		h.keys("enter")
		h.waitFor("REPLACE YOUR BALLOT")
	}},
	{"Ranking", nil, func(h *harness) {
		h.openBoard()
		h.rankSix()
	}},
	{"RankingLongName", nil, func(h *harness) {
		h.openBoard()
		h.rankSix()
		h.keys("tab")
	}},
	{"ElectionCandidates", nil, func(h *harness) {
		h.openBoard()
		h.keys("down", "down", "down", "down", "down", "down")
	}},
	{"Review", nil, func(h *harness) {
		h.openBoard()
		h.rankSix()
		h.keys("r")
		h.waitFor("REVIEW YOUR BALLOT")
	}},
	{"Receipt", nil, func(h *harness) {
		h.openBoard()
		h.rankSix()
		h.keys("r", "cast", "enter")
		h.waitFor("Your ballot is cast")
	}},
	{"Results", nil, func(h *harness) {
		h.keys("down", "down", "down", "enter")
		h.waitFor("See the results")
		h.keys("enter")
		h.waitFor("Elected:", "Round")
	}},
	{"ResultsTable", nil, func(h *harness) {
		h.keys("down", "down", "down", "enter")
		h.waitFor("See the results")
		h.keys("enter")
		h.waitFor("Elected:", "Round")
		h.keys("left", "t")
		h.waitFor("All rounds")
	}},
	{"Help", nil, func(h *harness) {
		h.openBoard()
		h.keys("v", "?")
		h.waitFor("Keys on this screen")
	}},
}

// TestGoldenSizes draws every screen at every one of goldenSizes, with a
// ballot of six ranks and a candidate name of 70 characters.
func TestGoldenSizes(t *testing.T) {
	for _, sc := range sizedScreens {
		for _, size := range goldenSizes {
			t.Run(fmt.Sprintf("%s/%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				fb := sizedFake(t)
				if sc.fake != nil {
					sc.fake(fb)
				}
				h := start(t, fb, testSession(), 80, 24)
				sc.to(h)
				h.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				got := h.final()
				checkFits(t, got, size[0], size[1])
				golden.RequireEqual(t, got)
			})
		}
	}
}

// checkFits fails if the screen has more lines than the terminal, or a
// line wider than it or than the booth's cap.
func checkFits(t *testing.T, screen string, w, h int) {
	t.Helper()
	ls := strings.Split(screen, "\n")
	if len(ls) > h {
		t.Errorf("%d lines on a %dx%d terminal", len(ls), w, h)
	}
	for i, l := range ls {
		if n := ansi.StringWidth(l); n > min(w, 100) {
			t.Errorf("line %d is %d wide on a %dx%d terminal: %q", i+1, n, w, h, l)
		}
	}
}

// sized is the booth at w×h on the screen to leads to from home.
func sized(t *testing.T, fb *fakeBackend, w, h int, to func(*harness)) string {
	t.Helper()
	hs := start(t, fb, testSession(), 80, 24)
	to(hs)
	hs.tm.Send(tea.WindowSizeMsg{Width: w, Height: h})
	got := hs.final()
	checkFits(t, got, w, h)
	return got
}

// TestSmallScreensShowAll checks, at the smallest sizes, what each
// screen must show whole (item 12 of issue 12).
func TestSmallScreensShowAll(t *testing.T) {
	t.Run("TooSmallSaysTheSizeNeeded", func(t *testing.T) {
		got := sized(t, nil, 40, 12, func(*harness) {})
		if !strings.Contains(flat(got), "need 60×16)") {
			t.Errorf("at 40×12:\n%s", got)
		}
	})
	t.Run("HomeAt60", func(t *testing.T) {
		got := flat(sized(t, nil, 60, 16, func(*harness) {}))
		for _, want := range []string{"SHA256:q9Vt7b1yQm0l7x1m6kzY9nJ0c4Xo3bqj8m2e5k8kE2U", "(1.7%) · voted ✓",
			"closes in 12h (2026-12-06 00:00 UTC)", "not voted yet", "↓ more below"} {
			if !strings.Contains(got, want) {
				t.Errorf("home at 60×16 lacks %q:\n%s", want, got)
			}
		}
		got = flat(sized(t, nil, 60, 16, func(h *harness) { h.keys("down", "down", "down") }))
		if !strings.Contains(got, "you voted ✓") || !strings.Contains(got, "↑ more above") {
			t.Errorf("home at 60×16 on the last election:\n%s", got)
		}
	})
	t.Run("LongNameWholeOnTheBallotAt80", func(t *testing.T) {
		got := sized(t, sizedFake(t), 80, 24, func(h *harness) {
			h.openBoard()
			h.rankSix()
			h.keys("tab")
		})
		if !strings.Contains(got, longName) {
			t.Errorf("the ranking at 80×24 does not show %q whole:\n%s", longName, got)
		}
	})
	t.Run("LongNameWholeInTheStatementAt60", func(t *testing.T) {
		got := sized(t, sizedFake(t), 60, 16, func(h *harness) {
			h.openBoard()
			h.keys("down", "enter")
			h.waitFor("esc/q back")
		})
		if !strings.Contains(flat(got), longName) {
			t.Errorf("the statement at 60×16 does not show %q whole:\n%s", longName, got)
		}
	})
	t.Run("ReviewShowsSixRanksAt60x16", func(t *testing.T) {
		got := sized(t, sizedFake(t), 60, 16, func(h *harness) {
			h.openBoard()
			h.rankSix()
			h.keys("r")
			h.waitFor("REVIEW YOUR BALLOT")
		})
		for _, want := range []string{"1. ", "2. ", "3. ", "4. ", "5. ", "6. ", "scroll", "Type cast to confirm:"} {
			if !strings.Contains(got, want) {
				t.Errorf("the review at 60×16 lacks %q:\n%s", want, got)
			}
		}
	})
	t.Run("ElectionListGoesOnAt60x16", func(t *testing.T) {
		got := sized(t, sizedFake(t), 60, 16, func(h *harness) { h.openBoard() })
		if !strings.Contains(got, "↓ more below") || !strings.Contains(flat(got), "Fingerprint 7f3a9c0d41e2b6a8f5c3d2e1b0a99887766554433221100ffeeddccbbaa9 c2") {
			t.Errorf("the election at 60×16:\n%s", got)
		}
	})
	t.Run("ReceiptScrollsAt60x16", func(t *testing.T) {
		to := func(h *harness) {
			h.openBoard()
			h.rankSix()
			h.keys("r", "cast", "enter")
			h.waitFor("Your ballot is cast")
		}
		if got := sized(t, sizedFake(t), 60, 16, to); !strings.Contains(got, "↓ more below") {
			t.Errorf("the receipt at 60×16 is cut without a sign:\n%s", got)
		}
		got := sized(t, sizedFake(t), 60, 16, func(h *harness) {
			to(h)
			h.tm.Send(tea.WindowSizeMsg{Width: 60, Height: 16})
			for range 20 {
				h.keys("down")
			}
		})
		if strings.Contains(got, "↓ more below") || !strings.Contains(got, "↑ more above") {
			t.Errorf("the receipt at 60×16 scrolled to its end:\n%s", got)
		}
	})
	t.Run("CappedAt200", func(t *testing.T) {
		got := sized(t, nil, 200, 50, func(*harness) {})
		for _, l := range strings.Split(got, "\n") {
			if ansi.StringWidth(l) > 100 {
				t.Fatalf("a line %d wide at 200×50: %q", ansi.StringWidth(l), l)
			}
		}
	})
}

// TestGoldenKioskSizes draws the kiosk's welcome screen and a voter's home
// in it at every one of goldenSizes.
func TestGoldenKioskSizes(t *testing.T) {
	for _, sc := range kioskSizedScreens(t) {
		for _, size := range goldenSizes {
			t.Run(fmt.Sprintf("%s/%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				env := newKioskEnv(t)
				h := startKiosk(t, env, KioskConfig{Name: "Stand A · hall 2"}, false)
				sc.to(h, env)
				h.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				got := h.screen()
				checkFits(t, got, size[0], size[1])
				golden.RequireEqual(t, got)
			})
		}
	}
}

// kioskSizedScreens lead from the kiosk's start to each of its screens
// checked at every size.
func kioskSizedScreens(t *testing.T) []struct {
	name string
	to   func(*kioskHarness, *kioskEnv)
} {
	return []struct {
		name string
		to   func(*kioskHarness, *kioskEnv)
	}{
		{"Welcome", func(h *kioskHarness, _ *kioskEnv) { h.waitFor("Type it below") }},
		{"VoterHome", func(h *kioskHarness, env *kioskEnv) { h.signIn(env.issue(t, "ada", 0).Code, "Ada Lovelace") }},
	}
}

// A kiosk at the booth's minimum size draws the voter's booth: the
// kiosk's status line must not leave the booth a row short of it.
func TestKioskVoterAtTheMinimumSize(t *testing.T) {
	env := newKioskEnv(t)
	h := startKiosk(t, env, KioskConfig{}, false)
	h.signIn(env.issue(t, "ada", 0).Code, "Ada Lovelace")
	h.tm.Send(tea.WindowSizeMsg{Width: minWidth, Height: minHeight})
	if got := h.screen(); strings.Contains(got, "please enlarge") || !strings.Contains(got, "Board of Directors election 2026") {
		t.Errorf("a voter in a %d×%d kiosk sees:\n%s", minWidth, minHeight, got)
	}
	// The status line under the booth says whole how the visit ends.
	if got := h.screen(); !strings.Contains(got, "idle starts over, casting nothing") {
		t.Errorf("the kiosk's status line at %d columns is cut:\n%s", minWidth, got)
	}
	h.tm.Send(tea.WindowSizeMsg{Width: minWidth, Height: minHeight - 1})
	if got := flat(h.screen()); !strings.Contains(got, fmt.Sprintf("(now %d×%d, need %d×%d)", minWidth, minHeight-1, minWidth, minHeight)) {
		t.Errorf("a voter in a %d×%d kiosk sees:\n%s", minWidth, minHeight-1, got)
	}
}

// TestGoldenOfflineSizes draws the offline review's screens at every one
// of goldenSizes.
func TestGoldenOfflineSizes(t *testing.T) {
	for _, sc := range offlineSizedScreens {
		for _, size := range goldenSizes {
			t.Run(fmt.Sprintf("%s/%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				f := newOfflineFixture(t, true)
				h := startOffline(t, f.data, f.trust(t))
				sc.to(h, &f)
				h.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				got := h.final()
				checkFits(t, got, size[0], size[1])
				golden.RequireEqual(t, got)
			})
		}
	}
}

// offlineSizedScreens lead from the review's summary to each of its
// screens checked at every size.
var offlineSizedScreens = []struct {
	name string
	to   func(*offlineHarness, *offlineFixture)
}{
	{"Summary", func(*offlineHarness, *offlineFixture) {}},
	{"Results", func(h *offlineHarness, _ *offlineFixture) {
		h.keys("enter")
		h.waitFor("Elected:", "Round 4 of 4")
	}},
	{"Lookup", func(h *offlineHarness, f *offlineFixture) {
		h.keys("f")
		h.waitFor("FIND YOUR BALLOT")
		h.keys(strings.ToLower(f.receipts[40]), "enter")
		h.waitFor("Counted.")
	}},
}

// The offline review's summary, taller than a 60×16 terminal, says it
// goes on and scrolls to its end with ↓.
func TestOfflineSummaryScrollsAt60x16(t *testing.T) {
	f := newOfflineFixture(t, true)
	h := startOffline(t, f.data, f.trust(t))
	h.tm.Send(tea.WindowSizeMsg{Width: 60, Height: 16})
	if got := h.screen(); !strings.Contains(got, "↓ more below") {
		t.Fatalf("the summary at 60×16 is cut without a sign:\n%s", got)
	}
	for range 30 {
		h.keys("down")
	}
	got := h.final()
	if strings.Contains(got, "↓ more below") || !strings.Contains(got, "↑ more above") {
		t.Errorf("the summary at 60×16 scrolled to its end:\n%s", got)
	}
}
