// Package mailpittest runs a real SMTP server for tests: Mailpit
// (github.com/axllent/mailpit, installed by .ci/run), one process and one
// inbox per test, read back through Mailpit's HTTP API.
package mailpittest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Server is a running Mailpit.
type Server struct {
	// SMTP is its SMTP address, host:port; API the base of its HTTP API.
	SMTP, API string
}

// binary finds mailpit on PATH or in $(go env GOPATH)/bin.
func binary() (string, error) {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p, nil
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "mailpit")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("mailpit is not installed (go install github.com/axllent/mailpit@v1.33.1; .ci/run does)")
}

// Start runs a Mailpit for the test, stopped when it ends. Without one
// installed the test skips, saying so, unless BOOTH_REQUIRE_MAILPIT is
// set (as .ci/run sets it): then it fails.
func Start(t testing.TB, extraArgs ...string) *Server {
	t.Helper()
	bin, err := binary()
	if err != nil {
		if os.Getenv("BOOTH_REQUIRE_MAILPIT") != "" {
			t.Fatalf("BOOTH_REQUIRE_MAILPIT is set: %v", err)
		}
		t.Skipf("no SMTP server for this test: %v", err)
	}
	// A port found free may be taken by another test's Mailpit before
	// ours binds it (the packages' tests run at once): then ours exits,
	// or another answers on its address, and it starts again on others.
	for attempt := 1; ; attempt++ {
		s, why := start(t, bin, extraArgs)
		if s != nil {
			return s
		}
		if attempt == 5 {
			t.Fatalf("mailpit did not start in %d attempts: %s", attempt, why)
		}
	}
}

// start runs one Mailpit on ports free a moment ago and waits until it is
// ready: nil and why not when it exited or another process answered.
func start(t testing.TB, bin string, extraArgs []string) (*Server, string) {
	t.Helper()
	smtpAddr, apiAddr := freeAddr(t), freeAddr(t)
	db := filepath.Join(t.TempDir(), "mailpit.db")
	args := append([]string{
		"--smtp", smtpAddr, "--listen", apiAddr,
		"--database", db,
		"--max", "0", "--quiet", "--disable-version-check", "--smtp-disable-rdns",
	}, extraArgs...)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting mailpit: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	s := &Server{SMTP: smtpAddr, API: "http://" + apiAddr}
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			return nil, fmt.Sprintf("it exited (%v), its ports taken", err)
		default:
		}
		if s.ours(db) {
			return s, ""
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit did not become ready on %s", apiAddr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ours reports whether the Mailpit answering on s.API is ready and is the
// one keeping its messages in db, not another test's.
func (s *Server) ours(db string) bool {
	resp, err := http.Get(s.API + "/api/v1/info")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var info struct{ Database string }
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&info) != nil {
		return false
	}
	return info.Database == db
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// URL is the address booth takes (--smtp): no TLS, as on this machine.
func (s *Server) URL() string { return "smtp://" + s.SMTP + "?tls=none" }

// Address is a mail address as Mailpit reports it.
type Address struct{ Name, Address string }

// Message is a message as Mailpit's list reports it.
type Message struct {
	ID, MessageID, Subject string
	From                   Address
	To                     []Address
}

// Messages lists every message received, page by page.
func (s *Server) Messages(t testing.TB) []Message {
	t.Helper()
	var all []Message
	const page = 1000
	for start := 0; ; start += page {
		var resp struct {
			Total    int
			Messages []Message
		}
		s.get(t, fmt.Sprintf("/api/v1/messages?start=%d&limit=%d", start, page), &resp)
		all = append(all, resp.Messages...)
		if len(resp.Messages) < page || len(all) >= resp.Total {
			return all
		}
	}
}

// CountByRecipient counts the messages received per To address and
// subject (one kind of notice has one subject per election).
func (s *Server) CountByRecipient(t testing.TB, subjectHas string) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, m := range s.Messages(t) {
		if !strings.Contains(m.Subject, subjectHas) {
			continue
		}
		for _, to := range m.To {
			n[to.Address]++
		}
	}
	return n
}

// Raw is a message's source, as received.
func (s *Server) Raw(t testing.TB, id string) []byte {
	t.Helper()
	resp, err := http.Get(s.API + "/api/v1/message/" + url.PathEscape(id) + "/raw")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("reading message %s: %v (%s)", id, err, resp.Status)
	}
	return data
}

func (s *Server) get(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := http.Get(s.API + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
}

// Text is a message's subject and plain-text body as Mailpit decodes
// them (RFC 2047 words, the charset and the transfer encoding undone).
func (s *Server) Text(t testing.TB, id string) (subject, body string) {
	t.Helper()
	var m struct{ Subject, Text string }
	s.get(t, "/api/v1/message/"+url.PathEscape(id), &m)
	return m.Subject, m.Text
}
