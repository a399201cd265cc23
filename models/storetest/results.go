package storetest

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// fill sets every field reachable from v to a non-zero value, so a field
// the stored shape forgets shows up as a difference. A type that holds
// itself (a tally.Phrase's clauses are phrases) is filled once on each
// path, its inner copy left empty, so that filling ends.
func fill(v reflect.Value, n *int) { fillOnce(v, n, map[reflect.Type]bool{}) }

func fillOnce(v reflect.Value, n *int, filling map[reflect.Type]bool) {
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
		if filling[v.Type().Elem()] {
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fillOnce(v.Index(i), n, filling)
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillOnce(v.Elem(), n, filling)
	case reflect.Struct:
		filling[v.Type()] = true
		defer delete(filling, v.Type())
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillOnce(v.Field(i), n, filling)
			}
		}
	default:
		panic("fill: unhandled kind " + v.Kind().String())
	}
}

func storedResult() models.StoredResult {
	r := new(tally.Result)
	n := 0
	fill(reflect.ValueOf(r).Elem(), &n)
	return models.StoredResult{Result: r, CountedAt: T0.Add(50*time.Hour + 7)}
}

func testResultRoundTrip(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a"}, nil)
	_, err := s.Result(ctx, "e1")
	wantErr(t, "result before a count", err, models.ErrNotFound)
	wantErr(t, "saving while open", s.SaveResult(ctx, "e1", storedResult(), Officer), models.ErrWrongState)
	wantErr(t, "unknown election", s.SaveResult(ctx, "nope", storedResult(), Officer), models.ErrNotFound)
	_, err = s.Result(ctx, "nope")
	wantErr(t, "result of unknown election", err, models.ErrNotFound)
	if err := s.SaveResult(ctx, "e1", models.StoredResult{CountedAt: T0}, Officer); err == nil {
		t.Error("an empty result was stored")
	}

	must(t, At(s, T0.Add(time.Hour)).CloseElection(ctx, "e1", Officer))
	want := storedResult()
	must(t, s.SaveResult(ctx, "e1", want, Officer))
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
	must(t, s.SaveResult(ctx, "e1", again, Officer))
	got, err = s.Result(ctx, "e1")
	must(t, err)
	if got.Result.Title != "recount" {
		t.Errorf("recount not stored: %q", got.Result.Title)
	}
	log, err := s.AuditLog(ctx)
	must(t, err)
	if last := log[len(log)-1]; !strings.Contains(last.Detail, "recounted") {
		t.Errorf("the recount's audit entry says %q", last.Detail)
	}
}

// A real count's result, with rounds of decimals, reads back equal.
func testResultOfARealCount(t *testing.T, s models.Store) {
	el := &tally.Election{
		Candidates: []tally.Candidate{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}, {ID: "c", Name: "C"}},
		Seats:      2,
		Ballots: []tally.Ballot{
			{Count: 5, Ranks: [][]int{{0}, {1}}}, {Count: 3, Ranks: [][]int{{1}, {2}}}, {Count: 2, Ranks: [][]int{{2}, {0}}},
		},
	}
	res, err := tally.Count(el, tally.Options{Method: tally.Meek, Seats: 2})
	must(t, err)
	Setup(t, s, []string{"a"}, nil)
	must(t, At(s, T0.Add(time.Hour)).CloseElection(ctx, "e1", Officer))
	must(t, s.SaveResult(ctx, "e1", models.StoredResult{Result: res, CountedAt: T0}, Officer))
	got, err := s.Result(ctx, "e1")
	must(t, err)
	if !reflect.DeepEqual(got.Result, res) {
		t.Errorf("Meek result did not round-trip:\n got %+v\nwant %+v", got.Result, res)
	}
}

// A counted election's published bundle is kept whole, and a newer one
// replaces it; each publication is audited with the file's hash.
func testBundles(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a"}, nil)
	_, err := s.Bundle(ctx, "nope")
	wantErr(t, "bundle of an unknown election", err, models.ErrNotFound)
	wantErr(t, "publishing an unknown election", s.SaveBundle(ctx, "nope", []byte("x"), Officer), models.ErrNotFound)
	wantErr(t, "publishing while open", s.SaveBundle(ctx, "e1", []byte("x"), Officer), models.ErrWrongState)
	must(t, At(s, T0.Add(time.Hour)).CloseElection(ctx, "e1", Officer))
	wantErr(t, "publishing before the count", s.SaveBundle(ctx, "e1", []byte("x"), Officer), models.ErrWrongState)
	must(t, s.SaveResult(ctx, "e1", storedResult(), Officer))
	_, err = s.Bundle(ctx, "e1")
	wantErr(t, "bundle before publication", err, models.ErrNotFound)
	if err := s.SaveBundle(ctx, "e1", nil, Officer); err == nil {
		t.Error("an empty bundle was stored")
	}

	first := append([]byte("signed bundle\x00\xff"), bytes.Repeat([]byte{7}, 5000)...)
	must(t, s.SaveBundle(ctx, "e1", first, Officer))
	got, err := s.Bundle(ctx, "e1")
	must(t, err)
	if !bytes.Equal(got, first) {
		t.Errorf("Bundle returned %d bytes, not the %d published", len(got), len(first))
	}
	must(t, s.SaveBundle(ctx, "e1", []byte("second"), Officer))
	got, err = s.Bundle(ctx, "e1")
	must(t, err)
	if string(got) != "second" {
		t.Errorf("Bundle = %q, want the second publication", got)
	}
	log, err := s.AuditLog(ctx)
	must(t, err)
	n := len(log)
	if !strings.Contains(log[n-2].Detail, "e1 published: results bundle sha256 ") || !strings.Contains(log[n-1].Detail, "published again") {
		t.Errorf("publication entries %q, %q", log[n-2].Detail, log[n-1].Detail)
	}
}
