package models_test

import (
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// Issue 10 item 6: the kiosk code limit as officers write it.
func TestParseCodeRate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want models.CodeRate
		ok   bool
	}{
		{"30/1h", models.CodeRate{Codes: 30, Per: time.Hour}, true},
		{" 10/15m ", models.CodeRate{Codes: 10, Per: 15 * time.Minute}, true},
		{"5/1m30s", models.CodeRate{Codes: 5, Per: 90 * time.Second}, true},
		{"1/168h", models.CodeRate{Codes: 1, Per: 168 * time.Hour}, true},
		{"0/1h", models.CodeRate{}, false},
		{"30/30s", models.CodeRate{}, false},
		{"30/169h", models.CodeRate{}, false},
		{"10001/1h", models.CodeRate{}, false},
		{"30", models.CodeRate{}, false},
		{"x/1h", models.CodeRate{}, false},
		{"30/hour", models.CodeRate{}, false},
	} {
		got, err := models.ParseCodeRate(tc.in)
		if (err == nil) != tc.ok || tc.ok && got != tc.want {
			t.Errorf("ParseCodeRate(%q) = %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
		if tc.ok {
			if back, err := models.ParseCodeRate(got.String()); err != nil || back != got {
				t.Errorf("%v written as %q reads back as %v, %v", got, got.String(), back, err)
			}
		}
	}
	if s := models.DefaultCodeRate.String(); s != "30/1h" {
		t.Errorf("the default limit is written %q", s)
	}
}
