package booth

import (
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// An election the officers closed early shows when it closed, on the home
// screen and in the election's timeline, not its scheduled close.
func TestEarlyCloseShowsTheActualClose(t *testing.T) {
	board := boardElection()
	board.State, board.ClosedAt = models.Closed, time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	fb := &fakeBackend{elections: []models.MemberElection{board}}
	h := start(t, fb, testSession(), 80, 24)
	home := h.waitFor("CLOSED")
	if !strings.Contains(home, "closed "+utc(board.ClosedAt)) || strings.Contains(home, utc(board.ClosesAt)) {
		t.Errorf("the home screen of an election closed early:\n%s", home)
	}
	h.keys("enter")
	screen := h.waitFor("CANDIDATES")
	if !strings.Contains(screen, "closed "+utc(board.ClosedAt)) || strings.Contains(screen, "closes") || strings.Contains(screen, utc(board.ClosesAt)) {
		t.Errorf("the election screen of an election closed early:\n%s", screen)
	}
	h.final()
}
