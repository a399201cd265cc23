package booth

import (
	"encoding/base64"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"vote.example.org/booth/models"
)

// TestFullFlow votes from home to the receipt and checks the backend got
// exactly one cast, of the ballot shown.
func TestFullFlow(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.openBoard()
	h.rankSome()
	h.keys("r")
	h.waitFor("REVIEW YOUR BALLOT")
	if n := len(h.fb.castCalls()); n != 0 {
		t.Fatalf("%d casts before the confirmation", n)
	}
	h.keys("cast", "enter")
	s := h.waitFor("Your ballot is cast", "Your receipt")

	order := CandidateOrder(fakeSecret, "m-0042", boardElection().Definition)
	ids := boardElection().Candidates
	want := models.Ballot{Ranks: [][]string{{ids[order[0]].ID}, {ids[order[2]].ID}, {ids[order[3]].ID}}}
	casts := h.fb.castCalls()
	if len(casts) != 1 {
		t.Fatalf("got %d casts, want 1", len(casts))
	}
	if c := casts[0]; c.election != "board-2026" || c.member != "m-0042" || !reflect.DeepEqual(c.ballot, want) {
		t.Errorf("cast %+v, want board-2026 by m-0042 with %v", c, want.Ranks)
	}
	receipt := h.fb.receiptFor(1)
	if !strings.Contains(s, receipt) {
		t.Errorf("the receipt %s is not on the screen:\n%s", receipt, s)
	}
	h.keys("enter")
	h.waitFor("Signed in as")
	if m := h.finalModelAfterQuit(); m.receipt != "" {
		t.Error("the model still holds the receipt after the receipt screen")
	}
	out, _ := io.ReadAll(h.tm.Output())
	if osc := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(receipt)); !strings.Contains(string(out), osc) {
		t.Errorf("the receipt was not offered to the clipboard with OSC 52")
	}
}

func (f *fakeBackend) receiptFor(n int) string {
	g := &fakeBackend{receipts: n - 1}
	return g.receipt()
}

func (h *harness) finalModelAfterQuit() *model {
	h.t.Helper()
	if err := h.tm.Quit(); err != nil {
		h.t.Fatal(err)
	}
	return h.finalModel()
}

// TestStrayKeysOnReviewDoNotCast presses single keys and near misses on the
// review screen: none of them may cast.
func TestStrayKeysOnReviewDoNotCast(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.openBoard()
	h.rankSome()
	h.keys("r")
	h.waitFor("REVIEW YOUR BALLOT")
	for _, k := range [][]string{
		{"y"}, {"enter"}, {"space"}, {"Y"}, {"c"}, {"n"}, {"c", "x", "y"}, {"ye", "enter"}, {"yes", "enter"}, {"cas", "enter"}, {"casts", "enter"},
		{"c", "enter"}, {"c", "c", "y", "enter"}, {"down"}, {"up"},
	} {
		h.keys(k...)
	}
	s := h.screen()
	if !strings.Contains(s, "REVIEW YOUR BALLOT") {
		t.Errorf("no longer on the review screen:\n%s", s)
	}
	if n := len(h.fb.castCalls()); n != 0 {
		t.Fatalf("stray keys cast %d ballots", n)
	}
	h.final()
	if n := len(h.fb.castCalls()); n != 0 {
		t.Fatalf("%d casts after quitting", n)
	}
}

// TestResizeKeepsBallot shrinks the terminal to the minimum and below,
// then back: the ballot is the same.
func TestResizeKeepsBallot(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.openBoard()
	h.rankSome()
	before := h.screen()
	h.tm.Send(tea.WindowSizeMsg{Width: 60, Height: 16})
	small := h.waitFor("YOUR BALLOT")
	for i, l := range strings.Split(small, "\n") {
		if w := ansi.StringWidth(l); w > 60 {
			t.Errorf("line %d is %d wide at 60×16: %q", i+1, w, l)
		}
	}
	if n := strings.Count(small, "\n") + 1; n > 16 {
		t.Errorf("%d lines at 60×16", n)
	}
	h.tm.Send(tea.WindowSizeMsg{Width: 40, Height: 10})
	h.waitFor("please enlarge the terminal (now 40×10,", "need 60×16)")
	h.tm.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if after := h.waitFor("YOUR BALLOT"); after != before {
		t.Errorf("the ranking changed across resizes:\nbefore\n%s\nafter\n%s", before, after)
	}
	h.final()
}

// TestCtrlCOnReviewCastsNothing leaves from the review screen.
func TestCtrlCOnReviewCastsNothing(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.openBoard()
	h.rankSome()
	h.keys("r")
	h.waitFor("REVIEW YOUR BALLOT")
	h.keys("ctrl+c")
	m := h.finalModel()
	if n := len(h.fb.castCalls()); n != 0 {
		t.Fatalf("ctrl+c cast %d ballots", n)
	}
	if got := m.View().Content; !strings.Contains(got, "You left the booth.") {
		t.Errorf("final screen %q", got)
	}
}

// TestIdleTimeoutQuitsWithoutCasting leaves a reviewed ballot unattended.
func TestIdleTimeoutQuitsWithoutCasting(t *testing.T) {
	s := testSession()
	s.IdleTimeout = 300 * time.Millisecond
	h := start(t, nil, s, 80, 24)
	h.openBoard()
	h.rankSome()
	h.keys("r", "cast") // everything but the final enter
	m := h.finalModel()
	if n := len(h.fb.castCalls()); n != 0 {
		t.Fatalf("the idle timeout cast %d ballots", n)
	}
	if got := m.View().Content; !strings.Contains(got, "Nothing was cast") {
		t.Errorf("final screen %q", got)
	}
}

// TestIdleTimerReschedules checks the timer logic without waiting: a key
// pressed since the timer was set moves the deadline on, by the remainder.
func TestIdleTimerReschedules(t *testing.T) {
	m := New(t.Context(), newFake(t), Session{IdleTimeout: time.Minute}).(*model)
	m.lastKey = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	if cmd := m.onIdle(idleMsg{m.lastKey.Add(40 * time.Second)}); cmd == nil || m.quitMsg != "" {
		t.Fatal("a timer firing 40s after the last key ended the session")
	}
	if cmd := m.onIdle(idleMsg{m.lastKey.Add(time.Minute)}); cmd == nil || m.quitMsg == "" {
		t.Fatal("a timer firing a minute after the last key did not end the session")
	}
	if m.ctx.Err() == nil {
		t.Error("ending the session did not cancel its context")
	}
}

// TestReplaceBallot replaces a ballot by its receipt.
func TestReplaceBallot(t *testing.T) {
	fb := newFake(t)
	fb.elections[1].Voted = true
	h := start(t, fb, testSession(), 80, 24)
	h.openBoard()
	h.waitFor("Replace your ballot")
	h.keys("enter")
	h.waitFor("REPLACE YOUR BALLOT")
	h.keys("not-a-receipt", "enter")
	h.waitFor("a receipt has 26 letters")
	old := fb.receiptFor(7)
	fb.setReceipt("board-2026", old, models.ReceiptCounted)
	for range len("not-a-receipt") {
		h.tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	// Pasted by the member's terminal (bracketed paste), as typed by hand.
	h.tm.Send(tea.PasteMsg{Content: strings.ToLower(old)})
	h.keys("enter")
	h.waitFor("NOT RANKED")
	h.keys("enter", "r")
	h.waitFor("This replaces your earlier ballot")
	h.keys("cast", "enter")
	s := h.waitFor("Your ballot is replaced")
	if flat := strings.Join(strings.Fields(s), " "); !strings.Contains(flat, "The receipt you entered, "+groupReceipt(old)+", no longer counts") {
		t.Errorf("the receipt screen does not say the old receipt no longer counts:\n%s", s)
	}
	h.final()
	if len(fb.castCalls()) != 0 {
		t.Error("replacing a ballot called CastBallot")
	}
	norm, _ := models.NormalizeReceipt(old)
	if len(fb.replaces) != 1 || fb.replaces[0].oldReceipt != norm || len(fb.replaces[0].ballot.Ranks) != 1 {
		t.Errorf("replaces = %+v, want one with receipt %s", fb.replaces, norm)
	}
}

// TestCastErrorShowsNoReceipt makes the backend refuse the cast.
func TestCastErrorShowsNoReceipt(t *testing.T) {
	fb := newFake(t)
	fb.castErr = models.ErrNotOpen
	h := start(t, fb, testSession(), 80, 24)
	h.openBoard()
	h.rankSome()
	h.keys("r", "cast", "enter")
	s := h.waitFor("not open for voting")
	if strings.Contains(s, "Your receipt") || strings.Contains(s, "is cast") {
		t.Errorf("a receipt screen after a failed cast:\n%s", s)
	}
	h.final()
}

// On the home screen esc stays (a member backing out of an election may
// press it once too often); q leaves.
func TestHomeEscStaysAndQLeaves(t *testing.T) {
	h := start(t, nil, testSession(), 80, 24)
	h.keys("esc")
	h.waitFor("Signed in as", "Board of Directors election 2026")
	h.keys("q")
	if got := h.finalModel().View().Content; !strings.Contains(got, "You left the booth.") {
		t.Errorf("after q the booth shows %q, want it left", got)
	}
}

// TestConfirmWordIsCast answers No to a yes/no question: typing "yes"
// must not cast it (the word would read as the answer), typing "cast" does.
func TestConfirmWordIsCast(t *testing.T) {
	fb := newFake(t)
	fb.elections[2].State = models.Open
	fb.elections[2].OpensAt = testNow.Add(-time.Hour)
	h := start(t, fb, testSession(), 80, 24)
	h.keys("down", "down", "enter")
	h.waitFor("Bylaw amendment 7")
	h.keys("v")
	h.waitFor("Abstain")
	h.keys("2", "r")
	s := h.waitFor("REVIEW YOUR BALLOT")
	if !strings.Contains(s, `type cast`) || strings.Contains(s, "type yes") {
		t.Errorf("the review does not ask for the word cast:\n%s", s)
	}
	h.keys("yes", "enter")
	h.waitFor("Not cast: type the word cast")
	if n := len(fb.castCalls()); n != 0 {
		t.Fatalf("typing yes cast %d ballots", n)
	}
	h.keys("cast", "enter")
	h.waitFor("Your ballot is cast")
	h.final()
	if c := fb.castCalls(); len(c) != 1 || c[0].ballot.Ranks[0][0] != "no" {
		t.Errorf("casts = %+v, want one No", c)
	}
}

// TestReplaceChecksReceiptAtOnce enters receipts that cannot replace
// anything: each is refused with its reason as it is entered, before a
// new ballot is built.
func TestReplaceChecksReceiptAtOnce(t *testing.T) {
	fb := newFake(t)
	fb.elections[1].Voted = true
	replaced, other, unknown := fb.receiptFor(7), fb.receiptFor(8), fb.receiptFor(9)
	fb.setReceipt("board-2026", replaced, models.ReceiptReplaced)
	fb.setReceipt("question-2026", other, models.ReceiptCounted)
	h := start(t, fb, testSession(), 80, 24)
	h.openBoard()
	h.waitFor("Replace your ballot")
	h.keys("enter")
	h.waitFor("REPLACE YOUR BALLOT")
	for _, c := range []struct{ receipt, want string }{
		{replaced, "already replaced"},
		{other, "from another election"},
		{unknown, "No ballot in this election has that receipt"},
	} {
		h.tm.Send(tea.PasteMsg{Content: c.receipt})
		h.keys("enter")
		s := h.waitFor(c.want)
		if !strings.Contains(s, "REPLACE YOUR BALLOT") || strings.Contains(s, "NOT RANKED") {
			t.Errorf("%s: left the receipt screen:\n%s", c.receipt, s)
		}
		for range len(c.receipt) {
			h.tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
		}
	}
	h.final()
	if len(fb.replaces) != 0 || len(fb.castCalls()) != 0 {
		t.Errorf("refused receipts stored ballots: %+v", fb.replaces)
	}
}
