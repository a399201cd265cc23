package ssh

import (
	"bytes"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
)

// Issue 10 item 5: a session opened with a key that an officer then
// removes could still cast. The session's key goes down to the store with
// the cast, which checks it again: the booth says why nothing was cast.
func TestRemovedKeyCannotCastInAnOpenSession(t *testing.T) {
	e := newTestEnv(t, nil)
	tm := e.terminal(e.client("ada"), 160, 24) // wide: the message on one line
	tm.toReview(2)
	removeKeys(t, e, "ada")

	tm.send("cast" + keyEnter)
	tm.waitFor("The key you signed in with is no longer registered to you")
	if strings.Contains(tm.out.String(), "Your ballot is cast") {
		t.Fatal("a session whose key was removed cast a ballot")
	}
	if box, voted := e.ballots("board"); box != 0 || voted != 0 {
		t.Fatalf("the store holds %d ballots and %d voters; want none", box, voted)
	}
}

// The same for a member suspended while their session is open.
func TestSuspendedMemberCannotCastInAnOpenSession(t *testing.T) {
	e := newTestEnv(t, nil)
	tm := e.terminal(e.client("ken"), 160, 24)
	tm.toReview(1)
	must(t, e.store.SetMemberStatus(bg, "ken", models.Suspended, "officer"))

	tm.send("cast" + keyEnter)
	tm.waitFor("Your membership is not active")
	if box, _ := e.ballots("board"); box != 0 {
		t.Fatalf("a suspended member's open session cast %d ballots", box)
	}
}

// `ssh HOST cast` passes its key down too: removed while the ballot is on
// its way, the key casts nothing, and standard error says why.
func TestRemovedKeyCannotCastOverSSHCast(t *testing.T) {
	e := newTestEnv(t, nil)
	c := e.client("ada")
	sess, err := c.NewSession()
	must(t, err)
	defer sess.Close()
	var out, errOut bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errOut
	stdin, err := sess.StdinPipe()
	must(t, err)
	must(t, sess.Start("cast board"))
	// Once the server counts the session, it has signed the member in.
	if !eventually(func() bool {
		e.srv.members.mu.Lock()
		defer e.srv.members.mu.Unlock()
		return e.srv.members.open["ada"] > 0
	}) {
		t.Fatal("the cast session never started")
	}
	_, err = stdin.Write([]byte("alma\n"))
	must(t, err)
	removeKeys(t, e, "ada")
	must(t, stdin.Close())
	err = sess.Wait()
	if exit, ok := err.(*gossh.ExitError); !ok || exit.ExitStatus() == 0 {
		t.Fatalf("the cast ended with %v, stdout %q; want a non-zero exit", err, out.String())
	}
	if !strings.Contains(errOut.String(), "the key you signed in with is no longer registered to you") {
		t.Errorf("standard error %q does not say the key was removed", errOut.String())
	}
	if box, _ := e.ballots("board"); box != 0 {
		t.Fatalf("a removed key cast %d ballots", box)
	}
}

// removeKeys removes every key of a member, as an officer would.
func removeKeys(t *testing.T, e *testEnv, member string) {
	t.Helper()
	m, err := e.store.Member(bg, member)
	must(t, err)
	for _, k := range m.Keys {
		must(t, e.store.RemoveKey(bg, member, k.Fingerprint, "officer"))
	}
}
