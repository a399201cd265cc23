package cli

import (
	"net"
	"strings"
	"testing"

	"vote.example.org/booth/models/mailer/mailpittest"
)

// Mistakes in booth notice are refused with what to do.
func TestNoticeCommandErrors(t *testing.T) {
	data, _ := noticeElection(t, 2)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "smtp://" + l.Addr().String() + "?tls=none"
	l.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"notice", "send", "nope", "remind", "--dry-run"}, "no election nope: booth election list shows the elections"},
		{[]string{"notice", "send", "e1", "remnd"}, `"remnd" is not a kind of notice; the kinds are announce, remind, extended, results`},
		{[]string{"notice", "send", "e1", "remind"}, "no mail server is configured: give --smtp"},
		{[]string{"notice", "send", "e1", "results", "--dry-run"}, "the results notice goes out once its bundle is published"},
		{[]string{"notice", "status", "nope"}, "no election nope"},
		{[]string{"notice", "send", "e1", "remind", "--smtp", "http://x", "--mail-from", "a@example.org"}, "write smtp://[USER@]HOST[:PORT]"},
		{[]string{"notice", "send", "e1", "remind", "--smtp", "smtp://u:pw@x", "--mail-from", "a@example.org"}, "BOOTH_SMTP_PASSWORD"},
		{[]string{"notice", "send", "e1", "remind", "--smtp", "smtp://x", "--mail-from", "nobody"}, "--mail-from"},
		{[]string{"notice", "send", "e1", "remind", "--smtp", "smtp://x", "--mail-from", "a@example.org", "--claim-lease", "1s"}, "give 10s or more"},
		{[]string{"notice", "send", "e1", "remind", "--mail-rate", "-1", "--dry-run"}, "--mail-rate must not be negative"},
		{[]string{"notice", "send", "e1", "remind", "--notice-templates", "/nonexistent", "--dry-run"}, "the notice templates directory /nonexistent"},
		{[]string{"notice", "send", "e1", "remind", "--smtp", down, "--mail-from", "a@example.org"}, "what is queued stays queued"},
		{[]string{"notice", "deliver"}, "no mail server is configured"},
	} {
		code, _, errOut := booth(t, "", append(tc.args, "--data", data)...)
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("booth %s: exit %d, %q; want an error saying %q", strings.Join(tc.args, " "), code, errOut, tc.want)
		}
	}
	// Nothing mailed means nothing lost: the queued reminder waits.
	out := mustBooth(t, "", "notice", "status", "e1", "--data", data)
	if !strings.Contains(out, "e1/remind/hand-") {
		t.Errorf("the reminder is not queued:\n%s", out)
	}
}

// A dry run counts the audience and shows one mail; it queues nothing.
// The reminder's, to the members who have not voted, names none of them
// and splits the whole electorate: it never tells who voted.
func TestNoticeDryRun(t *testing.T) {
	data, st := noticeElection(t, 3)
	vote(t, st, []string{"m0001"})
	out := mustBooth(t, "", "notice", "send", "e1", "remind", "--dry-run", "--data", data, "--ssh-command", "ssh vote.example.org", "--mail-from", "vote@example.org")
	for _, want := range []string{"would be mailed to 2 members now, those who have not voted\n",
		"the electorate, voted or not, by the language the members chose (en: none or English): en 3\n",
		"en: the members who chose it get booth's built-in English text; as it would be mailed, to a made-up member:",
		"To: A Member <member@example.invalid>", "Dear A Member,", "Subject: Reminder: voting in Board 2026 closes", "ssh vote.example.org", "List-Id: <e1.notices.example.org>"} {
		if !strings.Contains(out, want) {
			t.Errorf("the reminder's dry run lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "m000") {
		t.Errorf("the reminder's dry run names a member:\n%s", out)
	}
	out = mustBooth(t, "", "notice", "send", "e1", "announce", "--dry-run", "--data", data, "--ssh-command", "ssh vote.example.org", "--mail-from", "vote@example.org")
	for _, want := range []string{"would be mailed to 3 members now\n", "en: 3 members get booth's built-in English text; one of them, as it would be mailed:", "To: Member m0000 <m0000@example.org>"} {
		if !strings.Contains(out, want) {
			t.Errorf("the announcement's dry run lacks %q:\n%s", want, out)
		}
	}
	if out := mustBooth(t, "", "notice", "status", "e1", "--data", data); !strings.Contains(out, "No notice was sent") {
		t.Errorf("a dry run queued something:\n%s", out)
	}
}

// Mails a relay refused for good go out again with --retry-failed once
// the officer fixed the cause; the sent ones are not sent twice.
func TestNoticeRetryFailed(t *testing.T) {
	refusing := mailpittest.Start(t, "--enable-chaos", "--chaos-triggers", "Recipient:550:100")
	data, _ := noticeElection(t, 2)
	out := mustBooth(t, "", "notice", "send", "e1", "announce", "--data", data, "--smtp", refusing.URL(), "--mail-from", "vote@example.org")
	if !strings.Contains(out, "mailed 0; 0 to retry later, 2 failed") {
		t.Fatalf("booth notice send to a refusing relay:\n%s", out)
	}
	mp := mailpittest.Start(t)
	out = mustBooth(t, "", "notice", "send", "e1", "announce", "--retry-failed", "--data", data, "--smtp", mp.URL(), "--mail-from", "vote@example.org")
	if !strings.Contains(out, "queued again the failed announce mails of election e1 for 2 members") || !strings.Contains(out, "mailed 2;") || len(mp.Messages(t)) != 2 {
		t.Errorf("--retry-failed:\n%s", out)
	}
	out = mustBooth(t, "", "notice", "send", "e1", "announce", "--retry-failed", "--data", data, "--smtp", mp.URL(), "--mail-from", "vote@example.org")
	if !strings.Contains(out, "for 0 members") || len(mp.Messages(t)) != 2 {
		t.Errorf("--retry-failed once all were sent:\n%s", out)
	}
	code, _, errOut := booth(t, "", "notice", "send", "e1", "announce", "--retry-failed", "--dry-run", "--data", data)
	if code == 0 || !strings.Contains(errOut, "do not go together") {
		t.Errorf("--retry-failed --dry-run: exit %d, %q", code, errOut)
	}
}
