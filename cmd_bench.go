package main

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
	"time"

	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/ssh/loadtest"
	"vote.example.org/booth/tally"
)

// benchFlags are the options of booth bench ssh.
type benchFlags struct {
	sessions, typists int
	fps               int
	idle, typing      time.Duration
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
	sshCmd.Flags().IntVar(&f.fps, "fps", 0, "the server's frame rate (0: its default)")
	sshCmd.Flags().DurationVar(&f.idle, "idle", 10*time.Second, "how long to measure idle CPU")
	sshCmd.Flags().DurationVar(&f.typing, "typing", 10*time.Second, "how long each latency run types")
	bench.AddCommand(sshCmd)
	return bench
}

func runSSHBench(ctx context.Context, out io.Writer, f benchFlags) error {
	if f.sessions < 1 || f.typists < 1 || f.typists > f.sessions {
		return fmt.Errorf("--sessions must be at least 1 and --typists between 1 and --sessions")
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

	time.Sleep(3 * time.Second)
	rss1, cpu0, err := loadtest.ProcStats(pid)
	if err != nil {
		return err
	}
	time.Sleep(f.idle)
	_, cpu1, err := loadtest.ProcStats(pid)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "server RSS: %d KB at start, %d KB with %d idle sessions: %d KB per session\n",
		rss0/1024, rss1/1024, len(sessions), (rss1-rss0)/1024/int64(len(sessions)))
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
		lat, failed := loadtest.Typing(sessions[:n], keys, f.typing, 10*time.Second)
		fmt.Fprintf(out, "%d sessions typing for %s: %d keystrokes, p50 %s, p99 %s, %d without an answer\n",
			n, f.typing, len(lat), loadtest.Percentile(lat, 50).Round(time.Microsecond), loadtest.Percentile(lat, 99).Round(time.Microsecond), failed)
		if n == len(sessions) {
			break
		}
	}
	return nil
}

// seedBench fills a data directory with n members (one generated key
// each) and one open election, and returns the members' signers.
func seedBench(ctx context.Context, dir string, n int) ([]gossh.Signer, error) {
	st, err := sqlite.Open(dir)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	svc := &models.Service{Store: st, Now: time.Now, Rand: rand.Reader}
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
	if err := st.ImportMembers(ctx, members, "bench"); err != nil {
		return nil, err
	}
	// Three open elections, so the home screen has a list to move along.
	now := time.Now().UTC().Truncate(time.Second)
	for e := range 3 {
		d := models.Definition{
			ID: fmt.Sprintf("bench-%d", e+1), Title: fmt.Sprintf("Board election %d (benchmark)", e+1), Method: tally.Meek, Seats: 2,
			OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(24 * time.Hour), TieSeed: "bench",
		}
		for _, name := range []string{"Ada Lovelace", "Grace Hopper", "Ken Thompson", "Barbara Liskov", "Margaret Hamilton"} {
			d.Candidates = append(d.Candidates, models.Candidate{ID: strings.ToLower(strings.Fields(name)[0]), Name: name, Statement: "A statement."})
		}
		if _, _, err := svc.CreateElection(ctx, d, filepath.Join(dir, d.ID+".tally-key"), "bench"); err != nil {
			return nil, err
		}
		if err := svc.OpenElection(ctx, d.ID, "bench"); err != nil {
			return nil, err
		}
	}
	return signers, nil
}

// startBenchServer runs 'booth serve' from this executable and waits until
// it accepts connections.
func startBenchServer(ctx context.Context, dir, addr, debugAddr string, f benchFlags) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	// Every session comes from loopback: lift the per-address cap.
	args := []string{"serve", "--data", dir, "--listen", addr, "--debug-listen", debugAddr, "--max-conns-per-ip", fmt.Sprint(f.sessions + 100)}
	if f.fps > 0 {
		args = append(args, "--fps", fmt.Sprint(f.fps))
	}
	cmd := exec.CommandContext(ctx, self, args...)
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
