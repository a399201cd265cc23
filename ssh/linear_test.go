package ssh

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// number is the number linear mode gave the election titled title in the
// list printed so far.
func (tt *teletype) number(title string) string {
	tt.t.Helper()
	re := regexp.MustCompile(`(?m)^(\d+)\. ` + regexp.QuoteMeta(title) + `\.`)
	var m []string
	if !eventually(func() bool { m = re.FindStringSubmatch(tt.out.String()); return m != nil }) {
		tt.t.Fatalf("no election %q in the list:\n%s", title, tt.out.String())
	}
	return m[1]
}

// receipt is the receipt printed after "is cast." or "is replaced.".
func (tt *teletype) receipt() string {
	tt.t.Helper()
	tt.expect("shown only this once, is:")
	var r string
	if !eventually(func() bool {
		rest := strings.TrimLeft(tt.out.String()[tt.read:], "\r\n")
		line, _, ok := strings.Cut(rest, "\r\n")
		r = line
		return ok
	}) {
		tt.t.Fatal("no receipt line")
	}
	if _, err := models.NormalizeReceipt(r); err != nil {
		tt.t.Fatalf("the receipt line %q: %v", r, err)
	}
	return r
}

// A full vote in linear mode for every method, on a TERM=dumb terminal,
// each in a session of its own, read as a teletype reads it.
func TestLinearVoteEveryMethod(t *testing.T) {
	e := newTestEnv(t, nil)
	ids := methodElections(e)
	for _, tc := range []struct {
		method   tally.Method
		ranking  string
		readBack []string
	}{
		{tally.Schulze, "3 = 1", []string{"1= Alma Example (id alma)", "1= Cleo Example (id cleo)", "Not ranked, so equal below everyone you ranked:", "  - Bert Example (id bert)"}},
		{tally.IRV, "2 1", []string{"1. Bert Example (id bert)", "2. Alma Example (id alma)", "Not ranked:"}},
		{tally.Meek, "1, 3", []string{"1. Alma Example (id alma)", "2. Cleo Example (id cleo)"}},
		{tally.Scottish, "cleo 2 1", []string{"1. Cleo Example (id cleo)", "2. Bert Example (id bert)", "3. Alma Example (id alma)"}},
		{tally.Approval, "3 1", []string{"You approve:", "  - Alma Example (id alma)", "  - Cleo Example (id cleo)", "You do not approve:", "  - Bert Example (id bert)"}},
		{tally.YesNo, "yes", []string{"Your answer: Yes (id yes)."}},
	} {
		t.Run(string(tc.method), func(t *testing.T) {
			id := ids[tc.method]
			title := "Election by " + string(tc.method)
			tt := e.teletypeSession(t, "ada", "dumb", nil, "")
			tt.expect("linear mode")
			tt.answer("Election number", tt.number(title))
			tt.expect("Election: " + title)
			tt.expect("Description of " + title)
			tt.expect("because the bylaws say so")
			if tc.method != tally.YesNo {
				tt.answer("Type 1 ", "2")
				tt.answer("Statement of number", "1")
				tt.expect("I am Alma and I stand for " + string(tc.method))
			}
			tt.answer("Type 1 ", "1")
			if tc.method == tally.Schulze {
				// help and back work here as at every prompt.
				tt.answer("Your ranking", "help")
				tt.expect("= to rank them equal")
				tt.answer("Your ranking", "7")
				tt.expect("There is no number 7")
				tt.answer("Your ranking", "1 1")
				tt.expect("alma is already on line 1")
				tt.answer("Your ranking", "blank")
				tt.expect("You ranked nobody: a blank ballot")
				tt.answer("Type cast", "back")
			}
			prompt := map[tally.Method]string{tally.Approval: "Numbers of the candidates you approve", tally.YesNo: "Your answer"}[tc.method]
			if prompt == "" {
				prompt = "Your ranking"
			}
			tt.answer(prompt, tc.ranking)
			for _, l := range tc.readBack {
				tt.expect(l + "\r\n")
			}
			if box, _ := e.ballots(id); box != 0 {
				t.Fatalf("a ballot was stored before cast was typed")
			}
			tt.answer("Type cast", "cast")
			tt.expect("Your ballot is cast.")
			tt.receipt()
			if box, voted := e.ballots(id); box != 1 || voted != 1 {
				t.Fatalf("after cast: %d ballots, %d voted, want 1 and 1", box, voted)
			}
			tt.answer("Type 1 ", "back")
			tt.answer("Election number", "quit")
			tt.expect("Goodbye.")
			tt.wait()
		})
	}
}

// A ballot replaced in linear mode with its receipt: a wrong receipt is
// refused at once, the right one leads to a new ballot and a new receipt.
func TestLinearReplace(t *testing.T) {
	e := newTestEnv(t, nil)
	ids := methodElections(e)
	id, title := ids[tally.YesNo], "Election by yesno"

	tt := e.teletypeSession(t, "ken", "dumb", nil, "")
	tt.answer("Election number", tt.number(title))
	tt.answer("Type 1 vote", "1")
	tt.answer("Your answer", "yes")
	tt.answer("Type cast", "cast")
	first := tt.receipt()
	tt.answer("Type 1 replace", "quit")
	tt.wait()

	tt = e.teletypeSession(t, "ken", "dumb", nil, "")
	tt.answer("Election number", tt.number(title))
	tt.expect("you have voted.")
	tt.answer("Type 1 replace your ballot", "1")
	tt.answer("Receipt of the ballot to replace", "AAAA-BBBB")
	tt.expect("receipt")
	tt.answer("Receipt of the ballot to replace", first)
	tt.answer("Your answer", "no")
	tt.expect("It replaces your earlier ballot")
	tt.expect("Your answer: No (id no).")
	tt.answer("Type cast", "cast")
	tt.expect("Your ballot is replaced.")
	second := tt.receipt()
	if second == first {
		t.Fatal("the replacement got the old receipt")
	}
	tt.expect("no longer counts")
	tt.answer("Type 1 replace", "quit")
	tt.wait()
	if box, voted := e.ballots(id); box != 1 || voted != 1 {
		t.Fatalf("after the replace: %d ballots, %d voted, want 1 and 1", box, voted)
	}
}

// A counted election's result in linear mode.
func TestLinearResults(t *testing.T) {
	e := newTestEnv(t, nil)
	for who, ballot := range map[string]string{"ada": "alma\nbert\ncleo\n", "ken": "bert\ncleo\nalma\n"} {
		if out, errOut, code := e.run(who, "cast board", ballot); code != 0 {
			t.Fatalf("cast: %s %s", out, errOut)
		}
	}
	e.count("board")
	tt := e.teletypeSession(t, "ada", "dumb", nil, "")
	tt.answer("Election number", tt.number("Board election"))
	tt.expect("Closed and counted")
	tt.answer("Type 1 see the results", "1")
	tt.expect("Result of Board election")
	tt.expect("Bert Example")
	tt.expect("End of the result of Board election.")
	tt.answer("Type 1 see the results", "back")
	tt.answer("Election number", "quit")
	tt.wait()
}

// How a session comes to linear mode: by the client's environment, by
// TERM=dumb, by the plain command (with a terminal or without), or by the
// member's preference; an ordinary terminal gets the full-screen booth,
// which the teletype's checks refuse.
func TestLinearModeSelection(t *testing.T) {
	e := newTestEnv(t, nil)
	for _, tc := range []struct {
		name, term string
		env        map[string]string
		cmd        string
		pref       bool
		linear     bool
	}{
		{name: "ACCESSIBLE=1", term: "xterm-256color", env: map[string]string{"ACCESSIBLE": "1"}, linear: true},
		{name: "BOOTH_PLAIN=1", term: "xterm-256color", env: map[string]string{"BOOTH_PLAIN": "1"}, linear: true},
		{name: "TERM=dumb", term: "dumb", linear: true},
		{name: "plain with a terminal", term: "xterm-256color", cmd: "plain", linear: true},
		{name: "plain without a terminal", cmd: "plain", linear: true},
		{name: "preference", term: "xterm-256color", pref: true, linear: true},
		{name: "ACCESSIBLE=0", term: "xterm-256color", env: map[string]string{"ACCESSIBLE": "0"}},
		{name: "xterm", term: "xterm-256color"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			must(t, e.svc.SetMemberPreferences(bg, "ada", models.Preferences{Plain: tc.pref}))
			tt := e.teletypeSession(t, "ada", tc.term, tc.env, tc.cmd)
			if !tc.linear {
				tt.expect("\x1b[?1049h") // the alternate screen
				if tt.problems() == nil {
					t.Fatalf("the teletype's checks passed the full-screen booth:\n%q", tt.transcript())
				}
				tt.prompts = nil
				tt.out = &lockedBuffer{} // checked already
				return
			}
			tt.expect("linear mode")
			tt.answer("Election number", "quit")
			tt.expect("Goodbye.")
			tt.wait()
		})
	}
}

// A session nobody answers is warned, then ended, as the booth's is;
// nothing is cast.
func TestLinearIdleTimeout(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.IdleTimeout = 2 * time.Second })
	tt := e.teletypeSession(t, "ada", "dumb", nil, "")
	tt.expect("Election number")
	tt.expect("the session ends in 1 second unless you type something")
	tt.expect("without an answer. Nothing was cast by it.")
	tt.wait()
}
