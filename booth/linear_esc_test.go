package booth

import (
	"strings"
	"testing"
)

// A bare Esc (the full-screen booth's key to go back, so a member coming
// from it presses it) starts no escape sequence: the digits, spaces and
// enter after it are read as typed, so "Esc, 2 1, enter" is the answer
// "2 1" rather than no answer at all.
func TestLineReaderBareEscDoesNotEatEnter(t *testing.T) {
	var out strings.Builder
	r := newLineReader(strings.NewReader("\x1b2 1\r"), &lockedWriter{w: &out}, true)
	var got []string
	for l := range r.lines {
		got = append(got, l)
	}
	if len(got) != 1 || got[0] != "2 1" {
		t.Fatalf("Esc then \"2 1\" and enter gave the answers %q (echo %q), want [\"2 1\"]", got, out.String())
	}
}
