package safetext

import (
	"strings"
	"testing"
)

func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "Ada Lovelace", "Ada Lovelace"},
		{"osc52 with BEL", "\x1b]52;c;aGk=\a Eve", " Eve"},
		{"osc with ST", "a\x1b]0;title\x1b\\b", "ab"},
		{"unterminated osc shows inert text", "a\x1b]52;c;x", "a52;c;x"},
		{"csi clear screen", "a\x1b[2Jb\x1b[31mc", "abc"},
		{"csi private mode", "a\x1b[?1049hb", "ab"},
		{"8-bit csi rune", "a\u009b2Jb", "ab"},
		{"8-bit osc rune", "a\u009d52;c;x\u009cb", "ab"},
		{"raw 0x9b byte", "a\x9bb", "a\ufffdb"},
		{"two-byte escape", "a\x1bcb", "ab"},
		{"charset escape", "a\x1b(Bb", "ab"},
		{"lone escape at end", "ab\x1b", "ab"},
		{"carriage return", "Eve\rX", "Eve X"},
		{"newline and tab", "a\nb\tc", "a b c"},
		{"bidi override", "X\u202eY\u2066Z\u200fW\u061cV", "XYZWV"},
		{"zero width", "A\u200bB\u200dC\ufeffD\u2060E", "ABCDE"},
		{"C0 and DEL and C1", "a\x00b\x07c\x7fd\u0085e", "abcde"},
		{"line separator", "a\u2028b", "a b"},
		{"unicode kept", "Zoë Ångström 李", "Zoë Ångström 李"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sanitize(tc.in); got != tc.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSanitizeMultiline(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a\nb\tc", "a\nb\tc"},
		{"a\r\nb", "a\nb"},
		{"a\rb", "a b"},
		{"# Title\n\x1b[2J**bold**\u202e", "# Title\n**bold**"},
	} {
		if got := SanitizeMultiline(tc.in); got != tc.want {
			t.Errorf("SanitizeMultiline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestKeepSGR(t *testing.T) {
	in := "\x1b[1mbold\x1b[0m \x1b]8;;http://evil/\x1b\\link\x1b]8;;\x1b\\ \x1b[2J"
	want := "\x1b[1mbold\x1b[0m link "
	if got := KeepSGR(in); got != want {
		t.Errorf("KeepSGR = %q, want %q", got, want)
	}
}

// FuzzSanitize checks that no control or escape survives whatever comes in.
func FuzzSanitize(f *testing.F) {
	f.Add("\x1b]52;c;aGk=\a Eve\rX\u202eY")
	f.Add("a\u009b2Jb\x1b[")
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Sanitize(s), SanitizeMultiline(s)} {
			for _, r := range out {
				if r == 0x1b || r == '\r' || r == 0x7f || (r < 0x20 && r != '\n' && r != '\t') ||
					(r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
					t.Fatalf("%q survived in %q", r, out)
				}
			}
		}
		if strings.ContainsAny(Sanitize(s), "\n\t") {
			t.Fatalf("Sanitize kept a line break: %q", Sanitize(s))
		}
	})
}
