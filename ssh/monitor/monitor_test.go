package monitor

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// /readyz runs every check and says which failed and why; /healthz
// answers whatever the checks say; /metrics serves the registry given.
func TestEndpoints(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "booth_test_total", Help: "a test counter"})
	reg.MustRegister(c)
	c.Add(3)
	var failing atomic.Bool
	failing.Store(true)
	s, err := Listen("127.0.0.1:0", Handler(reg,
		Check{Name: "store", Run: func(context.Context) (string, error) {
			if failing.Load() {
				return "", errors.New("the database does not answer:\n  connection refused")
			}
			return "", nil
		}},
		Check{Name: "host key", Run: func(context.Context) (string, error) { return "SHA256:abc", nil }},
	))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	base := "http://" + s.Addr().String()

	code, body := get(t, base+"/readyz")
	want := "store: FAILED: the database does not answer: connection refused\nhost key: ok (SHA256:abc)\nnot ready\n"
	if code != http.StatusServiceUnavailable || body != want {
		t.Errorf("/readyz with the store failing: %d %q, want 503 %q", code, body, want)
	}
	failing.Store(false)
	if code, body := get(t, base+"/readyz"); code != http.StatusOK || body != "store: ok\nhost key: ok (SHA256:abc)\nready\n" {
		t.Errorf("/readyz with every check passing: %d %q", code, body)
	}
	if code, body := get(t, base+"/healthz"); code != http.StatusOK || body != "ok: booth is running\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get(t, base+"/metrics"); code != http.StatusOK || !strings.Contains(body, "booth_test_total 3\n") {
		t.Errorf("/metrics: %d %q", code, body)
	}
	if code, _ := get(t, base+"/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("/debug/pprof/: %d, want 404: the listener serves only its three paths", code)
	}
}

// A taken address is refused at start, saying what to give instead.
func TestListenRefusesATakenAddress(t *testing.T) {
	s, err := Listen("127.0.0.1:0", http.NotFoundHandler())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = Listen(s.Addr().String(), http.NotFoundHandler())
	if err == nil || !strings.Contains(err.Error(), "--metrics "+s.Addr().String()) || !strings.Contains(err.Error(), "such as 127.0.0.1:9222") {
		t.Errorf("a second listener on a taken address: %v", err)
	}
}
