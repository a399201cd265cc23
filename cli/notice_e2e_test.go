package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/mailer/mailpittest"
	"vote.example.org/booth/models/sqlite"
	boothssh "vote.example.org/booth/ssh"
	"vote.example.org/booth/tally"
)

// boothBinary builds booth once per test run, for tests that run it as
// a process of its own (to kill it).
func boothBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "booth")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building booth: %v\n%s", err, out)
	}
	return bin
}

// noticeElection fills a test data directory with n members (m0000…,
// each with an address and a key), then one more for each of names, and
// an election "e1" open now.
func noticeElection(t *testing.T, n int, names ...string) (data string, st *sqlite.Store) {
	t.Helper()
	data = t.TempDir()
	st, err := sqlite.OpenTestData(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ms := make([]models.Member, n+len(names))
	for i := range ms {
		id := fmt.Sprintf("m%04d", i)
		name := "Member " + id
		if i >= n {
			name = names[i-n]
		}
		ms[i] = models.Member{ID: id, Name: name, Email: id + "@example.org", Status: models.Active,
			Joined: time.Now().Add(-time.Hour), Keys: []models.Key{{Fingerprint: "SHA256:" + id, Type: "ssh-ed25519", Public: "ssh-ed25519 AAAA" + id}}}
	}
	ctx := context.Background()
	if err := st.ImportMembers(ctx, ms, "officer"); err != nil {
		t.Fatal(err)
	}
	svc := models.NewService(st)
	now := time.Now().UTC().Truncate(time.Second)
	d := models.Definition{ID: "e1", Title: "Board 2026", Method: tally.Approval, Seats: 1, TieSeed: "seed",
		Candidates: []models.Candidate{{ID: "ada", Name: "Ada"}, {ID: "bob", Name: "Bob"}},
		OpensAt:    now.Add(time.Minute), ClosesAt: now.Add(72 * time.Hour)}
	if _, _, err := svc.CreateElection(ctx, d, filepath.Join(t.TempDir(), "tally.key"), "officer"); err != nil {
		t.Fatal(err)
	}
	if err := svc.OpenElection(ctx, "e1", "officer"); err != nil {
		t.Fatal(err)
	}
	return data, st
}

// vote casts for the members, straight through the store.
func vote(t *testing.T, st models.Store, ids []string) {
	t.Helper()
	for _, id := range ids {
		r := sha256.Sum256([]byte(rand.Text()))
		if err := st.Cast(context.Background(), models.Cast{ElectionID: "e1", MemberID: id, Key: "SHA256:" + id, ReceiptHash: r, Sealed: []byte("sealed")}); err != nil {
			t.Fatal(err)
		}
	}
}

// The end-to-end case, against a real SMTP server: 2,000
// members, the election opens and each gets one announcement, although
// three front ends sending it are SIGKILLed on the way and another
// finishes; 700 vote and the reminder goes to exactly the 1,300 others.
// A mail on the wire at a kill is reported uncertain and never sent
// again: its member got it once or not at all.
func TestNoticesEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("mails 3,300 notices")
	}
	mp := mailpittest.Start(t)
	bin := boothBinary(t)
	const members = 2000
	data, st := noticeElection(t, members)
	mail := []string{"--data", data, "--smtp", mp.URL(), "--mail-from", "Elections <vote@example.org>", "--ssh-command", "ssh vote.example.org", "--claim-lease", "10s"}

	// Three front ends in turn are killed, at a quarter, half and three
	// quarters of the members: each kill may catch a mail the server took
	// whose "sent" mark did not commit.
	for i, at := range []int{members / 4, members / 2, members * 3 / 4} {
		fe := exec.Command(bin, append([]string{"notice", "send", "e1", "announce"}, mail...)...)
		var out bytes.Buffer
		fe.Stdout, fe.Stderr = &out, &out
		if err := fe.Start(); err != nil {
			t.Fatal(err)
		}
		for len(mp.Messages(t)) < at {
			time.Sleep(10 * time.Millisecond)
		}
		if err := fe.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err := fe.Wait()
		if ws, ok := fe.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("front end %d was not killed (it finished first: %v)\n%s", i+1, err, out.String())
		}
		t.Logf("killed front end %d after %d announcements in all", i+1, len(mp.Messages(t)))
	}
	if got := len(mp.Messages(t)); got >= members {
		t.Fatalf("the killed front ends had mailed all %d already", got)
	}

	// Another front end finishes, once the dead ones' claims ran out.
	time.Sleep(11 * time.Second)
	out, err := exec.Command(bin, append([]string{"notice", "deliver"}, mail...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("the second front end: %v\n%s", err, out)
	}
	t.Logf("second front end: %s", strings.TrimSpace(string(out)))

	reports, err := st.NoticeReports(context.Background(), "e1")
	if err != nil || len(reports) != 1 {
		t.Fatalf("reports %+v %v", reports, err)
	}
	r := reports[0]
	uncertain := map[string]bool{}
	for _, nr := range r.Reasons {
		if nr.State == models.OutboxUncertain {
			for _, m := range nr.Members {
				uncertain[m+"@example.org"] = true
			}
		}
	}
	if r.Counts[models.OutboxSent]+len(uncertain) != members || len(uncertain) > 3 {
		t.Fatalf("announcement: %v, want %d sent but for at most three uncertain mails (the one on the wire at each kill)", r.Counts, members)
	}
	perMember := mp.CountByRecipient(t, "Voting is open: Board 2026")
	for i := range members {
		addr := fmt.Sprintf("m%04d@example.org", i)
		switch n := perMember[addr]; {
		case n > 1:
			t.Errorf("%s got the announcement %d times", addr, n)
		case n == 0 && !uncertain[addr]:
			t.Errorf("%s got no announcement, and booth does not report it uncertain", addr)
		}
	}
	t.Logf("announcement: %d members got exactly one; uncertain: %v (received: %d)", members-len(uncertain), uncertain, len(mp.Messages(t)))

	// 700 vote; the reminder goes to the 1,300 others only.
	var voters []string
	for i := range 700 {
		voters = append(voters, fmt.Sprintf("m%04d", i*2))
	}
	vote(t, st, voters)
	out, err = exec.Command(bin, append([]string{"notice", "send", "e1", "remind"}, mail...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("the reminder: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "for 1300 members") || !strings.Contains(string(out), "mailed 1300;") {
		t.Errorf("booth notice send remind said:\n%s", out)
	}
	reminded := mp.CountByRecipient(t, "Reminder: voting in Board 2026")
	voted := map[string]bool{}
	for _, id := range voters {
		voted[id+"@example.org"] = true
	}
	total := 0
	for i := range members {
		addr := fmt.Sprintf("m%04d@example.org", i)
		want := 1
		if voted[addr] {
			want = 0
		}
		if reminded[addr] != want {
			t.Errorf("%s got %d reminders, want %d", addr, reminded[addr], want)
		}
		total += reminded[addr]
	}
	if total != members-700 {
		t.Errorf("%d reminders mailed, want %d", total, members-700)
	}
}

// A mail carries the ssh command and the host key's fingerprint, and no
// link.
func TestNoticeMailContent(t *testing.T) {
	mp := mailpittest.Start(t)
	data, _ := noticeElection(t, 3)
	keyPath := filepath.Join(data, hostKeyName)
	mustBooth(t, "", "hostkey", "init", "--host-key", keyPath)
	out := mustBooth(t, "", "notice", "send", "e1", "announce", "--data", data, "--smtp", mp.URL(), "--mail-from", "vote@example.org", "--ssh-command", "ssh -p 2222 vote.example.org", "--foundation", "Example Foundation")
	if !strings.Contains(out, "queued notice e1/announce/open for 3 members") || !strings.Contains(out, "mailed 3;") {
		t.Fatalf("booth notice send:\n%s", out)
	}
	msgs := mp.Messages(t)
	if len(msgs) != 3 {
		t.Fatalf("%d messages", len(msgs))
	}
	raw := string(mp.Raw(t, msgs[0].ID))
	signer, err := boothssh.LoadHostKey(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ssh -p 2222 vote.example.org", boothssh.Fingerprint(signer), "Example Foundation", "Auto-Submitted: auto-generated", "List-Id: <e1.notices.example.org>"} {
		if !strings.Contains(raw, want) {
			t.Errorf("the mail lacks %q:\n%s", want, raw)
		}
	}
	if strings.Contains(raw, "http") {
		t.Errorf("the mail holds a link:\n%s", raw)
	}
	// Sending the announcement again mails nothing.
	out = mustBooth(t, "", "notice", "send", "e1", "announce", "--data", data, "--smtp", mp.URL(), "--mail-from", "vote@example.org")
	if !strings.Contains(out, "was sent before") || len(mp.Messages(t)) != 3 {
		t.Fatalf("a second announcement: %s (%d messages)", out, len(mp.Messages(t)))
	}
}
