// Package safetext is booth's one rule for text that others wrote (member
// names, key comments, election titles, candidate names and statements,
// audit fields): which characters it may not hold, the check that refuses
// them when the text enters booth, and the ways such text is made inert
// where it leaves: on a voter's terminal (Sanitize), in an officer's
// listing (Show), and in JSON (WriteJSON).
//
// Such text ends up on voters' and officers' terminals. A control
// character there can move the cursor and overwrite what was already
// shown, an escape sequence can rewrite the screen or the clipboard (OSC
// 52) or make the terminal answer on the reader's input, and a bidi
// override or an invisible character can make two different names look
// the same. So such text is refused when it enters booth, with the
// character named, rather than filtered later where nobody sees what was
// dropped; and what is shown is made inert again anyway, since a database
// can be edited by hand and rules tighten after text was stored.
package safetext

import (
	"unicode"

	"vote.example.org/booth/models/i18n"
)

// Unsafe reports whether a terminal could act on r or r hides itself:
// control characters (C0, DEL, C1, so ESC and the 8-bit escape
// introducers too), the line and paragraph separators U+2028 and U+2029,
// and format characters (Unicode category Cf: bidi overrides and isolates
// U+202A–U+202E and U+2066–U+2069, U+200E/F, U+061C, zero-width
// characters, the byte order mark, …). Check refuses them, Sanitize
// drops them (or makes line breaks spaces), WriteJSON escapes them.
func Unsafe(r rune) bool {
	return unicode.IsControl(r) || r == 0x2028 || r == 0x2029 || unicode.Is(unicode.Cf, r)
}

// kind names the unsafe character r for a message, or returns "" when r
// is not Unsafe.
func kind(r rune) i18n.Text {
	switch {
	case !Unsafe(r):
		return i18n.Text{}
	case r == 0x1b:
		return i18n.Textf("the escape character")
	case r == '\r':
		return i18n.Textf("a carriage return")
	case r == '\n' || r == '\t':
		return i18n.Textf("a line break or tab")
	case unicode.IsControl(r):
		return i18n.Textf("the control character")
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return i18n.Textf("the bidirectional control")
	case r == 0x2028 || r == 0x2029:
		return i18n.Textf("the line separator")
	}
	return i18n.Textf("the invisible format character") // the rest of Cf
}
