package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"charm.land/log/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
	boothssh "vote.example.org/booth/ssh"
)

// shutdownGrace is how long booth serve waits for sessions to end after
// SIGINT or SIGTERM before closing the remaining connections.
const shutdownGrace = 5 * time.Second

// serveFlags are the options of booth serve.
type serveFlags struct {
	listen, hostKey string
	debugListen     string
	metrics         string
	idle            time.Duration
	perIP           int
	proxyFrom       []string
	codeRate        string
	// limits are the connection caps beyond --max-conns-per-ip.
	limits serveLimits
	// mail, when --smtp is given, mails the elections' notices.
	mail mailFlags
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the voting booth over SSH",
		Long: `Run the SSH server members vote on: ssh -p PORT HOST opens the booth for
the member owning the key that signs in; ssh -p PORT HOST help lists the
commands that need no terminal.

The host key is created on the first start if missing (its fingerprint is
printed: publish it with the election announcement) and never replaced.
Several front ends may share one key file. SIGINT or SIGTERM ends every
session politely and stops the server within seconds.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", boothssh.DefaultListen, "address to listen on")
	fl.StringVar(&f.hostKey, "host-key", "", "host key file (default DATA/"+hostKeyName+")")
	fl.DurationVar(&f.idle, "idle", boothssh.DefaultIdleTimeout, "end a booth session after this long without a key pressed")
	fl.IntVar(&f.perIP, "max-conns-per-ip", boothssh.DefaultMaxConnsPerIP, "most connections from one IP address (an IPv6 /64 counts as one address)")
	f.limits.flags(fl)
	fl.StringSliceVar(&f.proxyFrom, "proxy-from", nil, "load balancers (addresses or CIDR ranges, comma-separated) that pass client addresses with the PROXY protocol; only they may connect")
	fl.StringVar(&f.codeRate, "code-rate", models.DefaultCodeRate.String(), "most kiosk codes one staff member issues over SSH, as CODES/DURATION (counted in the database, across front ends)")
	fl.StringVar(&f.debugListen, "debug-listen", "", "serve Go's profiling endpoints (/debug/pprof/) on this loopback address, for measurements")
	_ = fl.MarkHidden("debug-listen")
	f.mail.add(fl, false)
	fl.StringVar(&f.metrics, "metrics", os.Getenv("BOOTH_METRICS"), "serve Prometheus metrics (/metrics) and health checks (/healthz, /readyz) over HTTP on this address, such as 127.0.0.1:9222 (default $BOOTH_METRICS)")
	return cmd
}

func runServe(cmd *cobra.Command, f serveFlags) error {
	rate, err := models.ParseCodeRate(f.codeRate)
	if err != nil {
		return fmt.Errorf("--code-rate: %w", err)
	}
	startups, err := f.limits.parseStartups()
	if err != nil {
		return err
	}
	var reg *prometheus.Registry
	var wrap func(models.Store) (models.Store, error)
	if f.metrics != "" {
		reg = newMetricsRegistry()
		wrap = timedStore(reg)
	}
	svc, err := openServiceWith(cmd, wrap)
	if err != nil {
		return err
	}
	defer svc.Close()
	if err := refuseTestData(cmd, svc); err != nil {
		return err
	}
	svc.CodeRate = rate
	f.mail.hostKey = f.hostKey
	notices, err := f.mail.config(cmd)
	if err != nil {
		return err
	}
	svc.SetNotices(notices)
	logger := log.NewWithOptions(cmd.ErrOrStderr(), log.Options{ReportTimestamp: true, TimeFormat: time.RFC3339})
	out := cmd.OutOrStdout()
	keyPath := hostKeyPath(cmd, f.hostKey)
	if _, err := os.Stat(keyPath); errors.Is(err, os.ErrNotExist) {
		if _, err := boothssh.InitHostKey(keyPath); err != nil {
			return err
		}
		fmt.Fprintf(out, "created the host key %s: publish its fingerprint (below) with the election announcement\n", keyPath)
	}
	signer, err := boothssh.LoadHostKey(keyPath)
	if err != nil {
		return err
	}
	cfg := boothssh.Config{
		Listen: f.listen, HostKeyPath: keyPath, Service: svc,
		IdleTimeout: f.idle, MaxConnsPerIP: f.perIP, ProxyFrom: f.proxyFrom,
		MaxConns: f.limits.total, MaxConnsPerMember: f.limits.perMember, SessionWait: f.limits.sessionWait,
		Startups: startups,
		Logger:   logger,
	}
	if reg != nil {
		cfg.Metrics = reg
	}
	srv, err := boothssh.New(cfg)
	if err != nil {
		return err
	}
	if reg != nil {
		mon, err := startMonitor(f.metrics, reg, svc, srv)
		if err != nil {
			return err
		}
		defer mon.Close()
		fmt.Fprintf(out, "metrics on http://%s/metrics (health: /healthz, /readyz)\n", mon.Addr())
	}
	l, err := net.Listen("tcp", f.listen)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	// Signals are caught before the address is printed, so whoever waits
	// for that line may signal at once.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f.debugListen != "" {
		if err := serveProfiles(f.debugListen); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "booth listening on %s\nhost key fingerprint %s\n", l.Addr(), boothssh.Fingerprint(signer))
	if notices.Mailer != nil {
		go mailNotices(ctx, svc, logger)
		fmt.Fprintln(out, "mailing the elections' notices through", redactedURL(f.mail.smtp))
	}
	return serveUntilDone(ctx, stop, srv, l)
}

// serveUntilDone serves until the listener fails or ctx ends (SIGINT or
// SIGTERM), then shuts the server down within shutdownGrace (plus a
// second to close what is left).
func serveUntilDone(ctx context.Context, stop func(), srv *boothssh.Server, l net.Listener) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	select {
	case err := <-served:
		_ = srv.Close()
		return err
	case <-ctx.Done():
	}
	stop() // a second signal kills the process the usual way
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down: sessions still open after %s were closed", shutdownGrace)
	}
	<-served
	return nil
}

// serveProfiles serves net/http/pprof on a loopback address, so booth
// bench can count the server's goroutines; it refuses any other address,
// since profiles show the server's memory.
func serveProfiles(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--debug-listen must be a loopback address such as 127.0.0.1:6060, not %q", addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	go func() { _ = http.Serve(l, mux) }()
	return nil
}
