package models_test

import (
	"crypto/sha256"
	"errors"
	"net"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/mailer"
	"vote.example.org/booth/models/mailer/mailpittest"
)

// A relay that takes connections and never answers (hung, or down behind
// a load balancer) for a day is the server's fault, not the members':
// the outbox should wait for it, not charge every member's row with an
// attempt per round until it fails for good: the row the batch stopped
// at goes back pending, its attempts untouched.
func TestHungRelayChargesNoMember(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var held []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c) // never says 220
		}
	}()
	e := newEnv(t, 0)
	ms := []models.Member{}
	for _, id := range []string{"m001", "m002", "m003"} {
		ms = append(ms, models.Member{ID: id, Name: "Member " + id, Email: id + "@example.org", Status: models.Active, Joined: t0.Add(-24 * time.Hour)})
	}
	if err := e.store.ImportMembers(ctx, ms, officer); err != nil {
		t.Fatal(err)
	}
	e.open(t, definition("e1"))
	ml, err := mailer.New(mailer.Config{URL: "smtp://" + l.Addr().String() + "?tls=none", From: "vote@example.org", Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.SetNotices(models.NoticeConfig{Mailer: ml, Domain: "example.org"})
	if _, _, err := e.svc.QueueNoticeByHand(ctx, "e1", models.NoticeAnnounce, officer); err != nil {
		t.Fatal(err)
	}
	tried := 0
	for range 6 {
		st, err := e.svc.DeliverNotices(ctx)
		if err != nil && !errors.Is(err, models.ErrMailServerDown) {
			t.Fatal(err)
		}
		tried += st.Retried + st.Failed
		e.clock.Set(e.clock.Now().Add(5 * time.Hour))
	}
	rs, err := e.svc.NoticeReports(ctx, "e1")
	if err != nil {
		t.Fatal(err)
	}
	if c := rs[0].Counts; c[models.OutboxFailed] > 0 {
		t.Errorf("after 30 h of a hung relay: %v (%d attempts, one per round): a member's notice failed for good for the server's fault", c, tried)
	}
}

// The same for a relay that refuses the sender (a typo in --mail-from, a
// relay that wants the envelope sender it owns: 553 at MAIL FROM). That
// refusal is about booth, not about any member: the batch stops and every
// row stays pending.
func TestSenderRefusalFailsNoMember(t *testing.T) {
	mp := mailpittest.Start(t, "--enable-chaos", "--chaos-triggers", "Sender:553:100")
	e := newEnv(t, 0)
	ms := []models.Member{}
	for _, id := range []string{"m001", "m002", "m003"} {
		ms = append(ms, models.Member{ID: id, Name: "Member " + id, Email: id + "@example.org", Status: models.Active, Joined: t0.Add(-24 * time.Hour)})
	}
	if err := e.store.ImportMembers(ctx, ms, officer); err != nil {
		t.Fatal(err)
	}
	e.open(t, definition("e1"))
	ml, err := mailer.New(mailer.Config{URL: mp.URL(), From: "typo@exmaple.org"})
	if err != nil {
		t.Fatal(err)
	}
	defer ml.Close()
	e.svc.SetNotices(models.NoticeConfig{Mailer: ml, Domain: "example.org"})
	if _, _, err := e.svc.QueueNoticeByHand(ctx, "e1", models.NoticeAnnounce, officer); err != nil {
		t.Fatal(err)
	}
	st, err := e.svc.DeliverNotices(ctx)
	if !errors.Is(err, models.ErrMailServerDown) {
		t.Errorf("a refused sender reported as %v, want the mail server's error", err)
	}
	rs, err := e.svc.NoticeReports(ctx, "e1")
	if err != nil {
		t.Fatal(err)
	}
	if c := rs[0].Counts; st.Failed > 0 || c[models.OutboxPending] != 3 {
		t.Errorf("the relay refused the sender: %+v, counts %v, want the 3 rows pending", st, c)
	}
}

// DeliverNotices mails until nothing is due: a claim whose whole batch
// was skipped (members who voted since the reminder was queued) does not
// end it while due rows remain behind.
func TestSkippedBatchDoesNotStopDelivery(t *testing.T) {
	mp := mailpittest.Start(t)
	e := newEnv(t, 0)
	ms := []models.Member{}
	for _, id := range []string{"m001", "m002", "m003"} {
		ms = append(ms, models.Member{ID: id, Name: "Member " + id, Email: id + "@example.org", Status: models.Active, Joined: t0.Add(-24 * time.Hour)})
	}
	if err := e.store.ImportMembers(ctx, ms, officer); err != nil {
		t.Fatal(err)
	}
	e.open(t, definition("e1"))
	ml, err := mailer.New(mailer.Config{URL: mp.URL(), From: "vote@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	defer ml.Close()
	e.svc.SetNotices(models.NoticeConfig{Mailer: ml, Domain: "example.org", Batch: 2})
	if _, _, err := e.svc.QueueNoticeByHand(ctx, "e1", models.NoticeRemind, officer); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"m001", "m002"} {
		must(t, e.store.Cast(ctx, models.Cast{ElectionID: "e1", MemberID: id, ReceiptHash: sha256.Sum256([]byte(id)), Sealed: []byte("x")}))
	}
	st, err := e.svc.DeliverNotices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Sent != 1 || len(mp.Messages(t)) != 1 {
		t.Errorf("DeliverNotices returned %+v with m003's reminder still due (%d arrived)", st, len(mp.Messages(t)))
	}
}
