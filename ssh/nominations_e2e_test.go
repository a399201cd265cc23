package ssh

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/tally"
)

// fakeClock is the store's and the service's clock in the nominations
// journey: the test moves it, and the lifecycle (Tick) follows.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Issue 13's journey over real SSH: 50 members; three renew themselves,
// an officer lapses one; six nominations, of which a self-nomination and
// a lapsed member's are refused; one nominee declines; the period closes
// on the clock; the election opens with exactly the accepted nominees and
// their statements, without the lapsed member on its roll; its bundle
// lists the nominations and verifies, and the same bundle with a
// candidate nobody nominated, signed again, is refused.
func TestNominationJourneyOverSSH(t *testing.T) {
	t0 := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: t0}
	dir := t.TempDir()
	st, err := sqlite.OpenTestData(dir, clock.Now)
	must(t, err)
	t.Cleanup(func() { st.Close() })
	e := &testEnv{t: t, store: st, dir: dir, keys: map[string]gossh.Signer{}, tally: map[string]string{}, logs: &lockedBuffer{},
		svc: models.NewService(st)}
	e.svc.Now = clock.Now
	must(t, e.svc.SetFoundation(bg, models.Foundation{TermMonths: 12, WindowDays: 30, GraceDays: 14}, "officer"))
	var ms []models.Member
	for i := range 50 {
		id := fmt.Sprintf("m%02d", i)
		signer, key := newKey(t)
		e.keys[id] = signer
		m := models.Member{ID: id, Name: "Member " + id, Status: models.Active, Keys: []models.Key{key},
			Joined: t0.AddDate(-1, 0, 0), GoodUntil: t0.AddDate(0, 6, 0)}
		if i < 3 {
			m.GoodUntil = t0.AddDate(0, 0, 10) // in the renewal window
		}
		ms = append(ms, m)
	}
	must(t, st.ImportMembers(bg, ms, "officer"))
	opens := t0.AddDate(0, 0, 8)
	d := models.Definition{
		ID: "board", Title: "Board 2027", Method: tally.Meek, Seats: 2, OpensAt: opens, ClosesAt: opens.AddDate(0, 0, 2),
		TieSeed: "seed", PublishLedger: true,
		Nominations: &models.NominationRules{Opens: t0.Add(-time.Hour), Closes: t0.AddDate(0, 0, 7), Supporters: 1,
			NomineeMemberFor: 90 * 24 * time.Hour, NominatorInGoodStanding: true, PublishNominators: true},
	}
	identity, recipient, err := models.NewTallyKey()
	must(t, err)
	must(t, st.CreateElection(bg, models.Election{Definition: d, Recipients: []string{recipient}}, "officer"))
	e.start(func(c *Config) { c.Logger = log.New(e.logs) })

	ok := func(member, cmd, stdin, want string) {
		t.Helper()
		out, errOut, code := e.run(member, cmd, stdin)
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("%s: %s: exit %d\n%s%s\nwant %q", member, cmd, code, out, errOut, want)
		}
	}
	refused := func(member, cmd, stdin, want string) {
		t.Helper()
		out, errOut, code := e.run(member, cmd, stdin)
		if code == 0 || !strings.Contains(errOut, want) {
			t.Fatalf("%s: %s: exit %d\n%s%s\nwant a refusal saying %q", member, cmd, code, out, errOut, want)
		}
	}

	// Standing: three renew themselves; an officer lapses one.
	ok("m00", "whoami", "", "in good standing until 2027-01-20: renew now with 'renew'")
	ok("m00", "status", "", "Notice: Your membership ends 2027-01-20: renew it with 'ssh HOST renew'.")
	for _, id := range []string{"m00", "m01", "m02"} {
		ok(id, "renew", "", "you are in good standing until 2028-01-20")
	}
	if out, _, _ := e.run("m00", "status", ""); strings.Contains(out, "renew") {
		t.Errorf("status after renewing still asks to renew:\n%s", out)
	}
	refused("m04", "renew", "", "renewal opens 2027-06-10")
	_, err = e.svc.Lapse(bg, "m03", "dues unpaid", "officer")
	must(t, err)
	ok("m03", "whoami", "", "lapsed: not in good standing")

	// Six nominations: four made, a self-nomination and a lapsed member's
	// refused.
	for _, n := range [][2]string{{"m10", "m20"}, {"m11", "m21"}, {"m12", "m22"}, {"m13", "m23"}} {
		ok(n[0], "nominate board "+n[1], "", "You nominated "+n[1]+" in board")
	}
	refused("m14", "nominate board m14", "", "you cannot nominate yourself")
	refused("m03", "nominate board m24", "", "only members in good standing may nominate")
	ok("m20", "status", "", "You are nominated in board (Board 2027): accept with 'ssh HOST nominations accept board < statement.md'")
	ok("m40", "nominations board --json", "", `"supporters": [`+"\n      \"m10\"")

	// Three accept with statements; one declines.
	statements := map[string]string{}
	for _, id := range []string{"m20", "m21", "m22"} {
		statements[id] = "# " + id + "\n\nI will serve the **foundation**.\n"
		ok(id, "nominations accept board", statements[id], "You accepted your nomination in board")
	}
	ok("m23", "nominations decline board", "", "You declined your nomination in board")

	// The period closes on the clock: the accepted nominees are the
	// candidates, with their statements; the definition is final.
	clock.set(d.Nominations.Closes)
	must(t, e.svc.Tick(bg))
	refused("m15", "nominate board m25", "", "nominations for board closed 2027-01-17 09:00 UTC")
	refused("m21", "nominations withdraw board", "", "nominations for board closed")
	el, err := e.svc.Election(bg, "board")
	must(t, err)
	var got []string
	for _, c := range el.Candidates {
		got = append(got, c.ID)
		if want := strings.TrimSpace(statements[c.ID]); c.Statement != want || c.Name != "Member "+c.ID {
			t.Errorf("candidate %s: %q, statement %q; want %q", c.ID, c.Name, c.Statement, want)
		}
	}
	if !slices.Equal(got, []string{"m20", "m21", "m22"}) || !el.Nominations.Closed {
		t.Fatalf("the candidates are %v (closed %v), want m20, m21, m22", got, el.Nominations.Closed)
	}

	// It opens: the lapsed member is not on the roll.
	clock.set(opens)
	must(t, e.svc.Tick(bg))
	roll, err := st.Roll(bg, "board")
	must(t, err)
	if len(roll) != 49 || slices.ContainsFunc(roll, func(r models.RollEntry) bool { return r.MemberID == "m03" }) {
		t.Fatalf("the roll holds %d members (m03 among them: %v); want 49 without m03", len(roll),
			slices.ContainsFunc(roll, func(r models.RollEntry) bool { return r.MemberID == "m03" }))
	}
	refused("m03", "cast board", "m20\n", "no election \"board\" on your roll")
	for i, ballot := range []string{"m20\nm21\n", "m21\nm22\n", "m20\nm22\n", "m22\n"} {
		ok(fmt.Sprintf("m%02d", 30+i), "cast board", ballot, "")
	}

	// Closed, counted, published: the bundle lists the nominations and
	// verifies; a forged one with an unnominated candidate does not.
	clock.set(d.ClosesAt)
	must(t, e.svc.Tick(bg))
	ids, err := models.ParseIdentities(strings.NewReader(identity))
	must(t, err)
	_, err = e.svc.Count(bg, "board", ids, "officer")
	must(t, err)
	host, err := LoadHostKey(e.dir + "/host_key")
	must(t, err)
	var pub models.Publication
	_, err = e.svc.Publish(bg, "board", ids, func(p models.Publication) ([]byte, error) {
		pub = p
		return bundle.Sign(p, host, "")
	}, "officer")
	must(t, err)
	data, _, code := e.run("m40", "bundle board", "")
	if code != 0 || !strings.Contains(data, `"nominations": [`) || !strings.Contains(data, `"nominee": "m21"`) {
		t.Fatalf("the bundle over SSH (exit %d) lists no nominations:\n%s", code, data)
	}
	trust, err := bundle.TrustSigner(gossh.FingerprintSHA256(host.PublicKey()))
	must(t, err)
	if _, r := bundle.Verify([]byte(data), bundle.Options{Trust: trust}); !r.OK || !slices.ContainsFunc(r.Checks, func(c bundle.Check) bool {
		return c.Name == bundle.CheckNominations && c.Status == bundle.StatusOK
	}) {
		t.Fatalf("the published bundle does not verify with its nominations: %+v", r)
	}
	forged := pub
	forged.Election.Definition.Candidates = append(slices.Clone(pub.Election.Candidates), models.Candidate{ID: "m49", Name: "Member m49"})
	forged.Election.Fingerprint = forged.Election.Definition.Fingerprint()
	fdata, err := bundle.Sign(forged, host, "")
	must(t, err)
	_, r := bundle.Verify(fdata, bundle.Options{Trust: trust})
	if r.OK || !slices.ContainsFunc(r.Checks, func(c bundle.Check) bool {
		return c.Code == bundle.ErrNominations.Code && strings.Contains(c.Detail, "candidate m49 (Member m49) was not nominated")
	}) {
		t.Fatalf("a bundle with an unnominated candidate, signed again: %+v", r)
	}
}
