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
	n, err := storemetrics.Operations(reg, op)
	must(t, err)
	return n
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
