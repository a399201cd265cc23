package booth

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"vote.example.org/booth/models"
)

// notVotedInThree leaves the member three open elections to vote in: the
// question (voted in the usual fake), the board, and a budget vote.
func notVotedInThree(fb *fakeBackend) {
	fb.elections[0].Voted = false
	budget := questionElection()
	budget.ID, budget.Title, budget.Voted = "budget-2027", "Budget 2027", false
	fb.elections = append(fb.elections[:2], append([]models.MemberElection{budget}, fb.elections[2:]...)...)
}

// With several open elections not voted in, home says so in one line,
// in the member's language, rather than one notice per election: the
// list below names them. With one, the notice names it (TestGoldenHome).
func TestHomeCountsElectionsNotVotedIn(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{
		{"", "! You have not voted yet in 3 open elections."},
		{"ja_JP.UTF-8", "! 受付中の 3 件の選挙にまだ投票していません。"},
		{"es_ES.UTF-8", "! Aún no has votado en 3 elecciones abiertas."},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			fb := newFake(t)
			notVotedInThree(fb)
			h := start(t, fb, langSession(tc.lang), 80, 24)
			h.tm.Send(tea.WindowSizeMsg{Width: 60, Height: 16})
			got := h.final()
			checkFits(t, got, 60, 16)
			if n := strings.Count(got, "! "); n != 1 || !strings.Contains(got, tc.want) {
				t.Errorf("home at 60×16 has %d notice lines, want one saying %q:\n%s", n, tc.want, got)
			}
		})
	}
}
