package booth

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
)

// englishContent is the screen m shows, in English: the state is the
// same in every language, so a test script waits for English text
// whatever the member reads. What drawing clamps is put back, so that
// the screen in the member's language is drawn as if this one never was.
func englishContent(m *model) string {
	p, page, cut, chrome := m.p, m.page, m.cut, m.chrome
	m.p = i18n.Printer{}
	defer func() { m.p, m.page, m.cut, m.chrome = p, page, cut, chrome }()
	return m.content()
}

// englishContent is the kiosk's screen in English (see the booth's).
func (k *Kiosk) englishContent() string {
	p := k.look.p
	k.look.p = i18n.Printer{}
	defer func() { k.look.p = p }()
	if k.inner == nil {
		return k.content()
	}
	ip, page, cut, chrome := k.inner.p, k.inner.page, k.inner.cut, k.inner.chrome
	k.inner.p = i18n.Printer{}
	defer func() { k.inner.p, k.inner.page, k.inner.cut, k.inner.chrome = ip, page, cut, chrome }()
	return k.content()
}

// englishContent is the review's screen in English (see the booth's).
func (o *offline) englishContent() string {
	m := o.m
	p, page, cut, chrome := m.p, m.page, m.cut, m.chrome
	m.p = i18n.Printer{}
	defer func() { m.p, m.page, m.cut, m.chrome = p, page, cut, chrome }()
	return o.content()
}

// langSession is the test session for a member whose client sends lang.
func langSession(lang string) Session {
	s := testSession()
	s.Lang = lang
	return s
}

// translate gives the fake's elections the Japanese text officers would
// write: the question's title, the board's description and statements.
// The board keeps its English title, which the scripts wait for.
func translate(fb *fakeBackend) {
	fb.elections[0].Translations = map[string]models.Translation{"ja": {Title: "リリースの周期は？"}}
	board := &fb.elections[1]
	st := map[string]string{}
	for _, c := range board.Candidates {
		st[c.ID] = "# " + c.Name + "\n\n" + strings.Repeat("財団の **ビルドシステム** を六年間保守してきました。", 3)
	}
	board.Translations = map[string]models.Translation{"ja": {
		Description: "財団は今年、七人の理事のうち **三人** を選びます。任期は二年です。", Statements: st}}
}

// TestGoldenJapanese draws every screen of sizedScreens at 80×24 in
// Japanese, with the 70-character name among the candidates and the
// officers' Japanese text.
func TestGoldenJapanese(t *testing.T) {
	for _, sc := range sizedScreens {
		t.Run(sc.name, func(t *testing.T) {
			fb := sizedFake(t)
			translate(fb)
			if sc.fake != nil {
				sc.fake(fb)
			}
			h := start(t, fb, langSession("ja_JP.UTF-8"), 80, 24)
			sc.to(h)
			got := h.final()
			checkFits(t, got, 80, 24)
			if !strings.ContainsFunc(got, func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana) }) {
				t.Errorf("the screen is not in Japanese:\n%s", got)
			}
			golden.RequireEqual(t, got)
		})
	}
}

// TestGoldenOfflineJapanese draws the review of a results bundle at
// 80×24 in Japanese, as booth review shows it under LANG=ja_JP.UTF-8.
func TestGoldenOfflineJapanese(t *testing.T) {
	for _, sc := range offlineSizedScreens {
		t.Run(sc.name, func(t *testing.T) {
			f := newOfflineFixture(t, true)
			h := startOfflineIn(t, f.data, f.trust(t), "ja_JP.UTF-8")
			sc.to(h, &f)
			got := h.final()
			checkFits(t, got, 80, 24)
			golden.RequireEqual(t, got)
		})
	}
}

// TestGoldenKioskJapanese draws the kiosk's welcome screen and a voter's
// home in it at 80×24 in Japanese.
func TestGoldenKioskJapanese(t *testing.T) {
	for _, sc := range kioskSizedScreens(t) {
		t.Run(sc.name, func(t *testing.T) {
			env := newKioskEnv(t)
			h := startKiosk(t, env, KioskConfig{Name: "Stand A · hall 2", Lang: "ja"}, false)
			sc.to(h, env)
			got := h.screen()
			checkFits(t, got, 80, 24)
			golden.RequireEqual(t, got)
		})
	}
}

// TestEveryLanguageFits draws every screen, the kiosk's among them, in
// every shipped language at every one of goldenSizes: no line may be
// wider than the terminal, a wide character counting as two columns.
func TestEveryLanguageFits(t *testing.T) {
	for _, lang := range i18n.Languages {
		for _, size := range goldenSizes {
			for _, sc := range sizedScreens {
				t.Run(fmt.Sprintf("%s/%s/%dx%d", lang, sc.name, size[0], size[1]), func(t *testing.T) {
					fb := sizedFake(t)
					translate(fb)
					if sc.fake != nil {
						sc.fake(fb)
					}
					h := start(t, fb, langSession(lang), 80, 24)
					sc.to(h)
					h.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
					checkFits(t, h.final(), size[0], size[1])
				})
			}
			for _, sc := range offlineSizedScreens {
				t.Run(fmt.Sprintf("%s/Review%s/%dx%d", lang, sc.name, size[0], size[1]), func(t *testing.T) {
					f := newOfflineFixture(t, true)
					h := startOfflineIn(t, f.data, f.trust(t), lang)
					sc.to(h, &f)
					h.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
					checkFits(t, h.final(), size[0], size[1])
				})
			}
			for _, sc := range kioskSizedScreens(t) {
				t.Run(fmt.Sprintf("%s/Kiosk%s/%dx%d", lang, sc.name, size[0], size[1]), func(t *testing.T) {
					env := newKioskEnv(t)
					h := startKiosk(t, env, KioskConfig{Name: "Stand A · hall 2", Lang: lang}, false)
					sc.to(h, env)
					h.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
					checkFits(t, h.screen(), size[0], size[1])
				})
			}
		}
	}
}

// The cuts of a fingerprint and a receipt hash keep wide characters
// whole: the text comes from a definition or a bundle, which an attacker
// may have written.
func TestCutsKeepWideCharacters(t *testing.T) {
	for _, tt := range []struct {
		got   string
		width int
	}{
		{shortFingerprint("指紋指紋指紋指紋指紋指紋指紋"), 4 + 1 + 2},
		{shortHash("ハッシュハッシュハッシュハッシュ"), 16 + 1},
	} {
		if !utf8.ValidString(tt.got) || strings.ContainsRune(tt.got, utf8.RuneError) {
			t.Errorf("%q splits a character", tt.got)
		}
		if w := ansi.StringWidth(tt.got); w > tt.width {
			t.Errorf("%q is %d wide, more than %d", tt.got, w, tt.width)
		}
	}
}

// TestSessionLanguage checks that the language a session asks for reaches
// every screen, and that one the booth does not ship gives English.
func TestSessionLanguage(t *testing.T) {
	for lang, want := range map[string]string{
		"ja_JP.UTF-8": "サインイン",
		"es_ES.UTF-8": "Has entrado como",
		"de_DE.UTF-8": "Signed in as",
		"C":           "Signed in as",
	} {
		h := start(t, nil, langSession(lang), 80, 24)
		if got := h.final(); !strings.Contains(got, want) {
			t.Errorf("LANG=%s: the home screen lacks %q:\n%s", lang, want, got)
		}
	}
}

// BenchmarkRankKeyIn is BenchmarkRankKey in each shipped language: the
// catalogue's cost on the screen a member presses most keys on (English
// is the key itself, so it costs nothing).
func BenchmarkRankKeyIn(b *testing.B) {
	for _, lang := range i18n.Languages {
		b.Run(lang, func(b *testing.B) {
			fb := &fakeBackend{elections: newFake(&testing.T{}).elections}
			m := New(b.Context(), fb, langSession(lang)).(*model)
			m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
			m.Update(electionsMsg{list: fb.elections})
			press(m, "down", "enter", "v", "enter", "enter")
			down := tea.KeyPressMsg{Code: tea.KeyDown}
			b.ReportAllocs()
			for b.Loop() {
				m.Update(down)
				_ = m.View()
			}
		})
	}
}

// The kiosk's setup refuses a short passphrase in the kiosk's language.
func TestKioskSetupInJapanese(t *testing.T) {
	env := newKioskEnv(t)
	h := startKiosk(t, env, KioskConfig{Lang: "ja"}, true)
	h.waitFor("choose the passphrase that ends this kiosk")
	h.keys("short", "enter")
	// The refusal is kept as it was said, so the screen itself shows it.
	waitForScreen(t, h.screen, "スタッフのパスフレーズが 5 文字です。8 文字以上必要です。")
}
