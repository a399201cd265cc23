package booth

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/tally"
)

// Issue 10 item 2: a ballot's stored text is canonical whatever the order
// its voter chose in, and a member's screen order comes from the server's
// secret. The SSH part of the 1,000 ballots is ssh's
// TestSSHCastStoresCanonicalBallots.

// councilCandidates are the twelve candidates of the approval election
// "council", in the definition's order.
func councilCandidates() []models.Candidate {
	var cs []models.Candidate
	for _, n := range []string{"Ada", "Bea", "Cal", "Dot", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kit", "Lou"} {
		cs = append(cs, models.Candidate{ID: strings.ToLower(n), Name: n + " Example"})
	}
	return cs
}

// canonEnv is a real store whose members v0000… are on the roll of the
// open approval election council; its tally key is kept for unsealing.
type canonEnv struct {
	*kioskEnv
	members []models.Member
	keyPath string
}

func newCanonEnv(t *testing.T, n int) *canonEnv {
	t.Helper()
	k := newEmptyKioskEnv(t)
	e := &canonEnv{kioskEnv: k, keyPath: filepath.Join(t.TempDir(), "tally.key")}
	for i := range n {
		e.members = append(e.members, models.Member{ID: fmt.Sprintf("v%04d", i), Name: fmt.Sprintf("Voter %04d", i), Status: models.Active})
	}
	kioskMust(t, k.store.ImportMembers(t.Context(), e.members, "officer"))
	d := boardElection().Definition
	d.ID, d.Title, d.Method, d.Seats, d.Candidates = "council", "Council 2026", tally.Approval, 3, councilCandidates()
	d.Quorum = models.QuorumRule{}
	_, _, err := k.svc.CreateElection(t.Context(), d, e.keyPath, "officer")
	kioskMust(t, err)
	kioskMust(t, k.svc.OpenElection(t.Context(), d.ID, "officer"))
	return e
}

// newEmptyKioskEnv is a store and service on the tests' clock with nothing
// in it.
func newEmptyKioskEnv(t *testing.T) *kioskEnv {
	t.Helper()
	st, err := sqlite.Open(t.TempDir())
	kioskMust(t, err)
	t.Cleanup(func() { st.Close() })
	clock := &kioskClock{now: testNow}
	svc := models.NewService(st)
	svc.Now = clock.Now
	return &kioskEnv{svc: svc, store: st, clock: clock}
}

// storedTexts unseals every ballot in council's box.
func (e *canonEnv) storedTexts(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(e.keyPath)
	kioskMust(t, err)
	defer f.Close()
	ids, err := models.ParseIdentities(f)
	kioskMust(t, err)
	sealed, err := e.store.Ballots(t.Context(), "council")
	kioskMust(t, err)
	var out []string
	for _, sb := range sealed {
		text, err := models.Unseal(ids, sb.Sealed)
		kioskMust(t, err)
		out = append(out, string(text))
	}
	return out
}

// checkCanonical checks that the box holds exactly the canonical texts of
// the approvals chosen, each one the same as its own canonical form.
func (e *canonEnv) checkCanonical(t *testing.T, chosen [][]string) {
	t.Helper()
	d := models.Definition{ID: "council", Method: tally.Approval, Seats: 3, Candidates: councilCandidates()}
	var want []string
	for _, set := range chosen {
		var ids []string
		for _, c := range councilCandidates() { // the definition's order
			if slices.Contains(set, c.ID) {
				ids = append(ids, c.ID)
			}
		}
		if len(ids) == 0 {
			want = append(want, "blank\n")
		} else {
			want = append(want, strings.Join(ids, "\n")+"\n")
		}
	}
	got := e.storedTexts(t)
	for _, text := range got {
		b, err := models.ParseBallot(d, nil, text)
		if err != nil || b.Text() != text {
			t.Errorf("the stored ballot %q is not canonical (it reads as %q, %v)", text, b.Text(), err)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the box holds %d ballots, not the %d canonical texts of the approvals chosen", len(got), len(want))
	}
}

// randomApprovals is a voter's choice: some of the candidates (none at
// times), in the order the voter approves them.
func randomApprovals(rng *rand.Rand) []string {
	cs := councilCandidates()
	rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	n := rng.IntN(len(cs) + 1)
	if rng.IntN(10) == 0 {
		n = 0
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = cs[i].ID
	}
	return ids
}

// approveKeys are the keys that move the cursor of the "not approved" pane
// from where it is to candidate id and approve it.
func approveKeys(m *model, id string) []string {
	rest := m.rest()
	at := slices.IndexFunc(rest, func(c int) bool { return m.el.me.Candidates[c].ID == id })
	var keys []string
	for cur := m.rank.cur[paneRest]; cur != at; {
		if cur < at {
			keys, cur = append(keys, "down"), cur+1
		} else {
			keys, cur = append(keys, "up"), cur-1
		}
	}
	return append(keys, "enter")
}

// update sends msg to the model and runs what it asks for, as a program
// would, except the idle timer's wait, until nothing more comes of it.
func update(m *model, msg tea.Msg) {
	_, cmd := m.Update(msg)
	run(m, cmd)
}

func run(m *model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			run(m, c)
		}
	case castMsg, electionsMsg:
		update(m, msg)
	}
}

func typeKeys(m *model, keys ...string) {
	for _, k := range keys {
		if key, ok := namedKeys[k]; ok {
			update(m, key)
			continue
		}
		for _, r := range k {
			update(m, tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
}

// TestBoothAndKioskStoreCanonicalBallots casts approval ballots through
// the booth (each member in their own session, on their own shuffled
// screen) and through the kiosk, approving in a random order each time:
// every stored text is the canonical one.
func TestBoothAndKioskStoreCanonicalBallots(t *testing.T) {
	// With ssh's 200, 1,000 ballots. The booth's sessions run without a
	// program, so they cost little more than the cast; the kiosk redraws
	// its whole screen for each voter, and SSH connects for each: they
	// cast fewer, to keep the tests quick under -race.
	const viaBooth, viaKiosk = 700, 100
	e := newCanonEnv(t, viaBooth+viaKiosk)
	rng := rand.New(rand.NewPCG(10, 2))
	var chosen [][]string

	for _, mem := range e.members[:viaBooth] {
		m := New(t.Context(), e.svc, Session{Member: mem, Now: e.clock.Now}).(*model)
		update(m, tea.WindowSizeMsg{Width: 80, Height: 24})
		run(m, m.loadElections())
		typeKeys(m, "enter", "v")
		if m.scr != scrRank {
			t.Fatalf("%s is not on the ballot:\n%s", mem.ID, m.content())
		}
		set := randomApprovals(rng)
		for _, id := range set {
			typeKeys(m, approveKeys(m, id)...)
		}
		typeKeys(m, "r", "cast", "enter")
		if m.scr != scrReceipt {
			t.Fatalf("%s's ballot was not cast:\n%s", mem.ID, m.content())
		}
		chosen = append(chosen, set)
		m.cancel()
	}

	h := startKiosk(t, e.kioskEnv, KioskConfig{}, false)
	for _, mem := range e.members[viaBooth:] {
		code := e.issue(t, mem.ID, 0)
		h.waitFor("Type it below")
		h.keys(code.Code, "enter")
		h.waitFor("Signed in as "+mem.Name, "Council 2026")
		h.keys("enter", "v")
		h.waitFor("NOT APPROVED")
		set := randomApprovals(rng)
		for _, id := range set {
			var keys []string
			h.probe(func(k *Kiosk) { keys = approveKeys(k.inner, id) })
			h.keys(keys...)
		}
		h.waitFor(fmt.Sprintf("%d approved", len(set)))
		h.keys("r")
		h.waitFor("REVIEW YOUR BALLOT")
		h.keys("cast", "enter")
		h.waitFor("Your ballot is cast")
		h.keys("enter")
		h.waitFor("Type it below")
		chosen = append(chosen, set)
	}
	e.checkCanonical(t, chosen)
}
