package booth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/tally"
)

// nomBackend is the usual fake for the elections, and a real service on
// a real store for the membership and nomination screens.
type nomBackend struct {
	*fakeBackend
	svc *models.Service
}

func (b nomBackend) Standing(ctx context.Context, id string) (models.MemberStanding, error) {
	return b.svc.Standing(ctx, id)
}
func (b nomBackend) Renew(ctx context.Context, id string) (models.Member, error) {
	return b.svc.Renew(ctx, id)
}
func (b nomBackend) MyNominations(ctx context.Context, id string) ([]models.MyNomination, error) {
	return b.svc.MyNominations(ctx, id)
}
func (b nomBackend) NominatingElections(ctx context.Context) ([]models.Election, error) {
	return b.svc.NominatingElections(ctx)
}
func (b nomBackend) Nominations(ctx context.Context, id string, officer bool) (models.Election, []models.NominationView, error) {
	return b.svc.Nominations(ctx, id, officer)
}
func (b nomBackend) NomineeOptions(ctx context.Context, election, id string) ([]models.NomineeOption, error) {
	return b.svc.NomineeOptions(ctx, election, id)
}
func (b nomBackend) Nominate(ctx context.Context, election, id, nominee string) error {
	return b.svc.Nominate(ctx, election, id, nominee)
}
func (b nomBackend) AnswerNomination(ctx context.Context, election, id string, a models.NominationAction, statement string) (models.Nomination, error) {
	return b.svc.AnswerNomination(ctx, election, id, a, statement)
}

// newNomBackend is a foundation with a year's term where the session's
// member (m-0042) is in the renewal window and nominated by Bea in
// "council", which takes nominations for three more days; Cy joined ten
// days ago, too recently to be nominated.
func newNomBackend(t *testing.T) nomBackend {
	t.Helper()
	st, err := sqlite.OpenTestData(t.TempDir(), func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := models.NewService(st)
	svc.Now = func() time.Time { return testNow }
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(svc.SetFoundation(ctx, models.Foundation{TermMonths: 12, WindowDays: 30, GraceDays: 14}, "officer"))
	year := testNow.AddDate(-1, 0, 0)
	for _, m := range []models.Member{
		{ID: "m-0042", Name: "Ada Member", Joined: year, GoodUntil: testNow.AddDate(0, 0, 10)},
		{ID: "bea", Name: "Bea Nominee", Joined: year},
		{ID: "cy", Name: "Cy Recent", Joined: testNow.AddDate(0, 0, -10)},
	} {
		m.Status = models.Active
		m.Keys = []models.Key{{Fingerprint: "SHA256:" + m.ID, Type: "ssh-ed25519", Public: "ssh-ed25519 AAAA" + m.ID}}
		must(st.AddMember(ctx, m, "officer"))
	}
	opens := testNow.AddDate(0, 0, 4)
	must(st.CreateElection(ctx, models.Election{Definition: models.Definition{
		ID: "council", Title: "Community Council 2027", Method: tally.Meek, Seats: 2, OpensAt: opens, ClosesAt: opens.AddDate(0, 0, 7),
		Nominations: &models.NominationRules{Opens: testNow.Add(-time.Hour), Closes: testNow.AddDate(0, 0, 3), Supporters: 1,
			NomineeMemberFor: 90 * 24 * time.Hour, NominatorInGoodStanding: true, PublishNominators: true},
	}}, "officer"))
	must(svc.Nominate(ctx, "council", "bea", "m-0042"))
	return nomBackend{newFake(t), svc}
}

func startNom(t *testing.T, nb nomBackend, w, h int) *harness {
	t.Helper()
	tm := startProgram(t, New(context.Background(), nb, testSession()), w, h)
	hs := &harness{t: t, tm: tm, fb: nb.fakeBackend}
	hs.waitFor("Signed in as", "Renew your membership", "You are nominated")
	return hs
}

// A member renews from home, nominates from the Nominate screen (which
// says why someone cannot be nominated), and accepts their own
// nomination with a statement written in the booth: each reaches the
// store.
func TestNominationScreens(t *testing.T) {
	nb := newNomBackend(t)
	h := startNom(t, nb, 100, 30)
	h.keys("r")
	h.waitFor("Press y to renew")
	h.keys("y")
	h.waitFor("Renewed ✓", "2027-12-15")
	h.keys("n")
	h.waitFor("Nominations", "Ada Member (m-0042): pending, nominated by bea", "press a to accept")
	h.keys("m")
	h.waitFor("Cy Recent (cy)", "— cy has been a member for 10 days; nominees need 90 days at the opening on 2026-12-09",
		"Ada Member (m-0042)", "— you cannot nominate yourself")
	h.keys("cy", "enter")
	h.waitFor("You cannot nominate cy: cy has been a member for 10 days")
	h.keys("esc", "m")
	h.waitFor("Bea Nominee (bea)")
	h.keys("bea", "enter")
	h.waitFor("Nominated ✓ Bea Nominee in council", "Bea Nominee (bea): pending, nominated by m-0042")
	h.keys("a")
	h.waitFor("Accept your nomination")
	h.keys("I will serve.", "ctrl+s")
	h.waitFor("Accepted ✓", "Ada Member (m-0042): accepted")
	h.final()

	_, ns, err := nb.svc.Nominations(context.Background(), "council", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 2 || ns[0].NomineeID != "bea" || !slices.Equal(ns[0].Supporters, []string{"m-0042"}) ||
		ns[1].State != models.NominationAccepted || ns[1].Statement != "I will serve." {
		t.Fatalf("the store holds %+v", ns)
	}
	st, err := nb.svc.Standing(context.Background(), "m-0042")
	if err != nil || !st.GoodUntil.Equal(testNow.AddDate(1, 0, 10)) {
		t.Fatalf("m-0042 is good until %v (%v)", st.GoodUntil, err)
	}
}

// TestGoldenNominationSizes draws the membership and nomination screens
// at every one of goldenSizes.
func TestGoldenNominationSizes(t *testing.T) {
	for _, sc := range []struct {
		name string
		to   func(*harness)
	}{
		{"Home", func(*harness) {}},
		{"Nominations", func(h *harness) { h.keys("n"); h.waitFor("press a to accept") }},
		{"Nominate", func(h *harness) { h.keys("n", "m"); h.waitFor("— cy has been") }},
		{"Accept", func(h *harness) {
			h.keys("n", "a")
			h.waitFor("Accept your nomination")
			h.keys("# Ada\n\nI will keep our **elections** honest.")
		}},
	} {
		for _, size := range goldenSizes {
			t.Run(fmt.Sprintf("%s/%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				h := startNom(t, newNomBackend(t), 80, 24)
				sc.to(h)
				h.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				got := h.final()
				checkFits(t, got, size[0], size[1])
				if size[0] >= minWidth && !strings.Contains(got, "─") {
					t.Errorf("no frame at %dx%d:\n%s", size[0], size[1], got)
				}
				golden.RequireEqual(t, got)
			})
		}
	}
}

// TestGoldenNominationJapanese draws home's renewal and nomination
// notices and the three nomination screens at 80×24 in Japanese: every
// line of the booth's own text translated, the rules' refusals made in
// models included, none wider than the screen.
func TestGoldenNominationJapanese(t *testing.T) {
	for _, sc := range []struct {
		name string
		to   func(*harness)
	}{
		{"Home", func(h *harness) {}},
		{"Nominations", func(h *harness) { h.keys("n"); h.waitFor("a キーで所信表明とともに受諾") }},
		{"Nominate", func(h *harness) { h.keys("n", "m"); h.waitFor("— cy は会員になって 10 日です") }},
		{"Accept", func(h *harness) {
			h.keys("n", "a")
			h.waitFor("推薦を受諾する")
			h.keys("# Ada\n\nI will keep our **elections** honest.")
		}},
		{"Renew", func(h *harness) { h.keys("r"); h.waitFor("y キーで更新") }},
	} {
		t.Run(sc.name, func(t *testing.T) {
			nb := newNomBackend(t)
			tm := startProgram(t, New(context.Background(), nb, langSession("ja")), 80, 24)
			h := &harness{t: t, tm: tm, fb: nb.fakeBackend}
			h.waitFor("としてサインイン", "会員資格を更新してください", "あなたは推薦されています")
			sc.to(h)
			got := h.final()
			checkFits(t, got, 80, 24)
			for _, en := range []string{"Renew your", "You are nominated", "Nominations are open", "Nominate", "Accept your", "self-nomination", "supporter",
				"has been a member", "nominees need", "cannot nominate yourself", "another member must"} {
				if strings.Contains(got, en) {
					t.Errorf("the Japanese screen says %q:\n%s", en, got)
				}
			}
			golden.RequireEqual(t, got)
		})
	}
}
