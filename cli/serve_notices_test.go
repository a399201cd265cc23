package cli

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models/mailer/mailpittest"
)

// booth serve --smtp mails what an election's [notices] table schedules:
// here the announcement of an election that is open.
func TestServeMailsScheduledNotices(t *testing.T) {
	mp := mailpittest.Start(t)
	data := t.TempDir()
	for _, id := range []string{"ann", "ben"} {
		key, _ := memberTestKey(t, id)
		if code, _, errOut := booth(t, key, "--data", data, "member", "add", id, "--name", strings.ToUpper(id), "--email", id+"@example.org", "--key", "-"); code != 0 {
			t.Fatalf("member add %s: %s", id, errOut)
		}
	}
	def := writeFile(t, "board.toml", `id = "board"
title = "Board 2090"
method = "approval"
opens_at = "now"
closes_at = "+14d"
tie_seed = "seed"

[notices]
announce = true
remind = ["2d"]

[[candidate]]
id = "ada"
name = "Ada"

[[candidate]]
id = "bob"
name = "Bob"
`)
	mustBooth(t, "", "--data", data, "election", "create", def, "--key-out", filepath.Join(t.TempDir(), "tally.key"))
	s := startServing(t, "--data", data, "serve", "--listen", "127.0.0.1:0", "--smtp", mp.URL(), "--mail-from", "vote@example.org", "--ssh-command", "ssh vote.example.org")
	if !strings.Contains(s.out.String(), "mailing the elections' notices through smtp://") {
		t.Errorf("serve did not say it mails notices: %s", s.out.String())
	}
	// Within the first round, before the next one 15 seconds later.
	deadline := time.Now().Add(10 * time.Second)
	for len(mp.Messages(t)) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if code, stopped := s.stop(t); !stopped || code != 0 {
		t.Fatalf("serve: exit %d, stopped %v: %s", code, stopped, s.errOut.String())
	}
	got := mp.CountByRecipient(t, "Voting is open: Board 2090")
	if got["ann@example.org"] != 1 || got["ben@example.org"] != 1 || len(mp.Messages(t)) != 2 {
		t.Fatalf("mailed %v (%d messages), want one announcement each", got, len(mp.Messages(t)))
	}
	if logs := s.errOut.String(); strings.Contains(logs, "ann") || strings.Contains(logs, "ben") {
		t.Errorf("the log names a member:\n%s", logs)
	}
	out := mustBooth(t, "", "--data", data, "notice", "status", "board")
	if !strings.Contains(out, "board/announce/open") || !strings.Contains(out, "2        2     0        0") {
		t.Errorf("notice status:\n%s", out)
	}
}
