package booth

import (
	"bytes"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
)

// The kiosk's tests run on the real service and store: codes, the roll
// and the box are the ones the server uses.

// kioskClock is the service's clock; it moves only when told.
type kioskClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *kioskClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *kioskClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// kioskEnv is a store with members ada and ken and the open election
// board-2026 (the fake backend's, for real).
type kioskEnv struct {
	svc   *models.Service
	store *sqlite.Store
	clock *kioskClock
}

const staffPassphrase = "pass-for-staff-42"

func newKioskEnv(t *testing.T) *kioskEnv {
	t.Helper()
	clock := &kioskClock{now: testNow}
	st, err := sqlite.OpenTestData(t.TempDir(), clock.Now) // the store decides the cast window by it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := models.NewService(st)
	svc.Now = clock.Now
	e := &kioskEnv{svc: svc, store: st, clock: clock}
	for _, m := range []models.Member{{ID: "ada", Name: "Ada Lovelace"}, {ID: "ken", Name: "Ken Thompson"}} {
		m.Status = models.Active
		kioskMust(t, st.AddMember(t.Context(), m, "officer"))
	}
	d := boardElection().Definition
	_, _, err = e.svc.CreateElection(t.Context(), d, filepath.Join(t.TempDir(), "tally.key"), "officer")
	kioskMust(t, err)
	kioskMust(t, e.svc.OpenElection(t.Context(), d.ID, "officer"))
	return e
}

func kioskMust(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// issue issues a code as staff would.
func (e *kioskEnv) issue(t *testing.T, member string, ttl time.Duration) models.IssuedCode {
	t.Helper()
	ic, err := e.svc.IssueCode(t.Context(), member, "", ttl, "staff")
	kioskMust(t, err)
	return ic
}

// box counts the ballots of board-2026 and the members marked as voted.
func (e *kioskEnv) box(t *testing.T) (ballots int, voters []string) {
	t.Helper()
	bs, err := e.store.Ballots(t.Context(), "board-2026")
	kioskMust(t, err)
	voters, err = e.store.Voters(t.Context(), "board-2026")
	kioskMust(t, err)
	return len(bs), voters
}

// kioskHarness runs a kiosk in a teatest program with the ASCII profile
// and the kiosk's message filter, as booth kiosk start does.
type kioskHarness struct {
	t   *testing.T
	tm  *teatest.TestModel
	env *kioskEnv
	out bytes.Buffer // everything the program wrote so far
	// viaEnglish waits for text in the English of the screen shown (see
	// harness).
	viaEnglish bool
}

// startKiosk starts a kiosk with the staff passphrase set, unless setup
// is asked for; refusals and the receipt guard take no time.
func startKiosk(t *testing.T, env *kioskEnv, cfg KioskConfig, setup bool) *kioskHarness {
	t.Helper()
	if !setup {
		p, err := NewPassphrase(staffPassphrase)
		kioskMust(t, err)
		cfg.Passphrase = p
	}
	cfg.Now = env.clock.Now
	if cfg.RefusalDelay == 0 {
		cfg.RefusalDelay = time.Millisecond
	}
	k := NewKiosk(t.Context(), env.svc, cfg)
	k.guard = 0
	tm := startProgram(t, k, 80, 24, tea.WithFilter(KioskFilter))
	return &kioskHarness{t: t, tm: tm, env: env, viaEnglish: cfg.Lang != ""}
}

// probe runs f on the program's goroutine, between messages.
func (h *kioskHarness) probe(f func(*Kiosk)) {
	h.t.Helper()
	probe(h.t, h.tm, f)
}

func (h *kioskHarness) screen() string {
	h.t.Helper()
	var s string
	h.probe(func(k *Kiosk) { s = k.content() })
	return s
}

// waitFor waits until the screen shows every one of want.
func (h *kioskHarness) waitFor(want ...string) string {
	h.t.Helper()
	if h.viaEnglish {
		return waitForScreen(h.t, func() string {
			var s string
			h.probe(func(k *Kiosk) { s = k.englishContent() })
			return s
		}, want...)
	}
	return waitForScreen(h.t, h.screen, want...)
}

// keys sends key presses by name (see namedKeys) or text.
func (h *kioskHarness) keys(ks ...string) { pressKeys(h.tm, ks...) }

// output returns everything the program has written so far.
func (h *kioskHarness) output() string {
	h.t.Helper()
	data, err := io.ReadAll(h.tm.Output())
	kioskMust(h.t, err)
	h.out.Write(data)
	return h.out.String()
}

// waitOutput waits until the output written after mark holds every one
// of want.
func (h *kioskHarness) waitOutput(mark int, want ...string) string {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out := h.output()[mark:]
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(out, w)
		}
		if ok {
			return out
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the output never held %q; after the mark it is:\n%q", want, out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// signIn types a code and waits for the voter's list of elections.
func (h *kioskHarness) signIn(code, name string) {
	h.t.Helper()
	h.waitFor("Type it below")
	h.keys(code, "enter")
	h.waitFor("Signed in as "+name+" with a one-time code", "Board of Directors election 2026")
}

// toReview opens the board election, ranks two candidates and goes to the
// review screen, leaving the confirmation untyped.
func (h *kioskHarness) toReview() {
	h.t.Helper()
	h.keys("enter")
	h.waitFor("CANDIDATES")
	h.keys("v")
	h.waitFor("YOUR BALLOT", "NOT RANKED")
	h.keys("enter", "down", "enter")
	h.waitFor("2 ranked")
	h.keys("r")
	h.waitFor("REVIEW YOUR BALLOT")
}

var receiptOnScreen = regexp.MustCompile(`[A-Z2-7]{4}(-[A-Z2-7]{4}){5}-[A-Z2-7]{2}`)
