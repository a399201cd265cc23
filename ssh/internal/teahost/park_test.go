package teahost

import (
	"context"
	"io"
	"reflect"
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// The messages of a batch's and a sequence's commands, run after their
// program was parked, reach the next program; a sequence's in order.
func TestCommandMessagesOutliveTheirProgram(t *testing.T) {
	pk := newParking(func(any) {})
	pk.parked = true
	say := func(s string) tea.Cmd { return func() tea.Msg { return s } }
	kept := func() []tea.Msg {
		pk.mu.Lock()
		defer pk.mu.Unlock()
		return slices.Clone(pk.msgs)
	}
	if msg := pk.wrap(tea.Batch(say("a"), say("b")))(); msg != nil {
		t.Fatalf("a wrapped command returned %v to its program", msg)
	}
	if !eventually(func() bool { return len(kept()) == 2 }) {
		t.Fatalf("kept %v, want the batch's two messages", kept())
	}
	if got := kept(); !(reflect.DeepEqual(got, []tea.Msg{"a", "b"}) || reflect.DeepEqual(got, []tea.Msg{"b", "a"})) {
		t.Fatalf("kept %v", got)
	}
	select {
	case <-pk.wake:
	default:
		t.Fatal("a message for a parked session did not wake it")
	}

	pk.wrap(tea.Sequence(say("c"), say("d")))()
	if !eventually(func() bool { return len(kept()) == 3 }) {
		t.Fatalf("kept %v, want the sequence too", kept())
	}
	// The program that gets the sequence runs its commands in order.
	seq := reflect.ValueOf(kept()[2])
	for i := range seq.Len() {
		if msg := seq.Index(i).Interface().(tea.Cmd)(); msg != nil {
			t.Fatalf("a sequence's command returned %v to its program", msg)
		}
	}
	if got := kept()[3:]; !reflect.DeepEqual(got, []tea.Msg{"c", "d"}) {
		t.Fatalf("the sequence handed on %v, want [c d]", got)
	}
}

// A command that panics ends its session, not the server.
func TestAPanickingCommandEndsOnlyItsSession(t *testing.T) {
	var got any
	pk := newParking(func(r any) { got = r })
	pk.parked = true
	pk.runCmd(func() tea.Msg { panic("boom") })
	if got != "boom" || len(pk.msgs) != 1 || pk.msgs[0] != (tea.QuitMsg{}) {
		t.Fatalf("after a panic: reported %v, kept %v", got, pk.msgs)
	}
}

// runParking runs programs on a booth that shows text, as a session does,
// until the test ends; it returns the parking and a channel closed when
// run returns.
func runParking(t *testing.T, text string) (*parking, <-chan struct{}) {
	t.Helper()
	pk := newParking(func(any) {})
	scr := newScreen(io.Discard, colorprofile.ANSI256, 80, 24, time.Hour, func() {})
	dm := &drawnModel{inner: staticModel(text), screen: scr, parking: pk}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		pk.run(ctx, func() *tea.Program {
			return tea.NewProgram(dm, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithContext(ctx),
				tea.WithoutSignalHandler(), tea.WithoutRenderer(), tea.WithWindowSize(scr.size()), tea.WithFilter(dm.filter))
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	if !eventually(func() bool { pk.mu.Lock(); defer pk.mu.Unlock(); return pk.p != nil }) {
		t.Fatal("no program started")
	}
	return pk, done
}

// keyFlood reads as 4 KB of the j key per read, for a while.
type keyFlood struct{ until time.Time }

func (f keyFlood) Read(p []byte) (int, error) {
	if time.Now().After(f.until) {
		return 0, io.EOF
	}
	for i := range p {
		p[i] = 'j'
	}
	return len(p), nil
}

// A member flooding keys into a parked session, which wakes and is
// handed them, makes it hold at most maxQueuedKeys: the session then
// stops reading, and SSH's flow control stops the client.
func TestAKeyFloodIntoAParkedSessionIsBounded(t *testing.T) {
	pk, _ := runParking(t, "hello")
	pk.park(0)
	if !eventually(func() bool { pk.mu.Lock(); defer pk.mu.Unlock(); return pk.p == nil }) {
		t.Fatal("the session did not park")
	}
	go pk.readInput(keyFlood{until: time.Now().Add(time.Second)})
	most := 0
	for end := time.Now().Add(time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		pk.mu.Lock()
		most = max(most, len(pk.msgs))
		pk.mu.Unlock()
	}
	if most > maxQueuedKeys {
		t.Fatalf("%d keys waited for a program, more than %d", most, maxQueuedKeys)
	}
}

// A booth that quits as the screen's idle timer parks it ends the
// session: the quit is no park.
func TestAQuitAsTheSessionParksEndsIt(t *testing.T) {
	pk, done := runParking(t, "hello")
	pk.deliver(tea.QuitMsg{})
	pk.park(0)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the session whose booth quit did not end")
	}
}
