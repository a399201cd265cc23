package storetest

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// BenchCast measures durable casts per second: b.N members each cast once,
// from many goroutines at once as voters' sessions would, spread over
// stores (one per front end, all on one database). It reports casts/s.
func BenchCast(b *testing.B, stores []models.Store) {
	ids := MemberIDs(b.N)
	ms := make([]models.Member, len(ids))
	for i, id := range ids {
		ms[i] = models.Member{ID: id, Name: id, Status: models.Active, Joined: T0.Add(-time.Hour)}
	}
	s := stores[0]
	must(b, s.ImportMembers(ctx, ms, Officer))
	must(b, s.CreateElection(ctx, models.Election{Definition: Definition("e1")}, Officer))
	must(b, At(s, T0).OpenElection(ctx, "e1", Fingerprint(b, s, "e1"), Officer))
	sealed := make([]byte, 1024) // about a padded ballot's size
	At(s, T0.Add(time.Hour))
	var next atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			c := models.Cast{ElectionID: "e1", MemberID: ids[i], ReceiptHash: Receipt(fmt.Sprint("bench-", ids[i])), Sealed: sealed}
			if err := stores[int(i)%len(stores)].Cast(ctx, c); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "casts/s")
}
