package safetext

import (
	"slices"
	"testing"
	"unicode"
)

// defaultIgnorable15 is Default_Ignorable_Code_Point as
// DerivedCoreProperties.txt of Unicode 15.0.0 lists it, the version of
// Go's unicode tables.
var defaultIgnorable15 = [][2]rune{
	{0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x061C, 0x061C}, {0x115F, 0x1160}, {0x17B4, 0x17B5},
	{0x180B, 0x180D}, {0x180E, 0x180E}, {0x180F, 0x180F}, {0x200B, 0x200F}, {0x202A, 0x202E},
	{0x2060, 0x2064}, {0x2065, 0x2065}, {0x2066, 0x206F}, {0x3164, 0x3164}, {0xFE00, 0xFE0F},
	{0xFEFF, 0xFEFF}, {0xFFA0, 0xFFA0}, {0xFFF0, 0xFFF8}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A},
	{0xE0000, 0xE0000}, {0xE0001, 0xE0001}, {0xE0002, 0xE001F}, {0xE0020, 0xE007F}, {0xE0080, 0xE00FF},
	{0xE0100, 0xE01EF}, {0xE01F0, 0xE0FFF},
}

func TestDefaultIgnorableIsUnicodes(t *testing.T) {
	if unicode.Version != "15.0.0" {
		t.Skipf("Go's Unicode tables are version %s; the reference list here is 15.0.0's", unicode.Version)
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		want := slices.ContainsFunc(defaultIgnorable15, func(rg [2]rune) bool { return rg[0] <= r && r <= rg[1] })
		if got := DefaultIgnorable(r); got != want {
			t.Errorf("DefaultIgnorable(%U) = %v, want %v", r, got, want)
		}
	}
}

// knownToConfusables is what newerThanConfusables compares with, so it
// must be the code points of Unicode 13.0 (review of issue 10 item 8,
// finding 2).
func TestKnownToConfusablesIsUnicode13(t *testing.T) {
	if knownToConfusables == nil {
		t.Fatalf("golang.org/x/text has no table of the code points of Unicode %s", confusablesUnicode)
	}
	if !unicode.Is(knownToConfusables, 'A') || unicode.Is(knownToConfusables, 0xA7D8) {
		t.Error("knownToConfusables is not Unicode 13.0's assigned code points")
	}
}

// FuzzCheckNoInvisible checks that a line Check accepts never holds a
// default-ignorable code point, a Hangul filler, the blank braille pattern
// or a nonspacing mark twice in a row.
func FuzzCheckNoInvisible(f *testing.F) {
	for _, s := range []string{
		"Alice", "Alice\u3164", "Alice\u2800", "Ali\u034Fce", "Alice\uFE0F", "Alice\u115F", "Alice\U000E0100",
		"Alice\u17B4", "Alice\U0001D159", "Jose\u0301\u0301", "Zoë\u0308", "Ali\u200Bce", "Alice\U000E0041",
		"José Müller-Lüdenscheidt", "李小龍", "Ада Лавлейс", "Nguyễn", "עברית",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Check("name", s) != nil {
			return
		}
		for _, r := range s {
			if DefaultIgnorable(r) || isHangulFiller(r) || r == 0x2800 {
				t.Fatalf("Check accepted %q with %U", s, r)
			}
		}
		if mark, _ := repeatedMark(s); mark != 0 {
			t.Fatalf("Check accepted %q with %U twice", s, mark)
		}
	})
}
