package ssh

import (
	"strings"
	"testing"

	"vote.example.org/booth/models"
)

func TestSetAndWhoami(t *testing.T) {
	e := newTestEnv(t, nil)
	out, _, code := e.run("ada", "whoami", "")
	if code != 0 || !strings.Contains(out, "plain   off") || !strings.Contains(out, "lang    auto (from your client's locale: en now)") {
		t.Fatalf("whoami before any setting: exit %d\n%s", code, out)
	}
	for _, tc := range []struct {
		cmd  string
		want models.Preferences
		says string
	}{
		{"set plain on", models.Preferences{Plain: true}, "plain   on"},
		{"set lang ja", models.Preferences{Plain: true, Lang: "ja"}, "lang    ja"},
		{"set plain OFF", models.Preferences{Lang: "ja"}, "plain   off"},
		{"set lang auto", models.Preferences{}, "lang    auto"},
	} {
		out, errOut, code := e.run("ada", tc.cmd, "")
		if code != 0 || !strings.Contains(out, tc.says) {
			t.Fatalf("%s: exit %d\n%s%s", tc.cmd, code, out, errOut)
		}
		got, err := e.svc.MemberPreferences(bg, "ada")
		must(t, err)
		if got != tc.want {
			t.Errorf("after %s the preferences are %+v, want %+v", tc.cmd, got, tc.want)
		}
	}
	must(t, e.svc.SetMemberPreferences(bg, "ada", models.Preferences{Plain: true, Lang: "es"}))
	if out, _, _ := e.run("ada", "whoami", ""); !strings.Contains(out, "plain   on") || !strings.Contains(out, "lang    es") {
		t.Errorf("whoami does not show the preferences:\n%s", out)
	}
	// set's refusals are in the member's language.
	if _, errOut, _ := e.run("ada", "set plain maybe", ""); !strings.Contains(errOut, `plain es on u off, no "maybe"`) {
		t.Errorf("set plain maybe with set lang es: %q", errOut)
	}
	must(t, e.svc.SetMemberPreferences(bg, "ada", models.Preferences{Plain: true}))
	for _, tc := range []struct{ cmd, want string }{
		{"set", "takes a setting and its value"},
		{"set plain", "takes a setting and its value"},
		{"set plain maybe", `plain is on or off, not "maybe"`},
		{"set lang fr", `booth does not speak "fr": choose one of en, ja, es`},
		{"set colour red", `there is no setting "colour"`},
	} {
		_, errOut, code := e.run("ada", tc.cmd, "")
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, %q; want an error saying %q", tc.cmd, code, errOut, tc.want)
		}
	}
}

func TestSessionLangAndASCII(t *testing.T) {
	for _, tc := range []struct {
		env   []string
		pref  string
		lang  string
		ascii bool
	}{
		{nil, "", "en", false},
		{[]string{"LANG=ja_JP.UTF-8"}, "", "ja", false},
		{[]string{"LANG=ja_JP.UTF-8"}, "es", "es", false},
		{[]string{"LANG=fr_FR.UTF-8"}, "", "en", false},
		{[]string{"LANG=C"}, "", "en", true},
		{[]string{"LANG=POSIX"}, "", "en", true},
		{[]string{"LANG=en_US.ISO-8859-1"}, "", "en", true},
		{[]string{"LANG=C", "LC_CTYPE=C.UTF-8"}, "", "en", false},
		{[]string{"LANG=es_ES.utf8", "LC_ALL=C"}, "", "en", true},
		{[]string{"LC_MESSAGES=es_ES.UTF-8", "LANG=en_GB.UTF-8"}, "", "es", false},
		{[]string{"LANG=de_DE.UTF-8@euro"}, "", "en", false},
	} {
		if got := sessionLang(tc.env, models.Preferences{Lang: tc.pref}); got != tc.lang {
			t.Errorf("%q with preference %q: language %q, want %q", tc.env, tc.pref, got, tc.lang)
		}
		if got := asciiOnly(tc.env); got != tc.ascii {
			t.Errorf("%q: ASCII only %v, want %v", tc.env, got, tc.ascii)
		}
	}
}

// The ASCII rendering keeps every column where it was: the full-screen
// booth lays out its screen in columns.
func TestASCIIWriterKeepsColumns(t *testing.T) {
	for in, want := range map[string]string{
		"── › ✓ █ • …":            "-- > * # * .",
		"José Müller, Łódź":       "Jose Muller, Lodz",
		"¿40×12? ¡Sí!":            "?40x12? !Si!",
		"山田 太郎":                   "???? ????",
		"\x1b[1mbold\x1b[0m ─":    "\x1b[1mbold\x1b[0m -",
		"e\u0301 (combining)":     "e (combining)",
		"\u202e kept out already": " kept out already",
	} {
		var b strings.Builder
		w := newASCIIWriter(&b)
		// One byte at a time: a character cut between writes is held.
		for i := range len(in) {
			if _, err := w.Write([]byte{in[i]}); err != nil {
				t.Fatal(err)
			}
		}
		if b.String() != want {
			t.Errorf("%q became %q, want %q", in, b.String(), want)
		}
	}
}
