package models_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/mailer"
	"vote.example.org/booth/models/mailer/mailpittest"
	"vote.example.org/booth/models/postgres"
	"vote.example.org/booth/models/postgres/pgtest"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/tally"
)

// timedStore counts the time the outbox's store calls take, so the
// benchmark can say what each mail costs the store (its claim share and
// its one transaction) apart from the SMTP exchange.
type timedStore struct {
	models.Store
	spent atomic.Int64
}

func (s *timedStore) ClaimNotices(ctx context.Context, holder string, limit int, lease time.Duration) ([]models.OutboxItem, error) {
	defer s.time(time.Now())
	return s.Store.ClaimNotices(ctx, holder, limit, lease)
}

func (s *timedStore) RecordDeliveries(ctx context.Context, holder string, done []models.Delivery, next *models.OutboxItem, lease time.Duration) (bool, error) {
	defer s.time(time.Now())
	return s.Store.RecordDeliveries(ctx, holder, done, next, lease)
}

func (s *timedStore) time(start time.Time) { s.spent.Add(int64(time.Since(start))) }

// BenchmarkNotices mails an announcement to 10,000 members through a
// local Mailpit, one front end, and reports mails per second and the
// store's time per mail, on SQLite and (with BOOTH_TEST_POSTGRES) on
// PostgreSQL.
func BenchmarkNotices(b *testing.B) {
	const members = 10000
	b.Run("sqlite", func(b *testing.B) {
		benchNotices(b, members, func(b *testing.B, clock func() time.Time) models.Store {
			st, err := sqlite.OpenTestData(b.TempDir(), clock)
			if err != nil {
				b.Fatal(err)
			}
			return st
		})
	})
	b.Run("postgres", func(b *testing.B) {
		benchNotices(b, members, func(b *testing.B, _ func() time.Time) models.Store {
			st, err := postgres.Open(context.Background(), pgtest.Database(b))
			if err != nil {
				b.Fatal(err)
			}
			return st
		})
	})
}

func benchNotices(b *testing.B, members int, open func(*testing.B, func() time.Time) models.Store) {
	mp := mailpittest.Start(b)
	st := &timedStore{Store: open(b, time.Now)}
	b.Cleanup(func() { st.Close() })
	ms := make([]models.Member, members)
	for i := range ms {
		id := fmt.Sprintf("m%05d", i)
		ms[i] = models.Member{ID: id, Name: "Member " + id, Email: id + "@example.org", Status: models.Active, Joined: time.Now().Add(-time.Hour)}
	}
	if err := st.ImportMembers(ctx, ms, officer); err != nil {
		b.Fatal(err)
	}
	ml, err := mailer.New(mailer.Config{URL: mp.URL(), From: "Elections <vote@example.org>"})
	if err != nil {
		b.Fatal(err)
	}
	defer ml.Close()
	svc := models.NewService(st)
	svc.SetNotices(models.NoticeConfig{Mailer: ml, Domain: "example.org", SSHCommand: "ssh vote.example.org"})
	now := time.Now().UTC().Truncate(time.Second)
	runs := 0
	var sent int
	var elapsed time.Duration
	st.spent.Store(0)
	for b.Loop() {
		b.StopTimer()
		id := fmt.Sprintf("e%d", runs)
		runs++
		d := models.Definition{ID: id, Title: "Board " + id, Method: tally.Approval, Seats: 1, TieSeed: "s",
			Candidates: []models.Candidate{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}},
			OpensAt:    now.Add(time.Minute), ClosesAt: now.Add(72 * time.Hour)}
		if _, _, err := svc.CreateElection(ctx, d, b.TempDir()+"/k", officer); err != nil {
			b.Fatal(err)
		}
		if err := svc.OpenElection(ctx, id, officer); err != nil {
			b.Fatal(err)
		}
		if _, _, err := svc.QueueNoticeByHand(ctx, id, models.NoticeAnnounce, officer); err != nil {
			b.Fatal(err)
		}
		st.spent.Store(0)
		b.StartTimer()
		start := time.Now()
		stats, err := svc.DeliverNotices(ctx)
		if err != nil || stats.Sent != members {
			b.Fatalf("sent %+v: %v", stats, err)
		}
		elapsed += time.Since(start)
		sent += stats.Sent
	}
	b.ReportMetric(float64(sent)/elapsed.Seconds(), "mails/s")
	b.ReportMetric(float64(st.spent.Load())/float64(members)/1e3, "store-µs/mail")
	b.Logf("%d members, %d run(s), GOMAXPROCS %d: %.0f mails/s; last run's store time %.1f µs/mail",
		members, runs, runtime.GOMAXPROCS(0), float64(sent)/elapsed.Seconds(), float64(st.spent.Load())/float64(members)/1e3)
}
