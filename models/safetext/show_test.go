package safetext

import "testing"

func TestShow(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "",
		"election e1 opened": "election e1 opened",
		"José Müller":        "José Müller",
		"evil\x1b[2J":        `"evil\x1b[2J"`,
		"two\nlines":         `"two\nlines"`,
		"abc\u202efdp.exe":   `"abc\u202efdp.exe"`,
		"Alice\u3164":        "\"Alice\u3164\"", // graphic, so quoted as it is
		"  ":                 `"  "`,
	} {
		if got := Show(in); got != want {
			t.Errorf("Show(%q) = %s, want %s", in, got, want)
		}
	}
}
