package models_test

import (
	"crypto/sha256"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// Made into catalogue keys, the built-in English texts are still the
// same, byte for byte.
func TestBuiltinNoticeEnglishUnchanged(t *testing.T) {
	f := models.NoticeFields{Name: "Ann", Member: "m1", Title: "Board", Election: "b26", Opens: "2026-12-03 09:00 UTC", Closes: "2026-12-05 09:00 UTC",
		SSH: "ssh vote.example.org", HostKey: "SHA256:abc", Action: "Do it.", Foundation: "Example", Until: "2027-01-01 00:00 UTC"}
	tmpl := models.DefaultNoticeTemplates()
	for k, want := range map[models.NoticeKind]string{
		models.NoticeAnnounce: "Dear Ann,\n\nvoting is open in \"Board\" (b26) from 2026-12-03 09:00 UTC until 2026-12-05 09:00 UTC.\n\nDo it. To vote, run\n\n    ssh vote.example.org\n\nand check that the host key fingerprint your ssh client shows is\nSHA256:abc\n\nbooth never sends a link to sign in and never asks for a password.\n\n-- \nThe election officers of Example\n",
		models.NoticeResults:  "Dear Ann,\n\nthe results of \"Board\" (b26) are published.\n\nDo it.\n\n    ssh vote.example.org results b26\n\nCheck that the host key fingerprint your ssh client shows is\nSHA256:abc\n\n-- \nThe election officers of Example\n",
		models.NoticeRenewal:  "Dear Ann,\n\nyour membership of Example (m1) is good until 2027-01-01 00:00 UTC.\nOnly members in good standing may vote and nominate.\n\nDo it. Run\n\n    ssh vote.example.org renew\n\nand check that the host key fingerprint your ssh client shows is\nSHA256:abc\n\nbooth never sends a link to sign in and never asks for a password.\n\n-- \nThe election officers of Example\n",
	} {
		_, body, err := tmpl.Render(k, f)
		if err != nil || body != want {
			t.Errorf("%s: %v\n%q\nwant\n%q", k, err, body, want)
		}
	}
}

// Every kind has its built-in text in every language, with the fields
// the English uses: none is lost in translation.
func TestBuiltinNoticesInEveryLanguage(t *testing.T) {
	f := models.NoticeFields{Name: "NAME", Member: "MEMBER", Title: "TITLE", Election: "ELECTION", Opens: "OPENS", Closes: "CLOSES",
		SSH: "SSHCMD", HostKey: "HOSTKEY", Action: "ACTION", Foundation: "FOUNDATION", Until: "UNTIL"}
	tmpl := models.DefaultNoticeTemplates()
	for _, k := range models.NoticeKinds() {
		en, _ := tmpl.For(k, "en")
		enSubject, enBody, err := en.Render(k, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"ja", "es"} {
			nt, err := tmpl.For(k, lang)
			if err != nil || nt.Lang != lang || nt.File != "" {
				t.Fatalf("%s in %s: %+v %v", k, lang, nt, err)
			}
			subject, body, err := nt.Render(k, f)
			if err != nil {
				t.Fatal(err)
			}
			if subject == enSubject || body == enBody {
				t.Errorf("%s in %s is the English:\n%s", k, lang, body)
			}
			for _, v := range []string{"NAME", "MEMBER", "TITLE", "ELECTION", "OPENS", "CLOSES", "SSHCMD", "HOSTKEY", "ACTION", "FOUNDATION", "UNTIL"} {
				if strings.Count(enSubject+enBody, v) != strings.Count(subject+body, v) {
					t.Errorf("%s in %s: %s appears %d times, in English %d:\n%s\n\n%s", k, lang, v, strings.Count(subject+body, v), strings.Count(enSubject+enBody, v), subject, body)
				}
			}
		}
	}
	if nt, err := tmpl.For(models.NoticeAnnounce, "fr"); err != nil || nt.Lang != "en" {
		t.Errorf("a language booth does not mail in: %+v %v, want English", nt, err)
	}
}

// A foundation's DIR/KIND.txt is the text for everyone (and counts as
// English); DIR/LANG/KIND.txt is for the members of that language; a
// kind it words in neither keeps booth's own text in each language.
// Mistakes name the file.
func TestLoadNoticeTemplatesPerLanguage(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		must(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		must(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	write("announce.txt", "Subject: Polls open: {{.Title}}\n\n{{.Name}}: {{.Action}}\n")
	write("ja/announce.txt", "Subject: 投票開始: {{.Title}}\n\n{{.Name}}: {{.Action}}\n")
	write("es/remind.txt", "Subject: Vota ya: {{.Title}}\n\n{{.Name}}: {{.Action}}\n")
	tmpl, err := models.LoadNoticeTemplates(dir)
	must(t, err)
	for _, tc := range []struct {
		kind           models.NoticeKind
		lang           string
		wantLang, file string
	}{
		{models.NoticeAnnounce, "ja", "ja", "ja/announce.txt"},
		{models.NoticeAnnounce, "es", "en", "announce.txt"},
		{models.NoticeAnnounce, "en", "en", "announce.txt"},
		{models.NoticeRemind, "es", "es", "es/remind.txt"},
		{models.NoticeRemind, "ja", "ja", ""},
		{models.NoticeRemind, "en", "en", ""},
	} {
		nt, err := tmpl.For(tc.kind, tc.lang)
		want := ""
		if tc.file != "" {
			want = filepath.Join(dir, tc.file)
		}
		if err != nil || nt.Lang != tc.wantLang || nt.File != want {
			t.Errorf("%s for %s: %+v %v, want %s text from %q", tc.kind, tc.lang, nt, err, tc.wantLang, want)
		}
	}
	for _, tc := range []struct{ name, text, want string }{
		{"fr/announce.txt", "Subject: x\n\ny\n", "booth mails in en, ja, es; a folder of templates for the members of one language is named ja or es"},
		{"en/announce.txt", "Subject: x\n\ny\n", "the English texts are " + dir + "/KIND.txt themselves"},
		{"ja/remind.txt", "Subject: x\n\n{{.Titel}}\n", filepath.Join(dir, "ja", "remind.txt") + ": rendering the remind notice"},
		{"es/remind.txt", "sin asunto\n", filepath.Join(dir, "es", "remind.txt") + `: the remind notice's template must start with a line "Subject: …"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadFile(filepath.Join(dir, tc.name))
			write(tc.name, tc.text)
			defer func() {
				if before == nil {
					must(t, os.RemoveAll(filepath.Join(dir, filepath.Dir(tc.name))))
				} else {
					write(tc.name, string(before))
				}
			}()
			if _, err := models.LoadNoticeTemplates(dir); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v, want %q", err, tc.want)
			}
		})
	}
}

// A mail in Japanese carries the election's Japanese title where the
// officers gave one; the dry run counts the recipients per language.
func TestPreviewNoticePerLanguage(t *testing.T) {
	e := newEnv(t, 0)
	langs := []string{"ja", "", "es"}
	ms := make([]models.Member, len(langs))
	for i := range ms {
		ms[i] = models.Member{ID: memberID(i), Name: memberID(i), Email: memberID(i) + "@example.org", Status: models.Active}
	}
	must(t, e.store.ImportMembers(ctx, ms, officer))
	for i, lang := range langs {
		must(t, e.svc.SetMemberPreferences(ctx, memberID(i), models.Preferences{Lang: lang}))
	}
	d := definition("e1")
	d.Translations = map[string]models.Translation{"ja": {Title: "理事会選挙"}}
	e.open(t, d)
	p, err := e.svc.PreviewNotice(ctx, "e1", models.NoticeAnnounce)
	must(t, err)
	if p.Recipients != 3 || len(p.Languages) != 3 {
		t.Fatalf("preview %+v", p)
	}
	for i, want := range []struct{ lang, to, subject string }{
		{"en", "m002@example.org", "Voting is open: Board e1"},
		{"ja", "m001@example.org", "投票受付中: 理事会選挙"},
		{"es", "m003@example.org", "Votación abierta: Board e1"},
	} {
		lp := p.Languages[i]
		if lp.Lang != want.lang || lp.Recipients != 1 || lp.Example.To != want.to || lp.Example.Subject != want.subject {
			t.Errorf("language %d: %s, %d, %s, %q; want %+v", i, lp.Lang, lp.Recipients, lp.Example.To, lp.Example.Subject, want)
		}
	}
	if p.SentBefore != "" {
		t.Errorf("before any send, the preview says %s was sent before", p.SentBefore)
	}
	// Once sent, the dry run says what a send would: nothing to queue.
	n, rows, err := e.svc.QueueNoticeByHand(ctx, "e1", models.NoticeAnnounce, officer)
	must(t, err)
	if rows != 3 {
		t.Fatalf("queued for %d members, want 3", rows)
	}
	p, err = e.svc.PreviewNotice(ctx, "e1", models.NoticeAnnounce)
	must(t, err)
	if p.SentBefore != n.ID() || p.Recipients != 0 {
		t.Errorf("after the send, the preview says %q was sent before and %d would get it; want %q and 0", p.SentBefore, p.Recipients, n.ID())
	}
}

// The reminder goes to the members who have not voted: its dry run, run
// by an officer while voting is open, should say no more about who voted
// than the turnout does (the roll deliberately hides it, and the notice
// reports fold the reminder rows at the close for that reason). Broken
// down by language, with a named example per language, it names a
// non-voter per language, and the only member who chose Spanish drops
// out of the "es" line the moment they vote: polled, it tells when.
func TestReminderDryRunDoesNotTellWhoVoted(t *testing.T) {
	e := newEnv(t, 0)
	langs := []string{"", "es", "", "ja", "ja"}
	ms := make([]models.Member, len(langs))
	emails := map[string]bool{}
	for i := range ms {
		ms[i] = models.Member{ID: memberID(i), Name: "Member " + memberID(i), Email: memberID(i) + "@example.org", Status: models.Active}
		emails[ms[i].Email] = true
	}
	must(t, e.store.ImportMembers(ctx, ms, officer))
	for i, lang := range langs {
		must(t, e.svc.SetMemberPreferences(ctx, memberID(i), models.Preferences{Lang: lang}))
	}
	e.open(t, definition("e1"))
	e.clock.Set(t0.Add(time.Hour))

	byLang := func() map[string]int {
		p, err := e.svc.PreviewNotice(ctx, "e1", models.NoticeRemind)
		must(t, err)
		out := map[string]int{}
		for _, lp := range p.Languages {
			out[lp.Lang] = lp.Recipients
			if emails[lp.Example.To] {
				t.Errorf("the %s example of the reminder's dry run is mailed to %s, a member who has not voted", lp.Lang, lp.Example.To)
			}
		}
		return out
	}
	before := byLang()
	// The one member who chose Spanish votes.
	must(t, e.store.Cast(ctx, models.Cast{ElectionID: "e1", MemberID: memberID(1), ReceiptHash: sha256.Sum256([]byte("r1")), Sealed: []byte("x")}))
	after := byLang()
	if before["es"] != after["es"] {
		t.Errorf("the reminder's dry run by language went from %v to %v: the only Spanish reader's vote shows", before, after)
	}
}

// A foundation's Japanese text saved under a name that is no kind
// (DIR/ja/anounce.txt, DIR/ja/announce.md) is never used: Japanese
// members get booth's built-in text, and nothing says so. A folder that
// names no language is refused for exactly that reason
// (checkLanguageDirs); a file that names no kind should be too.
func TestMisnamedLanguageTemplateIsRefused(t *testing.T) {
	for _, name := range []string{"anounce.txt", "announce.md", "Announce.txt"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			must(t, os.MkdirAll(filepath.Join(dir, "ja"), 0o755))
			must(t, os.WriteFile(filepath.Join(dir, "ja", name), []byte("Subject: 投票のお知らせ {{.Title}}\n\n{{.Name}} 様\n"), 0o644))
			if _, err := models.LoadNoticeTemplates(dir); err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("LoadNoticeTemplates with ja/%s: %v, want a refusal naming the file", name, err)
			}
		})
	}
}

// What in a language's folder booth would not read, and a file where
// that folder should be, are refused with the path and the names booth
// reads; a correctly named template beside them changes nothing.
func TestLanguageFolderHoldsOnlyTemplates(t *testing.T) {
	// The folder above the languages' may hold other files (a README),
	// but not one that looks like a misnamed template.
	readme := t.TempDir()
	must(t, os.WriteFile(filepath.Join(readme, "README"), []byte("our texts"), 0o644))
	if _, err := models.LoadNoticeTemplates(readme); err != nil {
		t.Errorf("a README beside the templates: %v", err)
	}
	const valid = "announce.txt, remind.txt, extended.txt, results.txt, nominations.txt, renewal.txt"
	for _, tc := range []struct{ path, want string }{
		{"ja/anounce.txt", "ja/anounce.txt: booth would never use it; the templates of a language are named " + valid},
		{"es/remind.txt~", "es/remind.txt~: booth would never use it"},
		{"es/remind.txt/", "es/remind.txt: booth would never use it"},
		{"ja", "ja: not a folder; a language's templates go in a folder of that name, holding " + valid},
		{"anounce.txt", "anounce.txt: booth would never use it; the templates are named " + valid},
		{"Remind.txt", "Remind.txt: booth would never use it"},
		{"results.md", "results.md: booth would never use it"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			dir := t.TempDir()
			must(t, os.MkdirAll(filepath.Join(dir, "es"), 0o755))
			must(t, os.WriteFile(filepath.Join(dir, "es", "announce.txt"), []byte("Subject: Votación {{.Title}}\n\nHola, {{.Name}}:\n"), 0o644))
			p := filepath.Join(dir, tc.path)
			if strings.HasSuffix(tc.path, "/") {
				must(t, os.MkdirAll(p, 0o755))
			} else {
				must(t, os.MkdirAll(filepath.Dir(p), 0o755))
				must(t, os.WriteFile(p, []byte("Subject: x\n\ny\n"), 0o644))
			}
			_, err := models.LoadNoticeTemplates(dir)
			if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, tc.want)) {
				t.Errorf("%v, want %q", err, filepath.Join(dir, tc.want))
			}
		})
	}
}

// The reminder's dry run splits the whole electorate by language and by
// address and mails its examples to a made-up member, named in each
// language: only the count of those it would mail changes as members
// vote. The announcement's, which goes to everyone, still shows a real
// member's mail.
func TestReminderDryRunSplitsTheElectorate(t *testing.T) {
	e := newEnv(t, 0)
	langs := []string{"", "es", "ja", "ja", ""}
	ms := make([]models.Member, len(langs))
	for i := range ms {
		ms[i] = models.Member{ID: memberID(i), Name: "Member " + memberID(i), Email: memberID(i) + "@example.org", Status: models.Active}
	}
	ms[4].Email = "" // the one member without an address
	must(t, e.store.ImportMembers(ctx, ms, officer))
	for i, lang := range langs {
		must(t, e.svc.SetMemberPreferences(ctx, memberID(i), models.Preferences{Lang: lang}))
	}
	e.open(t, definition("e1"))
	e.clock.Set(t0.Add(time.Hour))
	type split struct {
		recipients, noAddress int
		langs                 map[string]int
	}
	preview := func() split {
		p, err := e.svc.PreviewNotice(ctx, "e1", models.NoticeRemind)
		must(t, err)
		if !p.Electorate {
			t.Error("the reminder's dry run is not marked as split over the electorate")
		}
		got := split{p.Recipients, p.NoAddress, map[string]int{}}
		names := map[string]string{"en": "A Member", "ja": "会員", "es": "Fulano de Tal"}
		for _, lp := range p.Languages {
			got.langs[lp.Lang] = lp.Recipients
			if lp.Example.To != models.MadeUpAddress || lp.Example.ToName != names[lp.Lang] || !strings.Contains(lp.Example.Body, names[lp.Lang]) {
				t.Errorf("the %s example goes to %q <%s>, want the made-up %q <%s> in its text", lp.Lang, lp.Example.ToName, lp.Example.To, names[lp.Lang], models.MadeUpAddress)
			}
		}
		return got
	}
	cast := func(i int) {
		must(t, e.store.Cast(ctx, models.Cast{ElectionID: "e1", MemberID: memberID(i), ReceiptHash: sha256.Sum256([]byte(memberID(i))), Sealed: []byte("x")}))
	}
	want := split{4, 1, map[string]int{"en": 1, "es": 1, "ja": 2}}
	if got := preview(); got.recipients != want.recipients || got.noAddress != want.noAddress || !maps.Equal(got.langs, want.langs) {
		t.Errorf("before any vote: %+v, want %+v", got, want)
	}
	cast(4) // the member without an address
	cast(1) // the only Spanish reader
	want.recipients = 3
	if got := preview(); got.recipients != want.recipients || got.noAddress != want.noAddress || !maps.Equal(got.langs, want.langs) {
		t.Errorf("after two votes: %+v, want %+v (only the count to mail changes)", got, want)
	}

	p, err := e.svc.PreviewNotice(ctx, "e1", models.NoticeAnnounce)
	must(t, err)
	if p.Electorate || len(p.Languages) == 0 || p.Languages[0].Example.To != memberID(0)+"@example.org" {
		t.Errorf("the announcement's dry run: %+v, want the first member's own mail", p)
	}
}
