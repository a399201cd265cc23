package storetest

import (
	"slices"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// The notices tied to no ballot: the nominations announcement goes to
// every active member (there is no roll yet), once, only while
// nominations are open; the renewal reminder goes to its one member,
// once per term, and a new term brings a new one.

var nominationsOpen = models.Notice{ElectionID: "n1", Kind: models.NoticeNominations, Slot: "open"}

func testNoticeNominations(t *testing.T, s models.Store) {
	setupNominations(t, s, []string{"a", "b", "c", "d"}, 1, nil)
	must(t, s.SetMemberStatus(ctx, "d", models.Suspended, Officer))

	n, err := s.QueueNotice(ctx, nominationsOpen, Officer)
	must(t, err)
	if n != 3 {
		t.Fatalf("the nominations notice was queued for %d members, want 3 (d is suspended)", n)
	}
	_, err = s.QueueNotice(ctx, nominationsOpen, "someone-else")
	wantErr(t, "queuing the nominations notice again", err, models.ErrExists)
	items := claimAll(t, s, "fe1", 2)
	var to []string
	for _, it := range items {
		if it.Notice != nominationsOpen {
			t.Errorf("claimed %+v, want the nominations notice", it.Notice)
		}
		to = append(to, it.MemberID)
	}
	slices.Sort(to)
	if !slices.Equal(to, []string{"a", "b", "c"}) {
		t.Errorf("mailed %q, want a, b and c once each", to)
	}
	wantCounts(t, report(t, s, nominationsOpen), map[string]int{models.OutboxSent: 3})

	// After the period: refused, as a slot queued by hand.
	At(s, T0.Add(8*24*time.Hour))
	_, err = s.QueueNotice(ctx, models.Notice{ElectionID: "n1", Kind: models.NoticeNominations, Slot: "late"}, Officer)
	wantErr(t, "a nominations notice after the close of nominations", err, models.ErrWrongState)
	verifyChain(t, s)
}

func testNoticeRenewal(t *testing.T, s models.Store) {
	setupNominations(t, s, []string{"a", "b"}, 1, nil)
	m, err := s.Member(ctx, "a")
	must(t, err)
	first := models.RenewalNotice("a", m.GoodUntil)
	n, err := s.QueueNotice(ctx, first, Officer)
	must(t, err)
	if n != 1 {
		t.Fatalf("a's renewal reminder was queued for %d members, want 1", n)
	}
	_, err = s.QueueNotice(ctx, first, Officer)
	wantErr(t, "the same term's reminder again", err, models.ErrExists)
	_, err = s.QueueNotice(ctx, models.RenewalNotice("nobody", m.GoodUntil), Officer)
	wantErr(t, "a reminder for no member", err, models.ErrNotFound)

	items := claimAll(t, s, "fe1", 10)
	if len(items) != 1 || items[0].MemberID != "a" || items[0].Notice != first || items[0].Email == "" {
		t.Fatalf("claimed %+v, want a's one reminder with its address", items)
	}

	// A renewal moves the term's end: the next term has its own reminder.
	At(s, m.GoodUntil.Add(-10*24*time.Hour))
	m, err = s.RenewMember(ctx, models.Renewal{MemberID: "a"}, "a")
	must(t, err)
	next := models.RenewalNotice("a", m.GoodUntil)
	if next.ID() == first.ID() {
		t.Fatalf("the renewed term's reminder has the old key %s", next.ID())
	}
	if n, err = s.QueueNotice(ctx, next, Officer); err != nil || n != 1 {
		t.Fatalf("the next term's reminder was queued for %d members (%v), want 1", n, err)
	}
	// b renews after its reminder was queued: the reminder is skipped.
	mb, err := s.Member(ctx, "b")
	must(t, err)
	must(t, s.SetFoundation(ctx, Rules, Officer))
	if n, err = s.QueueNotice(ctx, models.RenewalNotice("b", mb.GoodUntil), Officer); err != nil || n != 1 {
		t.Fatalf("b's reminder was queued for %d members (%v), want 1", n, err)
	}
	_, err = s.RenewMember(ctx, models.Renewal{MemberID: "b"}, "b")
	must(t, err)
	bOld := models.RenewalNotice("b", mb.GoodUntil)
	if items = claimAll(t, s, "fe2", 10); len(items) != 1 || items[0].Notice != next {
		t.Fatalf("claimed %+v, want only a's new reminder (b renewed since its was queued)", items)
	}
	r := report(t, s, bOld)
	if r.Counts[models.OutboxSkipped] != 1 || len(r.Reasons) != 1 || r.Reasons[0].Reason != models.ReasonRenewed {
		t.Errorf("b's reminder: %+v, want skipped because b renewed", r)
	}
	// A suspended member's reminder is recorded for no one.
	must(t, s.SetMemberStatus(ctx, "b", models.Suspended, Officer))
	mb, err = s.Member(ctx, "b")
	must(t, err)
	if n, err = s.QueueNotice(ctx, models.RenewalNotice("b", mb.GoodUntil), Officer); err != nil || n != 0 {
		t.Fatalf("a suspended member's reminder was queued for %d (%v), want 0", n, err)
	}
	verifyChain(t, s)
}
