package safetext

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/rangetable"
)

// Names and ids are how voters and officers tell entries apart, so a line
// may hold no character that shows as nothing or as blank, nor one that
// the look-alike rule of models (its lookKey, on the confusables data of
// Unicode's security mechanisms, UTS #39, through
// github.com/mtibben/confusables) cannot map: that table is Unicode
// 13.0.0's, so letters added to Unicode later that resemble older ones are
// refused (newerThanConfusables), as are code points booth's own Unicode
// 15.0.0 tables do not know.

// DefaultIgnorable reports Unicode's Default_Ignorable_Code_Point
// property: characters that a renderer shows as nothing unless it supports
// them. Go's unicode package has no table for it, so it is derived as
// DerivedCoreProperties.txt defines it: Other_Default_Ignorable_Code_Point
// + Cf + Variation_Selector − White_Space − U+FFF9..U+FFFB (interlinear
// annotation) − U+13430..U+13440 (Egyptian hieroglyph format controls) −
// Prepended_Concatenation_Mark.
func DefaultIgnorable(r rune) bool {
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
// returns "", "" when r is fine there. It comes after kind (the Unsafe rule), which
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
	case DefaultIgnorable(r):
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

// RuneName shows a character for a message: quoted, with its code point,
// and its script when it has one of its own.
func RuneName(r rune) string {
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
