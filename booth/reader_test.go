package booth

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Markdown turns character references into characters after safetext.SanitizeMultiline has
// seen the source, so the rendered text is checked again: a statement
// cannot smuggle a bidi override, a carriage return, an 8-bit C1 control
// or hidden text onto the screen.
func TestMarkdownCharacterReferencesStayInert(t *testing.T) {
	m := &model{}
	m.st = newStyles(true)
	src := "Vote &#x202E;evE&#x202C; now: aaa&#13;bbb &#x9d;52;c;aGk=&#x7; &#x200B;x &#x1b;[8mhidden"
	out := m.markdown(src, 80)
	for _, bad := range []string{"\u202e", "\r", "\u009d", "\u200b", "\a", "\x1b[8m", "\x1b]"} {
		if strings.Contains(out, bad) {
			t.Errorf("rendered statement contains %q: %q", bad, out)
		}
	}
	if !strings.Contains(ansi.Strip(out), "bbb") {
		t.Errorf("the text itself was lost: %q", out)
	}
}
