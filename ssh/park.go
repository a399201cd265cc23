package ssh

import (
	"context"
	"io"
	"reflect"
	"slices"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	cssh "charm.land/ssh"
)

// A booth session whose member has pressed nothing for a while is parked:
// its bubbletea program ends, and only the booth's model, the screen's
// last content and the SSH session remain. bubbletea v2 wakes every
// program at its frame rate even when nothing changed (a thousand idle
// programs at one frame a second cost a tenth of a core on a 2-core
// machine here), and each program holds a key table and a dozen
// goroutines; a parked session holds neither. A key press, a resize, or
// a message the booth is waiting for (a backend's answer, its own idle
// timer) starts a new program on the same model.
//
// Nothing may reach a program that is gone, so every message the booth's
// commands produce goes through the parking (see wrap), and the session's
// input is read here and handed to whichever program runs.

// parking carries a session's input, window changes and the booth's
// messages to the running program, and keeps them while none runs.
type parking struct {
	mu        sync.Mutex
	p         *tea.Program   // nil while parked or between programs
	in        *io.PipeWriter // the running program's input
	parked    bool           // the last program ended because it was parked
	lastInput time.Time
	input     [][]byte      // keys that came while no program ran
	msgs      []tea.Msg     // messages that came while no program ran
	wake      chan struct{} // something came while parked

	// writing is held while input is written to a program, so that
	// parking never cuts a write short.
	writing sync.Mutex

	// panicked learns of a command that panicked; the session then ends.
	panicked func(r any)
}

func newParking(panicked func(r any)) *parking {
	pk := &parking{wake: make(chan struct{}, 1)}
	pk.panicked = func(r any) {
		panicked(r)
		pk.deliver(tea.QuitMsg{})
	}
	return pk
}

// run runs programs on the model until one ends other than by parking:
// newProgram builds each, reading from in.
func (pk *parking) run(ctx context.Context, newProgram func(in io.Reader) *tea.Program) {
	for {
		inR, inW := io.Pipe()
		p := newProgram(inR)
		pk.start(p, inW)
		_, _ = p.Run()
		inR.Close()
		pk.mu.Lock()
		parked := pk.parked
		pk.p, pk.in = nil, nil
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

// start makes p the running program and hands it what came while none ran.
func (pk *parking) start(p *tea.Program, in *io.PipeWriter) {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	pk.p, pk.in, pk.parked = p, in, false
	input, msgs := pk.input, pk.msgs
	pk.input, pk.msgs = nil, nil
	select {
	case <-pk.wake:
	default:
	}
	if len(input) == 0 && len(msgs) == 0 {
		return
	}
	go func() {
		for _, msg := range msgs {
			p.Send(msg)
		}
		pk.writing.Lock()
		defer pk.writing.Unlock()
		for _, b := range input {
			if _, err := in.Write(b); err != nil {
				return
			}
		}
	}()
}

// keep holds what came for a program while none runs, and wakes the
// session if it is parked. Called with mu held.
func (pk *parking) keep(f func()) {
	f()
	if pk.parked {
		select {
		case pk.wake <- struct{}{}:
		default:
		}
	}
}

// deliver hands msg to the running program, or keeps it for the next.
func (pk *parking) deliver(msg tea.Msg) {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	if pk.p != nil {
		pk.p.Send(msg)
		return
	}
	pk.keep(func() { pk.msgs = append(pk.msgs, msg) })
}

// resize hands a window change to the running program, or wakes a
// parked session: the next program starts at the screen's new size.
func (pk *parking) resize(w cssh.Window) {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	if pk.p != nil {
		pk.p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
		return
	}
	pk.keep(func() {})
}

// readInput copies the session's input to the running program until the
// session's input ends.
func (pk *parking) readInput(r io.Reader) {
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			pk.write(slices.Clone(buf[:n]))
		}
		if err != nil {
			return
		}
	}
}

func (pk *parking) write(b []byte) {
	pk.writing.Lock()
	defer pk.writing.Unlock()
	pk.mu.Lock()
	pk.lastInput = time.Now()
	in := pk.in
	if in == nil {
		pk.keep(func() { pk.input = append(pk.input, b) })
		pk.mu.Unlock()
		return
	}
	pk.mu.Unlock()
	if n, err := in.Write(b); err != nil {
		// The program ended as the keys came: the next one gets them.
		pk.mu.Lock()
		pk.keep(func() { pk.input = append(pk.input, b[n:]) })
		pk.mu.Unlock()
	}
}

// park ends the running program if no key came for quiet: keys written
// longer ago than that have long been read and handled.
func (pk *parking) park(quiet time.Duration) {
	pk.writing.Lock()
	defer pk.writing.Unlock()
	pk.mu.Lock()
	defer pk.mu.Unlock()
	if pk.p == nil || time.Since(pk.lastInput) < quiet {
		return
	}
	pk.parked = true
	_ = pk.in.Close()
	p := pk.p
	pk.p, pk.in = nil, nil
	go p.Quit()
}

// cmdType is the type of a command, to recognise tea.Sequence's message.
var cmdType = reflect.TypeFor[tea.Cmd]()

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

// wrapSequence wraps the commands of tea.Sequence's message (an
// unexported slice of commands): the program runs them one after another,
// each waiting for the one before, so each hands on its message before it
// returns.
func (pk *parking) wrapSequence(msg tea.Msg) tea.Msg {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != cmdType {
		return msg
	}
	out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
	for i := range v.Len() {
		c, _ := v.Index(i).Interface().(tea.Cmd)
		if c != nil {
			out.Index(i).Set(reflect.ValueOf(tea.Cmd(func() tea.Msg {
				pk.handOn(c())
				return nil
			})))
		}
	}
	return out.Interface()
}
