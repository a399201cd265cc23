package models

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"vote.example.org/booth/tally"
)

// ballotDef is an election of four candidates counted by m.
func ballotDef(m tally.Method) Definition {
	d := Definition{ID: "e", Method: m, Seats: 1, Candidates: []Candidate{
		{ID: "ada", Name: "Ada Lovelace"}, {ID: "bob", Name: "Bob"}, {ID: "cy", Name: "Cy"}, {ID: "dee", Name: "Dee"},
	}}
	if m == tally.YesNo {
		d.Candidates = slices.Clone(yesNoAnswers)
	}
	return d
}

func TestParseBallot(t *testing.T) {
	yesNoOnly := ballotDef(tally.YesNo)
	yesNoOnly.Candidates = yesNoOnly.Candidates[:2]
	tests := []struct {
		name string
		d    Definition
		text string
		want [][]string
	}{
		{"ranked", ballotDef(tally.Meek), "# my ballot\r\nbob\n\n  Ada  # first love\ncy\n", [][]string{{"bob"}, {"ada"}, {"cy"}}},
		{"blank", ballotDef(tally.IRV), "# nobody\n Blank \n", nil},
		{"blank approval", ballotDef(tally.Approval), "blank", nil},
		{"equal ranks", ballotDef(tally.Schulze), "ada = bob\ncy\n", [][]string{{"ada", "bob"}, {"cy"}}},
		{"approval", ballotDef(tally.Approval), "cy\nada\n", [][]string{{"ada"}, {"cy"}}},
		{"equal ranks in the definition's order", ballotDef(tally.Schulze), "dee\ncy = ada\n", [][]string{{"dee"}, {"ada", "cy"}}},
		{"yes", ballotDef(tally.YesNo), "\ufeffYES\n", [][]string{{"yes"}}},
		{"abstain", ballotDef(tally.YesNo), "abstain", [][]string{{"abstain"}}},
		{"abstain without the answer", yesNoOnly, "abstain\n", nil},
		{"blank question", ballotDef(tally.YesNo), "blank\n", [][]string{{"abstain"}}},
		{"blank question without the answer", yesNoOnly, "blank\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseBallot(tt.d, nil, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(b.Ranks, tt.want) {
				t.Errorf("got %q, want %q", b.Ranks, tt.want)
			}
			again, err := ParseBallot(tt.d, nil, b.Text())
			if err != nil || !reflect.DeepEqual(again, b) {
				t.Errorf("text %q reads back as %q, %v", b.Text(), again.Ranks, err)
			}
		})
	}
}

func TestParseBallotRefusals(t *testing.T) {
	limited := ballotDef(tally.Approval)
	limited.MaxChoices = 2
	yesNoOnly := ballotDef(tally.YesNo)
	yesNoOnly.Candidates = yesNoOnly.Candidates[:2]
	tests := []struct {
		name      string
		d         Definition
		withdrawn []string
		text      string
		want      []defWant
	}{
		{"unknown candidate", ballotDef(tally.Meek), nil, "ada\neve\n", []defWant{{2, `"eve" is not a candidate: use one of ada, bob, cy, dee`}}},
		{"twice", ballotDef(tally.IRV), nil, "ada\nbob\n\nada\n", []defWant{{4, "ada is already on line 1"}}},
		{"twice in one rank", ballotDef(tally.Schulze), nil, "ada = ada\n", []defWant{{1, "already on line 1"}}},
		{"equal ranks in irv", ballotDef(tally.IRV), nil, "ada\nbob = cy\n", []defWant{{2, "instant runoff does not allow equal ranks"}}},
		{"equal ranks in meek", ballotDef(tally.Meek), nil, "ada = bob\n", []defWant{{1, "Meek STV does not allow equal ranks"}}},
		{"equal ranks in scottish", ballotDef(tally.Scottish), nil, "ada = bob\n", []defWant{{1, "Scottish STV does not allow equal ranks"}}},
		{"equal ranks in approval", ballotDef(tally.Approval), nil, "ada = bob\n", []defWant{{1, "one candidate per line"}}},
		{"empty side of =", ballotDef(tally.Schulze), nil, "ada =\n", []defWant{{1, "an empty name beside"}}},
		{"over max choices", limited, nil, "ada\nbob\ncy\ndee\n", []defWant{{3, "approval number 3; this election allows at most 2"}, {4, "approval number 3"}}},
		{"withdrawn", ballotDef(tally.Meek), []string{"bob"}, "ada\nbob\n", []defWant{{2, "bob (Bob) has withdrawn"}}},
		{"withdrawn in approval", ballotDef(tally.Approval), []string{"cy"}, "cy\n", []defWant{{1, "has withdrawn"}}},
		{"two answers", ballotDef(tally.YesNo), nil, "yes\nno\n", []defWant{{2, "takes one answer; line 1 already answers it"}}},
		{"not an answer", ballotDef(tally.YesNo), nil, "maybe\n", []defWant{{1, `"maybe" is not an answer`}}},
		{"answer and equal", ballotDef(tally.YesNo), nil, "yes = no\n", []defWant{{1, "answer yes, no or abstain, once"}}},
		{"every problem", ballotDef(tally.Meek), nil, "eve\nada = bob\nada\nada\n", []defWant{{1, "not a candidate"}, {2, "equal ranks"}, {4, "already on line 3"}}},
		{"too many lines", ballotDef(tally.Schulze), nil, strings.Repeat("# x\n", MaxBallotLines) + "ada", []defWant{{0, "1001 lines; at most 1000"}}},
		{"too large", ballotDef(tally.Schulze), nil, strings.Repeat("#", MaxBallotBytes+1), []defWant{{0, "bytes; at most"}}},
		{"not UTF-8", ballotDef(tally.Schulze), nil, "ada\n\xff\n", []defWant{{0, "not UTF-8"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBallot(tt.d, tt.withdrawn, tt.text)
			checkDefProblems(t, err, "ballot", tt.want)
		})
	}
	// Exactly the limit is fine.
	if _, err := ParseBallot(ballotDef(tally.Schulze), nil, strings.Repeat("# x\n", MaxBallotLines-1)+"ada\n"); err != nil {
		t.Errorf("%d lines: %v", MaxBallotLines, err)
	}
}

func TestBallotText(t *testing.T) {
	b := Ballot{Ranks: [][]string{{"bob"}, {"ada", "cy"}}}
	if got := b.Text(); got != "bob\nada = cy\n" {
		t.Errorf("text %q", got)
	}
	if got := (Ballot{}).Text(); got != "blank\n" {
		t.Errorf("an empty ballot's text is %q, want the word blank", got)
	}
}

func TestBallotDescribe(t *testing.T) {
	meek := ballotDef(tally.Meek)
	got := Ballot{Ranks: [][]string{{"cy"}, {"ada"}}}.Describe(meek)
	want := "1. Cy\n2. Ada Lovelace\nNot ranked:\n  - Bob\n  - Dee\nYour vote counts for your highest-ranked candidate still in the count and moves down your list when they are elected with votes to spare or excluded; once all the candidates you ranked are elected or excluded, your ballot stops counting.\n"
	if got != want {
		t.Errorf("meek:\n%s\nwant\n%s", got, want)
	}
	for _, tt := range []struct {
		d    Definition
		b    Ballot
		want string
	}{
		{ballotDef(tally.Schulze), Ballot{[][]string{{"ada", "bob"}}}, "1= Ada Lovelace\n1= Bob\n(= marks options that share a rank.)\nNot ranked, so equal below everyone you ranked:\n  - Cy\n  - Dee\n"},
		{ballotDef(tally.IRV), Ballot{}, "You ranked nobody: a blank ballot, counted in the turnout but for no candidate.\n"},
		{ballotDef(tally.IRV), Ballot{[][]string{{"ada"}, {"bob"}, {"cy"}, {"dee"}}}, "1. Ada Lovelace\n2. Bob\n3. Cy\n4. Dee\nYour vote counts for your highest-ranked candidate still in the race; if all the candidates you ranked are excluded, your ballot stops counting.\n"},
		{ballotDef(tally.Approval), Ballot{[][]string{{"dee"}, {"bob"}}}, "You approve:\n  - Dee\n  - Bob\nYou do not approve:\n  - Ada Lovelace\n  - Cy\n"},
		{ballotDef(tally.Approval), Ballot{}, "You approve nobody: a blank ballot, counted in the turnout but for no candidate.\n"},
		{ballotDef(tally.YesNo), Ballot{[][]string{{"no"}}}, "Your answer: No.\n"},
		{ballotDef(tally.YesNo), Ballot{[][]string{{"abstain"}}}, "You abstain: your ballot counts towards the turnout, not for yes or for no.\n"},
		{ballotDef(tally.YesNo), Ballot{}, "You abstain: your ballot counts towards the turnout, not for yes or for no.\n"},
	} {
		if got := tt.b.Describe(tt.d); got != tt.want {
			t.Errorf("%s %q:\n%s\nwant\n%s", tt.d.Method, tt.b.Ranks, got, tt.want)
		}
	}
}

// TestBallotDescribeNamesWithCommas: names may hold commas, so Describe
// lists one name to a line; "Every six months, Once a year, with point
// releases" would read as three options where there are two.
func TestBallotDescribeNamesWithCommas(t *testing.T) {
	d := ballotDef(tally.Schulze)
	d.Candidates[0].Name = "Every six months"
	d.Candidates[1].Name = "Once a year, with point releases"
	d.Candidates[2].Name = "Never, or when ready"
	got := Ballot{[][]string{{"ada", "bob"}}}.Describe(d)
	want := "1= Every six months\n1= Once a year, with point releases\n(= marks options that share a rank.)\nNot ranked, so equal below everyone you ranked:\n  - Never, or when ready\n  - Dee\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestMethodSentence(t *testing.T) {
	with := func(m tally.Method, f func(*Definition)) Definition {
		d := ballotDef(m)
		f(&d)
		return d
	}
	for _, tt := range []struct {
		d    Definition
		want string
	}{
		{with(tally.Meek, func(d *Definition) { d.Seats = 3 }), "Rank as many candidates as you like; 3 seats are filled by Meek STV."},
		{with(tally.Scottish, func(d *Definition) { d.Seats = 2 }), "Rank as many candidates as you like; 2 seats are filled by Scottish STV."},
		{ballotDef(tally.IRV), "Rank as many candidates as you like; 1 seat is filled by instant runoff."},
		{ballotDef(tally.Schulze), "Rank as many options as you like, several at the same rank if you wish; the Schulze method picks the winner."},
		{with(tally.Schulze, func(d *Definition) { d.DefaultOption = "dee"; d.Seats = 2 }),
			`Rank as many options as you like, several at the same rank if you wish; the Schulze method orders the options and the first 2 win from the options that beat "Dee".`},
		{ballotDef(tally.Approval), "Approve as many candidates as you like; the candidate with the most approvals wins."},
		{with(tally.Approval, func(d *Definition) { d.MaxChoices = 2; d.Seats = 2 }), "Approve up to 2 candidates; the 2 with the most approvals win."},
		{ballotDef(tally.YesNo), "Answer yes, no or abstain; the question passes if more answer yes than no."},
		{with(tally.YesNo, func(d *Definition) { d.PassRatio = tally.Ratio{Num: 2, Den: 3} }), "Answer yes, no or abstain; the question passes if at least 2 in 3 of those answering yes or no say yes."},
	} {
		if got := tt.d.MethodSentence(); got != tt.want {
			t.Errorf("%s: %q\nwant %q", tt.d.Method, got, tt.want)
		}
	}
}

func FuzzParseBallot(f *testing.F) {
	for _, s := range []string{"ada\nbob\n", "ada = bob\n# c\ncy", "yes\n", "abstain", "", "eve\nada\nada", "dee\r\nbob\r\n"} {
		for _, m := range tally.Methods() {
			f.Add(string(m), s)
		}
	}
	f.Fuzz(func(t *testing.T, method, text string) {
		d := ballotDef(tally.Method(method))
		d.MaxChoices = 3
		b, err := ParseBallot(d, []string{"dee"}, text)
		var ve *ValidationError
		if err != nil {
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("error %v", err)
			}
			return
		}
		again, err := ParseBallot(d, []string{"dee"}, b.Text())
		if err != nil || !reflect.DeepEqual(again, b) {
			t.Fatalf("%q → %q → %q, %v", text, b.Text(), again.Ranks, err)
		}
		if sealPrefix+len(b.Text()) > SealSize(d) {
			t.Fatalf("text of %d bytes does not fit the seal", len(b.Text()))
		}
		_ = b.Describe(d)
	})
}
