package sqlite

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// BenchmarkCast measures durable casts per second on this disk: each is a
// BEGIN IMMEDIATE transaction committed with synchronous=FULL, from many
// goroutines at once, as voters' sessions would.
func BenchmarkCast(b *testing.B) {
	ids := memberIDs(b.N)
	s := newStore(b)
	ms := make([]models.Member, len(ids))
	for i, id := range ids {
		ms[i] = models.Member{ID: id, Name: id, Status: models.Active, Joined: t0.Add(-time.Hour)}
	}
	must(b, s.ImportMembers(b.Context(), ms, officer))
	must(b, s.CreateElection(b.Context(), models.Election{Definition: definition("e1")}, officer))
	must(b, s.OpenElection(b.Context(), "e1", "fp", t0, officer))
	sealed := make([]byte, 1024) // about a padded ballot's size
	at := t0.Add(time.Hour)
	var next atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := ids[next.Add(1)-1]
			c := models.Cast{ElectionID: "e1", MemberID: id, ReceiptHash: receipt(fmt.Sprint("bench-", id)), Sealed: sealed, Now: at}
			if err := s.Cast(b.Context(), c); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "casts/s")
}
