package bundle

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
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

// A v1/v2 bundle's result is tally.Result as encoding/json
// wrote it before phrases existed. Recount re-encodes its recount the same
// way (encodeResult) and compares bytes, so the recount must not carry the
// phrase fields an old booth never wrote. The checked-in v2.bundle is a
// Schulze count (no rounds, no notes) and so cannot show this; an IRV or
// STV v2 bundle can.
func TestLegacyRecountCarriesNoPhrases(t *testing.T) {
	e := &tally.Election{Title: "t", Seats: 1,
		Candidates: []tally.Candidate{{ID: "a", Name: "Alma"}, {ID: "b", Name: "Bert"}, {ID: "c", Name: "Cora"}},
		Ballots: []tally.Ballot{
			{Count: 4, Ranks: [][]int{{0}}}, {Count: 3, Ranks: [][]int{{1}, {0}}}, {Count: 2, Ranks: [][]int{{2}, {1}}},
		}}
	res, err := tally.Count(e, tally.Options{Method: tally.IRV})
	if err != nil {
		t.Fatal(err)
	}
	// What booth before the phrases published: the same result, without
	// the fields it did not have.
	old := *res
	old.NotePhrases = nil
	old.Rounds = append([]tally.Round(nil), res.Rounds...)
	for i := range old.Rounds {
		old.Rounds[i].ActionPhrase, old.Rounds[i].NotePhrases = nil, nil
	}
	old.Ties = append([]tally.Tie(nil), res.Ties...)
	for i := range old.Ties {
		old.Ties[i].RulePhrase = nil
	}
	published, err := json.Marshal(&old)
	if err != nil {
		t.Fatal(err)
	}
	published = asciiJSON(published)
	for _, format := range []string{FormatV2, FormatV1} {
		got, err := encodeResult(format, res)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, published) {
			t.Errorf("%s: the recount of an old IRV bundle is\n%s\nbut the bundle publishes\n%s\n(recount-mismatch: an old bundle no longer verifies)", format, got, published)
		}
	}
}

// A v1/v2 result is tally.Result as booth wrote it before phrases: a
// "phrase" key in one was never booth's text, and the offline booth would
// say it over the record's English (booth/results.go uses the phrases).
func TestLegacyResultWithPhrasesIsRefused(t *testing.T) {
	raw := []byte(`{"Title":"t","Method":"irv","Seats":1,"Candidates":[{"ID":"a","Name":"Alma"},{"ID":"b","Name":"Bert"}],"Ballots":3,"Elected":[1],"Order":null,` +
		`"Rounds":[{"Number":1,"Action":"First preferences","ActionPhrase":{"format":"%s elected","args":[{"names":[0]}]},"Totals":["1","2"],"Status":["hopeful","elected"],"Elected":[1],"Excluded":null,"Exhausted":"0","Loss":"0","Quota":"0","Surplus":"0","Iterations":0,"Notes":null}],` +
		`"Ties":null,"Pairwise":null,"Strength":null,"Dropped":null,"Passed":false,"Notes":null}`)
	r, _, err := readLegacyResult(raw)
	if err == nil || !strings.Contains(err.Error(), "phrases") {
		if err != nil {
			t.Fatalf("a v2 result with a phrase booth never wrote is refused, but the reason does not name the phrases: %v", err)
		}
		t.Errorf("a v2 result with a phrase booth never wrote is read: round 1 says %q over its record %q",
			r.RoundAction(tally.English{}, r.Rounds[0]), r.Rounds[0].Action)
	}
}
