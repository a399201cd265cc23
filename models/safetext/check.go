package safetext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"vote.example.org/booth/models/i18n"
)

// Check checks one line of text others wrote: it must be valid UTF-8,
// not empty or only whitespace, and free of Unsafe characters. Since
// such a line is a name, title, id or comment that people must tell apart
// from others, it must also be free of what shows as nothing or as blank:
// default-ignorable code points (variation selectors, the combining
// grapheme joiner, …), the Hangul fillers, the blank braille pattern
// U+2800, private-use and unassigned code points, a nonspacing mark
// written twice in a row, a dot above on a letter whose own dot hides it
// ("i" + U+0307), and letters newer than the confusables table that tells
// look-alikes apart (Unicode 13.0; see newerThanConfusables). what names
// the text in the message, e.g. "member name". It sets no length limit;
// callers cap lengths where it matters.
func Check(what, s string) error {
	return checkText(what, s, false)
}

// CheckMultiline is Check for text of several lines, such as a
// Markdown statement: it also allows line feeds, tabs and CRLF line ends
// (a lone carriage return, which moves the cursor back over what was
// written, is still refused), and, since a statement is never told apart
// from a look-alike, what only names must avoid (variation selectors in
// emoji, for one).
//
// what may be an i18n.Text: a member's statement is refused in the
// member's language.
func CheckMultiline(what any, s string) error {
	return checkText(what, s, true)
}

func checkText(what any, s string, multiline bool) error {
	if strings.TrimFunc(s, unicode.IsSpace) == "" {
		return i18n.Errorf("%s is empty: write some text", what)
	}
	n := 0 // position in characters, counted from 1, for the message
	for i, r := range s {
		n++
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i18n.Errorf("%s is not valid UTF-8 (byte %#x at byte %d): save it as UTF-8", what, s[i], i+1)
			}
		}
		if multiline && (r == '\n' || r == '\t' || r == '\r' && strings.HasPrefix(s[i+1:], "\n")) {
			continue
		}
		if kind := kind(r); !kind.IsZero() {
			return i18n.Errorf("%s contains %s %U at character %d: remove it", what, kind, r, n)
		}
		// A statement is read as prose, where an emoji's variation
		// selector is common and nothing must be told apart from a
		// look-alike; a line is a name, title or comment, which must.
		if kind, shows := invisibleRune(r); kind != "" && !multiline {
			return fmt.Errorf("%s contains %s %U at character %d, %s, so two different texts could look the same: remove it", what, kind, r, n, shows)
		}
		if newerThanConfusables(r) && !multiline {
			return fmt.Errorf("%s contains %s at character %d, which Unicode added after version %s: booth cannot yet tell whether it looks like other letters, so two different texts could look the same; write it without that character",
				what, RuneName(r), n, confusablesUnicode)
		}
	}
	if mark, on := repeatedMark(s); mark != 0 && !multiline {
		return fmt.Errorf("%s has the combining mark %U twice in a row on %q, which shows as one mark: write it once", what, mark, string(on))
	}
	if mark, on := hiddenMark(s); mark != 0 && !multiline {
		return fmt.Errorf("%s has the combining dot %U on %q, whose own dot hides it, so it looks like %q alone: remove the %U", what, mark, string(on), hiddenLooksLike(on), mark)
	}
	return nil
}
