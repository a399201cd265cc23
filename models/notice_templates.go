package models

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"

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

// NoticeTemplates are a foundation's texts, one per kind: a first line
// "Subject: …", a blank line, then the plain-text body, in Go's
// text/template language over NoticeFields.
type NoticeTemplates map[NoticeKind]*template.Template

// defaultTemplates are the built-in texts. They carry no link: a mail
// never holds a receipt, a ballot or a way to sign in other than the ssh
// command and the fingerprint to check.
var defaultTemplates = map[NoticeKind]string{
	NoticeAnnounce: `Subject: Voting is open: {{.Title}}

Dear {{.Name}},

voting is open in "{{.Title}}" ({{.Election}}) from {{.Opens}} until {{.Closes}}.
` + howToVote,
	NoticeRemind: `Subject: Reminder: voting in {{.Title}} closes {{.Closes}}

Dear {{.Name}},

voting in "{{.Title}}" ({{.Election}}) closes {{.Closes}}, and you have not voted yet.
` + howToVote,
	NoticeExtended: `Subject: Voting in {{.Title}} is extended to {{.Closes}}

Dear {{.Name}},

too few members have voted in "{{.Title}}" ({{.Election}}) for its quorum, so voting now closes {{.Closes}}.
` + howToVote,
	NoticeResults: `Subject: Results published: {{.Title}}

Dear {{.Name}},

the results of "{{.Title}}" ({{.Election}}) are published.

{{.Action}}

    {{.SSH}} results {{.Election}}

Check that the host key fingerprint your ssh client shows is
{{.HostKey}}

-- 
The election officers of {{.Foundation}}
`,
	NoticeNominations: `Subject: Nominations are open: {{.Title}}

Dear {{.Name}},

nominations for "{{.Title}}" ({{.Election}}) are open from {{.Opens}} until {{.Closes}}.

{{.Action}} Run

    {{.SSH}} nominations {{.Election}}

and check that the host key fingerprint your ssh client shows is
{{.HostKey}}

booth never sends a link to sign in and never asks for a password.

-- 
The election officers of {{.Foundation}}
`,
	NoticeRenewal: `Subject: Renew your membership of {{.Foundation}}

Dear {{.Name}},

your membership of {{.Foundation}} ({{.Member}}) is good until {{.Until}}.
Only members in good standing may vote and nominate.

{{.Action}} Run

    {{.SSH}} renew

and check that the host key fingerprint your ssh client shows is
{{.HostKey}}

booth never sends a link to sign in and never asks for a password.

-- 
The election officers of {{.Foundation}}
`,
}

const howToVote = `
{{.Action}} To vote, run

    {{.SSH}}

and check that the host key fingerprint your ssh client shows is
{{.HostKey}}

booth never sends a link to sign in and never asks for a password.

-- 
The election officers of {{.Foundation}}
`

// DefaultNoticeTemplates are the built-in texts, parsed.
func DefaultNoticeTemplates() NoticeTemplates {
	t := NoticeTemplates{}
	for k, text := range defaultTemplates {
		t[k] = template.Must(template.New(string(k)).Option("missingkey=error").Parse(text))
	}
	return t
}

// LoadNoticeTemplates reads a foundation's templates from dir: KIND.txt
// for each kind it words its own way (announce.txt, remind.txt, …); the
// others keep the built-in text. Each is checked by rendering it once.
func LoadNoticeTemplates(dir string) (NoticeTemplates, error) {
	t := DefaultNoticeTemplates()
	if dir == "" {
		return t, nil
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("the notice templates directory %s: %w", dir, err)
	}
	for _, k := range NoticeKinds() {
		path := filepath.Join(dir, string(k)+".txt")
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, err
		}
		if err := safetext.CheckMultiline(path, string(data)); err != nil {
			return nil, err
		}
		tmpl, err := template.New(string(k)).Option("missingkey=error").Parse(string(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %v (fields: {{.Name}}, {{.Title}}, {{.Election}}, {{.Opens}}, {{.Closes}}, {{.SSH}}, {{.HostKey}}, {{.Action}}, {{.Foundation}}, {{.Until}})", path, err)
		}
		t[k] = tmpl
		if _, _, err := t.Render(k, NoticeFields{Name: "A Member", Title: "An election"}); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return t, nil
}

// Render writes the notice of kind k with fields f: its subject (one
// line) and its body (plain text).
func (t NoticeTemplates) Render(k NoticeKind, f NoticeFields) (subject, body string, err error) {
	tmpl := t[k]
	if tmpl == nil {
		return "", "", fmt.Errorf("no template for the %s notice", k)
	}
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
