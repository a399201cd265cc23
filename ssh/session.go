package ssh

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	tea "charm.land/bubbletea/v2"
	cssh "charm.land/ssh"

	"vote.example.org/booth/booth"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/ssh/internal/teahost"
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
// the session's window channel: the booth does (teahost.Run); every other
// path drains it (drainWindows), or the loop, and the session with it,
// would outlive the connection.
func (s *Server) handle(sess cssh.Session) {
	// Read once: charm writes the PTY's window on every window change.
	pty, winch, isPty := sess.Pty()
	plain := isPlainCommand(sess)
	command := !plain && (len(sess.Command()) > 0 || sess.RawCommand() != "")
	windowsRead := false // by the booth, or by drainWindows
	if command || !isPty {
		go drainWindows(winch)
	} else {
		defer func() {
			if !windowsRead {
				go drainWindows(winch)
			}
		}()
	}
	s.sessions.Add(1)
	defer s.sessions.Add(-1)
	s.sessionStarted(sess)
	p := i18n.For(i18n.FromEnv(sess.Environ()))
	if s.appCtx.Err() != nil {
		fail(sess, p.T("the booth is shutting down; try again in a minute"))
		return
	}
	start := time.Now()
	id, err := s.identify(sess.Context(), sess)
	if err != nil {
		fail(sess, p.Err(err))
		return
	}
	release, ok := s.members.acquire(id.name())
	if !ok {
		p = s.memberPrinter(sess, id)
		fail(sess, p.N(s.cfg.MaxSessionsPerMember, "you already have 1 session open on this server: close it first",
			"you already have %d sessions open on this server: close one first", s.cfg.MaxSessionsPerMember))
		return
	}
	defer release()
	defer func() {
		s.log.Info("session", "member", id.name(), "remote", remoteIP(sess.RemoteAddr()),
			"start", start.UTC().Format(time.RFC3339), "duration", time.Since(start).Round(time.Second))
	}()
	if command {
		_ = sess.Exit(s.runCommand(sess, id))
		return
	}
	if !isPty && !plain {
		p = s.memberPrinter(sess, id)
		fail(sess, p.T("the booth needs a terminal: connect with ssh -t (or ssh -t HOST plain for linear mode, one line at a time), or run 'ssh HOST help' for the commands that need none"))
		return
	}
	if plain && id.device != "" {
		p = s.memberPrinter(sess, id)
		fail(sess, p.T("a kiosk device runs the kiosk, not linear mode"))
		return
	}
	// A booth session also holds a lease in the store, so the limit holds
	// across every front end serving from the same database.
	releaseLease, err := s.leases.acquire(sess.Context(), id.name())
	if err != nil {
		p = s.memberPrinter(sess, id)
		if errors.Is(err, models.ErrTooManySessions) {
			fail(sess, p.N(s.cfg.MaxSessionsPerMember, "you already have 1 session open: close it first",
				"you already have %d sessions open: close one first", s.cfg.MaxSessionsPerMember))
		} else {
			s.log.Error("taking a session lease", "err", err)
			fail(sess, p.T("the booth cannot open a session just now; try again in a minute"))
		}
		return
	}
	defer releaseLease()
	if id.device != "" {
		windowsRead = true
		s.runBooth(sess, id, pty, winch, booth.Session{})
		return
	}
	// Preferences only shape the session: without them the booth opens
	// with the defaults (the client's locale, the full-screen booth unless
	// the client asks for linear mode), as the commands do.
	prefs, err := s.cfg.Service.MemberPreferences(sess.Context(), id.member.ID)
	if err != nil {
		s.log.Error("reading a member's preferences; the session goes on with the defaults", "err", err)
		prefs = models.Preferences{}
	}
	bs := booth.Session{
		Member:      id.member,
		Fingerprint: id.fingerprint,
		Now:         s.cfg.Service.Now,
		IdleTimeout: s.cfg.IdleTimeout,
		Clipboard:   true,
		Lang:        screenLang(sess.Environ(), prefs),
		ASCII:       asciiOnly(sess.Environ()),
	}
	if lang := sessionLang(sess.Environ(), prefs); lang != bs.Lang {
		bs.LangUnreadable = lang
	}
	if wantsLinear(sess, pty.Term, isPty, prefs) {
		if isPty {
			windowsRead = true
			go drainWindows(winch) // linear mode has no use for sizes
		}
		s.runLinear(sess, id, bs, isPty)
		return
	}
	windowsRead = true
	s.runBooth(sess, id, pty, winch, bs)
}

// memberPrinter is the language of what a session refuses once its
// member is known: their preference, else their client's locale (the
// session's own language until then). A session that goes on reads the
// preference with the rest of its settings.
func (s *Server) memberPrinter(sess cssh.Session, id identity) i18n.Printer {
	prefs, _ := s.cfg.Service.MemberPreferences(sess.Context(), id.member.ID)
	return i18n.For(sessionLang(sess.Environ(), prefs))
}

// fail tells the client why and ends the session with status 1.
func fail(sess cssh.Session, msg string) {
	_, _ = fmt.Fprintf(sess.Stderr(), "booth: %s\n", msg)
	_ = sess.Exit(1)
}

// runBooth runs the booth program on a PTY session until the member
// leaves, the connection drops or the server shuts down: package teahost
// runs it, with a context that ends with the session or the server.
func (s *Server) runBooth(sess cssh.Session, id identity, pty cssh.Pty, winch <-chan cssh.Window, bs booth.Session) {
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	stop := context.AfterFunc(s.appCtx, cancel)
	defer stop()

	var model tea.Model
	if id.device != "" {
		model = s.kioskModel(ctx, id, i18n.FromEnv(sess.Environ()))
	} else {
		model = s.cfg.NewModel(ctx, s.cfg.Service, bs)
	}
	var keyToFrame teahost.Observer
	if s.cfg.Metrics != nil {
		keyToFrame = s.metrics.keyToFrame
	}
	teahost.Run(ctx, sess, pty, winch, model, teahost.Options{
		ParkAfter:  s.cfg.ParkAfter,
		KeyToFrame: keyToFrame,
		Output:     sessionOut(sess),
		Panicked: func(r any) {
			s.log.Error("a booth command panicked; the session ends", "member", id.name(), "panic", r, "stack", string(debug.Stack()))
		},
	})
}
