package ssh

import (
	"path/filepath"
	"strings"
	"testing"

	"charm.land/log/v2"
	"github.com/prometheus/client_golang/prometheus"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storemetrics"
)

// storeOperations is how many times the timed store ran operation op.
func storeOperations(t *testing.T, reg *prometheus.Registry, op string) uint64 {
	t.Helper()
	families, err := reg.Gather()
	must(t, err)
	for _, f := range families {
		if f.GetName() != "booth_store_operation_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "operation" && l.GetValue() == op {
					return m.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	return 0
}

// whoami shows the preferences the session read to choose its language:
// one read of the store, not two.
func TestWhoamiReadsPreferencesOnce(t *testing.T) {
	e := newTestEnv(t, nil)
	reg := prometheus.NewRegistry()
	timed, err := storemetrics.New(e.store, reg)
	must(t, err)
	// A second server, on the same host key, whose store is timed.
	e.srv, e.addr = e.serve(Config{HostKeyPath: filepath.Join(e.dir, "host_key"), Service: models.NewService(timed), Logger: log.New(e.logs)})
	must(t, e.svc.SetMemberPreferences(bg, "ada", models.Preferences{Plain: true}))
	before := storeOperations(t, reg, "preferences")
	out, errOut, code := e.run("ada", "whoami", "")
	if code != 0 || !strings.Contains(out, "plain   on (linear mode") {
		t.Fatalf("whoami: exit %d\n%s%s", code, out, errOut)
	}
	if n := storeOperations(t, reg, "preferences") - before; n != 1 {
		t.Errorf("whoami read the member's preferences %d times, want once", n)
	}
}
