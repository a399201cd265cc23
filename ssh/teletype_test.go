package ssh

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// teletype is a session driven the way a teletype, a braille display or
// a screen reader takes it: line after line, never a cursor moved. Its
// checks fail the test on any escape sequence (cursor movement, erase,
// alternate screen, colour), on a carriage return or backspace that
// would overprint a line, and on any line printed twice, except the
// prompts (the lines the member typed on, which a question asked again
// prints again) and lines without a letter (a table's column numbers or
// rule, which two tables of a result share).
type teletype struct {
	t       *testing.T
	sess    *gossh.Session
	stdin   io.WriteCloser
	out     *lockedBuffer
	read    int             // how much of out the member has read
	prompts map[string]bool // lines the member typed on
}

// teletypeSession opens a session as member with a terminal of type
// termType (none when ""), the environment env and the command cmd (a
// shell when "").
func (e *testEnv) teletypeSession(t *testing.T, member, termType string, env map[string]string, cmd string) *teletype {
	t.Helper()
	c, err := e.dial(gossh.PublicKeys(e.keys[member]))
	must(t, err)
	t.Cleanup(func() { c.Close() })
	sess, err := c.NewSession()
	must(t, err)
	t.Cleanup(func() { sess.Close() })
	for k, v := range env {
		must(t, sess.Setenv(k, v))
	}
	if termType != "" {
		must(t, sess.RequestPty(termType, 24, 80, gossh.TerminalModes{}))
	}
	stdin, err := sess.StdinPipe()
	must(t, err)
	out := &lockedBuffer{}
	sess.Stdout, sess.Stderr = out, out
	if cmd == "" {
		must(t, sess.Shell())
	} else {
		must(t, sess.Start(cmd))
	}
	tt := &teletype{t: t, sess: sess, stdin: stdin, out: out, prompts: map[string]bool{}}
	t.Cleanup(func() {
		if !t.Failed() {
			tt.check()
		}
	})
	return tt
}

// expect waits until what was printed since the member last read holds
// s, and reads up to its end.
func (tt *teletype) expect(s string) {
	tt.t.Helper()
	var at int
	if !eventually(func() bool {
		at = strings.Index(tt.out.String()[tt.read:], s)
		return at >= 0
	}) {
		tt.t.Fatalf("the booth never printed %q; since the last answer it printed:\n%s", s, tt.out.String()[tt.read:])
	}
	tt.read += at + len(s)
}

// answer waits for the prompt (the printed text ending in ": " with
// nothing after), types line and enter.
func (tt *teletype) answer(prompt, line string) {
	tt.t.Helper()
	tt.expect(prompt)
	if !eventually(func() bool { return strings.HasSuffix(tt.out.String(), ": ") }) {
		tt.t.Fatalf("no prompt after %q; the booth printed:\n%s", prompt, tt.out.String()[tt.read:])
	}
	all := tt.out.String()
	tt.read = len(all)
	tt.prompts[all[strings.LastIndexAny(all, "\n")+1:]+line] = true
	if _, err := io.WriteString(tt.stdin, line+"\r"); err != nil {
		tt.t.Fatalf("typing %q: %v", line, err)
	}
}

// controls are what a teletype cannot print without overprinting or
// moving about: escape sequences, backspace, a carriage return not
// followed by a line feed, and the other control characters.
var controls = regexp.MustCompile(`\x1b|\x08|\r[^\n]|\r$|[\x00-\x07\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]`)

var letter = regexp.MustCompile(`\pL`)

// check fails the test on what problems finds.
func (tt *teletype) check() {
	tt.t.Helper()
	if err := tt.problems(); err != nil {
		tt.t.Fatal(err)
	}
}

// problems is the first thing printed that a teletype could not print, or
// the first line printed twice.
func (tt *teletype) problems() error {
	all := tt.out.String()
	if loc := controls.FindStringIndex(all); loc != nil {
		return fmt.Errorf("linear mode printed %q at byte %d, which a teletype cannot print:\n%q", all[loc[0]:loc[1]], loc[0], all[max(loc[0]-200, 0):min(loc[1]+100, len(all))])
	}
	seen := map[string]int{}
	for i, line := range strings.Split(strings.ReplaceAll(all, "\r\n", "\n"), "\n") {
		if !letter.MatchString(line) || tt.prompts[line] {
			continue
		}
		if first, dup := seen[line]; dup {
			return fmt.Errorf("line %d repeats line %d: %q\nthe whole transcript:\n%s", i+1, first+1, line, all)
		}
		seen[line] = i
	}
	return nil
}

// transcript is everything printed, for the logs.
func (tt *teletype) transcript() string { return tt.out.String() }

// wait waits for the session to end.
func (tt *teletype) wait() {
	tt.t.Helper()
	done := make(chan error, 1)
	go func() { done <- tt.sess.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		tt.t.Fatalf("the session did not end; it printed:\n%s", tt.out.String())
	}
}

// methodElections adds one open election per counting method, each with
// its own closing time so no two read alike, and returns their IDs by
// method.
func methodElections(e *testEnv) map[tally.Method]string {
	ids := map[tally.Method]string{}
	for i, m := range []tally.Method{tally.Schulze, tally.IRV, tally.Meek, tally.Scottish, tally.Approval, tally.YesNo} {
		id := "e-" + string(m)
		d := testDefinition(id, "Election by "+string(m))
		d.Method = m
		d.ClosesAt = d.ClosesAt.Add(time.Duration(i) * time.Hour)
		d.Description = "Why we vote on " + string(m) + ": **because** the bylaws say so."
		d.Candidates[0].Statement = "I am Alma and I stand for " + string(m) + "."
		switch m {
		case tally.Meek, tally.Scottish:
			d.Seats = 2
		case tally.YesNo:
			d.Candidates = []models.Candidate{{ID: "yes", Name: "Yes"}, {ID: "no", Name: "No"}, {ID: "abstain", Name: "Abstain"}}
			d.AllowReplace = true
		}
		e.openElection(d)
		ids[m] = id
	}
	return ids
}
