package safetext

import (
	"strings"
	"testing"
)

func TestCheckAccepts(t *testing.T) {
	for _, s := range []string{
		"Alice Liddell", "José Müller-Lüdenscheidt", "李小龍", "Ада Лавлейс", "O'Brien, Jr.",
		"  padded  ", "emoji 🗳", "עברית", // right-to-left script itself is fine; only the controls are not
	} {
		if err := Check("name", s); err != nil {
			t.Errorf("Check(%q) = %v, want nil", s, err)
		}
	}
	if err := CheckMultiline("statement", "# Hello\n\n- one\n\t- two\r\nend"); err != nil {
		t.Errorf("CheckMultiline refused Markdown: %v", err)
	}
}

func TestCheckRefuses(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // in the message
	}{
		{"empty", "", "name is empty"},
		{"whitespace only", " \t\u3000 ", "name is empty"},
		{"escape", "Bob\x1b[2J", "the escape character U+001B at character 4"},
		{"OSC 52", "x\x1b]52;c;aGk=\x07", "U+001B"},
		{"NUL", "a\x00b", "the control character U+0000"},
		{"backspace", "ab\bc", "U+0008"},
		{"carriage return", "Alice\rEve", "a carriage return U+000D"},
		{"line feed", "Alice\nEve", "a line break or tab U+000A"},
		{"tab", "Alice\tEve", "U+0009"},
		{"DEL", "a\x7f", "U+007F"},
		{"C1 CSI", "a\u009b2J", "the control character U+009B"},
		{"C1 NEL", "a\u0085", "U+0085"},
		{"RLO", "abc\u202Efdp.exe", "the bidirectional control U+202E at character 4"},
		{"LRE", "\u202Aa", "U+202A"},
		{"PDF", "a\u202C", "U+202C"},
		{"isolate", "a\u2066b\u2069", "the bidirectional control U+2066"},
		{"pop isolate", "ab\u2069", "U+2069"},
		{"RLM", "a\u200Fb", "U+200F"},
		{"Arabic letter mark", "a\u061Cb", "U+061C"},
		{"zero-width space", "Al\u200Bice", "the invisible format character U+200B"},
		{"zero-width joiner", "a\u200Db", "U+200D"},
		{"word joiner", "a\u2060b", "U+2060"},
		{"BOM inside", "a\uFEFFb", "U+FEFF"},
		{"soft hyphen", "Ali\u00ADce", "U+00AD"},
		{"line separator", "a\u2028b", "the line separator U+2028"},
		{"paragraph separator", "a\u2029b", "U+2029"},
		{"invalid UTF-8", "Al\xffice", "not valid UTF-8 (byte 0xff at byte 3)"},
		{"truncated UTF-8", "Ali\xc3", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check("name", tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "name ") {
				t.Errorf("Check(%q) = %v, want an error naming %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestCheckMultilineRefuses(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "statement is empty",
		"\n\n\t\n":            "statement is empty",
		"line\rover":          "a carriage return U+000D",
		"ends with CR\r":      "U+000D",
		"ok\n\x1b[31mred":     "the escape character U+001B",
		"ok\n\u202Egnp.exe":   "U+202E",
		"ok\n\u009b31m":       "U+009B",
		"zero\u200Bwidth\n":   "U+200B",
		"para\u2029graph\n":   "U+2029",
		"bad\n\xfe\xffutf-8…": "not valid UTF-8",
	} {
		err := CheckMultiline("statement", in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckMultiline(%q) = %v, want %q", in, err, want)
		}
	}
}
