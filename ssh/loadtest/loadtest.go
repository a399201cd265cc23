// Package loadtest measures a running booth SSH server the way members
// use it: real SSH sessions with a PTY, each showing the booth. It reports
// the server process's memory and CPU (read from /proc, so the clients'
// own costs are not counted), the bytes of the first screen and of a
// cursor move, and keystroke-to-screen latency with many members typing.
//
// RunSSH and RunCast are the benchmarks behind 'booth bench ssh' and
// 'booth bench cast': each seeds a throw-away store, starts 'booth serve'
// from the executable its config names, loads it through this package's
// clients and reports what it measured.
package loadtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Session is one member's interactive SSH session.
type Session struct {
	client *gossh.Client
	sess   *gossh.Session
	stdin  interface{ Write([]byte) (int, error) }
	out    counter
	typed  int // keys Typing has pressed in this session, over every run
}

// counter counts what the server sent and signals each arrival.
type counter struct {
	mu      sync.Mutex
	n       int64
	buf     bytes.Buffer // kept only until the first screen is seen
	keep    bool
	arrived chan struct{}
}

func (c *counter) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.n += int64(len(p))
	if c.keep {
		c.buf.Write(p)
	}
	c.mu.Unlock()
	select {
	case c.arrived <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (c *counter) total() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// dial connects to the server at addr as the member owning signer.
func dial(addr string, signer gossh.Signer, timeout time.Duration) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            "member",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), // a load test on loopback
		Timeout:         timeout,
	})
}

// Open connects as the member owning signer, asks for an 80×24 PTY and a
// shell, and waits until the screen shows marker. It returns the session
// and the bytes the first screen took.
func Open(addr string, signer gossh.Signer, marker string, timeout time.Duration) (*Session, int64, error) {
	client, err := dial(addr, signer, timeout)
	if err != nil {
		return nil, 0, err
	}
	s := &Session{client: client}
	s.out.keep = true
	s.out.arrived = make(chan struct{}, 1)
	if s.sess, err = client.NewSession(); err != nil {
		client.Close()
		return nil, 0, err
	}
	s.sess.Stdout = &s.out
	stdin, err := s.sess.StdinPipe()
	if err != nil {
		s.Close()
		return nil, 0, err
	}
	s.stdin = stdin
	if err := s.sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		s.Close()
		return nil, 0, err
	}
	if err := s.sess.Shell(); err != nil {
		s.Close()
		return nil, 0, err
	}
	deadline := time.After(timeout)
	for {
		s.out.mu.Lock()
		seen := bytes.Contains(s.out.buf.Bytes(), []byte(marker))
		s.out.mu.Unlock()
		if seen {
			break
		}
		select {
		case <-s.out.arrived:
		case <-deadline:
			s.Close()
			return nil, 0, fmt.Errorf("no %q on screen within %s", marker, timeout)
		}
	}
	// Let the rest of the first frame arrive before counting it.
	settle(&s.out, 200*time.Millisecond)
	s.out.mu.Lock()
	s.out.keep = false
	s.out.buf = bytes.Buffer{}
	first := s.out.n
	s.out.mu.Unlock()
	return s, first, nil
}

// settle waits until nothing has arrived for quiet.
func settle(c *counter, quiet time.Duration) {
	for {
		select {
		case <-c.arrived:
		case <-time.After(quiet):
			return
		}
	}
}

// Key sends a key and returns how long the first byte of the answer took
// and how many bytes the answer was (counted until the screen is quiet).
func (s *Session) Key(key string, quiet, timeout time.Duration) (time.Duration, int64, error) {
	settle(&s.out, 0)
	before := s.out.total()
	start := time.Now()
	if _, err := s.stdin.Write([]byte(key)); err != nil {
		return 0, 0, err
	}
	select {
	case <-s.out.arrived:
	case <-time.After(timeout):
		return 0, 0, errors.New("no answer to a key press")
	}
	latency := time.Since(start)
	settle(&s.out, quiet)
	return latency, s.out.total() - before, nil
}

// Close ends the session.
func (s *Session) Close() {
	if s.sess != nil {
		s.sess.Close()
	}
	s.client.Close()
}

// ProcStats reads a process's resident memory (bytes) and CPU time used so
// far from /proc.
func ProcStats(pid int) (rss int64, cpu time.Duration, err error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			rss = kb * 1024
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// Fields after the command name (which may hold spaces) start at ")".
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticksPerSecond = 100 // USER_HZ on Linux
	cpu = time.Duration(utime+stime) * time.Second / ticksPerSecond
	return rss, cpu, nil
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

// Typing has every session press keys, one at a time each, for d, and
// returns the keystroke-to-screen latencies: each session's first key
// apart (it wakes a session that sat idle), then all the others. Each
// typist pauses a random 50–250 ms between keys, as people do: pressing
// the next key the instant the screen answers would measure how fast the
// client can ask rather than how the server answers people. A session
// goes on through keys where its last run stopped, so keys that undo each
// other (down, up) always change its screen.
func Typing(sessions []*Session, keys []string, d, timeout time.Duration) (first, then []time.Duration, failed int64) {
	var (
		mu       sync.Mutex
		failures atomic.Int64
		wg       sync.WaitGroup
	)
	stop := time.Now().Add(d)
	for i, s := range sessions {
		wg.Go(func() {
			pause := rand.New(rand.NewPCG(uint64(i), 1))
			for k := 0; time.Now().Before(stop); k++ {
				time.Sleep(50*time.Millisecond + time.Duration(pause.IntN(200))*time.Millisecond)
				lat, _, err := s.Key(keys[s.typed%len(keys)], 0, timeout)
				s.typed++
				if err != nil {
					failures.Add(1)
					continue
				}
				mu.Lock()
				if k == 0 {
					first = append(first, lat)
				} else {
					then = append(then, lat)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(first)
	slices.Sort(then)
	return first, then, failures.Load()
}

// Percentile returns the p-th percentile (0–100) of sorted durations.
func Percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(i, len(sorted))-1)]
}

// FreeAddr finds a loopback address with a free port for the server.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Goroutines asks a server started with --debug-listen how many goroutines
// it runs (the first line of its goroutine profile).
func Goroutines(debugAddr string) (int, error) {
	resp, err := http.Get("http://" + debugAddr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	head := make([]byte, 64)
	n, _ := io.ReadFull(resp.Body, head)
	var total int
	if _, err := fmt.Sscanf(string(head[:n]), "goroutine profile: total %d", &total); err != nil {
		return 0, fmt.Errorf("reading the goroutine count: %w", err)
	}
	return total, nil
}

// SaveProfile fetches a pprof profile (such as "profile?seconds=10" or
// "heap") from a server started with --debug-listen into file.
func SaveProfile(debugAddr, profile, file string) error {
	resp, err := http.Get("http://" + debugAddr + "/debug/pprof/" + profile)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetching the %s profile: %s", profile, resp.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Command runs one non-interactive command as the member owning signer,
// with stdin as its input, and returns what it wrote and its exit status.
// err reports a failure to connect or run, not a non-zero status.
func Command(addr string, signer gossh.Signer, command, stdin string, timeout time.Duration) (stdout, stderr string, status int, err error) {
	client, err := dial(addr, signer, timeout)
	if err != nil {
		return "", "", 0, err
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		return "", "", 0, err
	}
	defer sess.Close()
	var out, errOut bytes.Buffer
	sess.Stdout, sess.Stderr, sess.Stdin = &out, &errOut, strings.NewReader(stdin)
	err = sess.Run(command)
	var exit *gossh.ExitError
	switch {
	case err == nil:
		return out.String(), errOut.String(), 0, nil
	case errors.As(err, &exit):
		return out.String(), errOut.String(), exit.ExitStatus(), nil
	}
	return out.String(), errOut.String(), 0, err
}

// CollectGarbage has a server started with --debug-listen run a garbage
// collection (as asking for its heap profile does).
func CollectGarbage(debugAddr string) error {
	resp, err := http.Get("http://" + debugAddr + "/debug/pprof/heap?gc=1")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
