package storemetrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/models/storetest"
)

// benchStore is a new SQLite store on the suite's clock, timed or not.
func benchStore(b *testing.B, timed bool) models.Store {
	b.Helper()
	c := storetest.NewClock()
	st, err := sqlite.OpenTestData(b.TempDir(), c.Now)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	var s models.Store = st
	if timed {
		if s, err = New(st, prometheus.NewRegistry()); err != nil {
			b.Fatal(err)
		}
	}
	storetest.UseClock(s, c)
	return s
}

// What the metrics cost a durable cast (storetest.BenchCast: concurrent
// casts, each committed to disk).
func BenchmarkCast(b *testing.B) {
	for _, timed := range []bool{false, true} {
		b.Run(map[bool]string{false: "without-metrics", true: "with-metrics"}[timed], func(b *testing.B) {
			storetest.BenchCast(b, []models.Store{benchStore(b, timed)})
		})
	}
}

// What the metrics cost the cheapest hot operation: the key lookup every
// sign-in makes.
func BenchmarkMemberByFingerprint(b *testing.B) {
	for _, timed := range []bool{false, true} {
		b.Run(map[bool]string{false: "without-metrics", true: "with-metrics"}[timed], func(b *testing.B) {
			s := benchStore(b, timed)
			key := storetest.Key("ada", 1)
			if err := s.AddMember(ctx, models.Member{ID: "ada", Name: "Ada", Status: models.Active, Keys: []models.Key{key}}, "officer"); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.MemberByFingerprint(ctx, key.Fingerprint); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The metrics' own share of an operation, apart from the database's
// noise: reading the clock twice and one histogram observation.
func BenchmarkObserve(b *testing.B) {
	w, err := New(nil, prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		w.observe("member_by_fingerprint", time.Now())
	}
}
