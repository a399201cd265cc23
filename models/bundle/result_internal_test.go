package bundle

import (
	"reflect"
	"testing"

	"vote.example.org/booth/tally"
)

// sayingOnly are tally's fields a bundle leaves out on purpose: the phrases
// that let a reader see the record in another language. The record's
// English strings say the same, and a bundle's format must not change.
var sayingOnly = map[string]bool{"NotePhrases": true, "ActionPhrase": true, "RulePhrase": true}

// A v3 bundle's result must carry every field of tally.Result, its rounds
// and its ties (but the phrases, sayingOnly), or a recount could agree with
// a published result that left something out.
func TestResultRecordHoldsEveryField(t *testing.T) {
	d := tally.Decimal{Units: 12345, Places: 2}
	r := &tally.Result{
		Title: "t", Method: tally.Meek, Seats: 2, Candidates: []tally.Candidate{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}},
		Ballots: 7, Elected: []int{1}, Order: [][]int{{1}, {0}},
		Rounds: []tally.Round{{Number: 1, Action: "x", Totals: []tally.Decimal{d, d}, Status: []tally.Status{tally.Elected, tally.Excluded},
			Elected: []int{1}, Excluded: []int{0}, Exhausted: d, Loss: d, Quota: d, Surplus: d, Iterations: 3, Notes: []string{"n"}}},
		Ties:     []tally.Tie{{Round: 1, Purpose: "exclude", Candidates: []int{0, 1}, Chosen: 1, Rule: "lot"}},
		Pairwise: [][]int64{{0, 1}, {2, 0}}, Strength: [][]int64{{0, 1}, {2, 0}},
		Dropped: []int{0}, Passed: true, Notes: []string{"note"},
	}
	for _, v := range []reflect.Value{reflect.ValueOf(*r), reflect.ValueOf(r.Rounds[0]), reflect.ValueOf(r.Ties[0])} {
		for i := range v.NumField() {
			if name := v.Type().Field(i).Name; v.Field(i).IsZero() && !sayingOnly[name] {
				t.Fatalf("the test %s leaves %s zero: set it, and give its record the field", v.Type().Name(), name)
			}
		}
	}
	if got := newResultRecord(r).result(); !reflect.DeepEqual(got, r) {
		t.Errorf("a result read back from its record is\n%+v\nwant\n%+v", got, r)
	}
	for _, pair := range [][2]reflect.Type{
		{reflect.TypeFor[tally.Result](), reflect.TypeFor[resultRecord]()},
		{reflect.TypeFor[tally.Round](), reflect.TypeFor[roundRecord]()},
		{reflect.TypeFor[tally.Tie](), reflect.TypeFor[tieRecord]()},
	} {
		n := 0
		for f := range pair[0].Fields() {
			if !sayingOnly[f.Name] {
				n++
			}
		}
		if m := pair[1].NumField(); n != m {
			t.Errorf("%s has %d fields a bundle keeps, %s %d", pair[0], n, pair[1], m)
		}
	}
}
