package cli

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storemetrics"
	boothssh "vote.example.org/booth/ssh"
	"vote.example.org/booth/ssh/monitor"
)

// newMetricsRegistry is the registry of one server's metrics (see
// docs/operations.md): its own, not the process-wide default, so that
// each server in a process (and each test) counts alone. The Go runtime's
// and the process's own metrics come with it.
func newMetricsRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// timedStore wraps a store so its operations are measured into reg.
func timedStore(reg prometheus.Registerer) func(models.Store) (models.Store, error) {
	return func(st models.Store) (models.Store, error) { return storemetrics.New(st, reg) }
}

// startMonitor serves reg's metrics and the health checks on addr: ready
// when the store answers with a current schema and the server holds its
// host key.
func startMonitor(addr string, reg prometheus.Gatherer, svc *models.Service, srv *boothssh.Server) (*monitor.Server, error) {
	return monitor.Listen(addr, monitor.Handler(reg,
		monitor.Check{Name: "store", Run: func(ctx context.Context) (string, error) { return "", svc.Ready(ctx) }},
		monitor.Check{Name: "host key", Run: func(context.Context) (string, error) { return srv.HostKeyLoaded() }},
	))
}
