package tally

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// yesNoElection builds a question with the given numbers of Yes, No and
// Abstain first preferences and of empty ballots.
func yesNoElection(yes, no, abstain, empty int64) *Election {
	e := &Election{Candidates: []Candidate{{Name: "Yes"}, {Name: "No"}, {Name: "Abstain"}}}
	for c, n := range []int64{yes, no, abstain} {
		if n > 0 {
			e.Ballots = append(e.Ballots, Ballot{Count: n, Ranks: [][]int{{c}}})
		}
	}
	if empty > 0 {
		e.Ballots = append(e.Ballots, Ballot{Count: empty})
	}
	return e
}

func TestYesNo(t *testing.T) {
	tests := []struct {
		name                    string
		yes, no, abstain, empty int64
		quorum                  int64
		ratio                   Ratio
		passed                  bool
		note                    string
	}{
		{name: "simple majority", yes: 212, no: 97, abstain: 14, passed: true,
			note: "Yes 212, No 97, Abstain 14: 68.6% of 309 answering said Yes; passing needs more than half."},
		{name: "a tie fails", yes: 5, no: 5, passed: false, note: "50.0% of 10"},
		{name: "one more yes passes", yes: 6, no: 5, passed: true},
		{name: "two thirds exactly passes", yes: 200, no: 100, ratio: Ratio{2, 3}, passed: true, note: "at least 2/3 (66.7%)"},
		{name: "just under two thirds fails", yes: 199, no: 101, ratio: Ratio{2, 3}, passed: false, note: "66.3%"},
		{name: "two thirds of a small vote", yes: 2, no: 1, ratio: Ratio{2, 3}, passed: true},
		{name: "abstentions do not count against", yes: 2, no: 1, abstain: 100, ratio: Ratio{2, 3}, passed: true},
		{name: "quorum met by abstentions and empty ballots", yes: 3, no: 1, abstain: 3, empty: 3, quorum: 10, passed: true,
			note: "Turnout of 10 ballots meets the quorum of 10."},
		{name: "quorum failing", yes: 8, no: 1, quorum: 10, passed: false,
			note: "Turnout of 9 ballots does not meet the quorum of 10."},
		{name: "nobody answered", abstain: 4, passed: false, note: "nobody answered Yes or No"},
		{name: "unanimity required", yes: 9, no: 1, ratio: Ratio{1, 1}, passed: false},
		{name: "zero ratio still needs more yes", yes: 1, no: 1, ratio: Ratio{0, 1}, passed: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := yesNoElection(tt.yes, tt.no, tt.abstain, tt.empty)
			res, err := Count(e, Options{Method: YesNo, Quorum: tt.quorum, PassRatio: tt.ratio})
			if err != nil {
				t.Fatal(err)
			}
			if res.Passed != tt.passed {
				t.Errorf("passed = %v, want %v (notes %q)", res.Passed, tt.passed, res.Notes)
			}
			want := []int{1}
			if tt.passed {
				want = []int{0}
			}
			if !slices.Equal(res.Elected, want) {
				t.Errorf("elected %v, want %v", res.Elected, want)
			}
			if total := tt.yes + tt.no + tt.abstain + tt.empty; res.Ballots != total {
				t.Errorf("ballots %d, want %d", res.Ballots, total)
			}
			totals := res.Rounds[0].Totals
			if !slices.Equal(totals, []Decimal{Whole(tt.yes), Whole(tt.no), Whole(tt.abstain + tt.empty)}) {
				t.Errorf("totals %v", totals)
			}
			if notes := strings.Join(res.Notes, "\n"); !strings.Contains(notes, tt.note) {
				t.Errorf("notes %q do not contain %q", notes, tt.note)
			}
		})
	}
}

func TestYesNoWithoutAbstainOption(t *testing.T) {
	e := &Election{
		Candidates: []Candidate{{Name: "For"}, {Name: "Against"}},
		Ballots:    []Ballot{{Count: 3, Ranks: [][]int{{0}, {1}}}, {Count: 2, Ranks: [][]int{{1}}}, {Count: 4}},
	}
	res, err := Count(e, Options{Method: YesNo})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Passed || res.Ballots != 9 {
		t.Errorf("passed %v with %d ballots, want passed with 9", res.Passed, res.Ballots)
	}
	if want := "For 3, Against 2, Abstain 4: 60.0% of 5 answering said For"; !strings.HasPrefix(res.Notes[0], want) {
		t.Errorf("note %q, want it to start %q", res.Notes[0], want)
	}
}

func TestYesNoErrors(t *testing.T) {
	equal := yesNoElection(1, 1, 0, 0)
	equal.Ballots = append(equal.Ballots, Ballot{Count: 1, Ranks: [][]int{{0, 1}}, Line: 7})
	four := yesNoElection(1, 0, 0, 0)
	four.Candidates = append(four.Candidates, Candidate{Name: "Maybe"})
	withdrawn := yesNoElection(1, 0, 0, 0)
	withdrawn.Withdrawn = []int{2}
	tests := []struct {
		name string
		e    *Election
		opts Options
		line int
		msg  string
	}{
		{"equal first rank", equal, Options{}, 7, "one answer"},
		{"four candidates", four, Options{}, 0, "2 or 3 candidates, in the order Yes, No, Abstain"},
		{"one candidate", &Election{Candidates: []Candidate{{Name: "Yes"}}}, Options{}, 0, "2 or 3 candidates"},
		{"withdrawn answer", withdrawn, Options{}, 0, "withdrawn"},
		{"ratio above one", yesNoElection(1, 0, 0, 0), Options{PassRatio: Ratio{3, 2}}, 0, "between 0:1 and 1:1"},
		{"ratio without denominator", yesNoElection(1, 0, 0, 0), Options{PassRatio: Ratio{1, 0}}, 0, "pass ratio"},
		{"negative quorum", yesNoElection(1, 0, 0, 0), Options{Quorum: -1}, 0, "quorum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Method = YesNo
			_, err := Count(tt.e, tt.opts)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want an InputError", err)
			}
			if ie.Line != tt.line || !strings.Contains(ie.Msg, tt.msg) {
				t.Errorf("got line %d %q, want line %d containing %q", ie.Line, ie.Msg, tt.line, tt.msg)
			}
		})
	}
}

func TestPercent(t *testing.T) {
	for _, tt := range []struct {
		part, whole int64
		want        string
	}{
		{2, 3, "66.7%"}, {1, 3, "33.3%"}, {1, 8, "12.5%"}, {1, 1, "100.0%"}, {0, 5, "0.0%"},
		{1, 2000, "0.1%"}, {1, 2001, "0.0%"}, {212, 309, "68.6%"}, {999_999_999, 1_000_000_000, "100.0%"},
	} {
		if got := percent(tt.part, tt.whole); got != tt.want {
			t.Errorf("percent(%d, %d) = %s, want %s", tt.part, tt.whole, got, tt.want)
		}
	}
}

func TestYesNoLargeRatioDoesNotOverflow(t *testing.T) {
	e := yesNoElection(600_000_000, 300_000_000, 0, 0)
	res, err := Count(e, Options{Method: YesNo, PassRatio: Ratio{2_000_000_000_000, 3_000_000_000_000}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Passed {
		t.Errorf("exactly two thirds with huge ratio terms should pass: %q", res.Notes)
	}
}
