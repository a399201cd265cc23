package models

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"vote.example.org/booth/models/safetext"
)

// Names and ids are how voters and officers tell entries apart: on the
// ranking screen, in member lists, on a kiosk. Two rules keep that true
// (issue 10 item 8). A name may hold no character that shows as nothing or
// as blank (safetext.Check refuses them with the other unsafe
// characters), and within one election, or among all members, no two
// names may look the same on screen (lookKey). The second rule uses the
// confusables data of Unicode's security mechanisms (UTS #39) through
// github.com/mtibben/confusables, whose table is Unicode 13.0.0's: letters
// added to Unicode later that resemble older ones are not mapped, so
// safetext.Check refuses them as it refuses code points booth's own
// Unicode 15.0.0 tables do not know.

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
		if safetext.DefaultIgnorable(r) {
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
			return fmt.Sprintf("the other ends with %s", safetext.RuneName(b[i]))
		case i >= len(b):
			return fmt.Sprintf("it ends with %s", safetext.RuneName(a[i]))
		case a[i] != b[i]:
			return fmt.Sprintf("%s where the other has %s", safetext.RuneName(a[i]), safetext.RuneName(b[i]))
		}
	}
	return ""
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

// FoldName reduces a name to the form in which names that people would
// read as the same are equal: Unicode compatibility normalisation (NFKC,
// so "ﬁ" is "fi" and full-width letters are plain), case folding ("Straße"
// is "strasse"), and runs of whitespace collapsed to one space, trimmed.
// Use it to find duplicates, never to display.
func FoldName(s string) string {
	// A Caser keeps state, so each call makes its own.
	folded := cases.Fold().String(norm.NFKC.String(s))
	// Folding can undo normalisation (e.g. it decomposes some letters), so
	// normalise again.
	return strings.Join(strings.Fields(norm.NFKC.String(folded)), " ")
}
