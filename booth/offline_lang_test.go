package booth

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/tally"
)

// countWords are the English of a count's record: a round's action and
// its notes say one of them (the candidates' names and the election's
// title hold none).
var countWords = []string{"elected", "excluded", "transferred", "Surplus", "surplus", "quota", "fewest", "First preferences", "seats"}

// A Japanese review of a bundle counted by Scottish STV (a surplus
// transferred, a candidate excluded) says every round's action and notes
// in Japanese, from the phrases of its own recount: the bundle holds
// their English only. The golden is the exclusion's round at 80×24.
func TestGoldenOfflineCountInJapanese(t *testing.T) {
	f := newOfflineFixtureBy(t, true, tally.Scottish)
	b, rep := bundle.Verify(f.data, f.trust(t))
	if !rep.OK {
		t.Fatalf("the fixture does not verify: %+v", rep)
	}
	var actions []string
	for _, r := range b.Result.Rounds {
		actions = append(actions, r.Action)
	}
	record := strings.Join(actions, "\n")
	if !strings.Contains(record, "Surplus of") || !strings.Contains(record, "excluded") {
		t.Fatalf("the fixture's count has no surplus or no exclusion:\n%s", record)
	}
	h := startOfflineIn(t, f.data, f.trust(t), "ja_JP.UTF-8")
	h.keys("enter")
	n := len(b.Result.Rounds)
	h.waitFor("Elected:", fmt.Sprintf("Round %d of %d", n, n))
	excluded := 0
	for i := n; i >= 1; i-- {
		if i < n {
			h.keys("left")
		}
		h.waitFor(fmt.Sprintf("Round %d of %d", i, n))
		screen := h.screen()
		for _, w := range countWords {
			if strings.Contains(screen, w) {
				t.Errorf("round %d says %q in English:\n%s", i, w, screen)
			}
		}
		if strings.HasSuffix(b.Result.Rounds[i-1].Action, " excluded") {
			excluded = i
		}
	}
	for i := 1; i < excluded; i++ {
		h.keys("right")
	}
	h.waitFor(fmt.Sprintf("Round %d of %d", excluded, n))
	got := h.final()
	checkFits(t, got, 80, 24)
	golden.RequireEqual(t, got)
}
