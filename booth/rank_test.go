package booth

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

func TestRankOps(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start [][]int
		op    func(r *rankState) bool
		want  [][]int
		ok    bool
	}{
		{"add", [][]int{{0}}, func(r *rankState) bool { r.add(2); return true }, [][]int{{0}, {2}}, true},
		{"take leaves no empty rank", [][]int{{0}, {1}, {2}}, func(r *rankState) bool { return r.take(1) == 1 }, [][]int{{0}, {2}}, true},
		{"take from a shared rank", [][]int{{0, 1}, {2}}, func(r *rankState) bool { return r.take(0) == 0 }, [][]int{{1}, {2}}, true},
		{"move up", [][]int{{0}, {1}, {2}}, func(r *rankState) bool { return r.moveUp(2) }, [][]int{{0}, {2}, {1}}, true},
		{"move up at the top", [][]int{{0}, {1}}, func(r *rankState) bool { return r.moveUp(0) }, [][]int{{0}, {1}}, false},
		{"move up out of a shared rank", [][]int{{0}, {1, 2}}, func(r *rankState) bool { return r.moveUp(2) }, [][]int{{0}, {2}, {1}}, true},
		{"move down", [][]int{{0}, {1}, {2}}, func(r *rankState) bool { return r.moveDown(0) }, [][]int{{1}, {0}, {2}}, true},
		{"move down at the bottom", [][]int{{0}, {1}}, func(r *rankState) bool { return r.moveDown(1) }, [][]int{{0}, {1}}, false},
		{"move down out of a shared rank", [][]int{{0, 1}, {2}}, func(r *rankState) bool { return r.moveDown(0) }, [][]int{{1}, {0}, {2}}, true},
		{"place first", [][]int{{0}, {1}, {2}}, func(r *rankState) bool { r.place(2, 1); return true }, [][]int{{2}, {0}, {1}}, true},
		{"place past the end", [][]int{{0}, {1}}, func(r *rankState) bool { r.place(3, 9); return true }, [][]int{{0}, {1}, {3}}, true},
		{"place an unranked one", [][]int{{0}, {1}}, func(r *rankState) bool { r.place(3, 2); return true }, [][]int{{0}, {3}, {1}}, true},
		{"share above", [][]int{{0}, {1}, {2}}, func(r *rankState) bool { return r.shareAbove(2) }, [][]int{{0}, {1, 2}}, true},
		{"share at the top", [][]int{{0}, {1}}, func(r *rankState) bool { return r.shareAbove(0) }, [][]int{{0}, {1}}, false},
		{"share an unranked one joins the last", [][]int{{0}, {1}}, func(r *rankState) bool { return r.shareAbove(4) }, [][]int{{0}, {1, 4}}, true},
		{"share on an empty ballot", nil, func(r *rankState) bool { return r.shareAbove(4) }, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &rankState{ranks: tc.start}
			if ok := tc.op(r); ok != tc.ok {
				t.Errorf("ok = %v, want %v", ok, tc.ok)
			}
			if !reflect.DeepEqual(r.ranks, tc.want) {
				t.Errorf("ranks = %v, want %v", r.ranks, tc.want)
			}
		})
	}
}

func TestCandidateOrderIsStablePerMember(t *testing.T) {
	d := boardElection().Definition
	a, b := CandidateOrder(fakeSecret, "m-1", d), CandidateOrder(fakeSecret, "m-1", d)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("two orders for one member: %v, %v", a, b)
	}
	differs := false
	for i := range 20 {
		if !reflect.DeepEqual(a, CandidateOrder(fakeSecret, "m-"+string(rune('a'+i)), d)) {
			differs = true
		}
	}
	if !differs {
		t.Error("twenty members all see the same order")
	}
	d.FixedOrder = true
	if got := CandidateOrder(fakeSecret, "m-1", d); !reflect.DeepEqual(got, []int{0, 1, 2, 3, 4, 5}) {
		t.Errorf("fixed order shuffled: %v", got)
	}
}

// drive is the booth without a program: messages go straight to Update,
// and commands are not run unless the test runs them.
func drive(t *testing.T, e models.MemberElection, profile colorprofile.Profile) *model {
	t.Helper()
	fb := newFake(t)
	fb.elections = []models.MemberElection{e}
	m := New(t.Context(), fb, testSession()).(*model)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(tea.ColorProfileMsg{Profile: profile})
	m.Update(electionsMsg{list: fb.elections, secret: fakeSecret})
	m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if m.scr != scrElection {
		t.Fatalf("not on the election screen")
	}
	return m
}

func press(m *model, keys ...string) {
	for _, k := range keys {
		switch k {
		case "enter":
			m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
		case "esc":
			m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
		case "down":
			m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
		case "tab":
			m.Update(tea.KeyPressMsg{Code: tea.KeyTab})
		default:
			for _, r := range k {
				m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
		}
	}
}

func reviewed(t *testing.T, m *model) models.Ballot {
	t.Helper()
	press(m, "r")
	if m.scr != scrReview {
		t.Fatalf("not on the review screen; problem: %q", m.rank.problem)
	}
	return m.rev.ballot
}

func TestSchulzeEqualRanks(t *testing.T) {
	q := questionElection()
	q.Voted = false
	m := drive(t, q, colorprofile.Ascii)
	press(m, "v", "enter", "enter", "tab", "down", "=")
	want := [][]string{{"six-months", "yearly"}}
	if b := reviewed(t, m); !reflect.DeepEqual(b.Ranks, want) {
		t.Errorf("ballot %v, want %v", b.Ranks, want)
	}
	if s := m.content(); !strings.Contains(s, "1= Every six months\n1= Every year\n") {
		t.Errorf("review does not show the shared rank:\n%s", s)
	}
}

func TestEqualRanksRefusedOutsideSchulze(t *testing.T) {
	m := drive(t, boardElection(), colorprofile.Ascii)
	press(m, "v", "enter", "enter", "tab", "down", "=")
	if !strings.Contains(m.content(), "does not allow equal ranks") {
		t.Errorf("no explanation for = on Meek STV:\n%s", m.content())
	}
	if len(m.rank.ranks) != 2 {
		t.Errorf("ranks = %v", m.rank.ranks)
	}
}

func TestPlaceByNumberAndFilter(t *testing.T) {
	m := drive(t, boardElection(), colorprofile.Ascii)
	press(m, "v", "enter", "enter", "/", "grace", "enter")
	if rest := m.rest(); len(rest) != 1 || m.el.me.Candidates[rest[0]].Name != "Grace Ito" {
		t.Fatalf("filter left %v", rest)
	}
	press(m, "1") // Grace Ito at rank 1
	b := reviewed(t, m)
	if len(b.Ranks) != 3 || b.Ranks[0][0] != "grace-ito" {
		t.Errorf("ballot %v, want grace-ito first of three", b.Ranks)
	}
}

func TestApprovalLimit(t *testing.T) {
	e := boardElection()
	e.Method, e.MaxChoices, e.Seats = tally.Approval, 2, 2
	m := drive(t, e, colorprofile.Ascii)
	if s := m.content(); !strings.Contains(s, "Vote: approve candidates") {
		t.Errorf("the election screen does not offer to approve candidates:\n%s", s)
	}
	press(m, "v", "enter", "enter", "enter")
	if s := m.content(); !strings.Contains(s, "at most 2") || !strings.Contains(s, "2 of at most 2 approved") {
		t.Errorf("the limit is not shown:\n%s", s)
	}
	if b := reviewed(t, m); len(b.Ranks) != 2 {
		t.Errorf("ballot %v, want two approvals", b.Ranks)
	}
}

func TestYesNo(t *testing.T) {
	e := bylawElection()
	e.State = models.Open
	e.OpensAt = testNow.Add(-time.Hour)
	m := drive(t, e, colorprofile.Ascii)
	if s := m.content(); !strings.Contains(s, "Vote: answer the question") {
		t.Errorf("the election screen does not offer to answer the question:\n%s", s)
	}
	press(m, "v", "r")
	if m.scr != scrRank || !strings.Contains(m.content(), "choose yes, no or abstain") {
		t.Fatalf("reviewed a yes/no ballot without an answer:\n%s", m.content())
	}
	press(m, "2")
	if b := reviewed(t, m); !reflect.DeepEqual(b.Ranks, [][]string{{"no"}}) {
		t.Errorf("ballot %v, want no", b.Ranks)
	}
	press(m, "esc", "3")
	if b := reviewed(t, m); !reflect.DeepEqual(b.Ranks, [][]string{{"abstain"}}) {
		t.Errorf("ballot %v, want abstain", b.Ranks)
	}
}

// hostile is a candidate name that tries to write the clipboard, move the
// cursor back over the line and reverse the text.
const hostile = "\x1b]52;c;aGk=\a Eve\rX\u202eY"

var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

func TestSanitisedOnScreen(t *testing.T) {
	e := boardElection()
	e.Candidates[0].Name = hostile
	e.Candidates[0].Statement = "Vote " + hostile + "\n\x1b[2J[click](http://evil.example/)"
	e.Title = hostile
	for _, p := range []colorprofile.Profile{colorprofile.Ascii, colorprofile.TrueColor} {
		m := drive(t, e, p)
		check := func(where string) {
			t.Helper()
			s := m.View().Content
			if p == colorprofile.Ascii && where != "review" && strings.Contains(s, "\x1b") {
				t.Errorf("%s (%v): an escape in a screen without colour: %q", where, p, s)
			}
			if rest := sgr.ReplaceAllString(s, ""); strings.ContainsAny(rest, "\x1b\a\r\u202e") {
				t.Errorf("%s (%v): ESC, BEL, CR or U+202E reached the screen: %q", where, p, rest)
			}
			if !strings.Contains(ansiStrip(s), "Eve XY") {
				t.Errorf("%s (%v): the sanitised name is missing", where, p)
			}
		}
		check("election")
		for i := range e.Candidates {
			m.el.cursor = 1 + i
			if m.el.order[i] == 0 {
				break
			}
		}
		press(m, "enter")
		check("statement")
		press(m, "esc", "v")
		for range len(e.Candidates) {
			press(m, "enter")
		}
		check("ranking")
		press(m, "r")
		check("review")
	}
}

func ansiStrip(s string) string { return sgr.ReplaceAllString(s, "") }

// resultsFor counts ballots by method and shows the result screen.
func resultsFor(t *testing.T, method tally.Method, cands []tally.Candidate, ballots []tally.Ballot, opts tally.Options) string {
	t.Helper()
	opts.Method = method
	res, err := tally.Count(&tally.Election{Title: "Q", Candidates: cands, Seats: 1, Ballots: ballots}, opts)
	if err != nil {
		t.Fatal(err)
	}
	e := questionElection()
	e.Method, e.State = method, models.Counted
	e.Candidates = make([]models.Candidate, len(cands))
	for i, c := range cands {
		e.Candidates[i] = models.Candidate{ID: c.ID, Name: c.Name}
	}
	m := drive(t, e, colorprofile.Ascii)
	press(m, "enter")
	if m.scr != scrResults {
		t.Fatalf("enter on a counted election did not open the results:\n%s", m.content())
	}
	m.Update(resultMsg{id: e.ID, res: models.StoredResult{Result: res}})
	return m.content()
}

func TestResultsYesNoAndSchulze(t *testing.T) {
	yn := []tally.Candidate{{ID: "yes", Name: "Yes"}, {ID: "no", Name: "No"}, {ID: "abstain", Name: "Abstain"}}
	s := resultsFor(t, tally.YesNo, yn, []tally.Ballot{{Count: 7, Ranks: [][]int{{0}}}, {Count: 3, Ranks: [][]int{{1}}}}, tally.Options{})
	for _, want := range []string{"The question passed.", "Yes", "7", "Round 1 of 1"} {
		if !strings.Contains(s, want) {
			t.Errorf("yes/no result lacks %q:\n%s", want, s)
		}
	}
	sc := []tally.Candidate{{ID: "a", Name: "Alpha"}, {ID: "b", Name: "Beta"}, {ID: "c", Name: "Gamma"}}
	s = resultsFor(t, tally.Schulze, sc, []tally.Ballot{{Count: 5, Ranks: [][]int{{1}, {0}, {2}}}, {Count: 2, Ranks: [][]int{{0}, {2}, {1}}}}, tally.Options{})
	for _, want := range []string{"Elected: Beta", "Order", " 1. Beta", "Pairwise", " 5"} {
		if !strings.Contains(s, want) {
			t.Errorf("Schulze result lacks %q:\n%s", want, s)
		}
	}
}

// TestEscClearsAppliedFilterFirst applies a filter, then presses esc: the
// first esc clears the filter and stays; the next leaves the ballot. A
// filter left on would hide the unranked candidates on return.
func TestEscClearsAppliedFilterFirst(t *testing.T) {
	m := drive(t, boardElection(), colorprofile.Ascii)
	press(m, "v", "/", "grace", "enter")
	if len(m.rest()) != 1 {
		t.Fatalf("the filter left %v", m.rest())
	}
	press(m, "esc")
	if m.scr != scrRank || m.rank.filter != "" || len(m.rest()) != 6 {
		t.Fatalf("after esc: screen %d, filter %q, %d not ranked; want the ranking, no filter, 6", m.scr, m.rank.filter, len(m.rest()))
	}
	if strings.Contains(m.content(), "filter \"") {
		t.Errorf("the filter is still named:\n%s", m.content())
	}
	press(m, "esc")
	if m.scr != scrElection {
		t.Errorf("a second esc stayed on screen %d", m.scr)
	}
}
