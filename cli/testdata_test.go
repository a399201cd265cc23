package cli

import (
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models/sqlite"
)

// TestServeRefusesTestData (issue 10 item 3): booth serve on a database
// created as test or demo data, where `booth cast` casts for any member,
// stops with a message saying why and what to do instead, before it
// listens; a real database's serve is TestServeAndStopOnSIGTERM's.
func TestServeRefusesTestData(t *testing.T) {
	data := t.TempDir()
	st, err := sqlite.OpenTestData(data, nil)
	must(t, err)
	st.Close()
	out, errOut := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Run([]string{"--data", data, "serve", "--listen", "127.0.0.1:0"}, strings.NewReader(""), out, errOut)
	}()
	select {
	case code := <-done:
		want := "refusing to serve the database in " + data + ": it was created as test or demo data"
		if code == 0 || !strings.Contains(errOut.String(), want) || !strings.Contains(errOut.String(), "booth demo --data") {
			t.Errorf("booth serve on test data: exit %d, %q; want a refusal saying %q", code, errOut.String(), want)
		}
		if strings.Contains(out.String(), "listening") {
			t.Errorf("booth serve listened before refusing: %q", out.String())
		}
	case <-time.After(10 * time.Second):
		// Still serving: stop it the way an operator would.
		srv := &serving{out: out, errOut: errOut, done: done}
		srv.stop(t)
		t.Fatalf("booth serve served a test-data database: %q", out.String())
	}
}

// TestElectionCreateWarnsOnTestData (issue 10 item 3): an election created
// in a test or demo database is created (trying the commands out on the
// demo is fine) with a warning that it can only be a trial; in a real
// database there is no warning.
func TestElectionCreateWarnsOnTestData(t *testing.T) {
	data, def := electionDir(t) // created as test data
	code, _, errOut := booth(t, "", "--data", data, "election", "create", def, "--key-out", t.TempDir()+"/k")
	if code != 0 || !strings.Contains(errOut, "warning: the database in "+data+" was created as test or demo data") || !strings.Contains(errOut, "only a trial") {
		t.Errorf("election create on test data: exit %d, %q; want it created with a warning", code, errOut)
	}

	real := t.TempDir()
	code, _, errOut = booth(t, "", "--data", real, "election", "create", def, "--key-out", t.TempDir()+"/k")
	if code != 0 || strings.Contains(errOut, "test or demo data") {
		t.Errorf("election create on a real database: exit %d, %q; want no warning", code, errOut)
	}
}
