package cli

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// syncBuffer is a buffer the server writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeAndStopOnSIGTERM starts booth serve on a fresh data directory
// (creating the host key), talks to it over SSH, and stops it with
// SIGTERM; a second start keeps the same host key.
func TestServeAndStopOnSIGTERM(t *testing.T) {
	data := t.TempDir()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	sshPub, err := ssh.NewPublicKey(pub)
	must(t, err)
	signer, err := ssh.NewSignerFromKey(priv)
	must(t, err)
	keyFile := writeFile(t, "ada.pub", string(ssh.MarshalAuthorizedKey(sshPub)))
	if code, _, errOut := booth(t, "", "--data", data, "member", "add", "ada", "--name", "Ada", "--key", keyFile); code != 0 {
		t.Fatal(errOut)
	}

	first := serveOnce(t, data, signer, true)
	second := serveOnce(t, data, signer, false)
	if first != second {
		t.Fatalf("the host key changed between starts: %s then %s", first, second)
	}
}

// serveOnce runs booth serve, runs whoami over SSH, sends SIGTERM and
// returns the printed host key fingerprint.
func serveOnce(t *testing.T, data string, member ssh.Signer, fresh bool) string {
	t.Helper()
	srv := startServing(t, "--data", data, "serve", "--listen", "127.0.0.1:0")
	out, errOut := srv.out, srv.errOut
	if created := strings.Contains(out.String(), "created the host key"); created != fresh {
		t.Errorf("host key created: %v, want %v\n%s", created, fresh, out.String())
	}
	client, err := ssh.Dial("tcp", srv.addr, &ssh.ClientConfig{
		User: "vote", Auth: []ssh.AuthMethod{ssh.PublicKeys(member)},
		HostKeyCallback: func(_ string, _ net.Addr, key ssh.PublicKey) error {
			if ssh.FingerprintSHA256(key) != srv.fingerprint {
				t.Errorf("the server's key %s is not the printed %s", ssh.FingerprintSHA256(key), srv.fingerprint)
			}
			return nil
		},
	})
	must(t, err)
	sess, err := client.NewSession()
	must(t, err)
	who, err := sess.Output("whoami")
	if err != nil || !strings.Contains(string(who), "member  ada") {
		t.Fatalf("whoami: %v %q", err, who)
	}
	client.Close()

	if code, stopped := srv.stop(t); !stopped {
		t.Fatal("booth serve did not stop after SIGTERM")
	} else if code != 0 {
		t.Fatalf("booth serve exit %d after SIGTERM: %s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "member=ada") {
		t.Errorf("the session was not logged: %q", errOut.String())
	}
	return srv.fingerprint
}

// serving is booth serve running in this process.
type serving struct {
	addr, fingerprint string
	out, errOut       *syncBuffer
	done              chan int
}

// startServing runs booth with args (a serve command) until it says where
// it listens and with which host key.
func startServing(t *testing.T, args ...string) *serving {
	t.Helper()
	s := &serving{out: &syncBuffer{}, errOut: &syncBuffer{}, done: make(chan int, 1)}
	go func() { s.done <- Run(args, strings.NewReader(""), s.out, s.errOut) }()
	re := regexp.MustCompile(`booth listening on (\S+)\nhost key fingerprint (SHA256:\S+)\n`)
	var m []string
	for deadline := time.Now().Add(20 * time.Second); m == nil && time.Now().Before(deadline); {
		select {
		case code := <-s.done:
			t.Fatalf("booth serve ended (exit %d): %s%s", code, s.out.String(), s.errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
		m = re.FindStringSubmatch(s.out.String())
	}
	if m == nil {
		t.Fatalf("booth serve did not say where it listens: %q %q", s.out.String(), s.errOut.String())
	}
	s.addr, s.fingerprint = m[1], m[2]
	return s
}

// stop sends SIGTERM, as an init system does, and returns booth serve's
// exit status, or stopped=false if it is still running 15 seconds later.
func (s *serving) stop(t *testing.T) (code int, stopped bool) {
	t.Helper()
	must(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	select {
	case code := <-s.done:
		return code, true
	case <-time.After(15 * time.Second):
		return 0, false
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
