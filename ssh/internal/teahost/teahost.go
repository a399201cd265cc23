// Package teahost runs a bubbletea program on an SSH session with a PTY:
// its one job is to carry a member's keys in and the program's frames out,
// cheaply enough for a thousand members at once. It draws through a screen
// of its own (see screen.go) instead of bubbletea's renderer, reads keys
// itself (see input.go), parks the program of an idle session (see
// park.go), and clamps the terminal sizes a client claims (see window.go).
// What it assumes of bubbletea beyond its documented API is named in
// bubbletea_internals.go.
package teahost

import (
	"context"
	"fmt"
	"io"
	"time"

	tea "charm.land/bubbletea/v2"
	cssh "charm.land/ssh"
	"github.com/charmbracelet/colorprofile"
)

// Options says how Run hosts a program. Both fields are required.
type Options struct {
	// ParkAfter is how long a session waits, with no key pressed and
	// nothing to draw, before it parks its program (see park.go).
	ParkAfter time.Duration
	// Panicked learns of a command of the model's that panicked, on the
	// goroutine that ran it (so debug.Stack shows where); Run then ends.
	Panicked func(r any)
	// KeyToFrame, when set, learns in seconds how long each key press
	// took from the read that brought it (see keyReader) to the frame
	// drawn after the booth handled it (see drawnModel.Update): the wait
	// for an Esc's sequence, for a parked program to start and for the
	// messages before it included. What a key's command answers later
	// (a cast's receipt) is the store's time, not counted here.
	KeyToFrame Observer
	// Output is where the program draws; the session itself when nil.
	Output io.Writer
}

// Observer takes measurements; a prometheus.Histogram is one.
type Observer interface{ Observe(float64) }

// Run runs model on sess until the model quits, the connection drops or
// ctx ends. pty and windows are sess.Pty()'s, read once: charm writes the
// PTY's window on every window change, so reading it again would race.
// From the moment Run is called it reads windows until charm closes it,
// as charm's request loop needs. The program gets no signal handler (the
// server's SIGTERM is the server's). It draws through a screen (see
// screen.go), so bubbletea's own ticker only flushes what the program
// writes besides its view, and it is parked while the member is away (see
// park.go). When it ends, the terminal is given back as it was, followed
// by what the model says as it leaves, if it has a Farewell method.
func Run(ctx context.Context, sess cssh.Session, pty cssh.Pty, windows <-chan cssh.Window, model tea.Model, opts Options) {
	// First: from here on the clamped PTY reads the window channel.
	cs := clampPty(pty, windows)
	env := append(sess.Environ(), "TERM="+cs.pty.Term)
	profile := colorprofile.Env(env)
	out := &sessionOutput{w: sess}
	if opts.Output != nil {
		out.w = opts.Output
	}
	pk := newParking(opts.Panicked)
	pk.timed = opts.KeyToFrame != nil
	scr := newScreen(out, profile, cs.pty.Window.Width, cs.pty.Window.Height, opts.ParkAfter, func() { pk.park(opts.ParkAfter) })
	dm := &drawnModel{inner: model, screen: scr, parking: pk, keyToFrame: opts.KeyToFrame}
	go pk.readInput(sess)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case w := <-cs.winch:
				// The screen first: a parked session's next program
				// starts at the screen's size.
				scr.resize(w.Width, w.Height)
				pk.resize(w)
			}
		}
	}()
	pk.run(ctx, func() *tea.Program {
		scr.awake()
		return tea.NewProgram(dm,
			tea.WithInput(nil),
			tea.WithOutput(out),
			tea.WithEnvironment(env),
			tea.WithColorProfile(profile),
			tea.WithWindowSize(scr.size()),
			tea.WithContext(ctx),
			tea.WithoutSignalHandler(),
			tea.WithoutRenderer(),
			// bubbletea's own output is only the receipt offered to the
			// clipboard (frames, queries and raw writes go through the
			// screen): once a second is soon enough.
			tea.WithFPS(1),
			tea.WithFilter(dm.filter),
		)
	})
	// The last program has ended, so nothing else draws.
	_ = scr.close()
	if f, ok := model.(interface{ Farewell() string }); ok && f.Farewell() != "" {
		_, _ = fmt.Fprintln(out, f.Farewell())
	}
}
