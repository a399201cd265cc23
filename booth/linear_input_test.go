package booth

import (
	"strings"
	"testing"
)

// On a terminal the reader echoes what is typed, erases with backspace,
// drops the arrow keys' escape sequences and takes "\r\n" as one end of
// line; ctrl+d leaves. Without one it only splits lines. A line too long
// is refused whole, and the next line is read as usual.
func TestLineReader(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		echo     bool
		lines    []string
		echoed   string
	}{
		{"terminal", "ab\x7fc\x1b[A\x1bOB\r1 2=3\r\n\x04", true, []string{"ac", "1 2=3", "quit"}, "ab\b \bc\n1 2=3\n\n"},
		{"ctrl+c", "cas\x03", true, []string{"quit"}, "cas^C\n"},
		{"no terminal", "yes\r\nno\nback", false, []string{"yes", "no", "back"}, ""},
		{"too long", strings.Repeat("x", maxLineBytes+10) + "\nnext\n", false, []string{overlong, "next"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			r := newLineReader(strings.NewReader(tc.in), &lockedWriter{w: &out}, tc.echo)
			var got []string
			for l := range r.lines {
				got = append(got, l)
			}
			if strings.Join(got, "|") != strings.Join(tc.lines, "|") {
				t.Errorf("lines %q, want %q", got, tc.lines)
			}
			if out.String() != tc.echoed {
				t.Errorf("echoed %q, want %q", out.String(), tc.echoed)
			}
		})
	}
}
