package booth

import (
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/tally"
)

// commaNames are a question's options whose names hold commas: joined
// with ", " the two first read as three options.
var commaNames = []string{"Every six months", "Once a year, with point releases", "None, of the above"}

// TestReviewListsOneNamePerLine shares a rank between two options with
// commas in their names: the review lists each on a line of its own.
func TestReviewListsOneNamePerLine(t *testing.T) {
	q := questionElection()
	q.Voted = false
	for i, n := range commaNames {
		q.Candidates[i].Name = n
	}
	m := drive(t, q, colorprofile.Ascii)
	press(m, "v", "enter", "enter", "tab", "down", "=")
	reviewed(t, m)
	s := m.content()
	for _, want := range []string{"\n1= Every six months", "\n1= Once a year, with point releases", "\n  - None, of the above"} {
		if !strings.Contains(s, want) {
			t.Errorf("the review lacks the line %q:\n%s", want, s)
		}
	}
}

// TestResultsListOneNamePerLine shows an approval result with two winners
// and a Schulze result with a tie, all with commas in their names.
func TestResultsListOneNamePerLine(t *testing.T) {
	cands := make([]tally.Candidate, len(commaNames))
	for i, n := range commaNames {
		cands[i] = tally.Candidate{ID: string(rune('a' + i)), Name: n}
	}
	res, err := tally.Count(&tally.Election{Title: "Q", Candidates: cands, Seats: 2, Ballots: []tally.Ballot{
		{Count: 5, Ranks: [][]int{{1}, {0}}}, {Count: 2, Ranks: [][]int{{2}}},
	}}, tally.Options{Method: tally.Approval, Seats: 2})
	if err != nil {
		t.Fatal(err)
	}
	e := questionElection()
	e.Method, e.Seats, e.State = tally.Approval, 2, models.Counted
	for i, n := range commaNames {
		e.Candidates[i].Name = n
	}
	m := drive(t, e, colorprofile.Ascii)
	press(m, "enter")
	m.Update(resultMsg{id: e.ID, res: models.StoredResult{Result: res}})
	if s := m.content(); !strings.Contains(s, "Elected: Every six months\n         Once a year, with point releases\n") &&
		!strings.Contains(s, "Elected: Once a year, with point releases\n         Every six months\n") {
		t.Errorf("the winners are not one to a line:\n%s", s)
	}

	s := resultsFor(t, tally.Schulze, cands, []tally.Ballot{{Count: 3, Ranks: [][]int{{0}, {1}, {2}}}, {Count: 3, Ranks: [][]int{{1}, {0}, {2}}}}, tally.Options{})
	for _, want := range []string{"\n  1= Every six months", "\n  1= Once a year, with point releases", "\n  2. None, of the above"} {
		if !strings.Contains(s, want) {
			t.Errorf("the Schulze order lacks the line %q:\n%s", want, s)
		}
	}
}

// TestOfflineOutcomeOneNamePerLine: the offline review's summary lists the
// elected one to a line.
func TestOfflineOutcomeOneNamePerLine(t *testing.T) {
	r := &tally.Result{Method: tally.Approval, Seats: 2, Elected: []int{1, 0},
		Candidates: []tally.Candidate{{Name: commaNames[0]}, {Name: commaNames[1]}}}
	got := strings.Join((&offline{b: &bundle.Bundle{Result: r}, m: &model{}}).outcome(80), "\n")
	if want := "Elected: Once a year, with point releases\n         Every six months"; got != want {
		t.Errorf("outcome\n%s\nwant\n%s", got, want)
	}
}
