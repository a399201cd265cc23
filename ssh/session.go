package ssh

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
	cssh "charm.land/ssh"
	"charm.land/wish/v2/bubbletea"

	"vote.example.org/booth/booth"
)

// middleware is the server's one handler: wish's recover middleware wraps
// it. Each session is identified, counted and logged here, then runs a
// command or the booth.
func (s *Server) middleware(next cssh.Handler) cssh.Handler {
	return func(sess cssh.Session) {
		s.handle(sess)
		next(sess)
	}
}

// handle serves one session. The log line says who, from where, when and
// for how long: never which command ran nor what happened inside the
// booth.
//
// Charm's request loop blocks on every window change until someone reads
// the session's window channel: the booth does (clampSession); every other
// path drains it (drainWindows), or the loop, and the session with it,
// would outlive the connection.
func (s *Server) handle(sess cssh.Session) {
	// Read once: charm writes the PTY's window on every window change.
	pty, winch, isPty := sess.Pty()
	command := len(sess.Command()) > 0 || sess.RawCommand() != ""
	booth := false
	if command || !isPty {
		go drainWindows(winch)
	} else {
		defer func() {
			if !booth {
				go drainWindows(winch)
			}
		}()
	}
	s.sessions.Add(1)
	defer s.sessions.Add(-1)
	if s.appCtx.Err() != nil {
		fail(sess, "the booth is shutting down; try again in a minute")
		return
	}
	start := time.Now()
	id, err := s.identify(sess.Context(), sess)
	if err != nil {
		fail(sess, err.Error())
		return
	}
	release, ok := s.members.acquire(id.member.ID)
	if !ok {
		fail(sess, fmt.Sprintf("you already have %d sessions open on this server: close one first", s.cfg.MaxSessionsPerMember))
		return
	}
	defer release()
	defer func() {
		s.log.Info("session", "member", id.member.ID, "remote", remoteIP(sess.RemoteAddr()),
			"start", start.UTC().Format(time.RFC3339), "duration", time.Since(start).Round(time.Second))
	}()
	if command {
		_ = sess.Exit(s.runCommand(sess, id))
		return
	}
	if !isPty {
		fail(sess, "the booth needs a terminal: connect with ssh -t, or run 'ssh HOST help' for the commands that need none")
		return
	}
	booth = true
	s.runBooth(sess, id, pty, winch)
}

// fail tells the client why and ends the session with status 1.
func fail(sess cssh.Session, msg string) {
	_, _ = fmt.Fprintf(sess.Stderr(), "booth: %s\n", msg)
	_ = sess.Exit(1)
}

// runBooth runs the booth program on a PTY session until the member
// leaves, the connection drops or the server shuts down. The program gets
// no signal handler (the server's SIGTERM is the server's) and a context
// that ends with the session or the server.
func (s *Server) runBooth(sess cssh.Session, id identity, pty cssh.Pty, winch <-chan cssh.Window) {
	// First: from here on the clamped session reads the window channel.
	cs := clampSession(sess, pty, winch)
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	stop := context.AfterFunc(s.appCtx, cancel)
	defer stop()

	model := s.cfg.NewModel(ctx, s.cfg.Service, booth.Session{
		Member:      id.member,
		Fingerprint: id.fingerprint,
		Now:         s.cfg.Service.Now,
		IdleTimeout: s.cfg.IdleTimeout,
		Clipboard:   true,
	})
	programs := bubbletea.MiddlewareWithProgramHandler(func(cs cssh.Session) *tea.Program {
		// MakeOptions first: the options after it win, and it would
		// otherwise replace the filter (see programFilter).
		opts := append(bubbletea.MakeOptions(cs),
			tea.WithContext(ctx),
			tea.WithoutSignalHandler(),
			tea.WithFPS(s.cfg.FPS),
			tea.WithFilter(programFilter),
		)
		return tea.NewProgram(model, opts...)
	})
	programs(func(cssh.Session) {})(cs)
}
