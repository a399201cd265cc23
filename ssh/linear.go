package ssh

import (
	"context"
	"io"
	"strings"

	cssh "charm.land/ssh"

	"vote.example.org/booth/booth"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
)

// plainCommand is `ssh -t HOST plain`: linear mode whatever the client's
// environment says.
const plainCommand = "plain"

// isPlainCommand says whether the session asked for linear mode by
// command.
func isPlainCommand(sess cssh.Session) bool {
	argv := sess.Command()
	return len(argv) == 1 && argv[0] == plainCommand
}

// wantsLinear says whether a member's session gets linear mode rather
// than the full-screen booth: asked for by command, by the client's
// environment (ACCESSIBLE=1, the variable Charm's huh reads, or
// BOOTH_PLAIN=1, sent with ssh -o SetEnv=...), by a terminal that cannot
// move its cursor (TERM=dumb, or no terminal at all), or by the member's
// preference (ssh HOST set plain on).
func wantsLinear(sess cssh.Session, term string, isPty bool, p models.Preferences) bool {
	env := sess.Environ()
	on := func(name string) bool {
		v := strings.ToLower(i18n.EnvValue(env, name))
		return v != "" && v != "0" && v != "false" && v != "no" && v != "off"
	}
	switch {
	case isPlainCommand(sess), on("ACCESSIBLE"), on("BOOTH_PLAIN"), p.Plain, !isPty:
		return true
	}
	return term == "dumb"
}

// sessionOut is where a member's session writes: the session itself, or
// an ASCII-only rendering of it when the client's locale is not UTF-8.
func sessionOut(sess cssh.Session) io.Writer {
	if asciiOnly(sess.Environ()) {
		return newASCIIWriter(sess)
	}
	return sess
}

// runLinear runs linear mode on a session until the member leaves, the
// session ends or the server shuts down.
func (s *Server) runLinear(sess cssh.Session, id identity, bs booth.Session, isPty bool) {
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	stop := context.AfterFunc(s.appCtx, cancel)
	defer stop()
	booth.RunLinear(ctx, s.cfg.Service, bs, sess, sessionOut(sess), booth.LinearOptions{Echo: isPty})
}
