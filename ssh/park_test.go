package ssh

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"vote.example.org/booth/ssh/internal/teahost"
)

const parkAfter = 100 * time.Millisecond

// programsRunning counts the bubbletea programs whose event loop runs.
func programsRunning() int {
	buf := make([]byte, 1<<22)
	return strings.Count(string(buf[:runtime.Stack(buf, true)]), teahost.EventLoopFrame)
}

// waitParked waits until no program runs: the session is parked.
func waitParked(t *testing.T) {
	t.Helper()
	if !eventually(func() bool { return programsRunning() == 0 }) {
		t.Fatalf("the session never parked: %d programs run", programsRunning())
	}
}

// A member who pauses between every key, long enough for the session to
// park each time, still votes: each key starts a program on the same
// booth, which carries on where it was.
func TestAParkedSessionCarriesOn(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.ParkAfter = parkAfter })
	tm := e.terminal(e.client("ada"), 80, 24)
	tm.waitFor("turnout")
	for _, step := range []struct{ keys, want string }{
		{keyEnter, "CANDIDATES"},
		{"v", "NOT RANKED"},
		{keyEnter, "1 ranked"},
		{"r", "REVIEW YOUR BALLOT"},
		{"cast" + keyEnter, "Your ballot is cast"},
	} {
		waitParked(t)
		tm.send(step.keys)
		tm.waitFor(step.want)
	}
	if box, voted := e.ballots("board"); box != 1 || voted != 1 {
		t.Fatalf("the store holds %d ballots and %d voters; want 1 and 1", box, voted)
	}
}

// The booth's own idle timer still ends a parked session, casting nothing.
func TestTheIdleTimeoutEndsAParkedSession(t *testing.T) {
	e := newTestEnv(t, func(c *Config) {
		c.ParkAfter = parkAfter
		c.IdleTimeout = time.Second
	})
	tm := e.terminal(e.client("ada"), 80, 24)
	tm.waitFor("turnout")
	waitParked(t)
	ended := make(chan error, 1)
	go func() { ended <- tm.sess.Wait() }()
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the idle session was not ended")
	}
	// Said on the main screen, where it stays once the session is gone.
	_, mainScreen, _ := strings.Cut(tm.out.String(), ansi.ResetModeAltScreenSaveCursor)
	if !strings.Contains(mainScreen, "No key was pressed") || !strings.Contains(mainScreen, "Nothing was cast") {
		t.Fatalf("the session ended without saying why:\n%q", tail(tm.out.String(), 2000))
	}
	if box, _ := e.ballots("board"); box != 0 {
		t.Fatal("a ballot was cast")
	}
}

// A parked session still gets the countdown before its idle close (in
// the second half of a short timeout), updating, and closes on time,
// saying how long no key was pressed.
func TestAParkedSessionCountsDownToItsIdleClose(t *testing.T) {
	const timeout = 4 * time.Second
	e := newTestEnv(t, func(c *Config) {
		c.ParkAfter = parkAfter
		c.IdleTimeout = timeout
	})
	began := time.Now()
	tm := e.terminal(e.client("ada"), 80, 24)
	tm.waitFor("turnout")
	waitParked(t)
	ended := make(chan error, 1)
	go func() { ended <- tm.sess.Wait() }()
	shows := func(want string) func() bool {
		return func() bool {
			screen := strings.Join(strings.Fields(replay(tm.out.String(), 80, 24)), " ")
			return strings.Contains(screen, want)
		}
	}
	for _, want := range []string{"this session closes in 2 seconds,", "this session closes in 1 second,"} {
		if !eventually(shows(want)) {
			t.Fatalf("the parked session never showed %q:\n%s", want, replay(tm.out.String(), 80, 24))
		}
	}
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the idle session was not ended")
	}
	if took := time.Since(began); took < timeout || took > timeout+2*time.Second {
		t.Errorf("the session closed after %s, with an idle timeout of %s", took, timeout)
	}
	_, mainScreen, _ := strings.Cut(tm.out.String(), ansi.ResetModeAltScreenSaveCursor)
	if !strings.Contains(mainScreen, "No key was pressed for 4 seconds") {
		t.Fatalf("the session ended without saying how long it was idle:\n%q", tail(tm.out.String(), 2000))
	}
}

// A parked session follows a resize at once.
func TestAParkedSessionFollowsAResize(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.ParkAfter = parkAfter })
	tm := e.terminal(e.client("ada"), 80, 24)
	tm.waitFor("turnout")
	waitParked(t)
	must(t, tm.sess.WindowChange(10, 40))
	tm.waitFor("please enlarge the terminal (now 40×10")
	waitParked(t)
	mark := len(tm.out.String())
	must(t, tm.sess.WindowChange(30, 100))
	if !eventually(func() bool { return strings.Contains(tm.out.String()[mark:], "turnout") }) {
		t.Fatalf("after growing back, the booth did not redraw at the new size:\n%q", tm.out.String()[mark:])
	}
	if strings.Contains(tm.out.String()[mark:], "please enlarge") {
		t.Fatal("the booth drew at the old size after growing back")
	}
}

// A window change that leaves the size as it was wakes a parked session
// (the terminal may have blanked what it cut), which repaints and parks
// again.
func TestASameSizeWindowChangeParksAgain(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.ParkAfter = parkAfter })
	tm := e.terminal(e.client("ada"), 80, 24)
	tm.waitFor("turnout")
	waitParked(t)
	mark := len(tm.out.String())
	must(t, tm.sess.WindowChange(24, 80))
	if !eventually(func() bool { return strings.Contains(tm.out.String()[mark:], "turnout") }) {
		t.Fatal("a window change did not repaint the parked session")
	}
	waitParked(t)
}
