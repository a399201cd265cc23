package sqlite

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// fill sets every field reachable from v to a non-zero value, so a field
// the stored shape forgets shows up as a difference.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *n))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		// The only unsigned field is tally.Status, which has four values.
		v.SetUint(uint64(*n%int(tally.Withdrawn) + 1))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), n)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n)
			}
		}
	default:
		panic("fill: unhandled kind " + v.Kind().String())
	}
}

func fullResult() *tally.Result {
	r := new(tally.Result)
	n := 0
	fill(reflect.ValueOf(r).Elem(), &n)
	return r
}

func storedResult() models.StoredResult {
	return models.StoredResult{Result: fullResult(), CountedAt: t0.Add(50 * time.Hour)}
}

func TestResultRoundTrip(t *testing.T) {
	s := setup(t, []string{"a"}, nil)
	_, err := s.Result(ctx, "e1")
	wantErr(t, "result before a count", err, models.ErrNotFound)
	wantErr(t, "saving while open", s.SaveResult(ctx, "e1", storedResult(), officer), models.ErrWrongState)
	wantErr(t, "unknown election", s.SaveResult(ctx, "nope", storedResult(), officer), models.ErrNotFound)
	_, err = s.Result(ctx, "nope")
	wantErr(t, "result of unknown election", err, models.ErrNotFound)

	must(t, s.CloseElection(ctx, "e1", t0.Add(time.Hour), officer))
	want := storedResult()
	must(t, s.SaveResult(ctx, "e1", want, officer))
	got, err := s.Result(ctx, "e1")
	must(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("result did not round-trip:\n got %+v\nwant %+v", got.Result, want.Result)
	}
	e, err := s.Election(ctx, "e1")
	must(t, err)
	if e.State != models.Counted {
		t.Errorf("state %s after storing a result, want counted", e.State)
	}

	// A recount replaces the stored result.
	again := storedResult()
	again.Result.Title = "recount"
	must(t, s.SaveResult(ctx, "e1", again, officer))
	got, err = s.Result(ctx, "e1")
	must(t, err)
	if got.Result.Title != "recount" {
		t.Errorf("recount not stored: %q", got.Result.Title)
	}
}

// A real count's result, with rounds of decimals, reads back equal.
func TestResultOfARealCount(t *testing.T) {
	el := &tally.Election{
		Candidates: []tally.Candidate{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}, {ID: "c", Name: "C"}},
		Seats:      2,
		Ballots: []tally.Ballot{
			{Count: 5, Ranks: [][]int{{0}, {1}}}, {Count: 3, Ranks: [][]int{{1}, {2}}}, {Count: 2, Ranks: [][]int{{2}, {0}}},
		},
	}
	res, err := tally.Count(el, tally.Options{Method: tally.Meek, Seats: 2})
	must(t, err)
	s := setup(t, []string{"a"}, nil)
	must(t, s.CloseElection(ctx, "e1", t0.Add(time.Hour), officer))
	must(t, s.SaveResult(ctx, "e1", models.StoredResult{Result: res, CountedAt: t0}, officer))
	got, err := s.Result(ctx, "e1")
	must(t, err)
	if !reflect.DeepEqual(got.Result, res) {
		t.Errorf("Meek result did not round-trip:\n got %+v\nwant %+v", got.Result, res)
	}
}
