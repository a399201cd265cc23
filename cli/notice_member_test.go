package cli

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/mailer/mailpittest"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/tally"
)

// Against a real SMTP server: the clock's tick and the commands by hand
// together mail each member in the renewal window or grace exactly one
// renewal reminder, and nobody else one; every active member exactly one
// announcement that nominations are open.
func TestNoticeRenewalAndNominations(t *testing.T) {
	mp := mailpittest.Start(t)
	data := t.TempDir()
	st, err := sqlite.OpenTestData(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	if err := st.SetFoundation(ctx, models.Foundation{TermMonths: 12, WindowDays: 30, GraceDays: 14}, "officer"); err != nil {
		t.Fatal(err)
	}
	// Good until: in the window, well after it, in the grace, lapsed, in
	// the window but suspended.
	until := map[string]time.Duration{"win": 10 * 24 * time.Hour, "good": 100 * 24 * time.Hour, "grace": -5 * 24 * time.Hour, "lapsed": -30 * 24 * time.Hour, "susp": 10 * 24 * time.Hour}
	var ms []models.Member
	for id, d := range until {
		ms = append(ms, models.Member{ID: id, Name: "Member " + id, Email: id + "@example.org", Status: models.Active,
			Joined: now.AddDate(-1, 0, 0), GoodUntil: now.Add(d),
			Keys: []models.Key{{Fingerprint: "SHA256:" + id, Type: "ssh-ed25519", Public: "ssh-ed25519 AAAA" + id}}})
	}
	if err := st.ImportMembers(ctx, ms, "officer"); err != nil {
		t.Fatal(err)
	}
	if err := st.SetMemberStatus(ctx, "susp", models.Suspended, "officer"); err != nil {
		t.Fatal(err)
	}
	opens := now.Add(14 * 24 * time.Hour)
	d := models.Definition{ID: "n1", Title: "Board 2027", Method: tally.Meek, Seats: 1, OpensAt: opens, ClosesAt: opens.Add(48 * time.Hour),
		Nominations: &models.NominationRules{Opens: now.Add(-time.Hour), Closes: now.Add(7 * 24 * time.Hour), Supporters: 1},
		Notices:     models.NoticeSchedule{Announce: true}}
	if err := st.CreateElection(ctx, models.Election{Definition: d, Recipients: []string{"age1test"}}, "officer"); err != nil {
		t.Fatal(err)
	}
	mail := []string{"--data", data, "--smtp", mp.URL(), "--mail-from", "Elections <vote@example.org>", "--ssh-command", "ssh vote.example.org"}

	out := mustBooth(t, "", append([]string{"notice", "send", "--renewal", "--dry-run"}, mail...)...)
	if !strings.Contains(out, "would be mailed to 2 members now") || !strings.Contains(out, "Subject: Renew your membership") || !strings.Contains(out, "ssh vote.example.org renew") {
		t.Fatalf("the renewal dry run:\n%s", out)
	}
	if n := len(mp.Messages(t)); n != 0 {
		t.Fatalf("the dry run mailed %d", n)
	}

	// The clock's tick queues both; then by hand, twice: nothing more.
	if err := models.NewService(st).NoticeTick(ctx); err != nil {
		t.Fatal(err)
	}
	mustBooth(t, "", append([]string{"notice", "deliver"}, mail...)...)
	// Both reminded for this term: the dry run counts what a send queues.
	out = mustBooth(t, "", append([]string{"notice", "send", "--renewal", "--dry-run"}, mail...)...)
	if !strings.Contains(out, "would be mailed to 0 members now") {
		t.Errorf("the renewal dry run after the tick:\n%s", out)
	}
	out = mustBooth(t, "", append([]string{"notice", "send", "--renewal"}, mail...)...)
	if !strings.Contains(out, "for 0 members") {
		t.Errorf("renewal reminders sent by hand after the tick:\n%s", out)
	}
	out = mustBooth(t, "", append([]string{"notice", "send", "n1", "nominations"}, mail...)...)
	if !strings.Contains(out, "was sent before") {
		t.Errorf("the nominations notice sent by hand after the tick:\n%s", out)
	}

	wantRenewal := map[string]int{"win@example.org": 1, "grace@example.org": 1}
	if got := mp.CountByRecipient(t, "Renew your membership"); !maps.Equal(got, wantRenewal) {
		t.Errorf("renewal reminders by recipient: %v, want %v", got, wantRenewal)
	}
	wantNom := map[string]int{}
	for id := range until {
		if id != "susp" {
			wantNom[id+"@example.org"] = 1
		}
	}
	if got := mp.CountByRecipient(t, "Nominations are open: Board 2027"); !maps.Equal(got, wantNom) {
		t.Errorf("nominations notices by recipient: %v, want %v", got, wantNom)
	}
	if n := len(mp.Messages(t)); n != 6 {
		t.Errorf("%d messages in all, want 6 (2 reminders, 4 announcements)", n)
	}
}
