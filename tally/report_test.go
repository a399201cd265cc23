package tally

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func sheet(t *testing.T, r *Result) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteSheet(&b); err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(b.String(), "\n") {
		if n := utf8.RuneCountInString(line); n > sheetWidth {
			t.Errorf("line %d is %d columns wide: %q", i+1, n, line)
		}
	}
	return b.String()
}

func wantContains(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("missing %q in:\n%s", w, text)
		}
	}
}

// decodeJSON checks that r.JSON() parses back and has the keys scripts
// rely on.
func decodeJSON(t *testing.T, r *Result) map[string]any {
	t.Helper()
	data, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("JSON does not parse: %v\n%s", err, data)
	}
	for _, k := range []string{"method", "seats", "ballots", "elected", "rounds", "ties", "notes"} {
		if _, ok := v[k]; !ok {
			t.Errorf("JSON lacks %q:\n%s", k, data)
		}
	}
	return v
}

// stvResult is a hand-built Meek-like count: the fixed-point figures must
// come out exactly as the rule computed them.
func stvResult(rounds int) *Result {
	d := func(units int64) Decimal { return Decimal{Units: units, Places: 9} }
	r := &Result{
		Method:     Meek,
		Seats:      1,
		Candidates: []Candidate{{Name: "Zed Shaw"}, {Name: "Ken Thompson"}, {Name: "Ada Lovelace"}},
		Ballots:    900,
		Elected:    []int{2},
		Ties:       []Tie{{Round: 2, Purpose: "exclude", Candidates: []int{0, 1}, Chosen: 0, Rule: "lot"}},
		Notes:      []string{"Ada Lovelace elected"},
	}
	for i := 1; i <= rounds; i++ {
		round := Round{
			Number:    i,
			Action:    "First preferences",
			Totals:    []Decimal{d(300_000_000_000), d(288_120_000_000), d(311_880_000_000)},
			Status:    []Status{Hopeful, Hopeful, Hopeful},
			Quota:     d(450_000_000_001),
			Surplus:   d(0),
			Exhausted: d(0),
			Loss:      d(0),
		}
		switch {
		case i == 2:
			round.Action = "Zed Shaw excluded"
			round.Status[0] = Excluded
			round.Excluded = []int{0}
			round.Notes = []string{"tie between Zed Shaw, Ken Thompson to exclude: Zed Shaw chosen by lot"}
		case i == rounds && i > 2:
			round.Action = "Ken Thompson excluded"
			round.Totals = []Decimal{d(0), d(0), d(611_880_000_000)}
			round.Status = []Status{Excluded, Excluded, Elected}
			round.Excluded, round.Elected = []int{1}, []int{2}
			round.Exhausted = d(288_119_999_999)
			round.Loss = d(1)
			round.Notes = []string{"Ken Thompson excluded — lowest (288.120000000)"}
		case i > 2:
			round.Action = "Zed Shaw's votes transferred"
			round.Status[0] = Excluded
		}
		r.Rounds = append(r.Rounds, round)
	}
	return r
}

func TestSheetSTV(t *testing.T) {
	s := sheet(t, stvResult(3))
	wantContains(t, s,
		"Method:         Meek STV",
		"Seats:          1\n",
		"Valid ballots:  900\n",
		"Quota:          450.000000001\n",
		"Elected:        Ada Lovelace\n",
		"    3  Ken Thompson excluded\n",
		"Round                           1                2                3\n",
		"Zed Shaw          300.000000000    300.000000000 X    0.000000000 X\n",
		"Ken Thompson      288.120000000    288.120000000      0.000000000 X\n",
		"Ada Lovelace      311.880000000    311.880000000    611.880000000 E\n",
		"Non-transferable    0.000000000      0.000000000    288.119999999\n",
		"Loss to rounding    0.000000000      0.000000000      0.000000001\n",
		"Quota             450.000000001    450.000000001    450.000000001\n",
		"Round 3: Ken Thompson excluded — lowest (288.120000000)\n",
		"Ties\n  1  Round 2: tied to exclude:\n  1      Zed Shaw\n  1      Ken Thompson\n  1    Chosen by lot: Zed Shaw\n",
		"Outcome\n  Ada Lovelace elected\n",
	)
}

func TestSheetOmitsZeroRows(t *testing.T) {
	r := stvResult(2)
	s := sheet(t, r)
	if strings.Contains(s, "Non-transferable") || strings.Contains(s, "Loss to rounding") {
		t.Errorf("rows that are zero in every round should be left out:\n%s", s)
	}
}

// Many rounds do not fit 80 columns: they continue in blocks, each with
// the candidates' names and its round numbers.
func TestSheetWrapsRounds(t *testing.T) {
	s := sheet(t, stvResult(14))
	if n := strings.Count(s, "\nKen Thompson "); n < 3 {
		t.Errorf("14 rounds of 9-place figures should need at least 3 blocks, got %d:\n%s", n, s)
	}
	if !hasLineWith(s, "Round", "14") {
		t.Errorf("no heading for round 14:\n%s", s)
	}
}

func hasLineWith(s string, fields ...string) bool {
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && f[0] == fields[0] && strings.Contains(line, " "+fields[1]) {
			return true
		}
	}
	return false
}

func TestSheetLongNamesFit(t *testing.T) {
	r := stvResult(3)
	r.Candidates[1].Name = strings.Repeat("Kenneth ", 10) + "Thompson"
	s := sheet(t, r)
	wantContains(t, s, "\nKenneth Kenneth Kenneth Ken…  288.120000000")
}

func TestJSONSTV(t *testing.T) {
	r := stvResult(3)
	v := decodeJSON(t, r)
	if v["method"] != "meek" || v["seats"] != 1.0 || v["ballots"] != 900.0 {
		t.Errorf("header: %v %v %v", v["method"], v["seats"], v["ballots"])
	}
	if fmt.Sprint(v["elected"]) != "[Ada Lovelace]" {
		t.Errorf("elected %v", v["elected"])
	}
	rounds := v["rounds"].([]any)
	if len(rounds) != 3 {
		t.Fatalf("%d rounds", len(rounds))
	}
	last := rounds[2].(map[string]any)
	totals := last["totals"].(map[string]any)
	status := last["status"].(map[string]any)
	for name, want := range map[string]string{"Zed Shaw": "0.000000000", "Ken Thompson": "0.000000000", "Ada Lovelace": "611.880000000"} {
		if totals[name] != want {
			t.Errorf("totals[%s] = %v, want %s", name, totals[name], want)
		}
	}
	if status["Ada Lovelace"] != "elected" || status["Ken Thompson"] != "excluded" {
		t.Errorf("status %v", status)
	}
	for key, want := range map[string]string{"number": "3", "action": "Ken Thompson excluded", "exhausted": "288.119999999",
		"loss": "0.000000001", "quota": "450.000000001", "surplus": "0.000000000", "elected": "[Ada Lovelace]", "excluded": "[Ken Thompson]"} {
		if got := fmt.Sprint(last[key]); got != want {
			t.Errorf("round 3 %s = %s, want %s", key, got, want)
		}
	}
	tie := v["ties"].([]any)[0].(map[string]any)
	if fmt.Sprint(tie) != "map[candidates:[Zed Shaw Ken Thompson] chosen:Zed Shaw purpose:exclude round:2 rule:lot]" {
		t.Errorf("tie %v", tie)
	}
	if _, ok := v["passed"]; ok {
		t.Error("only yes/no results say passed")
	}
}

// Totals keep the ballot's order of candidates, not the alphabet's, and
// the same result always gives the same bytes.
func TestJSONDeterministicOrder(t *testing.T) {
	a, _ := stvResult(3).JSON()
	b, _ := stvResult(3).JSON()
	if !bytes.Equal(a, b) {
		t.Fatal("JSON differs between runs")
	}
	i, j := bytes.Index(a, []byte(`"Zed Shaw": "300`)), bytes.Index(a, []byte(`"Ada Lovelace": "311`))
	if i < 0 || j < 0 || i > j {
		t.Errorf("totals not in candidate order:\n%s", a)
	}
}

func TestSheetAndJSONApproval(t *testing.T) {
	res, err := Count(approvalElection("Ada Bob Cy", "A B", "B", "B C", "C", ""), Options{Method: Approval, Seats: 2, Ties: TieBreak{FileOrder: true}})
	if err != nil {
		t.Fatal(err)
	}
	s := sheet(t, res)
	wantContains(t, s,
		"Method:         Approval voting\n",
		"Seats:          2\n",
		"Valid ballots:  5\n",
		"Elected:        Bob\n                Cy\n",
		"Candidate  Approvals\nBob                3  elected\nCy                 2  elected\nAda                1\n",
		"Round 1: Bob elected with 3 approvals\n",
	)
	v := decodeJSON(t, res)
	if fmt.Sprint(v["elected"]) != "[Bob Cy]" || v["ballots"] != 5.0 {
		t.Errorf("elected %v ballots %v", v["elected"], v["ballots"])
	}
	round := v["rounds"].([]any)[0].(map[string]any)
	if fmt.Sprint(round["totals"]) != "map[Ada:1 Bob:3 Cy:2]" {
		t.Errorf("totals %v", round["totals"])
	}
}

func TestSheetApprovalTie(t *testing.T) {
	res, err := Count(approvalElection("Ada Bob Cy", "A", "B", "C"), Options{Method: Approval, Ties: TieBreak{FileOrder: true}})
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, sheet(t, res), "Ties\n  1  Round 1: tied to elect:\n  1      Ada\n  1      Bob\n  1      Cy\n  1    Chosen by file order: Ada\n")
}

// Two seats filled from one three-way tie: Bob and Cy are in both ties,
// and each line of the Ties section still says which tie it belongs to,
// so no line is printed twice (linear mode reads the sheet line by line).
func TestSheetCandidateInTwoTies(t *testing.T) {
	e := approvalElection("Ada Bob Cy", "A", "B", "C")
	res, err := Count(e, Options{Method: Approval, Seats: 2, Ties: TieBreak{FileOrder: true}})
	if err != nil {
		t.Fatal(err)
	}
	s := sheet(t, res)
	wantContains(t, s, "Ties\n"+
		"  1  Round 1: tied to elect:\n  1      Ada\n  1      Bob\n  1      Cy\n  1    Chosen by file order: Ada\n"+
		"  2  Round 1: tied to elect:\n  2      Bob\n  2      Cy\n  2    Chosen by file order: Bob\n")
	seen := map[string]bool{}
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) != "" && seen[line] {
			t.Errorf("line %q is printed twice:\n%s", line, s)
		}
		seen[line] = true
	}
}

func TestSheetAndJSONYesNo(t *testing.T) {
	res, err := Count(yesNoElection(212, 97, 14, 0), Options{Method: YesNo})
	if err != nil {
		t.Fatal(err)
	}
	s := sheet(t, res)
	wantContains(t, s,
		"Method:         Yes/no question\n",
		"Ballots:        323\n",
		"Outcome:        PASSED\n",
		"Answer   Votes\nYes        212  carries\nNo          97\nAbstain     14\n",
		"68.6% of 309 answering said Yes",
		"The question passed.",
	)
	if strings.Contains(s, "Seats:") {
		t.Errorf("a question has no seats:\n%s", s)
	}
	v := decodeJSON(t, res)
	if v["passed"] != true || fmt.Sprint(v["elected"]) != "[Yes]" {
		t.Errorf("passed %v elected %v", v["passed"], v["elected"])
	}

	failed, err := Count(yesNoElection(5, 5, 0, 0), Options{Method: YesNo})
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, sheet(t, failed), "Outcome:        NOT PASSED\n", "The question did not pass.")
	if v := decodeJSON(t, failed); v["passed"] != false {
		t.Errorf("passed %v, want false", v["passed"])
	}
}

func schulzeResult() *Result {
	return &Result{
		Method:     Schulze,
		Seats:      1,
		Candidates: []Candidate{{Name: "Towns"}, {Name: "McIntyre"}, {Name: "Schuldei"}, {Name: "van Wolffelaar"}, {Name: "None Of The Above"}},
		Ballots:    482,
		Elected:    []int{0},
		Order:      [][]int{{0}, {1}, {2, 3}, {4}},
		Pairwise: [][]int64{
			{0, 240, 300, 301, 400},
			{200, 0, 280, 290, 390},
			{150, 160, 0, 200, 350},
			{149, 150, 200, 0, 351},
			{50, 60, 70, 69, 0},
		},
		Dropped: []int{4},
		Notes:   []string{"None Of The Above is the default option"},
	}
}

func TestSheetSchulze(t *testing.T) {
	s := sheet(t, schulzeResult())
	wantContains(t, s,
		"Method:         Schulze method",
		"Elected:        Towns\n",
		"  1. Towns\n  2. McIntyre\n  3= Schuldei\n  3= van Wolffelaar\n  5. None Of The Above\n",
		"Dropped (quorum or required majority over the default option not met):\n    None Of The Above\n",
		"Pairwise: voters preferring row to column\n",
		"1 Towns                -  240  300  301  400\n",
		"5 None Of The Above   50   60   70   69    -\n",
	)
	if strings.Contains(s, "Strongest paths") {
		t.Error("no strength matrix was given")
	}
}

func TestJSONSchulze(t *testing.T) {
	v := decodeJSON(t, schulzeResult())
	if got := fmt.Sprint(v["order"]); got != "[[Towns] [McIntyre] [Schuldei van Wolffelaar] [None Of The Above]]" {
		t.Errorf("order %s", got)
	}
	if got := fmt.Sprint(v["dropped"]); got != "[None Of The Above]" {
		t.Errorf("dropped %s", got)
	}
	if got := fmt.Sprint(v["pairwise"].([]any)[0]); got != "[0 240 300 301 400]" {
		t.Errorf("pairwise row 1 %s", got)
	}
	if rounds := v["rounds"].([]any); len(rounds) != 0 {
		t.Errorf("rounds %v", rounds)
	}
}

// TestSheetListsOneNamePerLine gives the candidates names with commas: the
// sheet lists each elected, dropped, tied or ordered name on a line of its
// own, so no reader can take two names for three.
func TestSheetListsOneNamePerLine(t *testing.T) {
	r := schulzeResult()
	r.Candidates[0].Name = "Every six months"
	r.Candidates[1].Name = "Once a year, with point releases"
	r.Candidates[4].Name = "None, of the above"
	r.Elected = []int{0, 1}
	r.Seats = 2
	r.Ties = []Tie{{Round: 1, Purpose: "elect", Candidates: []int{1, 2}, Chosen: 1, Rule: "lot"}}
	s := sheet(t, r)
	wantContains(t, s,
		"Elected:        Every six months\n                Once a year, with point releases\n",
		"  1. Every six months\n  2. Once a year, with point releases\n  3= Schuldei\n  3= van Wolffelaar\n  5. None, of the above\n",
		"Dropped (quorum or required majority over the default option not met):\n    None, of the above\n",
		"Ties\n  1  Round 1: tied to elect:\n  1      Once a year, with point releases\n  1      Schuldei\n  1    Chosen by lot: Once a year, with point releases\n",
	)
}

// WriteSheet fits a long name to the terminal's columns; WriteWholeSheet,
// for a sheet piped elsewhere, keeps it whole.
func TestWholeSheetKeepsLongNames(t *testing.T) {
	long := "Maria-Fernanda Castellanos Villanueva de la Torre y Montenegro-Ibarras"
	e := &Election{Candidates: []Candidate{{ID: "a", Name: long}, {ID: "b", Name: "Ken"}}, Seats: 1,
		Ballots: []Ballot{{Count: 2, Ranks: [][]int{{0}}}, {Count: 1, Ranks: [][]int{{1}}}}}
	r, err := Count(e, Options{Method: IRV, Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if fitted := sheet(t, r); !strings.Contains(fitted, "…") {
		t.Errorf("the terminal's sheet did not fit the long name:\n%s", fitted)
	}
	var b bytes.Buffer
	if err := r.WriteWholeSheet(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "…") || !strings.Contains(b.String(), "\n"+long+"  ") {
		t.Errorf("the whole sheet cut the long name:\n%s", b.String())
	}
}
