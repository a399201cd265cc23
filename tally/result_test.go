package tally

import (
	"encoding/json"
	"reflect"
	"testing"
)

// A stored result must read back exactly, every decimal place included.
func TestResultJSONRoundTrip(t *testing.T) {
	e := readBLTFile(t, "../testdata/elections/droop-ref/SC-Vm-12.blt")
	for _, m := range []Method{Meek, Scottish} {
		res, err := Count(e, Options{Method: m, Ties: TieBreak{FileOrder: true}})
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		var back Result
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res, &back) {
			t.Errorf("%s: result changed through JSON", m)
		}
	}
}

func TestDecimalUnmarshalRefusesNonNumbers(t *testing.T) {
	for _, s := range []string{"", "-", "1.", ".5", "1.2.3", "x", "1e5", "99999999999999999999"} {
		var d Decimal
		if err := d.UnmarshalText([]byte(s)); err == nil {
			t.Errorf("%q read as %v", s, d)
		}
	}
	var d Decimal
	if err := d.UnmarshalText([]byte("-0.00500")); err != nil || d != (Decimal{Units: -500, Places: 5}) {
		t.Errorf("-0.00500 read as %+v, %v", d, err)
	}
}
