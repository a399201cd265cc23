// Package monitor serves what watches a running booth over HTTP, apart
// from the SSH port: its Prometheus metrics (/metrics), whether the
// process is alive (/healthz) and whether it can serve members (/readyz,
// from the checks it is given). It shows nothing about any member: the
// metrics carry no member, receipt or address (see docs/operations.md).
package monitor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// checkTimeout bounds one readiness check: a database that does not
// answer within it is not ready.
const checkTimeout = 5 * time.Second

// Check is one condition of readiness. Run returns what it found (a
// detail for the body, such as a fingerprint) or why it failed.
type Check struct {
	Name string
	Run  func(ctx context.Context) (string, error)
}

// Handler serves /metrics from g, /healthz, and /readyz from checks.
func Handler(g prometheus.Gatherer, checks ...Check) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		// Answering at all is the news: the process runs and serves HTTP.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok: booth is running")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		body, ready := runChecks(r.Context(), checks)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if !ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprint(w, body)
	})
	return mux
}

// runChecks runs every check and says, one line each, what it found.
func runChecks(ctx context.Context, checks []Check) (string, bool) {
	var b strings.Builder
	ready := true
	for _, c := range checks {
		cctx, cancel := context.WithTimeout(ctx, checkTimeout)
		detail, err := c.Run(cctx)
		cancel()
		switch {
		case err != nil:
			ready = false
			fmt.Fprintf(&b, "%s: FAILED: %s\n", c.Name, strings.Join(strings.Fields(err.Error()), " "))
		case detail != "":
			fmt.Fprintf(&b, "%s: ok (%s)\n", c.Name, detail)
		default:
			fmt.Fprintf(&b, "%s: ok\n", c.Name)
		}
	}
	if ready {
		b.WriteString("ready\n")
	} else {
		b.WriteString("not ready\n")
	}
	return b.String(), ready
}

// Server is the monitoring listener.
type Server struct {
	srv    *http.Server
	l      net.Listener
	served chan error
}

// Listen opens addr and serves h on it until Close.
func Listen(addr string, h http.Handler) (*Server, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics %s: %w (give a free HOST:PORT, such as 127.0.0.1:9222)", addr, err)
	}
	s := &Server{
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       time.Minute,
		},
		l:      l,
		served: make(chan error, 1),
	}
	go func() { s.served <- s.srv.Serve(l) }()
	return s, nil
}

// Addr is the address it listens on.
func (s *Server) Addr() net.Addr { return s.l.Addr() }

// Close stops serving and waits for the listener's loop to end.
func (s *Server) Close() error {
	err := s.srv.Close()
	if serr := <-s.served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
