package booth

import (
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
)

// TestReviewExplainsADroppedLastRank (issue 10 item 2): on a Schulze
// ballot a last rank holding every option not ranked above it is dropped
// (it means what leaving them unranked means), and one rank holding every
// option is a blank ballot. The review shows the ballot as it will be cast
// and says why it is shorter than the voter's screen.
func TestReviewExplainsADroppedLastRank(t *testing.T) {
	for _, tc := range []struct {
		name  string
		keys  []string
		ranks [][]string
		says  []string
	}{
		{"everyone ranked", []string{"v", "enter", "enter", "enter"}, [][]string{{"six-months"}, {"yearly"}},
			[]string{"1. Every six months", "2. Every year", "Not ranked, so equal below everyone you ranked: - None of the above", "Your last rank held every option not ranked above it; that means the same as leaving them unranked"}},
		{"everyone equal", []string{"v", "enter", "enter", "enter", "tab", "down", "=", "down", "="}, nil,
			[]string{"a blank ballot", "You ranked every option equal, which is the same as ranking none of them"}},
	} {
		q := questionElection() // Schulze: six-months, yearly, nota
		q.Voted = false
		m := drive(t, q, colorprofile.Ascii)
		press(m, tc.keys...)
		if b := reviewed(t, m); len(b.Ranks)+len(tc.ranks) > 0 && !reflect.DeepEqual(b.Ranks, tc.ranks) {
			t.Errorf("%s: ballot %v, want %v", tc.name, b.Ranks, tc.ranks)
		}
		s := strings.Join(strings.Fields(m.content()), " ")
		for _, want := range tc.says {
			if !strings.Contains(s, want) {
				t.Errorf("%s: the review does not say %q:\n%s", tc.name, want, m.content())
			}
		}
	}
	// A ballot the voter left short is not explained away.
	q := questionElection()
	q.Voted = false
	m := drive(t, q, colorprofile.Ascii)
	press(m, "v", "enter", "enter")
	reviewed(t, m)
	if s := m.content(); strings.Contains(s, "Your last rank held") || strings.Contains(s, "You ranked every option equal") {
		t.Errorf("the review explains a dropped rank on a ballot that had none:\n%s", s)
	}
}
