package teahost

import (
	"context"
	"io"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	cssh "charm.land/ssh"
	uv "github.com/charmbracelet/ultraviolet"
)

// A booth session whose member has pressed nothing for a while is parked:
// its bubbletea program ends, and only the booth's model, the screen's
// last content and the SSH session remain. bubbletea v2 wakes every
// program at its frame rate even when nothing changed (a thousand idle
// programs at one frame a second cost a tenth of a core on a 2-core
// machine here), and each program holds a dozen goroutines; a parked
// session holds none of them. A key press, a resize, or
// a message the booth is waiting for (a backend's answer, its own idle
// timer) starts a new program on the same model.
//
// Nothing may reach a program that is gone, so every message the booth's
// commands produce goes through the parking (see wrap), and the session's
// keys are read here (see input.go) and handed to whichever program runs.

// maxQueuedKeys is how many keys may wait for a program: beyond it the
// session stops reading its input, and SSH's flow control stops the
// client, so a member flooding keys into a waking session cannot grow
// its memory.
const maxQueuedKeys = 1024

// parking carries a session's keys, window changes and the booth's
// messages to the running program, and keeps them while none runs.
type parking struct {
	mu        sync.Mutex
	p         *tea.Program // nil while parked or between programs
	parked    bool         // the last program ended because it was parked
	quitting  bool         // the booth has quit: no program parks, none starts
	ended     bool         // run has returned
	lastInput time.Time
	msgs      []tea.Msg     // messages, keys among them, that no program has had yet
	handing   bool          // msgs are being handed to a new program
	wake      chan struct{} // something came while parked
	room      *sync.Cond    // msgs were taken, or run returned

	// panicked learns of a command that panicked; the session then ends.
	panicked func(r any)
	// timed: key presses go to the program as timedKeys.
	timed bool
}

func newParking(panicked func(r any)) *parking {
	pk := &parking{wake: make(chan struct{}, 1)}
	pk.room = sync.NewCond(&pk.mu)
	pk.panicked = func(r any) {
		panicked(r)
		pk.deliver(tea.QuitMsg{})
	}
	return pk
}

// run runs programs on the model until one ends other than by parking.
func (pk *parking) run(ctx context.Context, newProgram func() *tea.Program) {
	defer func() {
		pk.mu.Lock()
		pk.ended = true
		pk.room.Broadcast()
		pk.mu.Unlock()
	}()
	for {
		p := newProgram()
		pk.start(p)
		_, _ = p.Run()
		pk.mu.Lock()
		parked := pk.parked && !pk.quitting
		pk.p = nil
		pk.mu.Unlock()
		if !parked || ctx.Err() != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-pk.wake:
		}
	}
}

// start makes p the running program and hands it what came while none
// ran, in order: what comes meanwhile waits behind it.
func (pk *parking) start(p *tea.Program) {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	pk.p, pk.parked = p, false
	select {
	case <-pk.wake:
	default:
	}
	if len(pk.msgs) == 0 {
		return
	}
	pk.handing = true
	go func() {
		for {
			pk.mu.Lock()
			msgs := pk.msgs
			pk.msgs = nil
			pk.room.Broadcast()
			if len(msgs) == 0 || pk.p != p {
				pk.handing = false
				pk.msgs = append(msgs, pk.msgs...)
				pk.mu.Unlock()
				return
			}
			pk.mu.Unlock()
			for _, msg := range msgs {
				p.Send(msg)
			}
		}
	}()
}

// deliver hands msg to the running program, or keeps it for the next.
func (pk *parking) deliver(msg tea.Msg) {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	if _, quit := msg.(tea.QuitMsg); quit {
		// The program ends on it: that is no park, even if the
		// screen's idle timer fires as it does.
		pk.quitting = true
	}
	if pk.p != nil && !pk.handing {
		pk.p.Send(msg)
		return
	}
	pk.msgs = append(pk.msgs, msg)
	if pk.parked {
		select {
		case pk.wake <- struct{}{}:
		default:
		}
	}
}

// resize hands a window change to the running program, or wakes a
// parked session: the next program starts at the screen's new size.
func (pk *parking) resize(w cssh.Window) {
	pk.deliver(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
}

// readInput reads the session's keys until its input ends. While
// maxQueuedKeys wait for a program it reads no more.
func (pk *parking) readInput(r io.Reader) {
	keys := &keyReader{deliver: func(ev uv.Event, read time.Time) {
		pk.mu.Lock()
		for len(pk.msgs) >= maxQueuedKeys && !pk.ended {
			pk.room.Wait()
		}
		ended := pk.ended
		pk.lastInput = time.Now()
		pk.mu.Unlock()
		if ended {
			return
		}
		if k, ok := ev.(uv.KeyPressEvent); ok && pk.timed {
			pk.deliver(timedKey{key: k, read: read})
			return
		}
		pk.deliver(ev)
	}}
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			keys.feed(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// park ends the running program if no key came for quiet.
func (pk *parking) park(quiet time.Duration) {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	if pk.p == nil || pk.handing || pk.quitting || time.Since(pk.lastInput) < quiet {
		return
	}
	pk.parked = true
	p := pk.p
	pk.p = nil
	go p.Quit()
}

// wrap runs cmd on a goroutine of the parking's rather than the program's,
// and hands its message to the parking: the program that asked may be
// parked by the time the message comes (the booth's idle timer waits
// fifteen minutes), and it must not be kept alive by the wait. The
// commands of a batch are run the same way.
func (pk *parking) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		go pk.runCmd(cmd)
		return nil
	}
}

func (pk *parking) runCmd(cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			pk.panicked(r)
		}
	}()
	pk.handOn(cmd())
}

// handOn delivers what a command returned; a batch's commands run on.
func (pk *parking) handOn(msg tea.Msg) {
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			if c != nil {
				go pk.runCmd(c)
			}
		}
		return
	}
	pk.deliver(pk.wrapSequence(msg))
}
