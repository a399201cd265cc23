package booth

import (
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
)

// On a terminal that shows ASCII only, "José Ruiz" and "Jose Ruiz" are
// written alike, so the ranking screen and the review give each
// candidate's id with the name; on a UTF-8 terminal they give names only.
func TestBoothUnderASCIIShowsCandidateIDs(t *testing.T) {
	for _, ascii := range []bool{true, false} {
		q := questionElection()
		q.Voted = false
		q.Candidates[0].Name, q.Candidates[1].Name = "José Ruiz", "Jose Ruiz"
		m := drive(t, q, colorprofile.Ascii)
		m.s.ASCII = ascii
		press(m, "v")
		ranking := m.content()
		press(m, "enter")
		reviewed(t, m)
		review := m.content()
		for what, s := range map[string]string{"ranking screen": ranking, "review": review} {
			for _, want := range []string{"José Ruiz (id six-months)", "Jose Ruiz (id yearly)"} {
				if got := strings.Contains(s, want); got != ascii {
					t.Errorf("ASCII %v: the %s shows %q: %v, want %v:\n%s", ascii, what, want, got, ascii, s)
				}
			}
		}
	}
}
