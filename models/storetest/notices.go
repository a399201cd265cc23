package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

const noticeLease = time.Minute

var (
	announce = models.Notice{ElectionID: "e1", Kind: models.NoticeAnnounce, Slot: "open"}
	remind   = models.Notice{ElectionID: "e1", Kind: models.NoticeRemind, Slot: "2d"}
)

func report(t *testing.T, s models.Store, n models.Notice) models.NoticeReport {
	t.Helper()
	rs, err := s.NoticeReports(ctx, n.ElectionID)
	must(t, err)
	for _, r := range rs {
		if r.Notice == n {
			return r
		}
	}
	t.Fatalf("no report of notice %s among %d", n.ID(), len(rs))
	return models.NoticeReport{}
}

func wantCounts(t *testing.T, r models.NoticeReport, want map[string]int) {
	t.Helper()
	for k, v := range want {
		if r.Counts[k] != v {
			t.Errorf("notice %s: %d %s, want %d (all: %v)", r.Notice.ID(), r.Counts[k], k, v, r.Counts)
		}
	}
	if r.Total() != sum(want) {
		t.Errorf("notice %s: %d rows, want %d (all: %v)", r.Notice.ID(), r.Total(), sum(want), r.Counts)
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// Queuing a notice makes one row per active member of its audience on
// the roll, once; a reminder leaves out those who voted.
func testNoticeQueue(t *testing.T, s models.Store) {
	ids := MemberIDs(4)
	Setup(t, s, ids, nil)
	must(t, s.SetMemberStatus(ctx, "m002", models.Suspended, Officer))
	must(t, At(s, T0.Add(time.Hour)).Cast(ctx, CastIn("m003", "r3")))

	n, err := s.QueueNotice(ctx, announce, Officer)
	must(t, err)
	if n != 3 {
		t.Fatalf("the announcement was queued for %d members, want 3 (m002 is suspended)", n)
	}
	_, err = s.QueueNotice(ctx, announce, "someone-else")
	wantErr(t, "queuing the announcement again", err, models.ErrExists)
	if n, err = s.QueueNotice(ctx, remind, Officer); err != nil || n != 2 {
		t.Fatalf("the reminder was queued for %d members (%v), want 2: m003 voted", n, err)
	}
	wantCounts(t, report(t, s, announce), map[string]int{models.OutboxPending: 3})
	_, err = s.QueueNotice(ctx, models.Notice{ElectionID: "e1", Kind: models.NoticeResults, Slot: "published"}, Officer)
	wantErr(t, "a results notice for an open election", err, models.ErrWrongState)
	_, err = s.QueueNotice(ctx, models.Notice{ElectionID: "nope", Kind: models.NoticeAnnounce, Slot: "open"}, Officer)
	wantErr(t, "a notice for no election", err, models.ErrNotFound)

	log, err := s.AuditLog(ctx)
	must(t, err)
	var queued []string
	for _, e := range log {
		if e.Action == "notice.queue" {
			queued = append(queued, e.Detail)
		}
	}
	want := []string{"notice e1/announce/open queued for 3 members", "notice e1/remind/2d queued for 2 members"}
	if !slices.Equal(queued, want) {
		t.Errorf("audited %q, want %q", queued, want)
	}
	verifyChain(t, s)
}

// A member without an address gets a failed row that says why.
func testNoticeNoAddress(t *testing.T, s models.Store) {
	At(s, T0)
	must(t, s.ImportMembers(ctx, []models.Member{Member("m000"), {ID: "m001", Name: "No Address", Status: models.Active, Joined: T0.Add(-time.Hour), Keys: []models.Key{Key("m001", 1)}}}, Officer))
	must(t, s.CreateElection(ctx, models.Election{Definition: Definition("e1"), Recipients: []string{"age1test"}}, Officer))
	must(t, s.OpenElection(ctx, "e1", Fingerprint(t, s, "e1"), Officer))
	_, err := s.QueueNotice(ctx, announce, Officer)
	must(t, err)
	r := report(t, s, announce)
	wantCounts(t, r, map[string]int{models.OutboxPending: 1, models.OutboxFailed: 1})
	for _, nr := range r.Reasons {
		if nr.State == models.OutboxFailed && (nr.Reason != models.ReasonNoAddress || !slices.Equal(nr.Members, []string{"m001"})) {
			t.Errorf("failed row: %+v, want m001 with %q", nr, models.ReasonNoAddress)
		}
	}
}

// claimAll claims batches of size until none is left, recording each
// item sent, and returns the items.
func claimAll(t *testing.T, s models.Store, holder string, size int) []models.OutboxItem {
	t.Helper()
	var all []models.OutboxItem
	for {
		items, err := s.ClaimNotices(ctx, holder, size, noticeLease)
		must(t, err)
		if len(items) == 0 {
			return all
		}
		deliver(t, s, holder, items)
		all = append(all, items...)
	}
}

// deliver sends items the way the service does: the sending mark of each
// with the outcome of the one before.
func deliver(t *testing.T, s models.Store, holder string, items []models.OutboxItem) {
	t.Helper()
	var done []models.Delivery
	for i := range items {
		mine, err := s.RecordDeliveries(ctx, holder, done, &items[i], noticeLease)
		must(t, err)
		if !mine {
			t.Fatalf("%s lost %s/%s, claimed a moment ago", holder, items[i].Notice.ID(), items[i].MemberID)
		}
		done = []models.Delivery{{NoticeID: items[i].Notice.ID(), MemberID: items[i].MemberID, State: models.OutboxSent}}
	}
	_, err := s.RecordDeliveries(ctx, holder, done, nil, noticeLease)
	must(t, err)
}

// startSending queues n, has front-1 claim its rows and marks the first
// one sending, as a front end does before its first mail.
func startSending(t *testing.T, s models.Store, n models.Notice) []models.OutboxItem {
	t.Helper()
	_, err := s.QueueNotice(ctx, n, Officer)
	must(t, err)
	items, err := s.ClaimNotices(ctx, "front-1", 10, noticeLease)
	must(t, err)
	_, err = s.RecordDeliveries(ctx, "front-1", nil, &items[0], noticeLease)
	must(t, err)
	return items
}

// A claim returns what the mail needs; a member who voted after the
// reminder was queued is skipped, not mailed; a retry waits its backoff;
// a permanent failure stays failed.
func testNoticeClaim(t *testing.T, s models.Store) {
	Setup(t, s, MemberIDs(4), nil)
	now := T0.Add(2 * time.Hour)
	At(s, now)
	_, err := s.QueueNotice(ctx, remind, Officer)
	must(t, err)
	must(t, At(s, now).Cast(ctx, CastIn("m001", "r1")))

	items, err := s.ClaimNotices(ctx, "front-1", 10, noticeLease)
	must(t, err)
	var got []string
	for _, it := range items {
		got = append(got, it.MemberID)
		if it.Notice != remind || it.Email != it.MemberID+"@example.org" || it.Name != "Member "+it.MemberID {
			t.Errorf("claimed %+v", it)
		}
	}
	if !slices.Equal(got, []string{"m000", "m002", "m003"}) {
		t.Fatalf("claimed %v, want m000 m002 m003 (m001 voted)", got)
	}
	if more, err := s.ClaimNotices(ctx, "front-2", 10, noticeLease); err != nil || len(more) != 0 {
		t.Fatalf("a second front end claimed %d rows already held (%v)", len(more), err)
	}
	_, err = s.RecordDeliveries(ctx, "front-1", nil, &items[0], noticeLease)
	must(t, err)
	_, err = s.RecordDeliveries(ctx, "front-1", []models.Delivery{
		{NoticeID: remind.ID(), MemberID: "m000", State: models.OutboxSent},
		{NoticeID: remind.ID(), MemberID: "m002", State: models.OutboxPending, Reason: "421 try later", RetryIn: 10 * time.Minute},
		{NoticeID: remind.ID(), MemberID: "m003", State: models.OutboxFailed, Reason: "550 no such user"},
	}, nil, noticeLease)
	must(t, err)
	wantCounts(t, report(t, s, remind), map[string]int{models.OutboxSent: 1, models.OutboxPending: 1, models.OutboxFailed: 1, models.OutboxSkipped: 1})

	if early, err := At(s, now.Add(9*time.Minute)).ClaimNotices(ctx, "front-2", 10, noticeLease); err != nil || len(early) != 0 {
		t.Fatalf("a retry was claimed before its backoff: %d (%v)", len(early), err)
	}
	retry, err := At(s, now.Add(11*time.Minute)).ClaimNotices(ctx, "front-2", 10, noticeLease)
	must(t, err)
	if len(retry) != 1 || retry[0].MemberID != "m002" || retry[0].Attempts != 1 {
		t.Fatalf("after the backoff claimed %+v, want m002's second attempt", retry)
	}
	r := report(t, s, remind)
	var reasons []string
	for _, nr := range r.Reasons {
		reasons = append(reasons, nr.State+": "+nr.Reason+" "+strings.Join(nr.Members, ","))
	}
	want := []string{"claimed: 421 try later ", "failed: 550 no such user m003", "sent:  ", "skipped: " + models.ReasonVoted + " "}
	if !slices.Equal(reasons, want) {
		t.Errorf("reasons\n%q\nwant\n%q", reasons, want)
	}
}

// A front end that dies leaves its sending row uncertain, never sent
// again, and its other claimed rows to another front end once the lease
// ran out; the dead one's late word cannot take a row back.
func testNoticeCrash(t *testing.T, s models.Store) {
	Setup(t, s, MemberIDs(4), nil)
	_, err := s.QueueNotice(ctx, announce, Officer)
	must(t, err)
	dead, err := s.ClaimNotices(ctx, "dead", 3, noticeLease)
	must(t, err)
	if len(dead) != 3 {
		t.Fatalf("claimed %d, want 3", len(dead))
	}
	// dead sent m000 and died with m001 on the wire.
	_, err = s.RecordDeliveries(ctx, "dead", nil, &dead[0], noticeLease)
	must(t, err)
	_, err = s.RecordDeliveries(ctx, "dead", []models.Delivery{{NoticeID: announce.ID(), MemberID: "m000", State: models.OutboxSent}}, &dead[1], noticeLease)
	must(t, err)

	if early, err := At(s, T0.Add(noticeLease-time.Second)).ClaimNotices(ctx, "alive", 10, noticeLease); err != nil || len(early) != 1 || early[0].MemberID != "m003" {
		t.Fatalf("before the lease ran out another front end claimed %+v (%v), want only m003", early, err)
	}
	later := At(s, T0.Add(noticeLease+time.Second))
	rest := claimAll(t, later, "alive", 10)
	var got []string
	for _, it := range rest {
		got = append(got, it.MemberID)
	}
	if !slices.Equal(got, []string{"m002"}) {
		t.Fatalf("after the lease claimed %v, want m002 only (m001 is uncertain, m003 held)", got)
	}
	if mine, err := later.RecordDeliveries(ctx, "dead", nil, &dead[2], noticeLease); err != nil || mine {
		t.Fatalf("the dead front end marked m002 sending again: %v %v", mine, err)
	}
	r := report(t, s, announce)
	wantCounts(t, r, map[string]int{models.OutboxSent: 2, models.OutboxUncertain: 1, models.OutboxClaimed: 1})
	for _, nr := range r.Reasons {
		if nr.State == models.OutboxUncertain && !slices.Equal(nr.Members, []string{"m001"}) {
			t.Errorf("uncertain: %+v, want m001", nr)
		}
	}
	// A mail known to be sent after all is recorded as sent.
	_, err = later.RecordDeliveries(ctx, "dead", []models.Delivery{{NoticeID: announce.ID(), MemberID: "m001", State: models.OutboxSent}}, nil, noticeLease)
	must(t, err)
	wantCounts(t, report(t, s, announce), map[string]int{models.OutboxSent: 3, models.OutboxClaimed: 1})
}

// The close folds the rows of notices to those who had not voted into
// counts; a reminder is not sent after the close: its unsent rows are
// skipped by the close itself.
func testNoticeFoldAtClose(t *testing.T, s models.Store) {
	Setup(t, s, MemberIDs(4), nil)
	_, err := s.QueueNotice(ctx, announce, Officer)
	must(t, err)
	_, err = s.QueueNotice(ctx, remind, Officer)
	must(t, err)
	items, err := s.ClaimNotices(ctx, "front-1", 5, noticeLease)
	must(t, err)
	deliver(t, s, "front-1", items)
	must(t, At(s, T0.Add(time.Hour)).Cast(ctx, CastIn("m002", "r2")))
	err = At(s, T0.Add(49*time.Hour)).CloseElection(ctx, "e1", Officer)
	if err != nil && !errors.As(err, new(*models.ScrubError)) {
		t.Fatal(err)
	}
	r := report(t, s, remind)
	if !r.Folded {
		t.Fatalf("the reminder's rows were kept after the close: %+v", r)
	}
	wantCounts(t, r, map[string]int{models.OutboxSent: 1, models.OutboxSkipped: 3})
	for _, nr := range r.Reasons {
		if len(nr.Members) != 0 {
			t.Errorf("a folded notice names members: %+v", nr)
		}
	}
	if a := report(t, s, announce); a.Folded || a.Total() != 4 {
		t.Errorf("the announcement after the close: %+v, want its 4 rows kept", a)
	}
	left, err := s.ClaimNotices(ctx, "front-1", 10, noticeLease)
	must(t, err)
	if len(left) != 0 {
		t.Fatalf("after the close claimed %+v", left)
	}
	_, err = s.QueueNotice(ctx, models.Notice{ElectionID: "e1", Kind: models.NoticeRemind, Slot: "6h"}, Officer)
	wantErr(t, "a reminder after the close", err, models.ErrWrongState)

	// The results notice waits for the publication, then goes to the roll.
	results := models.Notice{ElectionID: "e1", Kind: models.NoticeResults, Slot: "published"}
	must(t, s.SaveResult(ctx, "e1", storedResult(), Officer))
	_, err = s.QueueNotice(ctx, results, Officer)
	wantErr(t, "the results notice before the publication", err, models.ErrWrongState)
	must(t, s.SaveBundle(ctx, "e1", []byte("bundle"), Officer))
	if n, err := s.QueueNotice(ctx, results, Officer); err != nil || n != 4 {
		t.Fatalf("the results notice after the publication: %d rows, %v; want 4", n, err)
	}
}

// Front ends claiming at once share the rows: each is mailed by one.
func testNoticeClaimRace(t *testing.T, stores []models.Store) {
	s := stores[0]
	Setup(t, s, MemberIDs(200), nil)
	_, err := s.QueueNotice(ctx, announce, Officer)
	must(t, err)
	var mu sync.Mutex
	seen := map[string]string{}
	var wg sync.WaitGroup
	for i, st := range stores {
		wg.Go(func() {
			holder := fmt.Sprintf("front-%d", i)
			for _, it := range claimAll(t, st, holder, 7) {
				mu.Lock()
				if other, dup := seen[it.MemberID]; dup {
					t.Errorf("%s claimed by %s and %s", it.MemberID, other, holder)
				}
				seen[it.MemberID] = holder
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != 200 {
		t.Fatalf("%d members mailed, want 200", len(seen))
	}
	wantCounts(t, report(t, s, announce), map[string]int{models.OutboxSent: 200})
}

// A member who votes after their reminder was claimed, while the front
// end is still working through its batch, must not be mailed "you have
// not voted yet": the sending mark (the last moment before the SMTP
// transaction) checks the roll again, as the claim does.
func testNoticeSendingMarkChecksVote(t *testing.T, s models.Store) {
	Setup(t, s, MemberIDs(3), nil)
	now := T0.Add(2 * time.Hour)
	At(s, now)
	_, err := s.QueueNotice(ctx, remind, Officer)
	must(t, err)
	items, err := s.ClaimNotices(ctx, "front-1", 10, noticeLease)
	must(t, err)
	if len(items) != 3 {
		t.Fatalf("claimed %d, want 3", len(items))
	}
	// front-1 mails m000; meanwhile m001 votes.
	_, err = s.RecordDeliveries(ctx, "front-1", nil, &items[0], noticeLease)
	must(t, err)
	must(t, At(s, now.Add(time.Second)).Cast(ctx, CastIn("m001", "r1")))
	mine, err := s.RecordDeliveries(ctx, "front-1", []models.Delivery{{NoticeID: remind.ID(), MemberID: "m000", State: models.OutboxSent}}, &items[1], noticeLease)
	must(t, err)
	if mine {
		t.Errorf("m001 voted before their reminder was marked sending, yet the mark says send it")
	}
}

// The close while a front end is half-way through its batch: the mail on
// the wire is recorded when it went out, and no row stays claimed or
// sending for ever (notice status would show it pending for a closed
// election, and nothing ever settles it: the close cleared its lease).
func testNoticeCloseSettlesBatch(t *testing.T, s models.Store) {
	Setup(t, s, MemberIDs(3), nil)
	items := startSending(t, s, announce)
	// m000's mail is on the wire when the officer closes the election.
	err := At(s, T0.Add(49*time.Hour)).CloseElection(ctx, "e1", Officer)
	if err != nil && !errors.As(err, new(*models.ScrubError)) {
		t.Fatal(err)
	}
	mine, err := s.RecordDeliveries(ctx, "front-1", []models.Delivery{{NoticeID: announce.ID(), MemberID: "m000", State: models.OutboxSent}}, &items[1], noticeLease)
	must(t, err)
	if mine {
		t.Errorf("m001's announcement was marked sending after the close")
	}
	// Long after, another front end's claim settles what is left.
	_, err = At(s, T0.Add(100*time.Hour)).ClaimNotices(ctx, "front-2", 10, noticeLease)
	must(t, err)
	r := report(t, s, announce)
	if r.Counts[models.OutboxSent] != 1 || r.Counts[models.OutboxClaimed]+r.Counts[models.OutboxSending] != 0 {
		t.Errorf("after the close: %v, want m000 sent and no row still claimed or sending", r.Counts)
	}
}

// After the close a reminder keeps counts only: "who got a reminder says
// who had not voted by then". Relays name the recipient in their replies
// (Postfix: "550 5.1.1 <user@domain>: Recipient address rejected"), so
// the folded counts are grouped by state and booth's own reasons, never
// by the server's text.
func testNoticeFoldKeepsNoReply(t *testing.T, s models.Store) {
	Setup(t, s, MemberIDs(3), nil)
	startSending(t, s, remind)
	_, err := s.RecordDeliveries(ctx, "front-1", []models.Delivery{{NoticeID: remind.ID(), MemberID: "m000", State: models.OutboxFailed,
		Reason: "RCPT TO: 550 5.1.1 <m000@example.org>: Recipient address rejected: User unknown in local recipient table"}}, nil, noticeLease)
	must(t, err)
	err = At(s, T0.Add(49*time.Hour)).CloseElection(ctx, "e1", Officer)
	if err != nil && !errors.As(err, new(*models.ScrubError)) {
		t.Fatal(err)
	}
	r := report(t, s, remind)
	if !r.Folded {
		t.Fatalf("not folded: %+v", r)
	}
	for _, nr := range r.Reasons {
		if strings.Contains(nr.Reason, "m000") {
			t.Errorf("the closed election's reminder still names a member who had not voted: %q", nr.Reason)
		}
	}
}

// An officer who fixed what failed the rows (the sender, a member's
// address) queues the failed ones again: they go out with a fresh count
// of attempts, the sent ones are left alone.
func testNoticeRetryFailed(t *testing.T, s models.Store) {
	Setup(t, s, MemberIDs(3), nil)
	startSending(t, s, announce)
	_, err := s.RecordDeliveries(ctx, "front-1", []models.Delivery{
		{NoticeID: announce.ID(), MemberID: "m000", State: models.OutboxSent},
		{NoticeID: announce.ID(), MemberID: "m001", State: models.OutboxFailed, Reason: "RCPT TO: 550 no such user"},
		{NoticeID: announce.ID(), MemberID: "m002", State: models.OutboxFailed, Reason: "RCPT TO: 550 no such user"},
	}, nil, noticeLease)
	must(t, err)
	n, err := s.RetryFailedNotices(ctx, "e1", models.NoticeAnnounce, Officer)
	must(t, err)
	if n != 2 {
		t.Errorf("re-queued %d, want the 2 failed", n)
	}
	wantCounts(t, report(t, s, announce), map[string]int{models.OutboxSent: 1, models.OutboxPending: 2})
	again, err := s.ClaimNotices(ctx, "front-1", 10, noticeLease)
	must(t, err)
	if len(again) != 2 || again[0].Attempts != 0 {
		t.Errorf("claimed again %+v, want m001 and m002 with no attempts counted", again)
	}
	_, err = s.RetryFailedNotices(ctx, "nope", models.NoticeAnnounce, Officer)
	wantErr(t, "an unknown election", err, models.ErrNotFound)
}
