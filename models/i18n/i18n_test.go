package i18n

import "testing"

// TestFromEnv checks the POSIX order: LC_ALL, then LC_MESSAGES, then
// LANG, the first one set deciding even when it names no shipped
// language.
func TestFromEnv(t *testing.T) {
	for _, tt := range []struct {
		env  []string
		want string
	}{
		{nil, ""},
		{[]string{"LANG=ja_JP.UTF-8"}, "ja"},
		{[]string{"LANG=ja_JP.UTF-8", "LC_MESSAGES=es_ES.UTF-8"}, "es"},
		{[]string{"LC_ALL=es_MX.UTF-8", "LC_MESSAGES=ja_JP.UTF-8", "LANG=en_US.UTF-8"}, "es"},
		{[]string{"LC_ALL=C", "LANG=ja_JP.UTF-8"}, ""},
		{[]string{"LC_ALL=", "LANG=ja_JP.UTF-8"}, "ja"},
		{[]string{"LANG=de_DE.UTF-8"}, ""},
		{[]string{"LANG=ja"}, "ja"},
		{[]string{"LANG=es-419"}, "es"},
		{[]string{"LANG=sr_RS@latin"}, ""},
		{[]string{"LANG=\x1b[2J"}, ""},
		{[]string{"TERM=xterm", "LANGUAGE=ja"}, ""},
		// ssh -o SetEnv=LANG=ja_JP.UTF-8 with SendEnv LANG sends both.
		{[]string{"LANG=C", "LANG=ja_JP.UTF-8"}, "ja"},
		{[]string{"LC_ALL=es_ES.UTF-8", "LC_ALL="}, ""},
	} {
		if got := FromEnv(tt.env); got != tt.want {
			t.Errorf("FromEnv(%q) = %q, want %q", tt.env, got, tt.want)
		}
	}
}

// TestPrinter checks English as the key itself, a translation with its
// arguments reordered, the plural forms of each language, and English
// where a translation is missing.
func TestPrinter(t *testing.T) {
	en, ja, es := For(""), For("ja_JP.UTF-8"), For("es")
	for _, tt := range []struct{ got, want string }{
		{en.T("Round %d of %d — %s", 2, 4, "x"), "Round 2 of 4 — x"},
		{ja.T("Round %d of %d — %s", 2, 4, "x"), "第 2 ラウンド（全 4）— x"},
		{ja.T("turnout %s of %s (%s)", "40", "2,310", "1.7%"), "投票率 1.7%（2,310 人中 40 人）"},
		{en.N(1, "1 seat", "%d seats", 1), "1 seat"},
		{en.N(3, "1 seat", "%d seats", 3), "3 seats"},
		{ja.N(1, "1 seat", "%d seats", 1), "1 議席"},
		{es.N(1, "1 seat", "%d seats", 1), "1 puesto"},
		{es.N(3, "1 seat", "%d seats", 3), "3 puestos"},
		{es.N(1000000, "1 seat", "%d seats", 1000000), "1000000 puestos"},
		{ja.T("a message no catalogue has: %d", 7), "a message no catalogue has: 7"},
		{en.T("100% sure"), "100% sure"},
		{ja.C("state", "open"), "受付中"},
		{ja.T("open"), "開く"},
		{en.C("state", "open"), "open"},
		{es.C("state", "no such word"), "no such word"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	if ja.Lang() != "ja" || en.Lang() != "en" || For("de").Lang() != "en" {
		t.Errorf("languages: %s %s %s", ja.Lang(), en.Lang(), For("de").Lang())
	}
}
