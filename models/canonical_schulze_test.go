package models_test

import (
	"testing"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// TestSchulzeBallotDropsACoveringLastRank (issue 10 item 2): on a Schulze
// ballot unranked candidates count equal last, so a last rank holding
// every candidate not ranked above it means nothing, and one rank holding
// everyone is a blank ballot. Each group below is one meaning and must
// seal to one text, the shortest.
func TestSchulzeBallotDropsACoveringLastRank(t *testing.T) {
	d := definition("e1") // Schulze: ada, ken, grace
	nota := definition("e2")
	nota.Candidates = append(nota.Candidates, models.Candidate{ID: "nota", Name: "None of the above"})
	nota.DefaultOption = "nota"
	for _, tc := range []struct {
		d     models.Definition
		texts []string
		want  string
	}{
		{d, []string{"ada\n", "ada\nken = grace\n", "ada\ngrace = ken\n"}, "ada\n"},
		{d, []string{"ada\nken\n", "ada\nken\ngrace\n"}, "ada\nken\n"},
		{d, []string{"blank\n", "ada = ken = grace\n", "grace = ada = ken\n"}, "blank\n"},
		{d, []string{"ada = ken\n", "ada = ken\ngrace\n"}, "ada = ken\n"},
		// The default option is a candidate like the others: a ballot
		// must rank it, above or below, for its rank to mean something.
		{nota, []string{"ada\nnota\n", "ada\nnota\nken = grace\n"}, "ada\nnota\n"},
		{nota, []string{"ada\nken\ngrace\n"}, "ada\nken\ngrace\n"},
		{nota, []string{"blank\n", "ada = grace = ken = nota\n"}, "blank\n"},
		{nota, []string{"nota\n", "nota\nada = ken = grace\n"}, "nota\n"},
	} {
		for _, in := range tc.texts {
			b, err := models.ParseBallot(tc.d, nil, in)
			must(t, err)
			if got := b.Text(); got != tc.want {
				t.Errorf("%s, Schulze ballot %q seals as %q, want %q", tc.d.ID, in, got, tc.want)
			}
		}
	}
}

// TestRankedChoiceBallotKeepsItsLastRank (issue 10 item 2): IRV and
// Scottish STV ballots keep a last rank that names the last candidate
// left, since a ballot that ranks them still counts for them once everyone
// above is out, and one that stops short is exhausted: the totals differ.
// Meek never reaches that rank (tally's
// TestMeekNeverReachesACompleteBallotsLast), so there it is dropped, as on
// Schulze; a ballot of one candidate stays.
func TestRankedChoiceBallotKeepsItsLastRank(t *testing.T) {
	for _, tc := range []struct {
		method   tally.Method
		in, want string
	}{
		{tally.IRV, "ada\nken\ngrace\n", "ada\nken\ngrace\n"},
		{tally.Scottish, "ada\nken\ngrace\n", "ada\nken\ngrace\n"},
		{tally.Meek, "ada\nken\ngrace\n", "ada\nken\n"},
		{tally.Meek, "ada\nken\n", "ada\nken\n"},
	} {
		d := definition("e1")
		d.Method, d.Seats = tc.method, 1
		b, err := models.ParseBallot(d, nil, tc.in)
		must(t, err)
		if got := b.Text(); got != tc.want {
			t.Errorf("%s ballot %q seals as %q, want %q", tc.method, tc.in, got, tc.want)
		}
	}
}

// TestStandingLeavesOneTextAfterAWithdrawal (issue 10 item 2, second
// review): once a candidate has withdrawn, the ballots that mean the same
// among those still standing publish as one text, whether they were sealed
// before the withdrawal (naming the candidate) or after.
func TestStandingLeavesOneTextAfterAWithdrawal(t *testing.T) {
	d := definition("e1") // ada, ken, grace
	withdrawn := []string{"grace"}
	for _, tc := range []struct {
		method tally.Method
		texts  []string
		want   string
	}{
		{tally.Schulze, []string{"ada\nken\n", "ada\n", "ada\nken = grace\n", "ada\ngrace\nken\n", "grace\nada\n"}, "ada\n"},
		{tally.Schulze, []string{"ada = ken\n", "blank\n", "grace\n", "ada = ken = grace\n"}, "blank\n"},
		{tally.IRV, []string{"ada\nken\n", "ada\ngrace\nken\n", "grace\nada\nken\n"}, "ada\nken\n"},
		{tally.Approval, []string{"ken\nada\n", "grace\nada\nken\n"}, "ada\nken\n"},
	} {
		d.Method = tc.method
		for _, text := range tc.texts {
			b, err := models.ParseBallot(d, nil, text)
			must(t, err)
			standing, err := b.Standing(d, withdrawn)
			must(t, err)
			if got := standing.Text(); got != tc.want {
				t.Errorf("%s: %q stands as %q, want %q", tc.method, text, got, tc.want)
			}
		}
	}
}
