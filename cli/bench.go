package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
	boothssh "vote.example.org/booth/ssh"
	"vote.example.org/booth/ssh/loadtest"
	"vote.example.org/booth/tally"
)

// benchFlags are the options of booth bench ssh.
type benchFlags struct {
	sessions, typists int
	idle, typing      time.Duration
	profileDir        string
}

func newBenchCmd() *cobra.Command {
	bench := &cobra.Command{
		Use:   "bench",
		Short: "Measure booth on this machine",
	}
	var f benchFlags
	sshCmd := &cobra.Command{
		Use:   "ssh",
		Short: "Measure a booth server with real SSH sessions: memory, idle CPU, bytes, keystroke latency",
		Long: `Starts 'booth serve' as a separate process on a throw-away data directory
with generated members, opens --sessions interactive SSH sessions (80×24 PTY)
that each show the booth, and reports, read from the server process alone:
resident memory per idle session, CPU used by the idle sessions, the bytes
of the first screen and of a cursor move, and keystroke-to-screen latency
(p50, p99) with --typists sessions and then all sessions typing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSSHBench(cmd.Context(), cmd.OutOrStdout(), f)
		},
	}
	sshCmd.Flags().IntVar(&f.sessions, "sessions", 1000, "idle sessions to open")
	sshCmd.Flags().IntVar(&f.typists, "typists", 200, "sessions typing at once in the first latency run")
	sshCmd.Flags().DurationVar(&f.idle, "idle", 10*time.Second, "how long to measure idle CPU")
	sshCmd.Flags().DurationVar(&f.typing, "typing", 10*time.Second, "how long each latency run types")
	sshCmd.Flags().StringVar(&f.profileDir, "profile", "", "save the server's CPU profiles of the idle and typing phases and its heap profile when idle (*.pprof) in this directory")
	bench.AddCommand(sshCmd, newBenchCastCmd())
	return bench
}

func runSSHBench(ctx context.Context, out io.Writer, f benchFlags) error {
	if f.sessions < 1 || f.typists < 1 || f.typists > f.sessions {
		return fmt.Errorf("--sessions must be at least 1 and --typists between 1 and --sessions")
	}
	if f.profileDir != "" {
		// Found out now, not after a minute of load.
		if err := os.MkdirAll(f.profileDir, 0o755); err != nil {
			return fmt.Errorf("--profile: %w", err)
		}
	}
	dir, err := os.MkdirTemp("", "booth-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	signers, err := seedBench(ctx, dir, f.sessions)
	if err != nil {
		return fmt.Errorf("preparing the data: %w", err)
	}
	addr, err := loadtest.FreeAddr()
	if err != nil {
		return err
	}
	debugAddr, err := loadtest.FreeAddr()
	if err != nil {
		return err
	}
	server, err := startBenchServer(ctx, dir, addr, debugAddr, f)
	if err != nil {
		return err
	}
	defer func() {
		server.Process.Signal(os.Interrupt)
		server.Wait()
	}()
	pid := server.Process.Pid
	time.Sleep(time.Second)
	rss0, _, err := loadtest.ProcStats(pid)
	if err != nil {
		return err
	}
	g0, err := loadtest.Goroutines(debugAddr)
	if err != nil {
		return err
	}

	fmt.Fprintf(out, "booth bench ssh: %s, %d cores, %s/%s, %d members, 80×24 sessions\n", cpuModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, f.sessions)
	start := time.Now()
	sessions, firstBytes, err := openSessions(addr, signers)
	defer func() {
		for _, s := range sessions {
			s.Close()
		}
	}()
	if err != nil {
		return err
	}
	opening := time.Since(start)
	fmt.Fprintf(out, "opened %d sessions in %s (%.0f sessions/s); first screen %d bytes (max over sessions)\n",
		len(sessions), opening.Round(time.Millisecond), float64(len(sessions))/opening.Seconds(), firstBytes)

	rssOpen, _, err := loadtest.ProcStats(pid)
	if err != nil {
		return err
	}
	// Idle: long enough for every session to park (boothssh.DefaultParkAfter),
	// and past two garbage collections, as a running server is after four
	// minutes at most (Go collects at least every two): the runtime gives
	// memory back to the system by the heap goal of the collection before.
	// Asking for the heap profile runs one now.
	time.Sleep(boothssh.DefaultParkAfter + 10*time.Second)
	for range 2 {
		if err := loadtest.CollectGarbage(debugAddr); err != nil {
			return err
		}
		time.Sleep(3 * time.Second)
	}
	rss1, cpu0, err := loadtest.ProcStats(pid)
	if err != nil {
		return err
	}
	if err := idlePhase(debugAddr, f); err != nil {
		return err
	}
	_, cpu1, err := loadtest.ProcStats(pid)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "server RSS: %d KB at start, %d KB just after opening %d sessions (%d KB per session), %d KB with them idle: %d KB per idle session\n",
		rss0/1024, rssOpen/1024, len(sessions), (rssOpen-rss0)/1024/int64(len(sessions)), rss1/1024, (rss1-rss0)/1024/int64(len(sessions)))
	if g1, err := loadtest.Goroutines(debugAddr); err == nil {
		fmt.Fprintf(out, "server goroutines: %d at start, %d with %d idle sessions: %.1f per session\n", g0, g1, len(sessions), float64(g1-g0)/float64(len(sessions)))
	}
	fmt.Fprintf(out, "idle CPU: %.1f%% of one core over %s with %d idle sessions\n",
		100*(cpu1-cpu0).Seconds()/f.idle.Seconds(), f.idle, len(sessions))

	_, moveBytes, err := sessions[0].Key("\x1b[B", 300*time.Millisecond, 5*time.Second)
	if err != nil {
		return fmt.Errorf("cursor move: %w", err)
	}
	fmt.Fprintf(out, "a cursor move (down arrow) answered with %d bytes\n", moveBytes)

	keys := []string{"j", "k"} // down, up: a cursor move on the home screen
	for _, n := range []int{f.typists, len(sessions)} {
		profiled := make(chan error, 1)
		if f.profileDir != "" {
			file := filepath.Join(f.profileDir, fmt.Sprintf("typing-%d.cpu.pprof", n))
			go func() {
				profiled <- loadtest.SaveProfile(debugAddr, fmt.Sprintf("profile?seconds=%d", int(f.typing.Seconds())), file)
			}()
		} else {
			profiled <- nil
		}
		_, serverCPU0, _ := loadtest.ProcStats(pid)
		clientCPU0 := ownCPU()
		start := time.Now()
		first, lat, failed := loadtest.Typing(sessions[:n], keys, f.typing, 10*time.Second)
		elapsed := time.Since(start).Seconds()
		_, serverCPU1, _ := loadtest.ProcStats(pid)
		clientCPU1 := ownCPU()
		if err := <-profiled; err != nil {
			return fmt.Errorf("saving the CPU profile: %w", err)
		}
		ms := func(d time.Duration) string { return d.Round(time.Microsecond).String() }
		fmt.Fprintf(out, "%d sessions typing for %s: %d keystrokes, p50 %s, p99 %s, %d without an answer; their first keys, which wake idle sessions all at once: p50 %s, p99 %s; CPU: server %.0f%%, clients %.0f%% of one core\n",
			n, f.typing, len(lat), ms(loadtest.Percentile(lat, 50)), ms(loadtest.Percentile(lat, 99)), failed,
			ms(loadtest.Percentile(first, 50)), ms(loadtest.Percentile(first, 99)),
			100*(serverCPU1-serverCPU0).Seconds()/elapsed, 100*(clientCPU1-clientCPU0).Seconds()/elapsed)
		if n == len(sessions) {
			break
		}
	}
	if f.profileDir != "" {
		// Its allocation counts cover everything since the server started,
		// the typing most of all.
		if err := loadtest.SaveProfile(debugAddr, "heap", filepath.Join(f.profileDir, "typed.heap.pprof")); err != nil {
			return fmt.Errorf("saving the heap profile: %w", err)
		}
	}
	for _, s := range sessions {
		s.Close()
	}
	return compareBare(out, signers, float64(len(sessions))/opening.Seconds())
}

// compareBare opens as many sessions on a bare x/crypto/ssh server (see
// loadtest.BareServer) as booth got, the same way, and compares the rates.
func compareBare(out io.Writer, signers []gossh.Signer, boothRate float64) error {
	bare, addr, err := loadtest.StartBare(signers)
	if err != nil {
		return err
	}
	defer bare.Close()
	start := time.Now()
	sessions, _, err := openSessions(addr, signers)
	elapsed := time.Since(start)
	for _, s := range sessions {
		s.Close()
	}
	if err != nil {
		return fmt.Errorf("the bare x/crypto/ssh server: %w", err)
	}
	bareRate := float64(len(sessions)) / elapsed.Seconds()
	fmt.Fprintf(out, "a bare x/crypto/ssh server (in this process) opened %d sessions at %.0f sessions/s: booth reaches %.0f%% of it\n",
		len(sessions), bareRate, 100*boothRate/bareRate)
	return nil
}

// idlePhase waits while the sessions sit idle, recording the server's CPU
// profile over that time and its heap afterwards when asked to.
func idlePhase(debugAddr string, f benchFlags) error {
	if f.profileDir == "" {
		time.Sleep(f.idle)
		return nil
	}
	cpu := filepath.Join(f.profileDir, "idle.cpu.pprof")
	if err := loadtest.SaveProfile(debugAddr, fmt.Sprintf("profile?seconds=%d", int(f.idle.Seconds())), cpu); err != nil {
		return fmt.Errorf("saving the CPU profile: %w", err)
	}
	if err := loadtest.SaveProfile(debugAddr, "heap?gc=1", filepath.Join(f.profileDir, "idle.heap.pprof")); err != nil {
		return fmt.Errorf("saving the heap profile: %w", err)
	}
	return nil
}

// seedBench fills a data directory with n members (one generated key
// each) and three open elections, and returns the members' signers.
func seedBench(ctx context.Context, dir string, n int) ([]gossh.Signer, error) {
	st, err := sqlite.Open(dir)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	signers, err := seedMembers(ctx, st, n)
	if err != nil {
		return nil, err
	}
	// Three open elections, so the home screen has a list to move along.
	svc := models.NewService(st)
	for e := range 3 {
		d := benchElection(fmt.Sprintf("bench-%d", e+1), fmt.Sprintf("Board election %d (benchmark)", e+1), tally.Meek)
		if err := createOpen(ctx, svc, d, filepath.Join(dir, d.ID+".tally-key")); err != nil {
			return nil, err
		}
	}
	return signers, nil
}

// seedMembers registers n active members, member0001 on, with one
// generated key each, and returns their signers in that order.
func seedMembers(ctx context.Context, st models.Store, n int) ([]gossh.Signer, error) {
	members := make([]models.Member, n)
	signers := make([]gossh.Signer, n)
	for i := range members {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		if signers[i], err = gossh.NewSignerFromKey(priv); err != nil {
			return nil, err
		}
		sshPub, err := gossh.NewPublicKey(pub)
		if err != nil {
			return nil, err
		}
		members[i] = models.Member{
			ID: fmt.Sprintf("member%04d", i+1), Name: fmt.Sprintf("Member %d", i+1), Status: models.Active,
			Joined: time.Now().Add(-time.Hour),
			Keys:   []models.Key{{Fingerprint: gossh.FingerprintSHA256(sshPub), Type: sshPub.Type(), Public: strings.TrimSpace(string(gossh.MarshalAuthorizedKey(sshPub)))}},
		}
	}
	return signers, st.ImportMembers(ctx, members, "bench")
}

// benchCandidates stand in every benchmark election.
var benchCandidates = []string{"Ada Lovelace", "Grace Hopper", "Ken Thompson", "Barbara Liskov", "Margaret Hamilton"}

// benchElection is a two-seat election open for a day from a minute ago.
func benchElection(id, title string, method tally.Method) models.Definition {
	now := time.Now().UTC().Truncate(time.Second)
	d := models.Definition{
		ID: id, Title: title, Method: method, Seats: 2,
		OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(24 * time.Hour), TieSeed: "bench",
	}
	if method == tally.Schulze {
		d.Seats = 1
	}
	for _, name := range benchCandidates {
		d.Candidates = append(d.Candidates, models.Candidate{ID: strings.ToLower(strings.Fields(name)[0]), Name: name, Statement: "A statement."})
	}
	return d
}

// createOpen creates d, writing its tally key to keyPath, and opens it.
func createOpen(ctx context.Context, svc *models.Service, d models.Definition, keyPath string) error {
	if _, _, err := svc.CreateElection(ctx, d, keyPath, "bench"); err != nil {
		return err
	}
	return svc.OpenElection(ctx, d.ID, "bench")
}

// startBenchServer runs 'booth serve' from this executable and waits until
// it accepts connections.
func startBenchServer(ctx context.Context, dir, addr, debugAddr string, f benchFlags) (*exec.Cmd, error) {
	// Every session comes from loopback: lift the per-address cap.
	return spawnServe(ctx, addr, "--data", dir, "--debug-listen", debugAddr, "--max-conns-per-ip", fmt.Sprint(f.sessions+100))
}

// spawnServe runs 'booth serve --listen addr args...' from this executable
// in its own process and waits until it accepts connections.
func spawnServe(ctx context.Context, addr string, args ...string) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, append([]string{"serve", "--listen", addr}, args...)...)
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	for range 100 {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return cmd, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, fmt.Errorf("booth serve did not start listening on %s", addr)
}

// openSessions opens one interactive session per signer, 50 at a time,
// and returns them with the largest first screen in bytes.
func openSessions(addr string, signers []gossh.Signer) ([]*loadtest.Session, int64, error) {
	sessions := make([]*loadtest.Session, len(signers))
	var (
		mu       sync.Mutex
		firstMax int64
		firstErr error
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, 50)
	for i, signer := range signers {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			s, first, err := loadtest.Open(addr, signer, "Signed in as", 30*time.Second)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("session %d: %w", i+1, err)
				}
				return
			}
			sessions[i] = s
			firstMax = max(firstMax, first)
		})
	}
	wg.Wait()
	var open []*loadtest.Session
	for _, s := range sessions {
		if s != nil {
			open = append(open, s)
		}
	}
	return open, firstMax, firstErr
}

// ownCPU is the CPU time this process (the clients) has used.
func ownCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuModel names this machine's processor for the report.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for line := range strings.Lines(string(data)) {
		if name, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
		}
	}
	return "unknown CPU"
}
