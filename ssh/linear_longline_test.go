package ssh

import (
	"fmt"
	"strings"
	"testing"

	"vote.example.org/booth/models"
)

// A full ranking of a 1000-candidate election (which models.MaxCandidates
// allows) typed as "1, 2, …, 1000" is read whole, and a line longer than
// any ballot is refused whole with a word, never cut: a ranking cut short
// would read back as a ballot that leaves the last candidates unranked.
func TestLinearLongLineNotCutSilently(t *testing.T) {
	e := newTestEnv(t, nil)
	d := testDefinition("e-big", "Big board")
	d.Method = "irv"
	d.Candidates = nil
	var nums []string
	for i := 1; i <= models.MaxCandidates; i++ {
		d.Candidates = append(d.Candidates, models.Candidate{ID: fmt.Sprintf("c%04d", i), Name: fmt.Sprintf("Candidate %04d", i)})
		nums = append(nums, fmt.Sprint(i))
	}
	e.openElection(d)
	tt := e.teletypeSession(t, "ada", "dumb", nil, "")
	tt.answer("Election number", tt.number("Big board"))
	tt.answer("Type 1 ", "1")
	tt.answer("Your ranking", strings.Join(nums, ", "))
	var after string
	if !eventually(func() bool {
		after = tt.out.String()[tt.read:]
		return strings.Contains(after, "Nothing is stored yet") || strings.Contains(after, "Your ranking")
	}) {
		t.Fatalf("no answer to the ranking:\n%s", after)
	}
	if strings.Contains(after, "read back:") && !strings.Contains(after, "1000. Candidate 1000") {
		i := strings.Index(after, "Not ranked")
		t.Fatalf("a ranking of all 1000 candidates was cut without a word and read back shorter:\n%s", after[max(i-200, 0):min(i+200, len(after))])
	}
	tt.answer("Type cast", strings.Repeat("1 ", models.MaxBallotBytes))
	tt.expect("nothing was read from it")
}
