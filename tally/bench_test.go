package tally

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkCount counts generated elections of 100k and 1M ballots with 10
// and 20 candidates (5 seats for STV), from the ballots as cast: grouping
// identical rankings is part of the measured time.
func BenchmarkCount(b *testing.B) {
	for _, size := range []struct{ ballots, candidates int }{{100_000, 10}, {100_000, 20}, {1_000_000, 10}, {1_000_000, 20}} {
		e := genElection(uint64(size.ballots+size.candidates), size.ballots, size.candidates, 5, 10000)
		for _, method := range []Method{Schulze, IRV, Meek, Scottish} {
			seats := 5
			if method == Schulze || method == IRV {
				seats = 1
			}
			b.Run(fmt.Sprintf("%s/%dk-ballots/%d-candidates", method, size.ballots/1000, size.candidates), func(b *testing.B) {
				for b.Loop() {
					if _, err := Count(e, Options{Method: method, Seats: seats}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// largeFiles caches the generated files of the read benchmarks.
var largeFiles = map[string][]byte{}

// largeFile returns a generated ballot file of 1M ballots and 20
// candidates: "1m-lines" writes each ballot on a line of its own, all
// rankings distinct (the worst case for grouping); "120k-distinct" writes
// them as 120,000 weighted lines of distinct, mostly full, rankings;
// "10k-distinct" writes genElection's 1M ballots, about 10,000 distinct
// rankings, one line per ballot. BLT unless format says otherwise.
func largeFile(b *testing.B, name string, format Format) []byte {
	key := name + "." + string(format)
	if data, ok := largeFiles[key]; ok {
		return data
	}
	var blt bytes.Buffer
	switch name {
	case "1m-lines":
		must(b, writeLargeBLT(&blt, 18, 1_000_000, 20, 1_000_000))
	case "120k-distinct":
		must(b, writeLargeBLT(&blt, 18, 1_000_000, 20, 120_000))
	case "10k-distinct":
		e := genElection(1_000_020, 1_000_000, 20, 5, 10000)
		blt.WriteString("20 5\n")
		for _, bt := range e.Ballots {
			blt.WriteString("1")
			for _, r := range bt.Ranks {
				fmt.Fprintf(&blt, " %d", r[0]+1)
			}
			blt.WriteString(" 0\n")
		}
		blt.WriteString("0\n")
		for c := range 20 {
			fmt.Fprintf(&blt, "\"C%d\"\n", c+1)
		}
		blt.WriteString("\"10k\"\n")
	}
	data := blt.Bytes()
	if format != BLT {
		e, err := ReadBLT(bytes.NewReader(data))
		must(b, err)
		data = writeAs(e, format)
	}
	largeFiles[key] = data
	return data
}

// writeAs writes an election without equal ranks as a PrefLib TOI file or
// a Debian tally sheet (which writes each ballot once per voter).
func writeAs(e *Election, format Format) []byte {
	var w bytes.Buffer
	n := len(e.Candidates)
	if format == PrefLib {
		fmt.Fprintf(&w, "# DATA TYPE: toi\n# NUMBER ALTERNATIVES: %d\n", n)
		for c := range n {
			fmt.Fprintf(&w, "# ALTERNATIVE NAME %d: %s\n", c+1, e.Candidates[c].Name)
		}
		for _, b := range e.Ballots {
			fmt.Fprintf(&w, "%d:", b.Count)
			for i, r := range b.Ranks {
				if i > 0 {
					w.WriteByte(',')
				}
				fmt.Fprintf(&w, "%d", r[0]+1)
			}
			w.WriteByte('\n')
		}
		return w.Bytes()
	}
	w.WriteString("Tally Sheet\n")
	for c := range n {
		fmt.Fprintf(&w, "Option %d--->: %s\n", c+1, e.Candidates[c].Name)
	}
	w.WriteString("|/\n")
	marks := make([]byte, n)
	for _, b := range e.Ballots {
		for i := range marks {
			marks[i] = '-'
		}
		for i, r := range b.Ranks {
			marks[r[0]] = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i]
		}
		for range b.Count {
			fmt.Fprintf(&w, "V: %s 0123456789abcdef\n", marks)
		}
	}
	return w.Bytes()
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRead times the readers alone, as they read for a count.
func BenchmarkRead(b *testing.B) {
	for _, tt := range []struct {
		name   string
		format Format
	}{
		{"1m-lines", BLT}, {"120k-distinct", BLT}, {"10k-distinct", BLT},
		{"120k-distinct", PrefLib}, {"10k-distinct", PrefLib}, {"10k-distinct", Debian},
	} {
		data := largeFile(b, tt.name, tt.format)
		b.Run(string(tt.format)+"/"+tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, _, err := ReadGrouped(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadCount times the whole path of booth count, reading,
// grouping and counting, for 1M ballots and 20 candidates (5 seats for
// STV).
func BenchmarkReadCount(b *testing.B) {
	for _, name := range []string{"1m-lines", "120k-distinct", "10k-distinct"} {
		data := largeFile(b, name, BLT)
		for _, method := range []Method{Schulze, IRV, Meek, Scottish} {
			seats := 5
			if method == Schulze || method == IRV {
				seats = 1
			}
			b.Run(fmt.Sprintf("%s/%s", name, method), func(b *testing.B) {
				for b.Loop() {
					e, _, err := ReadGrouped(bytes.NewReader(data))
					if err != nil {
						b.Fatal(err)
					}
					if _, err := Count(e, Options{Method: method, Seats: seats}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
