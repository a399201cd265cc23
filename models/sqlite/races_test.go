package sqlite

import (
	"database/sql"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

// sharedStores opens n stores on one database, on one clock: front ends
// racing each other.
func sharedStores(t *testing.T, n int, clock func() time.Time) []models.Store {
	dir := t.TempDir()
	stores := make([]models.Store, n)
	for i := range stores {
		s := openStore(t, dir)
		s.now = clock
		stores[i] = s
	}
	return stores
}

func TestSharedLifecycleRaces(t *testing.T) { storetest.RunLifecycleRaces(t, sharedStores) }

func TestOpenCancelRaces(t *testing.T) { storetest.RunOpenCancelRaces(t, sharedStores) }

func TestOpenWithStaleFingerprintIsRefused(t *testing.T) {
	s := newStore(t)
	storetest.UseClock(s, storetest.NewClock())
	storetest.RunOpenWithStaleFingerprint(t, s)
}

// Booths started at once on a new data directory (a systemd unit and an
// officer's command, two front ends): each opens it, one migrates, the
// others see it migrated. None may fail, least of all calling a busy
// database corrupt and telling the operator to restore a backup (which
// would throw away every ballot since). Four at once, 100 times: about
// one open in a hundred gets SQLITE_BUSY from quick_check, reported as
// "not a usable booth database (corrupt …): restore it from a backup".
func TestConcurrentOpenNeverCallsBusyCorrupt(t *testing.T) {
	for round := range 100 {
		dir := t.TempDir()
		var wg sync.WaitGroup
		errs := make([]error, 4)
		stores := make([]*Store, 4)
		for i := range 4 {
			wg.Go(func() { stores[i], errs[i] = Open(dir) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d, open %d: %v", round, i, err)
				if strings.Contains(err.Error(), "restore it from a backup") {
					t.Errorf("a busy database is called corrupt")
				}
				continue
			}
			if i == 0 {
				latest, err := latestMigration()
				must(t, err)
				var n, maxv int
				must(t, stores[0].db.QueryRow(`SELECT count(*), max(version) FROM schema_version`).Scan(&n, &maxv))
				if maxv != latest || n != latest {
					t.Errorf("schema_version: %d rows up to %d, want %d", n, maxv, latest)
				}
			}
			stores[i].Close()
		}
		if t.Failed() {
			return
		}
	}
}

// A database another process holds for longer than the busy timeout (here
// a connection in exclusive locking mode, as a long migration or a backup
// tool may) is reported busy, to try again: never corrupt, never "restore
// it from a backup".
func TestOpenOfHeldDatabaseSaysBusy(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	must(t, err)
	must(t, s.Close())
	holder, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DBFile)+"?_pragma=locking_mode(EXCLUSIVE)")
	must(t, err)
	defer holder.Close()
	holder.SetMaxOpenConns(1)
	_, err = holder.Exec(`BEGIN EXCLUSIVE; UPDATE schema_version SET applied_at = applied_at; COMMIT`)
	must(t, err)
	_, err = Open(dir)
	if err == nil || !strings.Contains(err.Error(), "is busy: another booth is migrating or holding it") || strings.Contains(err.Error(), "corrupt") || strings.Contains(err.Error(), "backup") {
		t.Errorf("opening a held database: %v, want it called busy, to try again", err)
	}
}
