package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
	boothssh "vote.example.org/booth/ssh"
	"vote.example.org/booth/tally"
)

// SSHConfig is what RunSSH measures.
type SSHConfig struct {
	// Booth is the path of a booth executable: RunSSH starts its
	// 'serve' command as the server under test.
	Booth string
	// Sessions is how many idle sessions to open, Typists how many of
	// them type at once in the first latency run (all type in the second).
	Sessions, Typists int
	// Idle is how long to measure idle CPU, Typing how long each latency
	// run types.
	Idle, Typing time.Duration
	// ProfileDir, when set, is an existing directory to save the server's
	// CPU profiles of the idle and typing phases and its heap profile in.
	ProfileDir string
}

// RunSSH starts 'booth serve' as a separate process on a throw-away data
// directory with c.Sessions generated members, opens that many interactive
// SSH sessions (80×24 PTY) that each show the booth, and writes to out
// what it reads from the server process alone: resident memory per idle
// session, CPU used by the idle sessions, the bytes of the first screen
// and of a cursor move, keystroke-to-screen latency with c.Typists and
// then all sessions typing, and how fast sessions open compared with a
// bare x/crypto/ssh server.
func RunSSH(ctx context.Context, out io.Writer, c SSHConfig) error {
	if c.Sessions < 1 || c.Typists < 1 || c.Typists > c.Sessions {
		return errors.New("loadtest: Sessions must be at least 1 and Typists between 1 and Sessions")
	}
	dir, err := os.MkdirTemp("", "booth-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	signers, err := seedBench(ctx, dir, c.Sessions)
	if err != nil {
		return fmt.Errorf("preparing the data: %w", err)
	}
	addr, err := FreeAddr()
	if err != nil {
		return err
	}
	debugAddr, err := FreeAddr()
	if err != nil {
		return err
	}
	server, err := startBenchServer(ctx, dir, addr, debugAddr, c)
	if err != nil {
		return err
	}
	defer func() {
		server.Process.Signal(os.Interrupt)
		server.Wait()
	}()
	pid := server.Process.Pid
	time.Sleep(time.Second)
	rss0, _, err := ProcStats(pid)
	if err != nil {
		return err
	}
	g0, err := Goroutines(debugAddr)
	if err != nil {
		return err
	}

	fmt.Fprintf(out, "booth bench ssh: %s, %d cores, %s/%s, %d members, 80×24 sessions\n", cpuModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, c.Sessions)
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

	rssOpen, _, err := ProcStats(pid)
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
		if err := CollectGarbage(debugAddr); err != nil {
			return err
		}
		time.Sleep(3 * time.Second)
	}
	rss1, cpu0, err := ProcStats(pid)
	if err != nil {
		return err
	}
	if err := idlePhase(debugAddr, c); err != nil {
		return err
	}
	_, cpu1, err := ProcStats(pid)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "server RSS: %d KB at start, %d KB just after opening %d sessions (%d KB per session), %d KB with them idle: %d KB per idle session\n",
		rss0/1024, rssOpen/1024, len(sessions), (rssOpen-rss0)/1024/int64(len(sessions)), rss1/1024, (rss1-rss0)/1024/int64(len(sessions)))
	if g1, err := Goroutines(debugAddr); err == nil {
		fmt.Fprintf(out, "server goroutines: %d at start, %d with %d idle sessions: %.1f per session\n", g0, g1, len(sessions), float64(g1-g0)/float64(len(sessions)))
	}
	fmt.Fprintf(out, "idle CPU: %.1f%% of one core over %s with %d idle sessions\n",
		100*(cpu1-cpu0).Seconds()/c.Idle.Seconds(), c.Idle, len(sessions))

	_, moveBytes, err := sessions[0].Key("\x1b[B", 300*time.Millisecond, 5*time.Second)
	if err != nil {
		return fmt.Errorf("cursor move: %w", err)
	}
	fmt.Fprintf(out, "a cursor move (down arrow) answered with %d bytes\n", moveBytes)

	keys := []string{"j", "k"} // down, up: a cursor move on the home screen
	for _, n := range []int{c.Typists, len(sessions)} {
		profiled := make(chan error, 1)
		if c.ProfileDir != "" {
			file := filepath.Join(c.ProfileDir, fmt.Sprintf("typing-%d.cpu.pprof", n))
			go func() {
				profiled <- SaveProfile(debugAddr, fmt.Sprintf("profile?seconds=%d", int(c.Typing.Seconds())), file)
			}()
		} else {
			profiled <- nil
		}
		_, serverCPU0, _ := ProcStats(pid)
		clientCPU0 := ownCPU()
		start := time.Now()
		first, lat, failed := Typing(sessions[:n], keys, c.Typing, 10*time.Second)
		elapsed := time.Since(start).Seconds()
		_, serverCPU1, _ := ProcStats(pid)
		clientCPU1 := ownCPU()
		if err := <-profiled; err != nil {
			return fmt.Errorf("saving the CPU profile: %w", err)
		}
		ms := func(d time.Duration) string { return d.Round(time.Microsecond).String() }
		fmt.Fprintf(out, "%d sessions typing for %s: %d keystrokes, p50 %s, p99 %s, %d without an answer; their first keys, which wake idle sessions all at once: p50 %s, p99 %s; CPU: server %.0f%%, clients %.0f%% of one core\n",
			n, c.Typing, len(lat), ms(Percentile(lat, 50)), ms(Percentile(lat, 99)), failed,
			ms(Percentile(first, 50)), ms(Percentile(first, 99)),
			100*(serverCPU1-serverCPU0).Seconds()/elapsed, 100*(clientCPU1-clientCPU0).Seconds()/elapsed)
		if n == len(sessions) {
			break
		}
	}
	if c.ProfileDir != "" {
		// Its allocation counts cover everything since the server started,
		// the typing most of all.
		if err := SaveProfile(debugAddr, "heap", filepath.Join(c.ProfileDir, "typed.heap.pprof")); err != nil {
			return fmt.Errorf("saving the heap profile: %w", err)
		}
	}
	for _, s := range sessions {
		s.Close()
	}
	return compareBare(out, signers, float64(len(sessions))/opening.Seconds())
}

// compareBare opens as many sessions on a bare x/crypto/ssh server (see
// BareServer) as booth got, the same way, and compares the rates.
func compareBare(out io.Writer, signers []gossh.Signer, boothRate float64) error {
	bare, addr, err := StartBare(signers)
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
func idlePhase(debugAddr string, c SSHConfig) error {
	if c.ProfileDir == "" {
		time.Sleep(c.Idle)
		return nil
	}
	cpu := filepath.Join(c.ProfileDir, "idle.cpu.pprof")
	if err := SaveProfile(debugAddr, fmt.Sprintf("profile?seconds=%d", int(c.Idle.Seconds())), cpu); err != nil {
		return fmt.Errorf("saving the CPU profile: %w", err)
	}
	if err := SaveProfile(debugAddr, "heap?gc=1", filepath.Join(c.ProfileDir, "idle.heap.pprof")); err != nil {
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

// startBenchServer runs 'booth serve' from c.Booth and waits until it
// accepts connections.
func startBenchServer(ctx context.Context, dir, addr, debugAddr string, c SSHConfig) (*exec.Cmd, error) {
	// Every session comes from loopback: lift the per-address cap.
	return spawnServe(ctx, c.Booth, addr, "--data", dir, "--debug-listen", debugAddr, "--max-conns-per-ip", fmt.Sprint(c.Sessions+100))
}

// openSessions opens one interactive session per signer, 50 at a time,
// and returns them with the largest first screen in bytes.
func openSessions(addr string, signers []gossh.Signer) ([]*Session, int64, error) {
	sessions := make([]*Session, len(signers))
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
			s, first, err := Open(addr, signer, "Signed in as", 30*time.Second)
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
	var open []*Session
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
