package booth

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"vote.example.org/booth/models"
)

// A member types their code, votes, notes the receipt and presses enter:
// the kiosk wipes the screen and the scrollback and welcomes the next
// member with nothing of the last one — no name, no candidate, no receipt.
func TestKioskVoteThenWipe(t *testing.T) {
	env := newKioskEnv(t)
	code := env.issue(t, "ada", 0)
	h := startKiosk(t, env, KioskConfig{Name: "Stand A"}, false)
	h.signIn(strings.ToLower(code.Code), "Ada Lovelace")
	h.waitOutput(0, "Ada Lovelace") // drawn: the checks below must find it gone
	h.toReview()
	if n, _ := env.box(t); n != 0 {
		t.Fatal("a ballot was stored before the confirmation")
	}
	h.keys("cast", "enter")
	s := h.waitFor("Your ballot is cast", "Your receipt", "clears itself")
	receipt := receiptOnScreen.FindString(s)
	if receipt == "" {
		t.Fatalf("no receipt on the screen:\n%s", s)
	}
	if n, voters := env.box(t); n != 1 || !slices.Equal(voters, []string{"ada"}) {
		t.Fatalf("the box holds %d ballots, voters %q; want 1 ballot by ada", n, voters)
	}
	previous := []string{"Ada", "Lovelace", receipt, receipt[:4], "Board of Directors"}
	for _, c := range boardCandidates() {
		previous = append(previous, c.Name)
	}
	// It reached the terminal (else the checks below would prove nothing).
	before := h.waitOutput(0, receipt)

	h.keys("enter")
	s = h.waitFor("Type it below")
	for _, p := range previous {
		if strings.Contains(s, p) {
			t.Errorf("the welcome screen after the voter still shows %q:\n%s", p, s)
		}
	}
	wiped := len(before) + strings.LastIndex(h.waitOutput(len(before), "\x1b[3J"), "\x1b[3J")
	after := h.waitOutput(wiped, "Welcome")
	for _, p := range previous {
		if strings.Contains(after, p) {
			t.Errorf("the terminal got %q after the wipe", p)
		}
	}
	if strings.Contains(h.output(), "\x1b]52") {
		t.Error("the kiosk wrote to the terminal's clipboard (OSC 52)")
	}
	h.probe(func(k *Kiosk) {
		if k.inner != nil || k.state != ksWelcome || k.input.Value() != "" {
			t.Errorf("after the wipe: a booth %v, state %d, input %q; want no booth, the welcome screen, an empty field", k.inner != nil, k.state, k.input.Value())
		}
	})

	// The code was good for one visit.
	h.keys(code.Code, "enter")
	h.waitFor("does not open the booth")
	if n, _ := env.box(t); n != 1 {
		t.Errorf("the box holds %d ballots after the code was typed again, want 1", n)
	}
}

// Codes that are expired, used, revoked or mistyped open nothing.
func TestKioskRefusesCodes(t *testing.T) {
	env := newKioskEnv(t)
	used := env.issue(t, "ada", 0)
	if _, err := env.svc.RedeemCode(t.Context(), used.Code); err != nil {
		t.Fatal(err)
	}
	revoked := env.issue(t, "ken", 0)
	if _, err := env.svc.RevokeCode(t.Context(), revoked.ID(), "officer"); err != nil {
		t.Fatal(err)
	}
	// Issued last: issuing a code deletes the expired ones.
	expired := env.issue(t, "ada", time.Minute)
	env.clock.Add(time.Minute)
	h := startKiosk(t, env, KioskConfig{}, false)
	h.waitFor("Type it below")
	for _, tc := range []struct{ name, code, says string }{
		{"expired", expired.Code, "This code has expired"},
		{"used", used.Code, "does not open the booth"},
		{"revoked", revoked.Code, "does not open the booth"},
		{"mistyped", used.Code[:len(used.Code)-1], "Please check the code: a code has 10 letters and digits"},
		{"not a code", "hello!", "Please check the code"},
	} {
		h.keys(tc.code, "enter")
		h.waitFor(tc.says)
		h.probe(func(k *Kiosk) {
			if k.inner != nil || k.state != ksWelcome {
				t.Errorf("%s code: the kiosk opened a booth", tc.name)
			}
		})
		h.keys("esc")
		h.waitFor("Code: ")
	}
	if n, voters := env.box(t); n != 0 || len(voters) != 0 {
		t.Errorf("refused codes cast %d ballots (voters %q)", n, voters)
	}
}

// ctrl+c, ctrl+d, ctrl+z and ctrl+\ — and the suspend and interrupt
// messages bubbletea makes of signals — do nothing, on the welcome screen
// and in a voter's booth.
func TestKioskIgnoresLeavingKeys(t *testing.T) {
	env := newKioskEnv(t)
	h := startKiosk(t, env, KioskConfig{}, false)
	h.waitFor("Type it below")
	leave := func() {
		h.keys("ctrl+c", "ctrl+d", "ctrl+z", `ctrl+\`)
		h.tm.Send(tea.SuspendMsg{})
		h.tm.Send(tea.InterruptMsg{})
	}
	h.keys("K7QM")
	leave()
	h.probe(func(k *Kiosk) {
		if k.state != ksWelcome || k.input.Value() != "K7QM" {
			t.Errorf("after the leaving keys: state %d, field %q; want the welcome screen with K7QM", k.state, k.input.Value())
		}
	})
	h.keys("esc")
	h.signIn(env.issue(t, "ken", 0).Code, "Ken Thompson")
	h.toReview()
	h.keys("cast")
	leave()
	h.keys("ctrl+x") // the staff key does nothing in a voter's booth
	s := h.waitFor("REVIEW YOUR BALLOT")
	if strings.Contains(s, "ctrl+c") {
		t.Errorf("the booth at the kiosk offers ctrl+c:\n%s", s)
	}
	if n, _ := env.box(t); n != 0 {
		t.Errorf("the leaving keys cast %d ballots", n)
	}
	// Still running: the program quits only when told by the test.
	if err := h.tm.Quit(); err != nil {
		t.Fatal(err)
	}
	if k := finalModel[*Kiosk](t, h.tm); k.state != ksVoter {
		t.Errorf("the kiosk ended in state %d, want still in the voter's booth", k.state)
	}
}

func TestKioskFilter(t *testing.T) {
	for _, msg := range []tea.Msg{tea.SuspendMsg{}, tea.InterruptMsg{}} {
		if got := KioskFilter(nil, msg); got != nil {
			t.Errorf("KioskFilter let %T through", msg)
		}
	}
	key := tea.KeyPressMsg{Code: 'a', Text: "a"}
	if got := KioskFilter(nil, key); got != key {
		t.Errorf("KioskFilter changed a key press: %v", got)
	}
}

// A voter who walks away from the review screen: after the idle timeout
// the kiosk starts over, wipes the terminal and casts nothing.
func TestKioskIdleResetCastsNothing(t *testing.T) {
	env := newKioskEnv(t)
	h := startKiosk(t, env, KioskConfig{IdleTimeout: 300 * time.Millisecond}, false)
	h.signIn(env.issue(t, "ada", 0).Code, "Ada Lovelace")
	h.toReview()
	h.keys("cast") // everything but the final enter
	mark := len(h.output())
	s := h.waitFor("Type it below")
	if strings.Contains(s, "Ada") {
		t.Errorf("the welcome screen after the reset names the voter:\n%s", s)
	}
	h.waitOutput(mark, "\x1b[3J")
	if n, voters := env.box(t); n != 0 || len(voters) != 0 {
		t.Errorf("the idle reset cast %d ballots (voters %q)", n, voters)
	}
}

// The receipt screen clears itself when the voter does not press enter.
func TestKioskReceiptClearsItself(t *testing.T) {
	env := newKioskEnv(t)
	h := startKiosk(t, env, KioskConfig{ReceiptTime: 200 * time.Millisecond}, false)
	h.signIn(env.issue(t, "ada", 0).Code, "Ada Lovelace")
	h.toReview()
	h.keys("cast", "enter")
	h.waitFor("Your receipt")
	s := h.waitFor("Type it below")
	if receiptOnScreen.MatchString(s) || strings.Contains(s, "Ada") {
		t.Errorf("the welcome screen after the receipt timed out:\n%s", s)
	}
	if n, _ := env.box(t); n != 1 {
		t.Errorf("%d ballots, want the one cast", n)
	}
}

// One member, one ballot, whichever way they come in. A member who voted
// with their key is refused at the kiosk; a member who voted at the kiosk
// is refused in a booth they opened with their key.
func TestKioskAndKeyVoteOnce(t *testing.T) {
	env := newKioskEnv(t)
	ctx := t.Context()

	// Key first: the code was issued before the member voted by key.
	code := env.issue(t, "ada", 0)
	b := models.Ballot{Ranks: [][]string{{"mei-tanaka"}}}
	if _, err := env.svc.CastBallot(ctx, "board-2026", models.Caster{MemberID: "ada"}, b); err != nil {
		t.Fatal(err)
	}
	h := startKiosk(t, env, KioskConfig{}, false)
	h.waitFor("Type it below")
	h.keys(code.Code, "enter")
	h.waitFor("You have no open election left to vote in")
	if _, err := env.svc.IssueCode(ctx, "ada", "board-2026", 0, "staff"); !errors.Is(err, models.ErrAlreadyVoted) {
		t.Errorf("a code for a member who voted: %v, want ErrAlreadyVoted", err)
	}

	// Kiosk first: ken opened the booth with his key, then voted at the
	// kiosk; the booth he opened cannot cast another ballot.
	keyBooth := startProgram(t, New(ctx, env.svc, Session{Member: models.Member{ID: "ken", Name: "Ken Thompson"}, Now: env.clock.Now}), 80, 24)
	kh := &harness{t: t, tm: keyBooth}
	kh.waitFor("Signed in as", "Board of Directors election 2026")
	kh.keys("enter")
	kh.waitFor("CANDIDATES")
	kh.keys("v")
	kh.waitFor("NOT RANKED")
	kh.keys("enter")
	kh.waitFor("1 ranked")
	kh.keys("r")
	kh.waitFor("REVIEW YOUR BALLOT")

	h.keys("esc")
	h.signIn(env.issue(t, "ken", 0).Code, "Ken Thompson")
	h.toReview()
	h.keys("cast", "enter")
	h.waitFor("Your ballot is cast")

	kh.keys("cast", "enter")
	kh.waitFor("You have already voted in this election")
	if _, err := env.svc.CastBallot(ctx, "board-2026", models.Caster{MemberID: "ken"}, b); !errors.Is(err, models.ErrAlreadyVoted) {
		t.Errorf("casting by key after the kiosk: %v, want ErrAlreadyVoted", err)
	}
	if n, voters := env.box(t); n != 2 || !slices.Equal(voters, []string{"ada", "ken"}) {
		t.Errorf("%d ballots, voters %q; want 2, by ada and ken", n, voters)
	}
}

// Staff end the kiosk with the passphrase, which never reaches the
// terminal; a wrong one does not end it.
func TestKioskStaffExit(t *testing.T) {
	env := newKioskEnv(t)
	h := startKiosk(t, env, KioskConfig{}, false)
	h.waitFor("Type it below")
	h.keys("ctrl+x")
	h.waitFor("This is for the stand's staff")
	h.keys("esc")
	h.waitFor("Type it below")
	h.keys("ctrl+x", "wrong-passphrase", "enter")
	h.waitFor("That is not the passphrase")
	h.keys(staffPassphrase, "enter")
	k := finalModel[*Kiosk](t, h.tm)
	if k.state != ksEnded || !strings.Contains(k.View().Content, "The kiosk has ended") {
		t.Errorf("after the passphrase: state %d, screen %q", k.state, k.View().Content)
	}
	out := h.output()
	for _, secret := range []string{staffPassphrase, "wrong-passphrase", "pass-for", "wrong-p"} {
		if strings.Contains(out, secret) {
			t.Errorf("the terminal got %q", secret)
		}
	}
}

// Without a passphrase the kiosk asks staff to set one, twice.
func TestKioskSetsPassphrase(t *testing.T) {
	env := newKioskEnv(t)
	h := startKiosk(t, env, KioskConfig{}, true)
	h.waitFor("choose the passphrase that ends this kiosk")
	h.keys("short", "enter")
	h.waitFor("it needs at least 8")
	h.keys("first-attempt", "enter")
	h.waitFor("Once more:")
	h.keys("other-attempt", "enter")
	h.waitFor("The two did not match")
	h.keys(staffPassphrase, "enter", staffPassphrase, "enter")
	h.waitFor("Type it below")
	h.keys("ctrl+x", staffPassphrase, "enter")
	h.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	out := h.output()
	for _, secret := range []string{staffPassphrase, "short", "first-attempt", "other-attempt"} {
		if strings.Contains(out, secret) {
			t.Errorf("the terminal got %q", secret)
		}
	}
}

func TestNewPassphrase(t *testing.T) {
	for _, tc := range []struct{ in, says string }{
		{"", "empty"}, {"        ", "empty"}, {"seven77", "has 7 characters"}, {strings.Repeat("x", 257), "at most 256"},
	} {
		if _, err := NewPassphrase(tc.in); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("NewPassphrase(%q): %v, want it to say %q", tc.in, err, tc.says)
		}
	}
	p, err := NewPassphrase("élan vital 42")
	kioskMust(t, err)
	q, _ := NewPassphrase("élan vital 42")
	if !p.Matches("élan vital 42") || p.Matches("élan vital 43") || p.Matches("") || p.sum == q.sum {
		t.Error("a passphrase matches wrongly, or two of them share a hash (no salt)")
	}
}

// A message of a voter's booth that arrives after the voter left is
// dropped: it never reaches the next voter's booth.
func TestKioskDropsTheLastVotersMessages(t *testing.T) {
	env := newKioskEnv(t)
	k := NewKiosk(t.Context(), env.svc, KioskConfig{Now: env.clock.Now, Passphrase: &Passphrase{}})
	k.startVoter(models.KioskVoter{Member: models.Member{ID: "ada", Name: "Ada Lovelace"}})
	stale := k.wrap(func() tea.Msg { return electionsMsg{list: []models.MemberElection{boardElection()}} })
	k.reset()
	k.startVoter(models.KioskVoter{Member: models.Member{ID: "ken", Name: "Ken Thompson"}})
	k.Update(stale())
	if k.inner.home.loaded {
		t.Error("the last voter's list of elections reached the next voter's booth")
	}
	if k.onInner(innerMsg{k.gen, tea.SetClipboard("receipt")()}) != nil {
		t.Error("a clipboard write of the booth was passed on")
	}
}

func TestGoldenKioskWelcome(t *testing.T) {
	env := newKioskEnv(t)
	h := startKiosk(t, env, KioskConfig{Name: "Stand A · hall 2"}, false)
	h.waitFor("Type it below")
	// The field takes the plain style once the colour profile arrived.
	deadline := time.Now().Add(10 * time.Second)
	for plain := false; !plain && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		h.probe(func(k *Kiosk) { plain = k.look.noColour })
	}
	golden.RequireEqual(t, h.screen())
}

func TestGoldenKioskVoterHome(t *testing.T) {
	env := newKioskEnv(t)
	h := startKiosk(t, env, KioskConfig{}, false)
	h.signIn(env.issue(t, "ada", 0).Code, "Ada Lovelace")
	golden.RequireEqual(t, h.screen())
}
