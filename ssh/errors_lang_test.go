package ssh

import (
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/tally"
)

// refusalEnv is a server whose store runs on a clock the test moves: a
// foundation with a 12-month term, members in every standing the
// nomination rules look at, an election taking nominations ("board")
// and one open for voting without replacement ("b26"). Members may hold
// one session each.
func refusalEnv(t *testing.T) (*testEnv, *fakeClock) {
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
	for _, m := range []struct {
		id            string
		joined, until time.Time
	}{
		{"ada", t0.AddDate(-1, 0, 0), t0.AddDate(0, 6, 0)},   // good, outside the renewal window
		{"bea", t0.AddDate(-1, 0, 0), t0.AddDate(0, 6, 0)},   // a nominee
		{"cy", t0.AddDate(0, 0, -10), t0.AddDate(1, 0, 0)},   // a member for 10 days
		{"lap", t0.AddDate(-2, 0, 0), t0.AddDate(0, 0, -60)}, // lapsed, the grace over
		{"ken", t0.AddDate(-1, 0, 0), t0.AddDate(0, 6, 0)},   // a voter
	} {
		signer, key := newKey(t)
		e.keys[m.id] = signer
		ms = append(ms, models.Member{ID: m.id, Name: "Member " + m.id, Status: models.Active, Keys: []models.Key{key},
			Joined: m.joined, GoodUntil: m.until})
	}
	must(t, st.ImportMembers(bg, ms, "officer"))
	opens := t0.AddDate(0, 0, 8)
	board := models.Definition{
		ID: "board", Title: "Board 2027", Method: tally.Meek, Seats: 2, OpensAt: opens, ClosesAt: opens.AddDate(0, 0, 2), TieSeed: "seed",
		Nominations: &models.NominationRules{Opens: t0.Add(-time.Hour), Closes: t0.AddDate(0, 0, 7), Supporters: 1,
			NomineeMemberFor: 90 * 24 * time.Hour, NominatorInGoodStanding: true},
	}
	_, recipient, err := models.NewTallyKey()
	must(t, err)
	must(t, st.CreateElection(bg, models.Election{Definition: board, Recipients: []string{recipient}}, "officer"))
	b26 := testDefinition("b26", "Board 2026")
	b26.OpensAt, b26.ClosesAt = t0.Add(-time.Hour), t0.Add(48*time.Hour)
	e.openElection(b26)
	e.start(func(c *Config) { c.MaxSessionsPerMember = 1 })
	return e, clock
}

// TestMemberRefusalsInTheirLanguage: with `set lang ja` and `set lang
// es`, every refusal a member meets over SSH that is made in models (the
// nomination and renewal rules, the language check, the store's cast and
// replace refusals, the voting window, the session limit) reaches them
// in their language, with none of its English.
func TestMemberRefusalsInTheirLanguage(t *testing.T) {
	for _, tt := range []struct {
		lang string
		// want: what each refusal says, keyed by the English it must not
		// say.
		self, recent, lapsed, twice, renew, badLang, noNomination, escape, voted, replace, closed, sessions, leased string
	}{
		{lang: "ja",
			self:         "board では自分を推薦できません。ほかの会員に推薦してもらう必要があります",
			recent:       "cy は会員になって 10 日です。被推薦者には投票開始日（2027-01-18）の時点で 90 日の会員歴が必要です",
			lapsed:       "会員資格が失効しています（失効: 2026-11-25 から無効です。選挙管理者に更新を依頼してください）。推薦できるのは会員資格が有効な会員だけです",
			twice:        "board ではすでに bea を推薦しています: すでに存在します",
			renew:        "会員資格は 2027-07-10 まで有効です。更新は 2027-06-10 から受け付けます（30 日前から）",
			badLang:      `booth は "xx" に対応していません。en, ja, es のいずれかを選んでください。'set lang auto' でクライアントのロケールに従います`,
			noNomination: "board であなたへの推薦はありません: 見つかりません",
			escape:       "所信表明の 7 文字目にエスケープ文字（U+001B）が含まれています。削除してください",
			voted:        "b26 ではすでに投票済みです",
			replace:      "b26 では投票のやり直しはできません",
			closed:       "b26 は投票を受け付けていません: 投票は 2027-01-12 09:00 UTC に終了しました",
			sessions:     "このサーバーですでに 1 個のセッションを開いています。先に一つ閉じてください",
			leased:       "すでに 1 個のセッションを開いています。先に一つ閉じてください",
		},
		{lang: "es",
			self:         "no puedes autoproponerte en board: otro miembro debe proponerte",
			recent:       "cy es miembro desde hace 10 días; las personas propuestas necesitan 90 días en la apertura, el 2027-01-18",
			lapsed:       "tu membresía ha caducado (caducada: no estás al corriente desde el 2026-11-25",
			twice:        "ya propusiste a bea en board: ya existe",
			renew:        "tu membresía está al corriente hasta el 2027-07-10; la renovación se abre el 2027-06-10 (30 días antes)",
			badLang:      `booth no habla "xx": elige uno de estos: en, ja, es; 'set lang auto' sigue la configuración regional de tu cliente`,
			noNomination: "no tienes ninguna propuesta en board: no encontrado",
			escape:       "la declaración contiene el carácter de escape U+001B en el carácter 7: quítalo",
			voted:        "ya has votado en b26",
			replace:      "b26 no permite sustituir una papeleta",
			closed:       "b26 no está abierta para votar: la votación se cerró el 2027-01-12 09:00 UTC",
			sessions:     "ya tienes 1 sesión abierta en este servidor: ciérrala primero",
			leased:       "ya tienes 1 sesión abierta: ciérrala primero",
		},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			e, clock := refusalEnv(t)
			// Each member may hold one session: a command's ends just
			// after its client has the exit status.
			run := func(member, cmd, stdin string) (string, string, int) {
				t.Helper()
				e.waitForNoSession(member)
				return e.run(member, cmd, stdin)
			}
			for _, m := range []string{"ada", "bea", "lap", "ken"} {
				if _, errOut, code := run(m, "set lang "+tt.lang, ""); code != 0 {
					t.Fatalf("set lang %s for %s: exit %d: %s", tt.lang, m, code, errOut)
				}
			}
			refused := func(member, cmd, stdin, want, english string) {
				t.Helper()
				_, errOut, code := run(member, cmd, stdin)
				if code == 0 || !strings.Contains(errOut, want) || strings.Contains(errOut, english) {
					t.Errorf("%s: %s: exit %d, stderr:\n%s\nwant %q, and not %q", member, cmd, code, errOut, want, english)
				}
			}
			refused("ada", "nominate board ada", "", tt.self, "you cannot nominate yourself")
			refused("ada", "nominate board cy", "", tt.recent, "has been a member for")
			refused("lap", "nominate board bea", "", tt.lapsed, "only members in good standing")
			if _, errOut, code := run("ada", "nominate board bea", ""); code != 0 {
				t.Fatalf("ada nominates bea: exit %d: %s", code, errOut)
			}
			refused("ada", "nominate board bea", "", tt.twice, "you have nominated")
			refused("ada", "renew", "", tt.renew, "renewal opens")
			refused("ada", "set lang xx", "", tt.badLang, "does not speak")
			refused("ada", "nominations decline board", "", tt.noNomination, "you have no nomination")
			refused("bea", "nominations accept board", "# Bea\n\x1b[2J", tt.escape, "the statement contains")

			if _, errOut, code := run("ken", "cast b26", "alma\n"); code != 0 {
				t.Fatalf("ken's cast: exit %d: %s", code, errOut)
			}
			refused("ken", "cast b26", "bert\n", tt.voted, "already voted")
			refused("ken", "replace b26", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GG\nbert\n", tt.replace, "does not allow")

			// One session each: a second while ken is in the booth is
			// refused, on this front end and on another sharing the store.
			e.waitForNoSession("ken")
			booth := e.terminal(e.client("ken"), 80, 24)
			booth.waitFor("Board 2026")
			_, errOut, code := e.run("ken", "status", "")
			if code == 0 || !strings.Contains(errOut, tt.sessions) || strings.Contains(errOut, "session open") {
				t.Errorf("a second session on this front end: exit %d, stderr:\n%s\nwant %q", code, errOut, tt.sessions)
			}
			other := e.secondFrontEnd(func(c *Config) { c.MaxSessionsPerMember = 1 })
			c, err := gossh.Dial("tcp", other, &gossh.ClientConfig{User: "vote", Auth: []gossh.AuthMethod{gossh.PublicKeys(e.keys["ken"])},
				HostKeyCallback: gossh.FixedHostKey(e.hostKey), Timeout: 10 * time.Second})
			must(t, err)
			defer c.Close()
			second := e.terminal(c, 80, 24)
			second.waitFor(tt.leased)
			if out := second.out.String(); strings.Contains(out, "session open") {
				t.Errorf("the second front end's refusal is in English:\n%s", out)
			}
			booth.send(keyCtrlC)
			_ = booth.sess.Wait()

			// After the close, whether or not the lifecycle has closed
			// it yet.
			clock.set(time.Date(2027, 1, 12, 9, 0, 0, 0, time.UTC))
			refused("ada", "cast b26", "alma\n", tt.closed, "voting closed")
		})
	}
}

// waitForNoSession waits until member holds no session on e's server.
func (e *testEnv) waitForNoSession(member string) {
	e.t.Helper()
	m := e.srv.members
	if !eventually(func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.open[member] == 0
	}) {
		e.t.Fatalf("%s's sessions never ended", member)
	}
}
