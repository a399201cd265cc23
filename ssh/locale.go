package ssh

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/text/unicode/norm"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
)

// What the client's environment says about the member's terminal. Only
// what the client sent counts (sess.Environ), never the server's own
// environment.

// asciiOnly says whether the session may be sent only ASCII: when the
// client names a character set (LC_ALL, LC_CTYPE or LANG) and it is not
// UTF-8, as with LANG=C. A client that names none gets UTF-8, which every
// terminal of the last twenty years shows; the README says how to ask for
// ASCII.
func asciiOnly(env []string) bool {
	loc := i18n.Locale(env, "LC_CTYPE")
	if loc == "" {
		return false
	}
	cs := loc
	if _, after, ok := strings.Cut(loc, "."); ok {
		cs, _, _ = strings.Cut(after, "@")
	}
	cs = strings.ToLower(strings.ReplaceAll(cs, "-", ""))
	return cs != "utf8"
}

// sessionLang is the language the booth speaks to a member: their
// preference, else the language of the locale their client sends for
// messages (i18n.FromEnv: LC_ALL, LC_MESSAGES, LANG; "ja_JP.UTF-8" is ja)
// when booth speaks it, else English. The i18n catalogue reads it from
// booth.Session.Lang.
func sessionLang(env []string, p models.Preferences) string {
	if p.Lang != "" {
		return p.Lang
	}
	if l := i18n.FromEnv(env); l != "" {
		return l
	}
	return "en"
}

// screenLang is the language of a session's screens (the booth, linear
// mode): sessionLang, except that Japanese on a session that may be sent
// only ASCII (asciiOnly: LANG=C with set lang ja) is English, since every
// character of it would arrive as "?"; Spanish loses only its accents
// and stays Spanish.
func screenLang(env []string, p models.Preferences) string {
	lang := sessionLang(env, p)
	if lang == "ja" && asciiOnly(env) {
		return "en"
	}
	return lang
}

// asciiWriter passes ASCII through and writes every other character as
// ASCII: terminal glyphs as their nearest ASCII shape (─ -, › >, ✓ *,
// █ #), letters without their accents (é e, ñ n), and anything else as
// "?" once per column it takes (two for a wide character), so the
// full-screen booth's layout, computed in columns, stays in place. Escape
// sequences are ASCII and pass untouched. A character cut between two
// writes is held until the rest comes.
type asciiWriter struct {
	w       io.Writer
	pending []byte
}

func newASCIIWriter(w io.Writer) *asciiWriter { return &asciiWriter{w: w} }

func (a *asciiWriter) Write(p []byte) (int, error) {
	buf := append(a.pending, p...)
	a.pending = nil
	out := make([]byte, 0, len(buf))
	for len(buf) > 0 {
		if buf[0] < utf8.RuneSelf {
			out = append(out, buf[0])
			buf = buf[1:]
			continue
		}
		if !utf8.FullRune(buf) {
			a.pending = append([]byte(nil), buf...)
			break
		}
		r, size := utf8.DecodeRune(buf)
		buf = buf[size:]
		out = append(out, asciiFor(r)...)
	}
	if _, err := a.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// glyphs are the booth's own drawing characters and common punctuation,
// each one column wide, with their ASCII stand-ins.
var glyphs = map[rune]string{
	'─': "-", '━': "-", '═': "-", '│': "|", '┃': "|", '║': "|",
	'┌': "+", '┐': "+", '└': "+", '┘': "+", '├': "+", '┤': "+", '┬': "+", '┴': "+", '┼': "+",
	'╭': "+", '╮': "+", '╯': "+", '╰': "+",
	'›': ">", '»': ">", '→': ">", '▸': ">", '▶': ">", '‹': "<", '«': "<", '←': "<",
	'↑': "^", '↓': "v", '✓': "*", '✔': "*", '✗': "x", '✘': "x",
	'█': "#", '▉': "#", '▊': "#", '▋': "#", '▌': "#", '▍': "#", '▎': "#", '▏': "#", '▓': "#", '▒': "#", '░': ".", '■': "#",
	'•': "*", '●': "*", '○': "o", '·': "-", '…': ".", '—': "-", '–': "-",
	'“': "\"", '”': "\"", '„': "\"", '‘': "'", '’': "'", '\u00a0': " ",
	'ß': "s", 'æ': "a", 'Æ': "A", 'ø': "o", 'Ø': "O", 'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'œ': "o", 'Œ': "O",
	'ı': "i", 'þ': "t", 'Þ': "T",
	'×': "x", '¡': "!", '¿': "?",
}

// asciiFor is one character in ASCII, as wide as the character was.
func asciiFor(r rune) string {
	if g, ok := glyphs[r]; ok {
		return g
	}
	// A letter with accents: its base letter, when that is ASCII.
	if d := norm.NFD.String(string(r)); d != "" && d[0] < utf8.RuneSelf && unicode.IsLetter(rune(d[0])) {
		return d[:1]
	}
	return strings.Repeat("?", ansi.StringWidth(string(r)))
}
