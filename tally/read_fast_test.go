package tally

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// FuzzBLTPlainBallot checks the fast reading of plain BLT ballot lines
// against the general one: whatever plainBallot takes, ballot reads the
// same way. What plainBallot refuses goes to ballot itself, so every line
// reads as it always has.
func FuzzBLTPlainBallot(f *testing.F) {
	for _, s := range []string{"3 1 2 3 0", "1 0", "12\t2  1 0", "5 1 1 0", "5 4 0", "05 01 0", "1 2 00", "9999999999999999999 1 0", "3 1=2 0", "(a) 1 1 0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		s := strings.TrimSpace(line)
		if s == "" || s == "0" || strings.ContainsAny(s, "\n") || s[0] == '[' || s[0] == '-' {
			return // lines ballots() never gives ballot()
		}
		const cands = 4
		fast := &bltParser{c: newCollector(false), seen: make([]int, cands)}
		fast.e.Candidates = make([]Candidate, cands)
		took := fast.plainBallot(s, 2)
		fast.c.flush()
		if !took {
			if fast.c.box.len() != 0 {
				t.Fatal("plainBallot refused the line but took a ballot")
			}
			return
		}
		slow := &bltParser{c: newCollector(false)}
		slow.e.Candidates = make([]Candidate, cands)
		if err := slow.ballot(s, 2); err != nil {
			t.Fatalf("plainBallot read %q, ballot refuses it: %v", s, err)
		}
		slow.c.flush()
		checkSameBox(t, s, fast.c.box, slow.c.box)
	})
}

// FuzzPrefLibPlainBallot does the same for PrefLib data lines.
func FuzzPrefLibPlainBallot(f *testing.F) {
	for _, s := range []string{"3: 1,2,3", "1:", "2: 1,1", "4: 1,,2", "5: 01,2", "7 : 2 ,1", "1: 1,{2,3}", "0: 1", "99999999999: 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		count, prefs, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			return
		}
		cands := make([]Candidate, 4)
		fast := newCollector(false)
		v, ok := plainPrefLibBallot(2, count, prefs, fast, make([]int, len(cands)))
		fast.flush()
		if !ok {
			if fast.box.len() != 0 {
				t.Fatal("plainPrefLibBallot refused the line but took a ballot")
			}
			return
		}
		b, err := parsePrefLibBallot(2, count, prefs, cands, make([]int, len(cands)))
		if err != nil {
			t.Fatalf("plainPrefLibBallot read %q, parsePrefLibBallot refuses it: %v", line, err)
		}
		if v != b.Count {
			t.Fatalf("%q: count %d, want %d", line, v, b.Count)
		}
		slow := newCollector(false)
		slow.addRanks(b)
		slow.flush()
		checkSameBox(t, line, fast.box, slow.box)
	})
}

func checkSameBox(t *testing.T, line string, got, want *ballotBox) {
	t.Helper()
	if got.len() != want.len() {
		t.Fatalf("%q read as %d groups, want %d", line, got.len(), want.len())
	}
	for g := range got.len() {
		a, b := got.group(g), want.group(g)
		if a.count != b.count || a.line != b.line || !slices.Equal(got.groupMarks(g), want.groupMarks(g)) {
			t.Fatalf("%q read as %d %d %v, want %d %d %v", line, a.count, a.line, got.groupMarks(g), b.count, b.line, want.groupMarks(g))
		}
	}
}

// FuzzReadGrouped counts what Read reads and what ReadGrouped reads: the
// results, and the errors, must be the same.
func FuzzReadGrouped(f *testing.F) {
	fuzzAddFiles(f)
	for _, s := range bltSnippets {
		f.Add([]byte(s))
	}
	f.Add([]byte("# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n# ALTERNATIVE NAME 3: C\n3: 1,2\n2: {1,2}\n1: 2\n3: 1,2\n"))
	f.Add([]byte("Option 1--->: A\nOption 2-->: B\n|/\nV: 21 abc\nV: 1- def\nV: 21 x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, format, err := Read(bytes.NewReader(data))
		g, gformat, gerr := ReadGrouped(bytes.NewReader(data))
		if format != gformat || (err == nil) != (gerr == nil) || err != nil && err.Error() != gerr.Error() {
			t.Fatalf("Read: %s, %v; ReadGrouped: %s, %v", format, err, gformat, gerr)
		}
		if err != nil {
			return
		}
		// Past maxBallots the box stops summing: Count refuses both.
		if total := e.totalBallots(); total <= maxBallots && total != g.totalBallots() {
			t.Fatalf("Read has %d ballots, ReadGrouped %d", e.totalBallots(), g.totalBallots())
		}
		if len(e.Candidates) > 60 {
			return // keep the fuzzer fast
		}
		seats := max(1, min(e.Seats, len(e.Candidates)))
		for _, m := range []Method{Schulze, IRV, Meek, Scottish} {
			opts := Options{Method: m, Seats: seats, Ties: TieBreak{Seed: "fuzz"}}
			if m == Schulze || m == IRV {
				opts.Seats = 1
			}
			want, werr := Count(e, opts)
			got, gerr := Count(g, opts)
			if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
				t.Fatalf("%s: Read counts with %v, ReadGrouped with %v", m, werr, gerr)
			}
			var ie *InputError
			if werr != nil && !errors.As(werr, &ie) {
				t.Fatalf("%s: error %v is not an *InputError", m, werr)
			}
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("%s: results differ:\n%+v\n%+v", m, want, got)
			}
		}
	})
}
