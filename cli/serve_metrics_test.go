package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models/postgres/pgtest"
	"vote.example.org/booth/models/sqlite"
)

// metricsMember is a member with a key the test signs in with.
type metricsMember struct {
	id     string
	signer ssh.Signer
	priv   ed25519.PrivateKey
}

func newMetricsMember(t *testing.T, id string) metricsMember {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	signer, err := ssh.NewSignerFromKey(priv)
	must(t, err)
	return metricsMember{id: id, signer: signer, priv: priv}
}

// setUpElection registers ann and ben and opens election board (Meek STV,
// candidates ada, bob, cy) on the store the database flags name.
func setUpElection(t *testing.T, db ...string) []metricsMember {
	t.Helper()
	var ms []metricsMember
	for _, id := range []string{"ann", "ben"} {
		m := newMetricsMember(t, id)
		key := string(ssh.MarshalAuthorizedKey(m.signer.PublicKey()))
		mustBooth(t, key, append(db, "member", "add", id, "--name", strings.ToUpper(id), "--key", "-")...)
		ms = append(ms, m)
	}
	now := time.Now()
	def := writeFile(t, "board.toml", electionFile("board", "Board 2090", now.Add(time.Hour), now.Add(48*time.Hour)))
	must(t, os.WriteFile(filepath.Join(filepath.Dir(def), "ada.md"), []byte("# Ada\n"), 0o644))
	mustBooth(t, "", append(db, "election", "create", def, "--key-out", filepath.Join(t.TempDir(), "board.key"))...)
	mustBooth(t, "", append(db, "election", "open", "board")...)
	return ms
}

// startWithMetrics runs booth serve with --metrics and returns it and the
// metrics address.
func startWithMetrics(t *testing.T, db ...string) (*serving, string) {
	t.Helper()
	srv := startServing(t, append(db, "serve", "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:0")...)
	t.Cleanup(func() {
		if _, stopped := srv.stop(t); !stopped {
			t.Error("booth serve did not stop after SIGTERM")
		}
	})
	m := regexp.MustCompile(`metrics on http://(\S+)/metrics`).FindStringSubmatch(srv.out.String())
	if m == nil {
		t.Fatalf("booth serve --metrics did not say where: %q", srv.out.String())
	}
	return srv, m[1]
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	must(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	must(t, err)
	return resp.StatusCode, string(body)
}

// scrape reads /metrics as Prometheus would, through its text parser.
func scrape(t *testing.T, addr string) map[string]*dto.MetricFamily {
	t.Helper()
	code, body := httpGet(t, "http://"+addr+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics answered %d: %s", code, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return fams
}

// value is the value of the series of family name whose labels include
// labels (name=value pairs); a histogram's is its count of samples.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i < len(labels); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				found = found || l.GetName() == labels[i] && l.GetValue() == labels[i+1]
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue()
		case m.Gauge != nil:
			return m.GetGauge().GetValue()
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount())
		}
	}
	return -1
}

// A real server with --metrics, a member in the booth over a real SSH
// session pressing keys, a real cast over `ssh HOST cast`, a stranger's
// key refused, an unknown command: the scrape shows each of them, and no
// label value anywhere is a member id, the receipt, a key's fingerprint
// or an address.
func TestServeMetricsDuringASessionAndACast(t *testing.T) {
	data := t.TempDir()
	db := []string{"--data", data}
	ms := setUpElection(t, db...)
	srv, addr := startWithMetrics(t, db...)
	before := scrape(t, addr)

	dial := func(signer ssh.Signer) (*ssh.Client, error) {
		return ssh.Dial("tcp", srv.addr, &ssh.ClientConfig{
			User: "vote", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
			HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
		})
	}
	// ann in the booth, pressing keys.
	ann, err := dial(ms[0].signer)
	must(t, err)
	defer ann.Close()
	booth, err := ann.NewSession()
	must(t, err)
	defer booth.Close()
	must(t, booth.RequestPty("xterm-256color", 24, 80, ssh.TerminalModes{}))
	stdin, err := booth.StdinPipe()
	must(t, err)
	screen := &syncBuffer{}
	booth.Stdout = screen
	must(t, booth.Shell())
	waitUntil(t, "the booth's first screen", func() bool { return strings.Contains(screen.String(), "Board 2090") })
	for range 3 {
		_, err := io.WriteString(stdin, "j")
		must(t, err)
	}
	waitUntil(t, "three keys timed", func() bool {
		return value(scrape(t, addr), "booth_keystroke_to_frame_seconds") >= 3
	})

	// ben casts over ssh HOST cast, and runs a command that is none.
	ben, err := dial(ms[1].signer)
	must(t, err)
	defer ben.Close()
	sess, err := ben.NewSession()
	must(t, err)
	sess.Stdin = strings.NewReader("ada\nbob\n")
	out, err := sess.Output("cast board")
	if err != nil {
		t.Fatalf("cast: %v %q", err, out)
	}
	receipt := strings.TrimSpace(string(out))
	sess, err = ben.NewSession()
	must(t, err)
	_ = sess.Run("frobnicate")

	// A stranger's key.
	stranger := newMetricsMember(t, "stranger")
	if c, err := dial(stranger.signer); err == nil {
		c.Close()
		t.Fatal("a stranger's key signed in")
	}

	after := scrape(t, addr)
	for _, c := range []struct {
		name   string
		labels []string
		moved  float64 // at least
	}{
		{"booth_ssh_handshakes_total", nil, 3},
		{"booth_ssh_auth_failures_total", []string{"reason", "unknown_key"}, 1},
		{"booth_ssh_commands_total", []string{"command", "cast"}, 1},
		{"booth_ssh_commands_total", []string{"command", "other"}, 1},
		{"booth_ballots_cast_total", []string{"kind", "cast"}, 1},
		{"booth_store_operation_duration_seconds", []string{"operation", "cast"}, 1},
		{"booth_store_operation_duration_seconds", []string{"operation", "member_by_fingerprint"}, 3},
		{"booth_keystroke_to_frame_seconds", nil, 3},
	} {
		was := max(value(before, c.name, c.labels...), 0)
		if now := value(after, c.name, c.labels...); now-was < c.moved {
			t.Errorf("%s%v went from %v to %v, want a rise of at least %v", c.name, c.labels, was, now, c.moved)
		}
	}
	if got := value(after, "booth_sessions_open"); got < 1 {
		t.Errorf("booth_sessions_open = %v with ann in the booth", got)
	}
	if got := value(after, "booth_cast_refusals_total", "reason", "already_voted"); got != 0 {
		t.Errorf("already_voted refusals = %v, want 0", got)
	}

	// Nothing that names a member, a ballot or a client in any label.
	secrets := []string{receipt, ssh.FingerprintSHA256(ms[0].signer.PublicKey()), ssh.FingerprintSHA256(ms[1].signer.PublicKey()),
		ssh.FingerprintSHA256(stranger.signer.PublicKey()), "127.0.0.1"}
	for _, c := range []*ssh.Client{ann, ben} {
		secrets = append(secrets, c.LocalAddr().String(), c.LocalAddr().(*net.TCPAddr).IP.String())
	}
	if len(receipt) < 20 {
		t.Fatalf("the cast printed no receipt: %q", receipt)
	}
	for name, f := range after {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				v := l.GetValue()
				if v == "ann" || v == "ben" || v == "stranger" || v == "board" {
					t.Errorf("%s has a label %s=%q: a member or an election", name, l.GetName(), v)
				}
				for _, s := range secrets {
					if strings.Contains(v, s) || strings.Contains(s, v) && len(v) > 6 {
						t.Errorf("%s has a label %s=%q, which is or holds %q", name, l.GetName(), v, s)
					}
				}
			}
		}
	}

	if code, body := httpGet(t, "http://"+addr+"/healthz"); code != http.StatusOK || !strings.HasPrefix(body, "ok") {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := httpGet(t, "http://"+addr+"/readyz"); code != http.StatusOK || !strings.Contains(body, "store: ok") ||
		!strings.Contains(body, "host key: ok ("+srv.fingerprint+")") {
		t.Errorf("/readyz: %d %q", code, body)
	}
}

// /readyz fails, saying why, while the SQLite file is moved away under
// the running server, and recovers when it is back.
func TestReadyzFailsWhileTheSQLiteFileIsGone(t *testing.T) {
	data := t.TempDir()
	setUpElection(t, "--data", data)
	_, addr := startWithMetrics(t, "--data", data)
	path := filepath.Join(data, sqlite.DBFile)
	must(t, os.Rename(path, path+".moved"))
	code, body := httpGet(t, "http://"+addr+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "store: FAILED: the database file "+path+" cannot be reached") || !strings.HasSuffix(body, "not ready\n") {
		t.Errorf("/readyz with the database moved away: %d %q", code, body)
	}
	if code, _ := httpGet(t, "http://"+addr+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz with the database moved away: %d, want 200 (the process is alive)", code)
	}
	must(t, os.Rename(path+".moved", path))
	if code, body := httpGet(t, "http://"+addr+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz with the database back: %d %q", code, body)
	}
}

// /readyz fails while PostgreSQL refuses the database's connections (its
// sessions terminated, new ones not allowed), and recovers when they are
// allowed again. Needs PostgreSQL (BOOTH_TEST_POSTGRES).
func TestReadyzFailsWhilePostgreSQLRefuses(t *testing.T) {
	dsn := pgtest.Database(t)
	setUpElection(t, "--db", dsn)
	_, addr := startWithMetrics(t, "--db", dsn)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, os.Getenv(pgtest.ServerEnv))
	must(t, err)
	t.Cleanup(func() { admin.Close(ctx) })
	cfg, err := pgx.ParseConfig(dsn)
	must(t, err)
	name := cfg.Database
	allow := func(yes bool) {
		t.Helper()
		_, err := admin.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{name}.Sanitize()+` WITH ALLOW_CONNECTIONS `+map[bool]string{true: "true", false: "false"}[yes])
		must(t, err)
		if !yes {
			_, err = admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name)
			must(t, err)
		}
	}
	if code, body := httpGet(t, "http://"+addr+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz before the fault: %d %q", code, body)
	}
	allow(false)
	t.Cleanup(func() { allow(true) })
	code, body := httpGet(t, "http://"+addr+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "store: FAILED: the PostgreSQL database does not answer") {
		t.Errorf("/readyz with connections refused: %d %q", code, body)
	}
	allow(true)
	waitUntil(t, "/readyz to recover", func() bool { code, _ := httpGet(t, "http://"+addr+"/readyz"); return code == http.StatusOK })
}

// The same counters move for the OpenSSH client: ann casts with ssh HOST
// cast, reading the ballot from standard input, as the README says.
func TestServeMetricsWithOpenSSH(t *testing.T) {
	sshPath, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("OpenSSH client not installed: skipped")
	}
	data := t.TempDir()
	ms := setUpElection(t, "--data", data)
	srv, addr := startWithMetrics(t, "--data", data)
	before := scrape(t, addr)
	host, port, err := net.SplitHostPort(srv.addr)
	must(t, err)
	cmd := exec.Command(sshPath, "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
		"-i", writeTestKey(t, ms[0].priv), "-p", port, host, "cast", "board")
	cmd.Stdin = strings.NewReader("bob\nada\n")
	out, err := cmd.CombinedOutput()
	if err != nil || !receiptPattern.Match(out) {
		t.Fatalf("ssh HOST cast board: %v\n%s", err, out)
	}
	after := scrape(t, addr)
	for _, c := range [][]string{
		{"booth_ssh_handshakes_total"},
		{"booth_ssh_commands_total", "command", "cast"},
		{"booth_ballots_cast_total", "kind", "cast"},
	} {
		if was, now := max(value(before, c[0], c[1:]...), 0), value(after, c[0], c[1:]...); now != was+1 {
			t.Errorf("%s%v went from %v to %v, want one more", c[0], c[1:], was, now)
		}
	}
}

// waitUntil polls cond for up to 20 seconds: a bounded wait for an
// outcome, not a measurement.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	if !cond() {
		t.Fatalf("waited 20 s for %s", what)
	}
}

// The packaged unit passes no --metrics: booth.env's BOOTH_METRICS turns
// the listener on.
func TestServeMetricsAddressFromTheEnvironment(t *testing.T) {
	data := t.TempDir()
	setUpElection(t, "--data", data)
	t.Setenv("BOOTH_METRICS", "127.0.0.1:0")
	srv := startServing(t, "--data", data, "serve", "--listen", "127.0.0.1:0")
	t.Cleanup(func() { srv.stop(t) })
	m := regexp.MustCompile(`metrics on http://(\S+)/metrics`).FindStringSubmatch(srv.out.String())
	if m == nil {
		t.Fatalf("booth serve with BOOTH_METRICS set did not serve metrics: %q", srv.out.String())
	}
	if code, body := httpGet(t, "http://"+m[1]+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz: %d %q", code, body)
	}
}
