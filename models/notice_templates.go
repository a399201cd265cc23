package models

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

// NoticeFields are the named fields a notice's template may use. Every
// one is a single line made safe (safetext.Sanitize) before the template
// sees it: a member's name or an election's title cannot add a line, let
// alone a header, nor carry an escape sequence to a terminal.
type NoticeFields struct {
	Name       string // the member's name
	Member     string // the member's ID
	Title      string // the election's title
	Election   string // the election's ID
	Opens      string // "2026-12-03 09:00 UTC"
	Closes     string // the effective close, the same way
	SSH        string // the command that opens the booth, e.g. "ssh vote.example.org"
	HostKey    string // the host key's SHA-256 fingerprint to check
	Action     string // what the member should do, in a sentence
	Foundation string // who sends it
	Until      string // a renewal reminder's end of the member's term
}

// NoticeTemplates are the texts of the notices, per language and kind:
// a first line "Subject: …", a blank line, then the plain-text body, in
// Go's text/template language over NoticeFields. Every language has every
// kind: the built-in text, or a foundation's own.
type NoticeTemplates map[string]map[NoticeKind]NoticeText

// NoticeText is one template and where it came from.
type NoticeText struct {
	tmpl *template.Template
	// Lang is the language its words are in, which the fields booth
	// writes (Action) follow: a foundation's DIR/KIND.txt counts as
	// English, since it is the text for everyone.
	Lang string
	// File is the foundation's file it was read from; "" for booth's own.
	File string
}

// builtinNotice is a built-in text. The subject and each paragraph are
// catalogue keys (translated in models/i18n/notices.LANG.toml), but for
// a paragraph that is a command to type (it starts with four spaces) or
// the {{.Action}} alone, kept as written. The texts carry no link: a
// mail never holds a receipt, a ballot or a way to sign in other than
// the ssh command and the fingerprint to check.
type builtinNotice struct {
	subject string
	body    []string
}

// Paragraphs the kinds share.
var (
	noticeDear      = i18n.Key("Dear {{.Name}},")
	noticeCheckKey  = i18n.Key("and check that the host key fingerprint your ssh client shows is\n{{.HostKey}}")
	noticeNoLink    = i18n.Key("booth never sends a link to sign in and never asks for a password.")
	noticeToVote    = i18n.Key("{{.Action}} To vote, run")
	noticeRun       = i18n.Key("{{.Action}} Run")
	noticeSignature = i18n.Key("The election officers of {{.Foundation}}")
	noticeSSH       = "    {{.SSH}}"
	noticeHowToVote = []string{noticeToVote, noticeSSH, noticeCheckKey, noticeNoLink}
)

var builtinNotices = map[NoticeKind]builtinNotice{
	NoticeAnnounce: {i18n.Key("Voting is open: {{.Title}}"), append([]string{noticeDear,
		i18n.Key("voting is open in \"{{.Title}}\" ({{.Election}}) from {{.Opens}} until {{.Closes}}.")}, noticeHowToVote...)},
	NoticeRemind: {i18n.Key("Reminder: voting in {{.Title}} closes {{.Closes}}"), append([]string{noticeDear,
		i18n.Key("voting in \"{{.Title}}\" ({{.Election}}) closes {{.Closes}}, and you have not voted yet.")}, noticeHowToVote...)},
	NoticeExtended: {i18n.Key("Voting in {{.Title}} is extended to {{.Closes}}"), append([]string{noticeDear,
		i18n.Key("too few members have voted in \"{{.Title}}\" ({{.Election}}) for its quorum, so voting now closes {{.Closes}}.")}, noticeHowToVote...)},
	NoticeResults: {i18n.Key("Results published: {{.Title}}"), []string{noticeDear,
		i18n.Key("the results of \"{{.Title}}\" ({{.Election}}) are published."),
		"{{.Action}}",
		"    {{.SSH}} results {{.Election}}",
		i18n.Key("Check that the host key fingerprint your ssh client shows is\n{{.HostKey}}")}},
	NoticeNominations: {i18n.Key("Nominations are open: {{.Title}}"), []string{noticeDear,
		i18n.Key("nominations for \"{{.Title}}\" ({{.Election}}) are open from {{.Opens}} until {{.Closes}}."),
		noticeRun, "    {{.SSH}} nominations {{.Election}}", noticeCheckKey, noticeNoLink}},
	NoticeRenewal: {i18n.Key("Renew your membership of {{.Foundation}}"), []string{noticeDear,
		i18n.Key("your membership of {{.Foundation}} ({{.Member}}) is good until {{.Until}}.\nOnly members in good standing may vote and nominate."),
		noticeRun, "    {{.SSH}} renew", noticeCheckKey, noticeNoLink}},
}

// text is the built-in template in p's language.
func (b builtinNotice) text(p i18n.Printer) string {
	var w strings.Builder
	w.WriteString("Subject: " + p.T(b.subject) + "\n")
	for _, para := range b.body {
		if !strings.HasPrefix(para, "    ") && para != "{{.Action}}" {
			para = p.T(para)
		}
		w.WriteString("\n" + para + "\n")
	}
	w.WriteString("\n-- \n" + p.T(noticeSignature) + "\n")
	return w.String()
}

// DefaultNoticeTemplates are the built-in texts, parsed, in every
// language.
func DefaultNoticeTemplates() NoticeTemplates {
	t := NoticeTemplates{}
	for _, lang := range Languages {
		t[lang] = map[NoticeKind]NoticeText{}
		for k, b := range builtinNotices {
			t[lang][k] = NoticeText{Lang: lang, tmpl: template.Must(parseNoticeTemplate(k, b.text(i18n.For(lang))))}
		}
	}
	return t
}

func parseNoticeTemplate(k NoticeKind, text string) (*template.Template, error) {
	return template.New(string(k)).Option("missingkey=error").Parse(text)
}

// LoadNoticeTemplates reads a foundation's templates from dir: KIND.txt
// for each kind it words its own way (announce.txt, remind.txt, …), the
// text for every member, and LANG/KIND.txt (ja/announce.txt,
// es/announce.txt) for the members who chose that language. A kind the
// foundation does not word keeps the built-in text in each language.
// Each file is checked by rendering it once; officers' text is used as
// written, never translated.
func LoadNoticeTemplates(dir string) (NoticeTemplates, error) {
	t := DefaultNoticeTemplates()
	if dir == "" {
		return t, nil
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("the notice templates directory %s: %w", dir, err)
	}
	if err := checkLanguageDirs(dir); err != nil {
		return nil, err
	}
	for _, k := range NoticeKinds() {
		commonPath := filepath.Join(dir, string(k)+".txt")
		common, err := loadNoticeFile(k, commonPath)
		if err != nil {
			return nil, err
		}
		for _, lang := range Languages {
			if common != nil {
				t[lang][k] = NoticeText{tmpl: common, Lang: "en", File: commonPath}
			}
			if lang == "en" {
				continue
			}
			path := filepath.Join(dir, lang, string(k)+".txt")
			own, err := loadNoticeFile(k, path)
			if err != nil {
				return nil, err
			}
			if own != nil {
				t[lang][k] = NoticeText{tmpl: own, Lang: lang, File: path}
			}
		}
	}
	return t, nil
}

// checkLanguageDirs refuses a folder in dir that names no language booth
// mails in, and in a language's folder anything but KIND.txt: their
// templates would never be used, silently.
func checkLanguageDirs(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("the notice templates directory %s: %w", dir, err)
	}
	for _, e := range entries {
		if slices.Contains(Languages[1:], e.Name()) {
			if err := checkLanguageDir(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
			continue
		}
		if !e.IsDir() {
			if err := checkTemplateName(dir, e.Name()); err != nil {
				return err
			}
			continue
		}
		if e.Name() == "en" {
			return fmt.Errorf("%s: the English texts are %s/KIND.txt themselves (the text for every member without one in their language); move them up", filepath.Join(dir, e.Name()), dir)
		}
		return fmt.Errorf("%s: booth mails in %s; a folder of templates for the members of one language is named %s", filepath.Join(dir, e.Name()), strings.Join(Languages, ", "), strings.Join(Languages[1:], " or "))
	}
	return nil
}

// templateNames are the files booth reads templates from: KIND.txt.
func templateNames() []string {
	names := make([]string, 0, len(NoticeKinds()))
	for _, k := range NoticeKinds() {
		names = append(names, string(k)+".txt")
	}
	return names
}

// checkTemplateName refuses a file beside the templates that looks meant
// as one but is not named as booth reads them (anounce.txt, Announce.txt,
// announce.md): it would be silently unused. Other files (a README, a
// backup the editor left) may stay.
func checkTemplateName(dir, name string) error {
	names := templateNames()
	if slices.Contains(names, name) {
		return nil
	}
	ext := filepath.Ext(name)
	base := strings.ToLower(strings.TrimSuffix(name, ext))
	if strings.EqualFold(ext, ".txt") || slices.Contains(NoticeKinds(), NoticeKind(base)) {
		return fmt.Errorf("%s: booth would never use it; the templates are named %s, one for each notice", filepath.Join(dir, name), strings.Join(names, ", "))
	}
	return nil
}

// checkLanguageDir refuses what in one language's folder is not a
// template booth reads: a misspelt kind, another extension or case.
func checkLanguageDir(dir string) error {
	names := templateNames()
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Errorf("%s: not a folder; a language's templates go in a folder of that name, holding %s: move this file away", dir, strings.Join(names, ", "))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("the notice templates folder %s: %w", dir, err)
	}
	for _, e := range entries {
		if !slices.Contains(names, e.Name()) || e.IsDir() {
			return fmt.Errorf("%s: booth would never use it; the templates of a language are named %s, one for each notice", filepath.Join(dir, e.Name()), strings.Join(names, ", "))
		}
	}
	return nil
}

// loadNoticeFile reads and checks one template; nil when there is none.
func loadNoticeFile(k NoticeKind, path string) (*template.Template, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if err := safetext.CheckMultiline(path, string(data)); err != nil {
		return nil, err
	}
	tmpl, err := parseNoticeTemplate(k, string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %v (fields: {{.Name}}, {{.Title}}, {{.Election}}, {{.Opens}}, {{.Closes}}, {{.SSH}}, {{.HostKey}}, {{.Action}}, {{.Foundation}}, {{.Until}})", path, err)
	}
	if _, _, err := renderNotice(tmpl, k, NoticeFields{Name: "A Member", Title: "An election"}); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return tmpl, nil
}

// For is the text of kind k for a member who chose lang ("" or one booth
// does not mail in: English).
func (t NoticeTemplates) For(k NoticeKind, lang string) (NoticeText, error) {
	byKind, ok := t[lang]
	if !ok {
		byKind = t["en"]
	}
	nt, ok := byKind[k]
	if !ok || nt.tmpl == nil {
		return NoticeText{}, fmt.Errorf("no template for the %s notice", k)
	}
	return nt, nil
}

// Render writes the English notice of kind k with fields f: its subject
// (one line) and its body (plain text).
func (t NoticeTemplates) Render(k NoticeKind, f NoticeFields) (subject, body string, err error) {
	nt, err := t.For(k, "en")
	if err != nil {
		return "", "", err
	}
	return nt.Render(k, f)
}

// Render writes the notice of kind k in this text with fields f.
func (nt NoticeText) Render(k NoticeKind, f NoticeFields) (subject, body string, err error) {
	return renderNotice(nt.tmpl, k, f)
}

func renderNotice(tmpl *template.Template, k NoticeKind, f NoticeFields) (subject, body string, err error) {
	for _, p := range []*string{&f.Name, &f.Member, &f.Title, &f.Election, &f.Opens, &f.Closes, &f.SSH, &f.HostKey, &f.Action, &f.Foundation, &f.Until} {
		*p = safetext.Sanitize(*p)
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, f); err != nil {
		return "", "", fmt.Errorf("rendering the %s notice: %w", k, err)
	}
	head, rest, ok := strings.Cut(b.String(), "\n")
	s, hasSubject := strings.CutPrefix(head, "Subject:")
	if !ok || !hasSubject {
		return "", "", fmt.Errorf("the %s notice's template must start with a line \"Subject: …\", then a blank line, then the text", k)
	}
	// A field cannot break the subject's line (each is one line), but the
	// template's own text is checked all the same.
	subject = strings.TrimSpace(safetext.Sanitize(s))
	body = safetext.SanitizeMultiline(strings.TrimLeft(rest, "\n"))
	if subject == "" || strings.TrimSpace(body) == "" {
		return "", "", fmt.Errorf("the %s notice's subject or text is empty", k)
	}
	return subject, body, nil
}
