package bundle

import (
	"reflect"
	"testing"

	"vote.example.org/booth/tally"
)

// A v3 bundle's result must carry every field of tally.Result, or a
// recount could agree with a published result that left something out.
// The rounds' and ties' records are conversions of tally's types, so the
// compiler checks those; this checks the result's own fields.
func TestResultRecordHoldsEveryField(t *testing.T) {
	d := tally.Decimal{Units: 12345, Places: 2}
	r := &tally.Result{
		Title: "t", Method: tally.Meek, Seats: 2, Candidates: []tally.Candidate{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}},
		Ballots: 7, Elected: []int{1}, Order: [][]int{{1}, {0}},
		Rounds: []tally.Round{{Number: 1, Action: "x", Totals: []tally.Decimal{d, d}, Status: []tally.Status{tally.Elected, tally.Excluded},
			Elected: []int{1}, Excluded: []int{0}, Exhausted: d, Loss: d, Quota: d, Surplus: d, Iterations: 3, Notes: []string{"n"}}},
		Ties:     []tally.Tie{{Round: 1, Purpose: "exclude", Candidates: []int{0, 1}, Chosen: 0, Rule: "lot"}},
		Pairwise: [][]int64{{0, 1}, {2, 0}}, Strength: [][]int64{{0, 1}, {2, 0}},
		Dropped: []int{0}, Passed: true, Notes: []string{"note"},
	}
	v := reflect.ValueOf(*r)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Fatalf("the test result leaves %s zero: set it, and give resultRecord the field", v.Type().Field(i).Name)
		}
	}
	if got := newResultRecord(r).result(); !reflect.DeepEqual(got, r) {
		t.Errorf("a result read back from its record is\n%+v\nwant\n%+v", got, r)
	}
	if n, m := reflect.TypeFor[tally.Result]().NumField(), reflect.TypeFor[resultRecord]().NumField(); n != m {
		t.Errorf("tally.Result has %d fields, resultRecord %d", n, m)
	}
}
