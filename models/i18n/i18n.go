// Package i18n is the booth's message catalogue: it turns the English text
// of every message a member reads into the member's language.
//
// The key of a message is its English text, a fmt format ("%d ranked, %d
// not ranked"), as gettext does: English output is the key itself, so it
// cannot drift from what the code says, and the code reads as what the
// member sees. The translations are TOML files embedded in the binary
// (ja.toml, es.toml, and AREA.ja.toml, AREA.es.toml for one area's
// messages), loaded by github.com/nicksnyder/go-i18n, which also
// picks a translation's plural form by CLDR's rules. A key missing from a
// translation shows the English, never an empty line; the package's tests
// fail before that can ship.
//
// Text made where no Printer is at hand (an error deep in models, a
// refusal made inside a store's transaction) keeps its English format and
// arguments (Errorf, Textf) until it is shown: Printer.Err says an error
// in the member's language, and its Error() stays the English that
// officers, logs and audit read.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/nicksnyder/go-i18n/v2/i18n/template"
	"golang.org/x/text/language"
)

//go:embed *.toml
var files embed.FS

// Languages are the languages shipped, English first.
var Languages = []string{"en", "ja", "es"}

var bundle = load()

func load() *goi18n.Bundle {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, l := range Languages[1:] {
		for _, name := range catalogueFiles(l) {
			if _, err := b.LoadMessageFileFS(files, name); err != nil {
				// The files are part of the binary and tested: a bad
				// one is a build that must not run.
				panic(fmt.Sprintf("i18n: %s: %v", name, err))
			}
		}
	}
	return b
}

// catalogueFiles are the files holding a language's messages: LANG.toml
// and any AREA.LANG.toml, so that one area's messages (the count's, the
// mail's) can live apart.
func catalogueFiles(lang string) []string {
	names, err := fs.Glob(files, "*"+lang+".toml")
	if err != nil {
		panic(err) // the pattern is constant and valid
	}
	var out []string
	for _, n := range names {
		if n == lang+".toml" || strings.HasSuffix(n, "."+lang+".toml") {
			out = append(out, n)
		}
	}
	return out
}

// Printer writes messages in one language. The zero Printer writes
// English.
type Printer struct {
	lang string
	loc  *goi18n.Localizer
}

// For is the Printer for a language tag or locale name ("ja",
// "ja_JP.UTF-8", "es-MX"). A language not shipped gets English.
func For(name string) Printer {
	l := Match(name)
	if l == "" || l == "en" {
		return Printer{}
	}
	return Printer{lang: l, loc: goi18n.NewLocalizer(bundle, l)}
}

// Match is the shipped language a tag or locale name asks for, or "" when
// it asks for none of them (English is then used). "C" and "POSIX" are
// the portable locale: English.
func Match(name string) string {
	name, _, _ = strings.Cut(name, ".") // ja_JP.UTF-8
	name, _, _ = strings.Cut(name, "@") // de_DE@euro
	name = strings.ReplaceAll(name, "_", "-")
	if name == "" || name == "C" || name == "POSIX" {
		return ""
	}
	tag, err := language.Parse(name)
	if err != nil {
		return ""
	}
	base, _ := tag.Base()
	for _, l := range Languages {
		if base.String() == l {
			return l
		}
	}
	return ""
}

// FromEnv is the language a session's environment asks for ("KEY=value"
// entries): the locale of LC_MESSAGES (Locale); "" when none is set or it
// names no shipped language.
func FromEnv(env []string) string {
	if v := Locale(env, "LC_MESSAGES"); v != "" {
		return Match(v)
	}
	return ""
}

// Locale is the locale that governs a category ("LC_MESSAGES",
// "LC_CTYPE") in a session's environment, as POSIX decides it: LC_ALL,
// then the category's own variable, then LANG. A variable sent twice has
// its last value, as sshd would set it: OpenSSH sends SendEnv's LANG
// before SetEnv's.
func Locale(env []string, category string) string {
	for _, name := range []string{"LC_ALL", category, "LANG"} {
		if v := EnvValue(env, name); v != "" {
			return v
		}
	}
	return ""
}

// EnvValue is the last value of name in env.
func EnvValue(env []string, name string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == name {
			v = val
		}
	}
	return v
}

// Lang is the printer's language: "en", "ja" or "es".
func (p Printer) Lang() string {
	if p.lang == "" {
		return "en"
	}
	return p.lang
}

// T is the message whose English is format, in p's language, with args
// put in as fmt does. A translation may reorder them with %[2]s.
func (p Printer) T(format string, args ...any) string {
	return sprintf(p.lookup(format, nil), args...)
}

// C is T for a word that reads differently where it is used: "open" on
// a key (the verb) and as an election's state (the adjective). The
// translation's key is context, "|" and format; English is format.
func (p Printer) C(context, format string, args ...any) string {
	if p.loc == nil {
		return sprintf(format, args...)
	}
	s := p.lookup(context+"|"+format, nil)
	if s == context+"|"+format {
		s = format
	}
	return sprintf(s, args...)
}

// N is a message about a count n: one is its English when n is 1, other
// otherwise (and the key). A translation has the plural forms its
// language needs.
func (p Printer) N(n int, one, other string, args ...any) string {
	if p.loc == nil {
		if n == 1 {
			return sprintf(one, args...)
		}
		return sprintf(other, args...)
	}
	return sprintf(p.lookup(other, n), args...)
}

func (p Printer) lookup(key string, count any) string {
	if p.loc == nil {
		return key
	}
	// Localize falls back to the "other" form, with an error, when a
	// language's form for this count is not written (Spanish "many").
	s, _ := p.loc.Localize(&goi18n.LocalizeConfig{MessageID: key, PluralCount: count,
		TemplateParser: template.IdentityParser{}})
	if s == "" {
		return key
	}
	return s
}

// sprintf leaves a message without arguments or without verbs as it is:
// a literal "%" in the one is text, and the other is a plural form such as
// "1 seat" that spells its count.
func sprintf(format string, args ...any) string {
	if len(args) == 0 || !strings.Contains(format, "%") {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// Key marks text to be translated where it is used rather than where it
// is written (a label in a table, a key's help): it returns s unchanged,
// and the catalogue's tests find the keys through it.
func Key(s string) string { return s }
