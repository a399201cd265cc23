package tally

import (
	"os"
	"testing"
)

// Burlington 2009 is the classic case where the method matters: IRV
// elects Kiss (irv_test.go), but Montroll beats every other candidate head
// to head, so Schulze elects him.
func TestBurlingtonSchulzeElectsCondorcetWinner(t *testing.T) {
	f, err := os.Open("../testdata/elections/burlington2009/burlington2009.toi")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e, format, err := Read(f)
	if err != nil || format != PrefLib {
		t.Fatalf("read: %v (format %q)", err, format)
	}
	res, err := Count(e, Options{Method: Schulze})
	if err != nil {
		t.Fatal(err)
	}
	kiss, montroll, wright := e.indexOf("Bob Kiss"), e.indexOf("Andy Montroll"), e.indexOf("Kurt Wright")
	if len(res.Elected) != 1 || res.Elected[0] != montroll {
		t.Fatalf("Schulze elected %v, want Andy Montroll", res.Elected)
	}
	for _, p := range []struct {
		against      int
		for_, oppose int64
	}{{kiss, 4067, 3477}, {wright, 4597, 3668}} {
		if got, against := res.Pairwise[montroll][p.against], res.Pairwise[p.against][montroll]; got != p.for_ || against != p.oppose {
			t.Errorf("Montroll v %s: %d–%d, want %d–%d", e.Candidates[p.against].Name, got, against, p.for_, p.oppose)
		}
	}
}
