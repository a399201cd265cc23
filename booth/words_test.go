package booth

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// Issue 12 item 15: the keys and words each screen offers are the ones
// that apply to it.

// helpOf is the full key help of the screen m is on.
func helpOf(m *model) string {
	press(m, "?")
	s := m.content()
	press(m, "?")
	return s
}

func TestHelpOffersEqualOnlyOnSchulze(t *testing.T) {
	m := drive(t, boardElection(), colorprofile.Ascii) // Meek
	press(m, "v")
	if s := helpOf(m); strings.Contains(s, "share the rank above") {
		t.Errorf("the help of a Meek ballot offers =:\n%s", s)
	}
	q := questionElection()
	q.Voted = false
	m = drive(t, q, colorprofile.Ascii)
	press(m, "v")
	if s := helpOf(m); !strings.Contains(s, "share the rank above") {
		t.Errorf("the help of a Schulze ballot does not offer =:\n%s", s)
	}
}

func TestVoteKeyOnlyWhereVotingIsPossible(t *testing.T) {
	upcoming := bylawElection()
	past, _ := pastElection(t)
	closed := boardElection()
	closed.State = models.Closed
	for name, e := range map[string]models.MemberElection{"upcoming": upcoming, "counted": past, "closed": closed} {
		m := drive(t, e, colorprofile.Ascii)
		if s := m.content() + helpOf(m); strings.Contains(s, "v vote") {
			t.Errorf("%s: v vote is offered:\n%s", name, s)
		}
	}
	m := drive(t, boardElection(), colorprofile.Ascii)
	if s := m.content(); !strings.Contains(s, "v vote") {
		t.Errorf("an open election does not offer v vote:\n%s", s)
	}
}

func TestSchulzeResultsOfferNoStages(t *testing.T) {
	sc := []tally.Candidate{{ID: "a", Name: "Alpha"}, {ID: "b", Name: "Beta"}, {ID: "c", Name: "Gamma"}}
	s := resultsFor(t, tally.Schulze, sc, []tally.Ballot{{Count: 5, Ranks: [][]int{{1}, {0}, {2}}}}, tally.Options{})
	if strings.Contains(s, "←/→") || strings.Contains(s, "t table") {
		t.Errorf("Schulze results offer stages or a table of them:\n%s", s)
	}
	if !strings.Contains(s, "t strongest paths") {
		t.Errorf("Schulze results do not offer the strongest paths:\n%s", s)
	}
}

func TestYesNoListsAnswers(t *testing.T) {
	m := drive(t, bylawElection(), colorprofile.Ascii)
	if s := m.content(); strings.Contains(s, "CANDIDATES") || !strings.Contains(s, "ANSWERS") {
		t.Errorf("a yes/no question does not list ANSWERS:\n%s", s)
	}
}

// The booth says what the officer's sheet says: "Round" and
// "non-transferable", the latter explained once.
func TestResultsSayRoundAndNonTransferable(t *testing.T) {
	past, res := pastElection(t)
	res.Result.Rounds[1].Exhausted = tally.Decimal{Units: 4_000_000_000, Places: 9}
	m := drive(t, past, colorprofile.Ascii)
	press(m, "enter")
	m.Update(resultMsg{id: past.ID, res: res})
	m.Update(tea.KeyPressMsg{Code: tea.KeyLeft})
	m.Update(tea.KeyPressMsg{Code: tea.KeyLeft})
	if s := m.content(); !strings.Contains(s, "non-transferable") {
		t.Errorf("round 2 has no non-transferable row:\n%s", s)
	}
	press(m, "t")
	s := m.content()
	for _, bad := range []string{"Stage", "stage", "exhausted"} {
		if strings.Contains(s, bad) {
			t.Errorf("the results say %q:\n%s", bad, s)
		}
	}
	if !strings.Contains(s, "All rounds") || strings.Count(s, "Non-transferable:") != 1 {
		t.Errorf("the results do not say Round and explain non-transferable once:\n%s", s)
	}
}

// Approval losers are not "excluded" (nobody is excluded in an approval
// count), and the candidates are listed by approvals.
func TestApprovalResultsSortedNotExcluded(t *testing.T) {
	cands := []tally.Candidate{{ID: "a", Name: "Alpha"}, {ID: "b", Name: "Beta"}, {ID: "c", Name: "Gamma"}}
	s := resultsFor(t, tally.Approval, cands, []tally.Ballot{{Count: 2, Ranks: [][]int{{1}}}, {Count: 5, Ranks: [][]int{{2}}}, {Count: 1, Ranks: [][]int{{0}}}}, tally.Options{})
	if strings.Contains(s, "excluded") {
		t.Errorf("approval results say excluded:\n%s", s)
	}
	g, b, a := strings.Index(s, " Gamma "), strings.Index(s, " Beta "), strings.Index(s, " Alpha ")
	if g < 0 || b < 0 || a < 0 || g > b || b > a {
		t.Errorf("approval results not sorted by approvals (Gamma, Beta, Alpha):\n%s", s)
	}
}

// The focused row of a ranking pane is highlighted (reverse video, which
// needs no colour), not only marked with "›".
func TestRankingHighlightsFocusedRow(t *testing.T) {
	m := drive(t, boardElection(), colorprofile.Ascii)
	press(m, "v")
	var focused string
	for _, l := range strings.Split(m.content(), "\n") {
		if strings.Contains(l, "›") {
			focused = l
		}
	}
	if !strings.Contains(focused, "\x1b[7m") {
		t.Errorf("the focused row %q is not highlighted", focused)
	}
}
