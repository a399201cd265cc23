package models

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/rangetable"
)

// Names and ids are how voters and officers tell entries apart: on the
// ranking screen, in member lists, on a kiosk. Two rules keep that true
// (issue 10 item 8). A name may hold no character that shows as nothing or
// as blank (invisibleRune, checked with the other characters in CheckText),
// and within one election, or among all members, no two names may look the
// same on screen (lookKey). The second rule uses the confusables data of
// Unicode's security mechanisms (UTS #39) through
// github.com/mtibben/confusables, whose table is Unicode 13.0.0's: letters
// added to Unicode later that resemble older ones are not mapped, so
// booth refuses them (newerThanConfusables) as it refuses code points its
// own Unicode 15.0.0 tables do not know.

// isDefaultIgnorable reports Unicode's Default_Ignorable_Code_Point
// property: characters that a renderer shows as nothing unless it supports
// them. Go's unicode package has no table for it, so it is derived as
// DerivedCoreProperties.txt defines it: Other_Default_Ignorable_Code_Point
// + Cf + Variation_Selector − White_Space − U+FFF9..U+FFFB (interlinear
// annotation) − U+13430..U+13440 (Egyptian hieroglyph format controls) −
// Prepended_Concatenation_Mark.
func isDefaultIgnorable(r rune) bool {
	switch {
	case unicode.Is(unicode.White_Space, r),
		r >= 0xfff9 && r <= 0xfffb,
		r >= 0x13430 && r <= 0x13440,
		unicode.Is(unicode.Prepended_Concatenation_Mark, r):
		return false
	}
	return unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Cf, unicode.Variation_Selector)
}

// isHangulFiller reports the four Hangul fillers, letters that draw
// nothing: U+115F, U+1160, U+3164 and the half-width U+FFA0.
func isHangulFiller(r rune) bool {
	return r == 0x115f || r == 0x1160 || r == 0x3164 || r == 0xffa0
}

// invisibleRune names what is wrong with r in a name or a line of text
// that must be told apart from others on screen, and how it shows, or
// returns "", "" when r is fine there. It comes after badRune, which
// already refuses controls and format characters (Cf).
func invisibleRune(r rune) (kind, shows string) {
	const blank = "which shows as nothing or as blank"
	switch {
	case isHangulFiller(r):
		return "the Hangul filler", blank
	case r == 0x2800:
		return "the blank braille pattern", blank
	case r == 0x1d159:
		return "the musical null notehead", blank
	case r == 0x034f:
		return "the combining grapheme joiner", blank
	case unicode.Is(unicode.Variation_Selector, r):
		return "the variation selector", blank
	case isDefaultIgnorable(r):
		return "the invisible character", blank
	case unicode.Is(unicode.Co, r):
		return "the private-use character", "which each terminal draws its own way, or not at all"
	case !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.Cc, unicode.Cf, unicode.Co):
		// Not unicode.C, whose table holds unassigned code points too.
		return "the unassigned code point", "which no terminal can draw"
	}
	return "", ""
}

// repeatedMark finds a nonspacing mark written twice in a row on one
// letter ("e" + U+0301 + U+0301), which most fonts draw as one mark, so
// that the text looks like the one with a single mark (UTS #39, section
// 5.4). It returns the mark and the letter it is on, or 0, 0.
func repeatedMark(s string) (mark, on rune) {
	var prev rune
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			on = r
		} else if r == prev {
			return r, on
		}
		prev = r
	}
	return 0, 0
}

// hiddenMark finds a dot above (U+0307, or U+0358 dot above right) on a
// letter whose own dot hides it: a soft-dotted letter (i, j, į, ɨ, …, by
// Unicode's Soft_Dotted property) or the dotless ı and ȷ, so that "i" +
// U+0307 and "ı" + U+0307 both look like "i" (UTS #39, section 5.4). A
// mark above the letter that comes first (i + U+0301 + U+0307) carries the
// dot where it shows. It returns the mark and the letter, or 0, 0.
func hiddenMark(s string) (mark, on rune) {
	hides := false // whether the next mark above lands on the letter's dot
	for _, r := range norm.NFD.String(s) {
		switch {
		case !unicode.Is(unicode.Mn, r):
			on = r
			hides = unicode.Is(unicode.Soft_Dotted, r) || r == 'ı' || r == 'ȷ'
		case hides && (r == 0x0307 || r == 0x0358):
			return r, on
		case norm.NFD.PropertiesString(string(r)).CCC() == 230: // above
			hides = false
		}
	}
	return 0, 0
}

// hiddenLooksLike is the letter that on, with a dot above that its own dot
// hides, looks like: the dotted one for the dotless ı and ȷ.
func hiddenLooksLike(on rune) string {
	switch on {
	case 'ı':
		return "i"
	case 'ȷ':
		return "j"
	}
	return string(on)
}

// confusablesUnicode is the version of Unicode whose confusables.txt
// github.com/mtibben/confusables holds (see the package's tables.go).
const confusablesUnicode = "13.0.0"

// knownToConfusables holds the code points assigned in Unicode
// confusablesUnicode, from golang.org/x/text's table of each version's
// assigned code points.
var knownToConfusables = rangetable.Assigned(confusablesUnicode)

// newerThanConfusables reports a character (one that invisibleRune lets
// through, so assigned in Go's Unicode tables) that was assigned after
// confusablesUnicode, so that lookKey cannot map it even when it looks
// like an older letter (U+A7D8, Unicode 14, is an S). Symbols (category
// So: emoji, mostly) are let through: they do not pass for letters, and
// new emoji are common in titles.
func newerThanConfusables(r rune) bool {
	return r >= utf8.RuneSelf && !unicode.Is(knownToConfusables, r) && !unicode.Is(unicode.So, r)
}

// lookKey reduces a name or id to what it looks like on screen: two texts
// whose keys are equal look the same to a reader. It is the UTS #39
// skeleton (NFD, each character mapped to its prototype in
// confusables.txt, NFD again) of the text without default-ignorable
// characters (as UTS #39 has done since Unicode 15.1; such characters can
// still be in text stored before booth refused them), with runs of
// whitespace collapsed to one space and trimmed. Use it to compare, never
// to display.
func lookKey(s string) string {
	s = strings.Map(func(r rune) rune {
		if isDefaultIgnorable(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(confusables.Skeleton(s)), " ")
}

// lookAlike says where two texts with the same lookKey differ, for a
// message: the first pair of characters that differ, each named with its
// code point and script, e.g. `"А" (U+0410, Cyrillic) where the other has
// "A" (U+0041, Latin)`. It returns "" when the two differ only in how they
// are encoded.
func lookAlike(s, other string) string {
	a, b := []rune(norm.NFC.String(s)), []rune(norm.NFC.String(other))
	for i := 0; i < len(a) || i < len(b); i++ {
		switch {
		case i >= len(a):
			return fmt.Sprintf("the other ends with %s", runeName(b[i]))
		case i >= len(b):
			return fmt.Sprintf("it ends with %s", runeName(a[i]))
		case a[i] != b[i]:
			return fmt.Sprintf("%s where the other has %s", runeName(a[i]), runeName(b[i]))
		}
	}
	return ""
}

// runeName shows a character for a message: quoted, with its code point,
// and its script when it has one of its own.
func runeName(r rune) string {
	if unicode.IsSpace(r) {
		return fmt.Sprintf("a space (%U)", r)
	}
	for name, table := range unicode.Scripts {
		if name != "Common" && name != "Inherited" && unicode.Is(table, r) {
			return fmt.Sprintf("%q (%U, %s)", string(r), r, name)
		}
	}
	return fmt.Sprintf("%q (%U)", string(r), r)
}

// nameSeen is a name or id already accepted, kept to compare later ones
// with: the text and where it was written.
type nameSeen struct {
	text  string
	where string
}

// lookAlikes finds texts that look the same as one seen before. Each kind
// of text (candidate names, candidate ids, member names) has its own.
type lookAlikes struct {
	// byKey holds, for each lookKey, the texts seen with it: more than one
	// when homonyms or asciiSpellings let them in, and each must be
	// compared with, since they may differ from a newcomer in different
	// ways.
	byKey map[string][]nameSeen
	// homonyms allows the same text twice (after NFC and whitespace
	// collapsing): two members may share a name, and their ids tell them
	// apart; what is refused is a different text made to look the same.
	homonyms bool
	// asciiSpellings allows two plain-ASCII texts that look alike only
	// because one has "rn" where the other has "m" (or two apostrophes
	// for '"'): see
	// asciiSpelledApart.
	asciiSpellings bool
}

func newLookAlikes(homonyms bool) *lookAlikes {
	return &lookAlikes{byKey: map[string][]nameSeen{}, homonyms: homonyms}
}

// add records text, written at where, unless it looks the same as a
// text seen before, which it then returns.
func (l *lookAlikes) add(text, where string) (nameSeen, bool) {
	if prev, clash := l.find(text); clash {
		return prev, true
	}
	l.put(text, where)
	return nameSeen{}, false
}

// find returns the text seen before that text looks the same as, if any.
func (l *lookAlikes) find(text string) (nameSeen, bool) {
	for _, prev := range l.byKey[lookKey(text)] {
		if l.homonyms && sameText(prev.text, text) || l.asciiSpellings && asciiSpelledApart(prev.text, text) {
			continue
		}
		return prev, true
	}
	return nameSeen{}, false
}

// put records text, written at where, next to the look-alikes seen before.
func (l *lookAlikes) put(text, where string) {
	key := lookKey(text)
	for _, prev := range l.byKey[key] {
		if prev.text == text {
			return
		}
	}
	l.byKey[key] = append(l.byKey[key], nameSeen{text, where})
}

// asciiSpelledApart reports two texts of plain ASCII, with the same
// lookKey, that look the same only through confusables.txt's mappings of
// one ASCII character to several ("m" to "rn", '"' to two apostrophes):
// "Kim"/"Kirn", "Arne"/"Ame", "Turner"/"Tumer" are different names that
// real people have. Told apart by their ids, such members can both be
// registered (issue 10 item 8, review). Anything outside ASCII (another
// script's letters, marks, invisibles) never passes this way, nor does a
// single-character look-alike such as "I" for "l".
func asciiSpelledApart(a, b string) bool {
	ascii := func(s string) bool {
		return !strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf })
	}
	if !ascii(a) || !ascii(b) {
		return false
	}
	// The skeleton without the many-character mappings: equal when the two
	// still look the same once "rn" and "m" count as different.
	key := func(s string) string {
		var k strings.Builder
		for _, r := range s {
			if p := confusables.Skeleton(string(r)); utf8.RuneCountInString(p) > 1 && ascii(p) {
				k.WriteRune(r)
			} else {
				k.WriteString(p)
			}
		}
		return strings.Join(strings.Fields(k.String()), " ")
	}
	return key(a) != key(b)
}

// sameText reports two texts that are the same name written the same way,
// up to Unicode normalisation and runs of whitespace.
func sameText(a, b string) bool {
	canon := func(s string) string { return strings.Join(strings.Fields(norm.NFC.String(s)), " ") }
	return canon(a) == canon(b)
}

// lookAlikeMsg words the refusal of a text that looks the same as one seen
// before: what, both texts and where each was written, which characters
// make the difference, and what to do.
func lookAlikeMsg(what, text, where string, prev nameSeen, must string) string {
	msg := fmt.Sprintf("%s %q%s looks the same as %q%s", what, text, where, prev.text, prev.where)
	if d := lookAlike(text, prev.text); d != "" {
		msg += " (" + d + ")"
	}
	return msg + ": " + must
}

// memberLooks finds members whose ids or names look the same as those of
// members seen before, in the same file or registered already. Two
// members may have the same name (homonyms, told apart by their ids), but
// not two names that differ yet look the same, except plain-ASCII names
// that differ in "rn" for "m" (asciiSpelledApart): people are named Kim and
// Kirn. Ids get no such leave: officers choose them freely and type them
// from what they read, where "kirn" for "kim" is a mistake waiting to
// happen, and another id costs nothing.
type memberLooks struct{ ids, names *lookAlikes }

func newMemberLooks() *memberLooks {
	names := newLookAlikes(true)
	names.asciiSpellings = true
	return &memberLooks{ids: newLookAlikes(false), names: names}
}

// add records a member, its id and name written at where (" (member
// alice, line 9)"), and returns why it is refused, or "" when it looks
// like no member seen before. A refused member is not recorded.
func (l *memberLooks) add(id, name, where string) string {
	if prev, clash := l.ids.find(id); clash {
		return lookAlikeMsg("member id", id, where, prev,
			"officers and staff type and read ids and could take one for the other; choose another id")
	}
	if prev, clash := l.names.find(name); clash {
		return lookAlikeMsg("member name", name, where, prev,
			"names must be told apart on screen; rename one, or write both the same way if they are the same name")
	}
	l.put(id, name, where)
	return ""
}

// put records a member without checking it, e.g. one registered before.
func (l *memberLooks) put(id, name, where string) {
	l.ids.put(id, where)
	l.names.put(name, where)
}
