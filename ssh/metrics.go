package ssh

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	gossh "golang.org/x/crypto/ssh"
)

// serverMetrics are the server's Prometheus metrics (see Config.Metrics
// and docs/operations.md). Every label value comes from a fixed list in
// this file, never from a client: no member, key, receipt or address.
type serverMetrics struct {
	handshakes   prometheus.Counter
	refused      *prometheus.CounterVec
	authFailures *prometheus.CounterVec
	commands     *prometheus.CounterVec
	keyToFrame   prometheus.Histogram
}

// refusalLabels are the label values of the refusals in limits.go.
var refusalLabels = map[string]string{
	refusedTotal:    "max_conns",
	refusedSource:   "max_conns_per_ip",
	refusedStartups: "max_startups",
	closedForRoom:   "closed_for_room",
	refusedMember:   "max_conns_per_member",
	refusedClosed:   "closed_while_signing_in",
	closedNoSession: "no_session",
}

// Why a key is refused at sign-in, as booth_ssh_auth_failures_total says.
const (
	authUnknownKey   = "unknown_key"
	authInactive     = "inactive_member"
	authLookupFailed = "lookup_failed"
)

// keyToFrameBuckets reach from a key answered at once (a millisecond) to
// the 1.4 s a default bubbletea program took under load.
var keyToFrameBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}

// newServerMetrics makes the server's metrics and, when reg is not nil,
// registers them with it. sessions reads the count of open sessions.
func newServerMetrics(reg prometheus.Registerer, sessions func() float64) (*serverMetrics, error) {
	m := &serverMetrics{
		handshakes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "booth_ssh_handshakes_total",
			Help: "SSH connections whose key exchange completed (before user authentication).",
		}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "booth_ssh_connections_refused_total",
			Help: "Connections refused or closed by the server's limits, by the limit that refused them.",
		}, []string{"reason"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "booth_ssh_auth_failures_total",
			Help: "Public keys refused at sign-in, by reason (a client may offer several keys on one connection).",
		}, []string{"reason"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "booth_ssh_commands_total",
			Help: "Non-interactive commands run (ssh HOST COMMAND), by command; other for a name that is no command.",
		}, []string{"command"}),
		keyToFrame: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "booth_keystroke_to_frame_seconds",
			Help:    "From reading a key press off a booth session to writing the frame drawn after the booth handled it.",
			Buckets: keyToFrameBuckets,
		}),
	}
	// Every label value starts at zero, so rates are defined from the
	// start and the lists are visible.
	for _, l := range refusalLabels {
		m.refused.WithLabelValues(l)
	}
	for _, l := range []string{authUnknownKey, authInactive, authLookupFailed} {
		m.authFailures.WithLabelValues(l)
	}
	for name := range commands {
		m.commands.WithLabelValues(name)
	}
	m.commands.WithLabelValues("other")
	if reg == nil {
		return m, nil
	}
	open := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "booth_sessions_open",
		Help: "SSH sessions running now: booth screens and commands.",
	}, sessions)
	for _, c := range []prometheus.Collector{open, m.handshakes, m.refused, m.authFailures, m.commands, m.keyToFrame} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("registering the server's metrics: %w", err)
		}
	}
	return m, nil
}

// refuse logs a refusal (see refusalLog) and counts it.
func (s *Server) refuse(reason string, keyvals ...any) {
	s.metrics.refused.WithLabelValues(refusalLabels[reason]).Inc()
	s.refusals.warn(reason, keyvals...)
}

// command counts a command by name, or as other.
func (m *serverMetrics) command(name string) {
	if _, ok := commands[name]; !ok {
		name = "other"
	}
	m.commands.WithLabelValues(name).Inc()
}

// HostKeyLoaded tells whether the server holds its host key, for the
// readiness check; it names the key's fingerprint.
func (s *Server) HostKeyLoaded() (string, error) {
	if len(s.srv.HostSigners) == 0 {
		return "", errors.New("the server holds no host key")
	}
	return gossh.FingerprintSHA256(s.srv.HostSigners[0].PublicKey()), nil
}
