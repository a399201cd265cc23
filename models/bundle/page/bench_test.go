package page_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/bundle/page"
	"vote.example.org/booth/tally"
)

// countingWriter counts the bytes of a page.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

// BenchmarkWrite writes the page of a Meek STV election of 10 candidates
// for 3 seats with n ballots of random rankings, its ledger in the page:
// the time to write it and its size per ballot.
func BenchmarkWrite(b *testing.B) {
	for _, n := range []int{1000, 20000} {
		b.Run(fmt.Sprintf("ballots=%d", n), func(b *testing.B) {
			d := models.Definition{ID: "big", Title: "Big", Method: tally.Meek, Seats: 3, TieSeed: "s", PublishLedger: true}
			for i := range 10 {
				d.Candidates = append(d.Candidates, models.Candidate{ID: fmt.Sprintf("c%d", i), Name: fmt.Sprintf("Candidate %d", i)})
			}
			r := rand.New(rand.NewPCG(1, 2))
			texts := make([]string, n)
			for i := range texts {
				for _, c := range r.Perm(10)[:1+r.IntN(5)] {
					texts[i] += fmt.Sprintf("c%d\n", c)
				}
			}
			s := sign(b, d, texts...)
			bun, rep := bundle.Verify(s.data, bundle.Options{Trust: s.trust})
			if !rep.OK {
				b.Fatalf("the bundle does not verify: %+v", rep)
			}
			var w countingWriter
			b.ResetTimer()
			for b.Loop() {
				w.n = 0
				if err := page.Write(&w, bun, rep, page.Options{File: "big.bundle", Written: time.Now()}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(w.n)/float64(n), "bytes/ballot")
			b.ReportMetric(float64(len(s.data))/float64(n), "bundle-bytes/ballot")
		})
	}
}
