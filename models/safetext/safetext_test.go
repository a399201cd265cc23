package safetext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Unsafe is the one rule: every character it names is refused by Check,
// dropped or turned into a space by Sanitize, and escaped by inertJSON
// (outside ASCII, where encoding/json has not escaped it already); every
// other character passes Sanitize and inertJSON as it is. The planes
// left out (2, 3: CJK ideographs; 15, 16: private use) hold no control or
// format character.
func TestOneRule(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r == 0x20000 {
			r = 0xe0000
		}
		if r == 0xf0000 {
			break
		}
		if !utf8.ValidRune(r) || r == utf8.RuneError {
			continue
		}
		s := "a" + string(r) + "b"
		shown := Sanitize(s) == s && SanitizeMultiline(s) == s
		inert := string(inertJSON([]byte(s))) == s
		if !Unsafe(r) {
			if !shown || !inert {
				t.Errorf("%U is not Unsafe, yet Sanitize or inertJSON changes it", r)
			}
			continue
		}
		if Sanitize(s) == s {
			t.Errorf("Sanitize kept the Unsafe %U", r)
		}
		if r >= utf8.RuneSelf && inert {
			t.Errorf("inertJSON kept the Unsafe %U raw", r)
		}
		if err := Check("name", s); err == nil || !strings.Contains(err.Error(), kind(r).String()) {
			t.Errorf("Check(%+q) = %v, want it to name %s", s, err, kind(r))
		}
	}
}
