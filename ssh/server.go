// Package ssh is booth's SSH front end: the wish server members reach with
// `ssh vote.example.org`. It recognises a member only by the public key that
// signed (public-key authentication, nothing else), runs the booth UI
// (package booth) on each PTY session through package teahost (which
// also clamps terminal sizes), answers a few non-interactive commands
// (`ssh HOST status`, `cast`, …), and guards the process against hostile
// clients: handshake and idle timeouts, connection caps in total, per
// address, per member and for connections still signing in (see
// Startups), sessions per member, no forwarding and no subsystems.
//
// Logs record connections (member, remote address and key when signed in;
// start and duration of each session) and never anything a member did
// inside the booth. Refusals are logged at most once a second per reason.
package ssh

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	cssh "charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/recover"
	"github.com/pires/go-proxyproto"
	"github.com/prometheus/client_golang/prometheus"

	"vote.example.org/booth/booth"
	"vote.example.org/booth/models"
)

// Defaults for the zero fields of Config.
const (
	DefaultListen               = "0.0.0.0:2222"
	DefaultHandshakeTimeout     = 15 * time.Second
	DefaultIdleTimeout          = 15 * time.Minute
	DefaultParkAfter            = 10 * time.Second
	DefaultMaxSession           = 2 * time.Hour
	DefaultMaxConns             = 4096
	DefaultMaxConnsPerIP        = 64
	DefaultMaxSessionsPerMember = 3
	// DefaultSessionWait is how long a signed-in connection may go
	// without opening a session: clients ask for one at once.
	DefaultSessionWait = 30 * time.Second
	// tickEvery is how often the server applies the elections' automatic
	// lifecycle (opening and closing on time).
	tickEvery = 30 * time.Second
)

// Config configures a Server. Service is required; every other zero field
// takes its default.
type Config struct {
	Listen      string
	HostKeyPath string
	Service     *models.Service
	// IdleTimeout ends a booth session with no key pressed for this long
	// (the booth says so; nothing is cast by a timeout). The connection's
	// own idle guard is a minute longer, so the booth speaks first.
	IdleTimeout time.Duration
	// ParkAfter is how long a booth session waits, with no key pressed and
	// nothing to draw, before it parks its program (see package teahost).
	ParkAfter time.Duration
	// MaxSession is the absolute limit on a connection's life.
	MaxSession       time.Duration
	HandshakeTimeout time.Duration
	// MaxConns caps connections in total, signed in or not.
	MaxConns int
	// MaxConnsPerIP caps connections from one source: an IPv4 address or
	// an IPv6 /64 (see sourceKey).
	MaxConnsPerIP int
	// Startups caps connections that have not signed in yet; by default
	// a sixteenth of MaxConns, at most DefaultStartups (64:30:256).
	Startups Startups
	// MaxConnsPerMember caps one member's (or kiosk device's) signed-in
	// connections; by default twice MaxSessionsPerMember.
	MaxConnsPerMember int
	// SessionWait is how long a signed-in connection may go without
	// opening a session before it is closed.
	SessionWait time.Duration
	// MaxSessionsPerMember bounds one member's concurrent sessions on this
	// server (booth UI and commands alike).
	MaxSessionsPerMember int
	// ProxyFrom lists the load balancers (addresses or CIDR ranges) that
	// pass each client's address with the PROXY protocol. When set, only
	// they may connect and each connection must start with the header;
	// limits and logs then see the client's address.
	ProxyFrom []string
	// Banner is shown before authentication; the default says how to get
	// registered and how to find one's key fingerprint.
	Banner string
	Logger *log.Logger
	// Metrics, when set, gets the server's Prometheus metrics (see
	// docs/operations.md). A part of booth that sends or serves something
	// of its own (the store, see models/storemetrics) registers its
	// metrics with the same registry.
	Metrics prometheus.Registerer
	// NewModel builds the booth program's model; booth.New by default.
	NewModel func(ctx context.Context, b booth.Backend, s booth.Session) tea.Model
}

// Server is a running SSH front end.
type Server struct {
	cfg      Config
	srv      *cssh.Server
	log      *log.Logger
	conns    *connLimiter
	refusals *refusalLog
	metrics  *serverMetrics
	members  *memberSessions
	leases   *sessionLeases
	channels *channelLimiter
	appCtx   context.Context
	cancel   context.CancelFunc
	sessions atomic.Int64
	tickOnce sync.Once
	tickStop chan struct{}
	stopOnce sync.Once

	// listeners are the ones Serve was given; closed is set by Close and
	// Shutdown. charm's server tracks a listener only once its Serve has
	// started, so a Close that came first would leave Serve accepting.
	mu        sync.Mutex
	listeners []net.Listener
	closed    bool

	// proxyPolicy, when set, reads client addresses from PROXY headers.
	proxyPolicy proxyproto.ConnPolicyFunc
}

// New builds a server from cfg. It refuses to build one without a Service
// (which authenticates members): charm's SSH server accepts everyone when no
// auth handler is set.
func New(cfg Config) (*Server, error) {
	if err := cfg.Service.Check(); err != nil {
		return nil, fmt.Errorf("ssh server: no member service (%v): refusing to start a server that cannot authenticate members", err)
	}
	cfg = withDefaults(cfg)
	if err := cfg.Startups.check(); err != nil {
		return nil, err
	}
	if cfg.Startups.Full >= cfg.MaxConns {
		return nil, fmt.Errorf("max startups %s: its full (%d) must be below the total of connections (%d), or connections still signing in could take every place", cfg.Startups, cfg.Startups.Full, cfg.MaxConns)
	}
	signer, err := LoadHostKey(cfg.HostKeyPath)
	if err != nil {
		return nil, err
	}
	var proxyPolicy proxyproto.ConnPolicyFunc
	if len(cfg.ProxyFrom) > 0 {
		// Trusted senders must send the header; anyone else is dropped, so
		// nobody can claim an address by sending a header of their own.
		if proxyPolicy, err = proxyproto.TrustProxyHeaderFromRanges(cfg.ProxyFrom); err != nil {
			return nil, fmt.Errorf("the PROXY protocol senders %q: %w (give addresses or CIDR ranges such as 10.0.0.0/24)", strings.Join(cfg.ProxyFrom, ","), err)
		}
	}
	appCtx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger,
		conns:    newConnLimiter(cfg.MaxConns, cfg.MaxConnsPerIP, cfg.MaxConnsPerMember, cfg.Startups),
		refusals: newRefusalLog(cfg.Logger, refusalLogEvery),
		members:  newMemberSessions(cfg.MaxSessionsPerMember),
		leases:   newSessionLeases(cfg.Service, cfg.MaxSessionsPerMember, cfg.Service.Now),
		// One channel more than a member may use, so the one too many
		// still reaches handle and is told why it is refused.
		channels: newChannelLimiter(cfg.MaxSessionsPerMember + 1),
		appCtx:   appCtx,
		cancel:   cancel,

		proxyPolicy: proxyPolicy,
		tickStop:    make(chan struct{}),
	}
	srv, err := wish.NewServer(
		wish.WithAddress(cfg.Listen),
		func(srv *cssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithPublicKeyAuth(s.publicKeyAllowed),
		wish.WithBanner(cfg.Banner),
		wish.WithIdleTimeout(cfg.IdleTimeout+time.Minute),
		wish.WithMaxTimeout(cfg.MaxSession),
		wish.WithMiddleware(recover.MiddlewareWithLogger(cfg.Logger, s.middleware)),
		s.harden,
	)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	if srv.PublicKeyHandler == nil || srv.PasswordHandler != nil || srv.KeyboardInteractiveHandler != nil {
		cancel()
		return nil, errors.New("ssh server: public-key authentication must be the only method")
	}
	s.srv = srv
	if s.metrics, err = newServerMetrics(cfg.Metrics, func() float64 { return float64(s.sessions.Load()) }); err != nil {
		cancel()
		return nil, err
	}
	return s, nil
}

func withDefaults(cfg Config) Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	defInt := func(n *int, v int) {
		if *n <= 0 {
			*n = v
		}
	}
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	def(&cfg.IdleTimeout, DefaultIdleTimeout)
	def(&cfg.ParkAfter, DefaultParkAfter)
	def(&cfg.MaxSession, DefaultMaxSession)
	def(&cfg.HandshakeTimeout, DefaultHandshakeTimeout)
	defInt(&cfg.MaxConns, DefaultMaxConns)
	defInt(&cfg.MaxConnsPerIP, DefaultMaxConnsPerIP)
	defInt(&cfg.MaxSessionsPerMember, DefaultMaxSessionsPerMember)
	defInt(&cfg.MaxConnsPerMember, 2*cfg.MaxSessionsPerMember)
	def(&cfg.SessionWait, DefaultSessionWait)
	if cfg.Startups == (Startups{}) {
		cfg.Startups = startupsFor(cfg.MaxConns)
	}
	if cfg.Banner == "" {
		cfg.Banner = DefaultBanner
	}
	if cfg.Logger == nil {
		cfg.Logger = log.NewWithOptions(os.Stderr, log.Options{ReportTimestamp: true, Prefix: "booth serve"})
	}
	if cfg.NewModel == nil {
		cfg.NewModel = booth.New
	}
	return cfg
}

// harden sets what wish has no option for: the handshake deadline, the
// connection caps (counted from accept; a connection leaves the
// pre-authentication pool once its client proved its key), the session
// channel handler (a cap on channels per connection and a filter on
// their requests: see sessionChannel), and
// explicit empty tables for global requests and subsystems, so only plain
// sessions exist (no port forwarding, no sftp or other subsystem) whatever
// charm's package defaults become.
func (s *Server) harden(srv *cssh.Server) error {
	srv.HandshakeTimeout = s.cfg.HandshakeTimeout
	srv.ConnCallback = s.admitConn
	srv.ServerConfigCallback = s.serverConfig
	srv.ChannelHandlers = map[string]cssh.ChannelHandler{"session": s.sessionChannel}
	srv.RequestHandlers = map[string]cssh.RequestHandler{}
	srv.SubsystemHandlers = map[string]cssh.SubsystemHandler{}
	srv.LocalPortForwardingCallback = nil
	srv.ReversePortForwardingCallback = nil
	srv.SessionRequestCallback = func(_ cssh.Session, requestType string) bool {
		return requestType == "shell" || requestType == "exec"
	}
	return nil
}

// Serve accepts connections on l until Shutdown; it also applies the
// elections' automatic lifecycle every 30 seconds, so elections open and
// close on time while the server runs.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		l.Close()
		return cssh.ErrServerClosed
	}
	s.listeners = append(s.listeners, l)
	s.mu.Unlock()
	s.tickOnce.Do(func() { go s.tick() })
	if s.proxyPolicy != nil {
		l = &proxyproto.Listener{Listener: l, ConnPolicy: s.proxyPolicy, ReadHeaderTimeout: s.cfg.HandshakeTimeout}
	}
	err := s.srv.Serve(l)
	// A Close that came before charm's Serve tracked the listener leaves
	// charm thinking it was reopened: the closed listener's error is then
	// ours to translate.
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return cssh.ErrServerClosed
	}
	return err
}

// closeListeners marks the server closed and closes every listener Serve
// was given, after charm's server has marked itself closed (so a Serve
// that was just starting returns ErrServerClosed).
func (s *Server) closeListeners() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, l := range s.listeners {
		l.Close()
	}
}

// Shutdown ends every booth program politely (each restores its client's
// terminal), waits for the sessions to end, then closes the listeners and
// connections. It returns ctx's error when sessions outlive ctx; the
// connections are closed all the same.
func (s *Server) Shutdown(ctx context.Context) error {
	s.cancel()
	s.stopOnce.Do(func() { close(s.tickStop) })
	drained := s.waitSessions(ctx)
	// Clients normally close their connection once their last session
	// ends; give them a moment before closing it for them.
	grace, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := s.srv.Shutdown(grace); err != nil {
		_ = s.srv.Close()
	}
	s.closeListeners()
	if !drained {
		return ctx.Err()
	}
	return nil
}

// Close closes the listeners and every connection at once.
func (s *Server) Close() error {
	s.cancel()
	s.stopOnce.Do(func() { close(s.tickStop) })
	err := s.srv.Close()
	s.closeListeners()
	return err
}

// waitSessions polls until no session runs or ctx ends; it is called only
// while shutting down, so polling costs nothing in normal operation.
func (s *Server) waitSessions(ctx context.Context) bool {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for s.sessions.Load() > 0 {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
	return true
}

// tick applies the automatic lifecycle now and every tickEvery. One ticker
// per server, never one per session.
func (s *Server) tick() {
	t := time.NewTicker(tickEvery)
	defer t.Stop()
	// What went wrong last time: the same failure (an election nobody
	// can vote in, at every tick) is logged once, until it changes.
	var last string
	for {
		ctx, cancel := context.WithTimeout(s.appCtx, tickEvery)
		msg := ""
		if err := s.cfg.Service.Tick(ctx); err != nil {
			msg = err.Error()
			if s.appCtx.Err() == nil && msg != last {
				s.log.Error("applying the elections' opening and closing times", "err", err)
			}
		}
		last = msg
		if err := s.leases.renew(ctx); err != nil && s.appCtx.Err() == nil {
			s.log.Error("renewing the session leases", "err", err)
		}
		cancel()
		select {
		case <-s.tickStop:
			return
		case <-t.C:
		}
	}
}
