package trustee

import (
	"testing"
)

// BenchmarkSplit is creating an election's shares: 5 trustees, threshold 3,
// one of them RSA.
func BenchmarkSplit(b *testing.B) {
	f := newFixture(b)
	for b.Loop() {
		if _, err := Split("board", 3, f.el.Keys); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen is a count's checks of 3 releases of 5 and the recovery of
// the key.
func BenchmarkOpen(b *testing.B) {
	f := newFixture(b)
	rs := []Release{f.release(b, 0), f.release(b, 1), f.release(b, 2)}
	for b.Loop() {
		if _, err := f.open(rs); err != nil {
			b.Fatal(err)
		}
	}
}
