package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"charm.land/log/v2"
	cssh "charm.land/ssh"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/ssh"
	"vote.example.org/booth/ssh/monitor"
)

// demoHostKey is the demo server's host key file in the data directory.
const demoHostKey = "ssh_host_ed25519_key"

// demoShutdown bounds how long the demo waits for sessions to end after
// Ctrl+C.
const demoShutdown = 5 * time.Second

func newDemoCmd() *cobra.Command {
	var listen, metrics string
	cmd := &cobra.Command{
		Use:   "demo [--listen ADDR] [--data DIR] [--metrics ADDR]",
		Short: "Run a demo foundation's elections on a local SSH server, to try the booth",
		Long: `Start the booth's SSH server with a fresh demo foundation: eight members,
you (registered with your ~/.ssh/*.pub keys, or a demo key made for you),
three open elections — a board election by Meek STV, a Schulze question
with "None of the above", a yes/no bylaw amendment — and one past election,
counted, to show results. It prints what to type to connect. Ctrl+C stops it.

The data lives in a new temporary directory, removed when the demo stops,
unless --data names a directory (new, empty, or an earlier demo's). The
demo keeps the elections' tally keys in its data directory, which a real
server never does, and marks the directory as test data.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			cfg := demoConfig{Listen: listen, Metrics: metrics}
			if f := cmd.Flags().Lookup("data"); f != nil && f.Changed {
				cfg.Dir = f.Value.String()
			}
			cfg.Logs = cmd.ErrOrStderr()
			return runDemo(ctx, cmd.OutOrStdout(), cfg)
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:2222", "address the demo's SSH server listens on")
	cmd.Flags().StringVar(&metrics, "metrics", "", "serve Prometheus metrics and health checks over HTTP on this address, as booth serve --metrics does")
	return cmd
}

// demoConfig says where the demo runs.
type demoConfig struct {
	Listen string
	// Metrics, when set, is where the metrics and health checks are
	// served (see booth serve --metrics).
	Metrics string
	// Dir is the data directory; empty makes a temporary one, removed
	// when the demo stops.
	Dir string
	// Home is where ~/.ssh is looked for; empty means the user's home.
	Home string
	// Logs receives the server's connection log; nil means standard error.
	Logs io.Writer
}

// demoRun is a running demo.
type demoRun struct {
	dir    string
	temp   bool
	svc    *models.Service
	clock  *demoClock
	srv    *ssh.Server
	ln     net.Listener
	served chan error
	seed   demoSeed
	hostFP string
	seeded bool
	logs   io.Writer
	// reg and mon are the metrics and their listener, with --metrics.
	reg *prometheus.Registry
	mon *monitor.Server
}

// runDemo runs the demo until ctx is done, then stops the server politely
// and removes a temporary data directory.
func runDemo(ctx context.Context, out io.Writer, cfg demoConfig) error {
	d, err := startDemo(ctx, cfg)
	if err != nil {
		return err
	}
	d.printWelcome(out)
	err = d.wait(ctx)
	fmt.Fprintln(out, "booth demo stopped.")
	return err
}

// startDemo prepares the data directory, seeds it and starts the server.
// On error nothing is left running and a temporary directory is removed.
func startDemo(ctx context.Context, cfg demoConfig) (_ *demoRun, err error) {
	d := &demoRun{dir: cfg.Dir, served: make(chan error, 1), logs: cfg.Logs}
	if d.logs == nil {
		d.logs = os.Stderr
	}
	if d.dir == "" {
		if d.dir, err = os.MkdirTemp("", "booth-demo-"); err != nil {
			return nil, fmt.Errorf("making the demo's data directory: %w", err)
		}
		d.temp = true
	}
	defer func() {
		if err != nil {
			if d.srv != nil {
				_ = d.srv.Close()
			}
			if d.ln != nil {
				_ = d.ln.Close()
			}
			_ = d.close()
		}
	}()
	fresh, err := prepareDemoDir(d.dir)
	if err != nil {
		return nil, err
	}
	// The database is created as test data (booth cast works there, and
	// nothing mistakes it for a real election's), and an earlier demo's
	// must be one.
	d.clock = &demoClock{}
	st, err := sqlite.OpenTestData(d.dir, d.clock.Now)
	if err != nil {
		return nil, fmt.Errorf("opening the demo's data directory %s: %w", d.dir, err)
	}
	var store models.Store = st
	if cfg.Metrics != "" {
		d.reg = newMetricsRegistry()
		if store, err = wrapOrClose(st, timedStore(d.reg)); err != nil {
			return nil, err
		}
	}
	d.svc = models.NewService(store)
	d.svc.Now = d.clock.Now
	if err := d.seedOrReuse(ctx, fresh, cfg.Home); err != nil {
		return nil, err
	}
	if err := d.listen(cfg.Listen); err != nil {
		return nil, err
	}
	if d.reg != nil {
		if d.mon, err = startMonitor(cfg.Metrics, d.reg, d.svc, d.srv); err != nil {
			return nil, err
		}
	}
	go func() { d.served <- d.srv.Serve(d.ln) }()
	return d, nil
}

// seedOrReuse seeds a fresh directory; an earlier demo's directory is
// served as it is, with its demo key if it made one.
func (d *demoRun) seedOrReuse(ctx context.Context, fresh bool, home string) error {
	if !fresh {
		if _, err := os.Stat(filepath.Join(d.dir, demoKeyFile)); err == nil {
			d.seed.demoKey = filepath.Join(d.dir, demoKeyFile)
		}
		return nil
	}
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			home = "" // no home: no keys to find, so a demo key is made
		}
	}
	seed, err := seedDemo(ctx, d.svc, d.clock, d.dir, home)
	d.seed, d.seeded = seed, true
	if err != nil {
		return fmt.Errorf("seeding the demo: %w", err)
	}
	return nil
}

// prepareDemoDir checks that dir may hold the demo: missing or empty (it
// then gets a note saying it holds test data; the database itself is
// created as test data when opened), or an earlier demo's. It reports
// whether the directory still needs seeding.
func prepareDemoDir(dir string) (fresh bool, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, fmt.Errorf("making the demo's data directory: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, fmt.Errorf("reading the demo's data directory: %w", err)
	}
	_, markErr := os.Stat(filepath.Join(dir, testDataMarker))
	_, dbErr := os.Stat(filepath.Join(dir, sqlite.DBFile))
	switch {
	case dbErr == nil && markErr == nil:
		return false, nil
	case dbErr == nil:
		return false, fmt.Errorf("%s holds a booth database that is not a demo's (it has no %s file): booth demo never touches real election data; give a new directory with --data, or leave --data out", dir, testDataMarker)
	case len(entries) > 0:
		return false, fmt.Errorf("%s is not empty: give booth demo a new or empty directory with --data, or leave --data out", dir)
	case !errors.Is(dbErr, fs.ErrNotExist):
		return false, dbErr
	}
	note := "This is a booth demo data directory made by 'booth demo': test data only.\n" +
		"It keeps the elections' tally keys (tally-*.key), which a real server never does.\n"
	if err := os.WriteFile(filepath.Join(dir, testDataMarker), []byte(note), 0o600); err != nil {
		return false, fmt.Errorf("marking the demo's data directory: %w", err)
	}
	return true, nil
}

// listen creates (once) the host key and the server, and opens the port.
func (d *demoRun) listen(addr string) error {
	keyPath := filepath.Join(d.dir, demoHostKey)
	var err error
	if _, statErr := os.Stat(keyPath); errors.Is(statErr, fs.ErrNotExist) {
		d.hostFP, err = ssh.InitHostKey(keyPath)
	} else {
		var signer gossh.Signer
		if signer, err = ssh.LoadHostKey(keyPath); err == nil {
			d.hostFP = ssh.Fingerprint(signer)
		}
	}
	if err != nil {
		return fmt.Errorf("the demo's host key: %w", err)
	}
	logger := log.NewWithOptions(d.logs, log.Options{ReportTimestamp: true, Prefix: "booth demo"})
	cfg := ssh.Config{Listen: addr, HostKeyPath: keyPath, Service: d.svc, Logger: logger}
	if d.reg != nil {
		cfg.Metrics = d.reg
	}
	d.srv, err = ssh.New(cfg)
	if err != nil {
		return fmt.Errorf("starting the demo's SSH server: %w", err)
	}
	d.ln, err = net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w (another demo running? choose another address with --listen)", addr, err)
	}
	// The demo's data is test data, where `booth cast` casts for anyone:
	// it must never be what a network reaches.
	if tcp, ok := d.ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		d.ln.Close()
		return fmt.Errorf("--listen %s: the demo listens on this machine's loopback addresses only (such as 127.0.0.1:2222 or [::1]:2222): its data is test data, where a command-line cast can vote for any member; a real election runs with booth serve", addr)
	}
	return nil
}

// wait serves until ctx is done or the server fails, then shuts down.
func (d *demoRun) wait(ctx context.Context) error {
	var err error
	stopped := false // Serve returned by itself
	select {
	case <-ctx.Done():
	case err = <-d.served:
		stopped = true
	}
	sctx, cancel := context.WithTimeout(context.Background(), demoShutdown)
	defer cancel()
	if serr := d.srv.Shutdown(sctx); err == nil && serr != nil && !errors.Is(serr, context.Canceled) {
		err = serr
	}
	if !stopped {
		if serr := <-d.served; err == nil && serr != nil && !errors.Is(serr, cssh.ErrServerClosed) {
			err = serr
		}
	}
	if cerr := d.close(); err == nil {
		err = cerr
	}
	return err
}

// close closes the store and removes a temporary data directory.
func (d *demoRun) close() error {
	var err error
	if d.mon != nil {
		err = d.mon.Close()
	}
	if d.svc != nil {
		if cerr := d.svc.Close(); err == nil {
			err = cerr
		}
	}
	if d.temp {
		if rerr := os.RemoveAll(d.dir); err == nil {
			err = rerr
		}
	}
	return err
}

// printWelcome tells the user what they have and exactly what to type.
func (d *demoRun) printWelcome(out io.Writer) {
	host, port := d.connectTo()
	fmt.Fprintf(out, "booth demo: the Harbour Linux Foundation's elections, on %s\n\n", d.ln.Addr())
	if d.temp {
		fmt.Fprintf(out, "Data directory: %s (removed when the demo stops)\n", d.dir)
	} else {
		fmt.Fprintf(out, "Data directory: %s\n", d.dir)
	}
	fmt.Fprintln(out, "The demo keeps the elections' tally keys in it (tally-*.key); a real server never does.")
	if d.seeded {
		fmt.Fprintf(out, "Members: you and %d others. Elections: 3 open, 1 taking nominations (council-2027: you are nominated), 1 closed and counted.\n", len(demoMembers))
	}
	for _, f := range d.seed.keyFiles {
		fmt.Fprintf(out, "Registered your key %s as member %q.\n", f, demoYou)
	}
	for _, s := range d.seed.skipped {
		fmt.Fprintf(out, "Skipped %s\n", s)
	}
	fmt.Fprintf(out, "Host key fingerprint: %s\n", d.hostFP)
	if d.mon != nil {
		fmt.Fprintf(out, "Metrics: http://%s/metrics (health: /healthz, /readyz)\n", d.mon.Addr())
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "Connect with:")
	if d.seed.demoKey != "" {
		fmt.Fprintf(out, "    ssh -i %s -p %s %s\n", d.seed.demoKey, port, host)
		fmt.Fprintln(out, "(You have no public key in ~/.ssh, so the demo made this key for you.)")
	} else {
		fmt.Fprintf(out, "    ssh -p %s %s\n", port, host)
	}
	fmt.Fprintf(out, "\nEach demo has a new host key: if ssh warns that it changed, run\n    ssh-keygen -R '[%s]:%s'\n", host, port)
	fmt.Fprintln(out, "Press Ctrl+C to stop.")
}

// connectTo is the host and port to give ssh: localhost for a loopback or
// wildcard listener.
func (d *demoRun) connectTo() (host, port string) {
	h, p, err := net.SplitHostPort(d.ln.Addr().String())
	if err != nil {
		return "localhost", "2222"
	}
	if ip := net.ParseIP(h); ip == nil || ip.IsLoopback() || ip.IsUnspecified() {
		return "localhost", p
	}
	return h, p
}
