package sqlite

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

// crashEnv, when set, makes TestCrashMidCast the child that casts until it
// is killed, in the data directory the variable names.
const crashEnv = "BOOTH_SQLITE_CRASH_CHILD"

const crashMembers = 400

// Killing the process in the middle of casting leaves every member either
// marked with a ballot in the box, or neither; and every cast the child
// reported as committed survives. The child casts from several goroutines,
// so at any moment some cast is inside its transaction; it is killed three
// times, each time carrying on from where the last run stopped.
func TestCrashMidCast(t *testing.T) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashChild(dir)
		return
	}
	dir := t.TempDir()
	s := openStore(t, dir)
	ms := make([]models.Member, crashMembers)
	for i, id := range memberIDs(crashMembers) {
		ms[i] = member(id)
	}
	must(t, s.ImportMembers(ctx, ms, officer))
	must(t, s.CreateElection(ctx, models.Election{Definition: definition("e1")}, officer))
	must(t, storetest.At(s, t0).OpenElection(ctx, "e1", storetest.Fingerprint(t, s, "e1"), officer))
	must(t, s.Close())

	acked := 0
	for round := 1; round <= 3; round++ {
		acked += killChildAfter(t, dir, 30)
		s := openStore(t, dir)
		var check string
		must(t, s.db.QueryRow(`PRAGMA integrity_check`).Scan(&check))
		if check != "ok" {
			t.Errorf("round %d: integrity_check after the kill: %s", round, check)
		}
		marks := count(t, s, `SELECT count(*) FROM roll WHERE election_id = 'e1' AND voted = 1`)
		ballots := count(t, s, `SELECT count(*) FROM box WHERE election_id = 'e1'`)
		t.Logf("round %d: %d casts reported committed; %d roll marks, %d ballots", round, acked, marks, ballots)
		if marks != ballots {
			t.Errorf("round %d: after the kill, %d roll marks but %d ballots", round, marks, ballots)
		}
		if ballots < acked || ballots >= crashMembers {
			t.Errorf("round %d: %d ballots survive; %d were reported committed of %d (want the kill mid-way, nothing lost)", round, ballots, acked, crashMembers)
		}
		log, err := s.AuditLog(ctx)
		must(t, err)
		if _, err := models.VerifyChain(log); err != nil {
			t.Error(err)
		}
		must(t, s.Close())
	}
}

// killChildAfter runs the child until it has reported n commits, kills
// it with SIGKILL (no deferred code, no clean close) and returns how many
// commits it reported in all.
func killChildAfter(t *testing.T, dir string, n int) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashMidCast$")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	must(t, err)
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	acked := 0
	lines := bufio.NewScanner(out)
	for acked < n && lines.Scan() {
		if lines.Text() == "committed" {
			acked++
		}
	}
	must(t, cmd.Process.Kill())
	// The pipe may hold reports of commits made before the kill.
	for lines.Scan() {
		if lines.Text() == "committed" {
			acked++
		}
	}
	cmd.Wait()
	if acked < n {
		t.Fatalf("the child reported only %d casts before stopping", acked)
	}
	return acked
}

// crashChild casts for every member who has not voted, from eight
// goroutines, reporting each commit, until it is killed.
func crashChild(dir string) {
	s, err := Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	s.now = func() time.Time { return t0.Add(time.Hour) }
	ids := make(chan string)
	var out sync.Mutex
	for range 8 {
		go func() {
			for id := range ids {
				err := s.Cast(ctx, cast(id, "crash-"+id))
				if errors.Is(err, models.ErrAlreadyVoted) {
					continue
				}
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				out.Lock()
				fmt.Println("committed")
				out.Unlock()
			}
		}()
	}
	for _, id := range memberIDs(crashMembers) {
		ids <- id
	}
	select {} // wait to be killed
}
