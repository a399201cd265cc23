package cli

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/mailer/mailpittest"
	"vote.example.org/booth/models/sqlite"
)

// langMembers gives m0000 and m0001 Japanese, m0002 and m0003 Spanish;
// m0004 chose nothing and m0005 only linear mode: they read English.
func langMembers(t *testing.T, st *sqlite.Store) map[string]string {
	t.Helper()
	want := map[string]string{"m0000": "ja", "m0001": "ja", "m0002": "es", "m0003": "es", "m0004": "en", "m0005": "en"}
	for id, p := range map[string]models.Preferences{"m0000": {Lang: "ja"}, "m0001": {Lang: "ja", Plain: true}, "m0002": {Lang: "es"}, "m0003": {Lang: "es"}, "m0005": {Plain: true}} {
		if err := st.SetPreferences(context.Background(), id, p); err != nil {
			t.Fatal(err)
		}
	}
	return want
}

// receivedMail is a mail as Mailpit decoded it, with its raw headers.
type receivedMail struct{ subject, body, headers string }

// byRecipient reads every message Mailpit received, by its To address.
func byRecipient(t *testing.T, mp *mailpittest.Server) map[string]receivedMail {
	t.Helper()
	out := map[string]receivedMail{}
	for _, m := range mp.Messages(t) {
		subject, body := mp.Text(t, m.ID)
		raw := string(mp.Raw(t, m.ID))
		headers, _, _ := strings.Cut(raw, "\r\n\r\n")
		for _, to := range m.To {
			out[to.Address] = receivedMail{subject, strings.ReplaceAll(body, "\r\n", "\n"), headers}
		}
	}
	return out
}

// asciiHeaders fails on a header byte outside ASCII: a subject in
// Japanese goes as RFC 2047 encoded words.
func asciiHeaders(t *testing.T, who string, m receivedMail) {
	t.Helper()
	for i := 0; i < len(m.headers); i++ {
		if m.headers[i] >= 0x80 {
			t.Fatalf("%s: the headers hold a byte above ASCII:\n%s", who, m.headers)
		}
	}
}

// encodedSubject is a subject header (perhaps folded) made of RFC 2047
// encoded words.
var encodedSubject = regexp.MustCompile(`(?m)^Subject:\s+=\?UTF-8\?[qQbB]\?`)

// englishSentences are the built-in announcement's own English: none of
// it may appear in a Japanese or Spanish mail.
var englishSentences = []string{"Dear ", "voting is open", "To vote, run", "check that the host key", "ssh client shows",
	"never sends a link", "Sign in", "registered SSH key", "cast your ballot", "The election officers", "election officers of"}

// The case for mail: members who chose Japanese, Spanish and
// nothing get the announcement in Japanese, Spanish and English, subject
// and body, through a real SMTP server; the dry run counts them by
// language first.
func TestNoticeMailInMembersLanguage(t *testing.T) {
	mp := mailpittest.Start(t)
	data, st := noticeElection(t, 6, "山田 花子")
	langs := langMembers(t, st)
	// m0006's name in Japanese goes in the To header as encoded words.
	if err := st.SetPreferences(context.Background(), "m0006", models.Preferences{Lang: "ja"}); err != nil {
		t.Fatal(err)
	}
	langs["m0006"] = "ja"
	mail := []string{"--data", data, "--smtp", mp.URL(), "--mail-from", "vote@example.org", "--ssh-command", "ssh vote.example.org", "--foundation", "Example Foundation"}

	dry := mustBooth(t, "", append([]string{"notice", "send", "e1", "announce", "--dry-run"}, mail...)...)
	for _, want := range []string{"would be mailed to 7 members now", "(en: none or English): en 2, ja 3, es 2",
		"en: 2 members get booth's built-in English text", "ja: 3 members get booth's built-in Japanese text", "es: 2 members get booth's built-in Spanish text",
		"Subject: Voting is open: Board 2026", "Subject: 投票受付中: Board 2026", "Subject: Votación abierta: Board 2026"} {
		if !strings.Contains(dry, want) {
			t.Errorf("the dry run lacks %q:\n%s", want, dry)
		}
	}
	if n := len(mp.Messages(t)); n != 0 {
		t.Fatalf("the dry run mailed %d", n)
	}

	out := mustBooth(t, "", append([]string{"notice", "send", "e1", "announce"}, mail...)...)
	if !strings.Contains(out, "mailed 7;") {
		t.Fatalf("booth notice send:\n%s", out)
	}
	got := byRecipient(t, mp)
	date := regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d UTC`)
	want := map[string]struct {
		subject string
		phrases []string
	}{
		"ja": {"投票受付中: Board 2026", []string{" 様", "」（e1）の投票を ", "受け付けています。", "登録済みの SSH 鍵でサインインし、投票してください。投票するには",
			"    ssh vote.example.org\n", "ホスト鍵の指紋", "リンクを送ったり", "-- \nExample Foundation 選挙管理者"}},
		"es": {"Votación abierta: Board 2026", []string{"Hola, Member m000", "La votación de «Board 2026» (e1) está abierta desde el ", "Entra con tu clave SSH registrada y emite tu papeleta. Para votar, ejecuta",
			"    ssh vote.example.org\n", "huella de la clave del servidor", "booth nunca envía un enlace", "-- \nLa junta electoral de Example Foundation"}},
		"en": {"Voting is open: Board 2026", []string{"Dear Member m000", "voting is open in \"Board 2026\" (e1) from ", "Sign in with your registered SSH key and cast your ballot. To vote, run",
			"    ssh vote.example.org\n", "check that the host key fingerprint", "-- \nThe election officers of Example Foundation"}},
	}
	for id, lang := range langs {
		m, ok := got[id+"@example.org"]
		if !ok {
			t.Errorf("%s got no mail", id)
			continue
		}
		asciiHeaders(t, id, m)
		w := want[lang]
		if m.subject != w.subject {
			t.Errorf("%s (%s): subject %q, want %q", id, lang, m.subject, w.subject)
		}
		for _, p := range w.phrases {
			if !strings.Contains(m.body, p) {
				t.Errorf("%s (%s): the body lacks %q:\n%s", id, lang, p, m.body)
			}
		}
		if n := len(date.FindAllString(m.body, -1)); n != 2 {
			t.Errorf("%s (%s): %d dates as 2026-12-03 09:00 UTC, want the opening and the close:\n%s", id, lang, n, m.body)
		}
		if lang == "en" {
			continue
		}
		if !encodedSubject.MatchString(m.headers) {
			t.Errorf("%s: the subject is not RFC 2047 encoded:\n%s", id, m.headers)
		}
		for _, s := range englishSentences {
			if strings.Contains(m.body, s) {
				t.Errorf("%s (%s): English %q in the body:\n%s", id, lang, s, m.body)
			}
		}
	}
}

// A foundation's own texts: DIR/ja/announce.txt goes to the members who
// chose Japanese, DIR/announce.txt to everyone else (Spanish included,
// as there is no DIR/es/announce.txt): officers' words are never
// replaced by booth's translation.
func TestNoticeMailFoundationTemplatesPerLanguage(t *testing.T) {
	mp := mailpittest.Start(t)
	data, st := noticeElection(t, 6)
	langs := langMembers(t, st)
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "ja"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"announce.txt":    "Subject: Polls are open for {{.Title}}\n\nHello {{.Name}}, the polls are open. {{.Action}}\n\n    {{.SSH}}\n",
		"ja/announce.txt": "Subject: {{.Title}} の投票が始まりました\n\n{{.Name}} さん、投票が始まりました。{{.Action}}\n\n    {{.SSH}}\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mail := []string{"--data", data, "--smtp", mp.URL(), "--mail-from", "vote@example.org", "--ssh-command", "ssh vote.example.org", "--notice-templates", dir}
	dry := mustBooth(t, "", append([]string{"notice", "send", "e1", "announce", "--dry-run"}, mail...)...)
	for _, want := range []string{"en 2, ja 2, es 2", "ja: 2 members get your " + filepath.Join(dir, "ja", "announce.txt"),
		"es: 2 members get your " + filepath.Join(dir, "announce.txt"), "en: 2 members get your " + filepath.Join(dir, "announce.txt")} {
		if !strings.Contains(dry, want) {
			t.Errorf("the dry run lacks %q:\n%s", want, dry)
		}
	}
	mustBooth(t, "", append([]string{"notice", "send", "e1", "announce"}, mail...)...)
	got := byRecipient(t, mp)
	for id, lang := range langs {
		m := got[id+"@example.org"]
		asciiHeaders(t, id, m)
		subject, body := "Polls are open for Board 2026", "Hello Member "+id+", the polls are open. Sign in with your registered SSH key and cast your ballot.\n\n    ssh vote.example.org\n"
		if lang == "ja" {
			subject, body = "Board 2026 の投票が始まりました", "Member "+id+" さん、投票が始まりました。登録済みの SSH 鍵でサインインし、投票してください。\n\n    ssh vote.example.org\n"
		}
		if m.subject != subject || m.body != body {
			t.Errorf("%s (%s): got %q\n%q\nwant %q\n%q", id, lang, m.subject, m.body, subject, body)
		}
	}
}
