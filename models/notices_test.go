package models_test

import (
	"crypto/sha256"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/mailer"
)

// queued lists the notices queued for election id.
func queued(t *testing.T, e *env, id string) []string {
	t.Helper()
	rs, err := e.svc.NoticeReports(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.Notice.ID())
	}
	return ids
}

// The clock queues what the schedule calls for, each notice once: the
// announcement at the opening, the latest reminder due (not every one
// missed during a pause), and, while the close is extended for a missed
// quorum, the extension and a reminder every period.
func TestNoticeSchedule(t *testing.T) {
	e := newEnv(t, 4)
	d := definition("e1")
	d.Quorum = models.QuorumRule{Percent: 50, Extend: 24 * time.Hour}
	d.Notices = models.NoticeSchedule{Announce: true, Remind: []time.Duration{36 * time.Hour, 24 * time.Hour, 6 * time.Hour}, RemindUntilQuorum: 12 * time.Hour}
	e.open(t, d)
	tick := func(at time.Duration) []string {
		t.Helper()
		e.clock.Set(t0.Add(at))
		if err := e.svc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.NoticeTick(ctx); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.NoticeTick(ctx); err != nil { // a second front end, or the next tick
			t.Fatal(err)
		}
		return queued(t, e, "e1")
	}
	steps := []struct {
		at   time.Duration
		want []string
	}{
		{time.Hour, []string{"e1/announce/open"}},
		{11 * time.Hour, []string{"e1/announce/open"}},
		// A pause over the 36h and 24h reminders: only the 24h one.
		{25 * time.Hour, []string{"e1/announce/open", "e1/remind/1d"}},
		{42*time.Hour + time.Minute, []string{"e1/announce/open", "e1/remind/1d", "e1/remind/6h"}},
		// Nobody voted: the close moves on by a day.
		{48*time.Hour + time.Minute, []string{"e1/announce/open", "e1/remind/1d", "e1/remind/6h", "e1/extended/1"}},
		{60*time.Hour + time.Minute, []string{"e1/announce/open", "e1/remind/1d", "e1/remind/6h", "e1/extended/1", "e1/remind/quorum-1"}},
	}
	for _, s := range steps {
		if got := tick(s.at); !slices.Equal(got, s.want) {
			t.Fatalf("at t0+%s queued %q, want %q", s.at, got, s.want)
		}
	}
}

// Without a [notices] table nothing is queued.
func TestNoScheduleNoNotices(t *testing.T) {
	e := newEnv(t, 2)
	e.open(t, definition("e1"))
	e.clock.Set(t0.Add(47 * time.Hour))
	if err := e.svc.NoticeTick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := queued(t, e, "e1"); len(got) != 0 {
		t.Fatalf("queued %q", got)
	}
}

// The booth shows a notice for each open election the member has not
// voted in; it disappears once they voted.
func TestMemberNotices(t *testing.T) {
	e := newEnv(t, 2)
	d := definition("e1")
	d.Title = "Board \x1b[2J2026"
	e.open(t, d)
	ns, err := e.svc.MemberNotices(ctx, memberID(0))
	if err != nil || len(ns) != 1 || ns[0].ElectionID != "e1" || !strings.Contains(ns[0].Text, "you have not voted yet") {
		t.Fatalf("before voting: %+v %v", ns, err)
	}
	must(t, e.store.Cast(ctx, models.Cast{ElectionID: "e1", MemberID: memberID(0), ReceiptHash: sha256.Sum256([]byte("r")), Sealed: []byte("x")}))
	if ns, err := e.svc.MemberNotices(ctx, memberID(0)); err != nil || len(ns) != 0 {
		t.Fatalf("after voting: %+v %v", ns, err)
	}
	if ns, err := e.svc.MemberNotices(ctx, memberID(1)); err != nil || len(ns) != 1 {
		t.Fatalf("the other member: %+v %v", ns, err)
	}
	e.clock.Set(t0.Add(49 * time.Hour))
	if ns, err := e.svc.MemberNotices(ctx, memberID(1)); err != nil || len(ns) != 0 {
		t.Fatalf("after the close: %+v %v", ns, err)
	}
}

// Hostile fields (an officer's title with escapes, a name with CRLF)
// cannot break the subject's line, add a header or reach a terminal.
func TestNoticeTemplateHostileFields(t *testing.T) {
	tmpl := models.DefaultNoticeTemplates()
	for _, k := range models.NoticeKinds() {
		subject, body, err := tmpl.Render(k, models.NoticeFields{
			Name:  "Eve\r\nBcc: victim@example.com",
			Title: "Board\x1b]52;c;ZXZpbA==\x07 2026\u202e\r\nX-Injected: yes",
			SSH:   "ssh vote.example.org\x1b[2J",
		})
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(subject, "\r\n\x1b\u202e") {
			t.Errorf("%s: subject %q", k, subject)
		}
		if strings.ContainsAny(body, "\r\x1b\x07\u202e") {
			t.Errorf("%s: body %q", k, body)
		}
		for _, line := range strings.Split(body, "\n") {
			if strings.HasPrefix(line, "Bcc:") || strings.HasPrefix(line, "X-Injected:") {
				t.Errorf("%s: a field started a line of its own: %q", k, line)
			}
		}
	}
}

// A foundation's template replaces the built-in one; mistakes are
// reported with the file.
func TestLoadNoticeTemplates(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("remind.txt", "Subject: Please vote, {{.Name}}\n\n{{.Title}} closes {{.Closes}}.\n{{.SSH}}\n")
	tmpl, err := models.LoadNoticeTemplates(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, b, err := tmpl.Render(models.NoticeRemind, models.NoticeFields{Name: "Ann", Title: "Board", Closes: "2026-03-03 12:00 UTC", SSH: "ssh v"})
	if err != nil || s != "Please vote, Ann" || b != "Board closes 2026-03-03 12:00 UTC.\nssh v\n" {
		t.Fatalf("rendered %q %q %v", s, b, err)
	}
	if s, _, _ := tmpl.Render(models.NoticeAnnounce, models.NoticeFields{Title: "Board"}); s != "Voting is open: Board" {
		t.Fatalf("the built-in announcement: %q", s)
	}
	for _, tc := range []struct{ text, want string }{
		{"no subject line\n\nbody", `must start with a line "Subject: …"`},
		{"Subject: x\n\n{{.Nmae}}", "can't evaluate field Nmae"},
		{"Subject: x\n\n{{.Name", "unclosed action"},
		{"Subject: x\n\nhi \x1b[2J", "remind.txt"},
	} {
		write("remind.txt", tc.text)
		_, err := models.LoadNoticeTemplates(dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.text, err, tc.want)
		}
	}
	if _, err := models.LoadNoticeTemplates(filepath.Join(dir, "nope")); err == nil {
		t.Error("a missing directory was accepted")
	}
}

func TestParseNoticeKind(t *testing.T) {
	if k, err := models.ParseNoticeKind(" Remind "); err != nil || k != models.NoticeRemind {
		t.Fatalf("%v %v", k, err)
	}
	if _, err := models.ParseNoticeKind("remnd"); err == nil || !strings.Contains(err.Error(), "announce, remind, extended, results") {
		t.Fatalf("%v", err)
	}
}

// A refused notice says why.
func TestNoticeRefusals(t *testing.T) {
	e := newEnv(t, 2)
	e.create(t, definition("e1"))
	_, _, err := e.svc.QueueNoticeByHand(ctx, "e1", models.NoticeAnnounce, officer)
	if !errors.Is(err, models.ErrWrongState) || !strings.Contains(err.Error(), "only while it is open") {
		t.Fatalf("an announcement of a draft: %v", err)
	}
	if _, err := e.svc.PreviewNotice(ctx, "e1", models.NoticeResults); !errors.Is(err, models.ErrWrongState) {
		t.Fatalf("a results preview of a draft: %v", err)
	}
	if _, err := e.svc.NoticeReports(ctx, "nope"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("status of no election: %v", err)
	}
	if _, err := e.svc.DeliverNotices(ctx); err == nil || !strings.Contains(err.Error(), "--smtp") {
		t.Fatalf("delivering without a mail server: %v", err)
	}
}

// With the mail server down a batch stops at its first mail: the others
// are not each tried and counted, and nothing is lost or failed.
func TestMailServerDown(t *testing.T) {
	e := newEnv(t, 0)
	var ms []models.Member
	for i := range 5 {
		ms = append(ms, models.Member{ID: memberID(i), Name: "M", Email: memberID(i) + "@example.org", Status: models.Active})
	}
	must(t, e.store.ImportMembers(ctx, ms, officer))
	e.open(t, definition("e1"))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	addr := l.Addr().String()
	l.Close() // nobody listens there now
	ml, err := mailer.New(mailer.Config{URL: "smtp://" + addr + "?tls=none", From: "vote@example.org", Timeout: 2 * time.Second})
	must(t, err)
	e.svc.SetNotices(models.NoticeConfig{Mailer: ml})
	_, _, err = e.svc.QueueNoticeByHand(ctx, "e1", models.NoticeAnnounce, officer)
	must(t, err)
	st, err := e.svc.DeliverNotices(ctx)
	if !errors.Is(err, models.ErrMailServerDown) || st != (models.DeliveryStats{Retried: 1}) {
		t.Fatalf("delivering with the server down: %+v, %v", st, err)
	}
	rs, err := e.svc.NoticeReports(ctx, "e1")
	must(t, err)
	if c := rs[0].Counts; c[models.OutboxPending] != 1 || c[models.OutboxClaimed] != 4 || c[models.OutboxFailed] != 0 {
		t.Fatalf("after the failed batch: %v", c)
	}
}
