package safetext

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestInertJSON(t *testing.T) {
	in := `{"a":"x` + "\u0085\u202e\u200b\u2028\U000e0001" + `y"}`
	got := string(inertJSON([]byte(in)))
	want := `{"a":"x\u0085\u202e\u200b\u2028\udb40\udc01y"}`
	if got != want {
		t.Fatalf("inertJSON = %s, want %s", got, want)
	}
	var v struct{ A string }
	if err := json.Unmarshal([]byte(got), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "x\u0085\u202e\u200b\u2028\U000e0001y" {
		t.Fatalf("the escaped JSON reads %q", v.A)
	}
}

// WriteJSON's output is indented, ends with a line end, holds nothing a
// terminal acts on, and reads back as what was written.
func TestWriteJSON(t *testing.T) {
	name := "Eve\x1b]52;c;aGk=\a\u009b2J\u202eevE"
	var b strings.Builder
	if err := WriteJSON(&b, map[string]string{"name": name}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "{\n  \"name\": ") || !strings.HasSuffix(out, "}\n") {
		t.Errorf("WriteJSON wrote %q, want indented JSON and a line end", out)
	}
	for _, r := range out {
		if r != '\n' && Unsafe(r) {
			t.Errorf("WriteJSON left %U raw in %q", r, out)
		}
	}
	var back map[string]string
	if err := json.Unmarshal([]byte(out), &back); err != nil || back["name"] != name {
		t.Errorf("WriteJSON's output reads back as %q, %v; want %q", back["name"], err, name)
	}
}
