package tally

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzFiles are real files whose contents seed the fuzzers.
var fuzzFiles = []string{
	"droop-ref/42t.blt",
	"droop-ref/513.blt",
	"droop-ref/eq2.blt",
	"droop-ref/SC-Vm-12.blt",
	"droop-ref/weak-surplus.blt",
	"foundation-stv/maemo_council_2018q1.blt",
}

// bltSnippets are small and broken BLT files.
var bltSnippets = []string{
	"3 1\n2 1 2 3 0\n1 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n",
	"3 2\n-2\n[tie 3 1 2]\n4 1=3 0\n1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n",
	"4 2\n[nick a b c d]\n[withdrawn d]\n5 a b=c d 0\n(x) 1 c 0\n0\n\"A\" \"B\"\n\"C\"\n\"D\"\n\"T\"\n",
	"\ufeff2 1\r\n3 2 1 0\r\n0\r\n\"\xc9\"\r\n\"B\"\r\n\"T\"\r\n",
	"3 1\n1 1 4 0\n0\n",
	"3 1\n1 1 1 0\n",
	"3 4\n0\n",
	"3 1\n1 1 0\n0\n\"A\x1b\"\n\"\u202eB\"\n",
	"2 1\n999999999 1 0\n999999999 2 0\n0\n\"A\"\n\"B\"\n\"T\"\n",
	"5 3\n1 1 2 3 4 5 0\n1 5 4 3 2 1 0\n1 2 0\n1 3=4 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"E\"\n\"T\"\n",
	"1 1\n1 1 0\n0\n\"A\"\n\"T\"\n",
	"[",
	"2 1\n[tie",
}

func fuzzAddFiles(f *testing.F) {
	for _, name := range fuzzFiles {
		data, err := os.ReadFile(filepath.Join(bltElectionsDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzReadBLT reads arbitrary input as BLT. It must never panic; errors
// must be *InputErrors; and whatever reads must count with Meek and
// Scottish STV without panicking, conserving votes at every stage.
func FuzzReadBLT(f *testing.F) {
	fuzzAddFiles(f)
	for _, s := range bltSnippets {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ReadBLT(bytes.NewReader(data))
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T) is not an *InputError", err, err)
			}
			return
		}
		if len(e.Candidates) > 300 {
			return // keep the fuzzer fast: every stage records every candidate
		}
		seats := max(1, min(e.Seats, len(e.Candidates)))
		for _, m := range []Method{Meek, Scottish} {
			res, err := Count(e, Options{Method: m, Seats: seats, Ties: TieBreak{Seed: "fuzz"}})
			if err != nil {
				var ie *InputError
				if !errors.As(err, &ie) {
					t.Fatalf("%s: error %v (%T) is not an *InputError", m, err, err)
				}
				continue
			}
			if err := propCheckConservation(res); err != nil {
				t.Fatalf("%s, %d seats: %v", m, seats, err)
			}
			if len(res.Elected) > seats {
				t.Fatalf("%s elected %d for %d seats", m, len(res.Elected), seats)
			}
			if _, err := res.JSON(); err != nil {
				t.Fatalf("%s: JSON: %v", m, err)
			}
		}
	})
}

// FuzzRead reads arbitrary input in whatever format Detect sees in it. It
// must never panic, and an error must be an *InputError.
func FuzzRead(f *testing.F) {
	fuzzAddFiles(f)
	for _, s := range bltSnippets {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		"Option 1--->: A\nOption 2-->: B\n|/\nV: 21 abc\nV: 1- def\n",
		"free text\n-=-=-=\n  Option 1--->: A\n |/\nV: 1 x\nV: z x\n",
		"Tally Sheet\nV: 12\n",
		"# DATA TYPE: toi\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n3: 1,2\n2: {1,2}\n1: 2\n",
		"# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: A\n1: {1,{2}}\n",
		"3: 1,2\n",
		"3\n1,A\n2,B\n3,C\n4,4,2\n3,1,{2,3}\n1,3\n",
		"2\n1,A\n",
		"\xef\xbb\xbf# ALTERNATIVE NAME 1: \xe9\n1: 1\n",
		"",
		"\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, format, err := Read(bytes.NewReader(data))
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("%s: error %v (%T) is not an *InputError", format, err, err)
			}
			return
		}
		if len(e.Candidates) == 0 {
			t.Fatalf("%s: read an election with no candidates", format)
		}
	})
}
