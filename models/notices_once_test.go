package models_test

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storemetrics"
)

// operations is how many times the timed store ran operation op.
func operations(t *testing.T, reg *prometheus.Registry, op string) uint64 {
	t.Helper()
	n, err := storemetrics.Operations(reg, op)
	must(t, err)
	return n
}

// renewalMembers imports, into e's store, members whose standing ends
// relative to the store's now: due ones (in the window or the grace, with
// and without an address), one renewed long ago, one lapsed, one suspended.
func renewalMembers(t *testing.T, e *env) map[string]time.Time {
	t.Helper()
	must(t, e.store.SetFoundation(ctx, models.Foundation{TermMonths: 12, WindowDays: 30, GraceDays: 14}, officer))
	now := e.clock.Now().UTC().Truncate(time.Second)
	until := map[string]time.Time{
		"asked": now.Add(10 * 24 * time.Hour), "win": now.Add(20 * 24 * time.Hour), "grace": now.Add(-5 * 24 * time.Hour),
		"noaddr": now.Add(3 * 24 * time.Hour), "renewed": now.Add(300 * 24 * time.Hour), "lapsed": now.Add(-40 * 24 * time.Hour),
		"susp": now.Add(10 * 24 * time.Hour),
	}
	var ms []models.Member
	for id, u := range until {
		m := models.Member{ID: id, Name: "Member " + id, Email: id + "@example.org", Status: models.Active, Joined: u.AddDate(-1, 0, 0), GoodUntil: u}
		if id == "noaddr" {
			m.Email = ""
		}
		ms = append(ms, m)
	}
	must(t, e.store.ImportMembers(ctx, ms, officer))
	must(t, e.store.SetMemberStatus(ctx, "susp", models.Suspended, officer))
	return until
}

// The renewal dry run counts what the send then queues: not the member
// reminded already this term (nor the renewed, the lapsed, the
// suspended); the member without an address apart, as the failed row the
// send queues for them.
func TestRenewalDryRunCountsWhatTheSendQueues(t *testing.T) {
	e := newEnv(t, 0)
	until := renewalMembers(t, e)
	if _, err := e.store.QueueNotice(ctx, models.RenewalNotice("asked", until["asked"]), officer); err != nil {
		t.Fatal(err)
	}

	p, err := e.svc.PreviewRenewals(ctx)
	must(t, err)
	queued, err := e.svc.QueueRenewals(ctx, officer)
	must(t, err)

	reports, err := e.store.NoticeReports(ctx, "")
	must(t, err)
	pending, failed := 0, 0
	for _, r := range reports {
		if r.Notice.MemberID == "asked" {
			continue // queued before the dry run
		}
		pending += r.Counts[models.OutboxPending]
		failed += r.Counts[models.OutboxFailed]
	}
	if p.Recipients != pending || p.NoAddress != failed || len(queued) != pending+failed {
		t.Errorf("dry run: %d to mail and %d without an address; the send then queued %v: %d to mail, %d failed",
			p.Recipients, p.NoAddress, queued, pending, failed)
	}
	if p.Recipients != 2 || p.NoAddress != 1 {
		t.Errorf("dry run: %d to mail and %d without an address, want 2 (win, grace) and 1 (noaddr)", p.Recipients, p.NoAddress)
	}
}

// The clock asks the store for each due notice once per front end, not at
// every tick: after the first tick, ticks that find nothing new due run no
// QueueNotice. A second front end asks once too, and the store's unique
// key keeps every notice queued once; a notice that becomes due later is
// still queued at the next tick.
func TestTickAsksForEachNoticeOnce(t *testing.T) {
	e := newEnv(t, 3)
	renewalMembers(t, e)
	d := definition("e1")
	d.Notices = models.NoticeSchedule{Announce: true, Remind: []time.Duration{24 * time.Hour}}
	e.open(t, d)

	reg := prometheus.NewRegistry()
	timed, err := storemetrics.New(e.store, reg)
	must(t, err)
	first, second := e.frontEnd(timed), e.frontEnd(timed)

	must(t, first.NoticeTick(ctx))
	asked := operations(t, reg, "queue_notice")
	// The announcement and the reminders of asked, win, grace, noaddr.
	if asked != 5 {
		t.Fatalf("the first tick asked to queue %d notices, want 5", asked)
	}
	for range 4 {
		must(t, first.NoticeTick(ctx))
	}
	if n := operations(t, reg, "queue_notice") - asked; n != 0 {
		t.Errorf("four more ticks with nothing new due asked to queue %d notices, want 0", n)
	}
	for range 3 {
		must(t, second.NoticeTick(ctx))
	}
	if n := operations(t, reg, "queue_notice") - asked; n != 5 {
		t.Errorf("a second front end's three ticks asked to queue %d notices, want 5 (each once)", n)
	}
	asked = operations(t, reg, "queue_notice")

	e.clock.Set(d.ClosesAt.Add(-23 * time.Hour))
	must(t, first.NoticeTick(ctx))
	must(t, second.NoticeTick(ctx))
	must(t, first.NoticeTick(ctx))
	if n := operations(t, reg, "queue_notice") - asked; n != 2 {
		t.Errorf("once the reminder was due, three ticks of two front ends asked to queue %d notices, want 2 (the reminder, once each)", n)
	}
	ids := queued(t, e, "e1")
	if len(ids) != 2 || ids[0] != "e1/announce/open" || ids[1] != "e1/remind/1d" {
		t.Errorf("queued for e1: %v, want the announcement and the 1d reminder, once each", ids)
	}
	renewals, err := e.store.NoticeReports(ctx, "")
	must(t, err)
	if len(renewals) != 4 {
		t.Errorf("%d renewal reminders queued, want 4 (asked, win, grace, noaddr)", len(renewals))
	}
}
