package sqlite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vote.example.org/booth/models"
)

func TestOpenCreatesDirectoryAndMigratesOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "booth-data")
	s := openStore(t, dir)
	fi, err := os.Stat(dir)
	must(t, err)
	if !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Errorf("data directory mode %v, want a 0700 directory", fi.Mode())
	}
	if _, err := os.Stat(filepath.Join(dir, DBFile)); err != nil {
		t.Errorf("database file: %v", err)
	}
	migrationFiles, err := filepath.Glob("migrations/*.sql")
	must(t, err)
	if n := count(t, s, `SELECT count(*) FROM schema_version`); n != len(migrationFiles) || n == 0 {
		t.Errorf("schema_version has %d rows, want one per migration (%d)", n, len(migrationFiles))
	}
	must(t, s.AddMember(ctx, member("alice"), officer))
	must(t, s.Close())

	s2 := openStore(t, dir)
	if n := count(t, s2, `SELECT count(*) FROM schema_version`); n != len(migrationFiles) {
		t.Errorf("after reopening, schema_version has %d rows, want %d: a migration ran twice", n, len(migrationFiles))
	}
	if _, err := s2.Member(ctx, "alice"); err != nil {
		t.Errorf("member lost across reopening: %v", err)
	}
}

func TestOpenRefusesUnusableDirectory(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "file")
	must(t, os.WriteFile(file, []byte("x"), 0o600))
	corrupt := filepath.Join(base, "corrupt")
	must(t, os.Mkdir(corrupt, 0o700))
	must(t, os.WriteFile(filepath.Join(corrupt, DBFile), []byte(strings.Repeat("not a database ", 400)), 0o600))
	dbdir := filepath.Join(base, "dbdir")
	must(t, os.MkdirAll(filepath.Join(dbdir, DBFile), 0o700))

	for _, tc := range []struct{ name, dir, want string }{
		{"empty", "", "no data directory"},
		{"a file", file, "is not a directory"},
		{"corrupt", corrupt, "not a usable booth database"},
		{"database is a directory", dbdir, "is not a regular file"},
	} {
		s, err := Open(tc.dir)
		if err == nil {
			s.Close()
			t.Errorf("%s: Open succeeded", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not say %q", tc.name, err, tc.want)
		}
	}
}

func TestConnectionSettings(t *testing.T) {
	s := newStore(t)
	for pragma, want := range map[string]string{
		"journal_mode":  "wal",
		"synchronous":   "2", // FULL
		"foreign_keys":  "1",
		"secure_delete": "1",
		"busy_timeout":  "10000",
	} {
		var got string
		must(t, s.db.QueryRow("PRAGMA "+pragma).Scan(&got))
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
}

// The tables that must not carry insertion order have no rowid.
func TestSecrecyTablesHaveNoRowid(t *testing.T) {
	s := newStore(t)
	for _, table := range []string{"roll", "box", "replaced"} {
		if _, err := s.db.Exec(`SELECT rowid FROM ` + table); err == nil {
			t.Errorf("table %s has a rowid", table)
		}
	}
}

// The database holds who voted while voting is open: only its owner may
// read it.
func TestDatabaseFileIsPrivate(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, err := os.Stat(filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", DBFile, fi.Mode().Perm())
	}
}

// The login lookup is a primary-key search, not a scan.
func TestFingerprintLookupUsesIndex(t *testing.T) {
	s := newStore(t)
	rows, err := s.db.Query(`EXPLAIN QUERY PLAN SELECT member_id FROM keys WHERE fingerprint = ?`, "SHA256:x")
	must(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		must(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	if len(plan) != 1 || !strings.Contains(plan[0], "SEARCH keys USING PRIMARY KEY") {
		t.Errorf("query plan %q, want a primary-key search", plan)
	}
}

// Editing an audit row in the database breaks the chain at that entry.
func TestAuditEditBreaksChain(t *testing.T) {
	s := setup(t, []string{"alice", "bob"}, nil)
	_, err := s.db.Exec(`UPDATE audit SET detail = 'member bob imported (forged)' WHERE seq = 2`)
	must(t, err)
	log, err := s.AuditLog(ctx)
	must(t, err)
	_, err = models.VerifyChain(log)
	if err == nil || !strings.Contains(err.Error(), "audit entry 2 ") {
		t.Errorf("VerifyChain after an edit: %v, want a report on entry 2", err)
	}
}

// A database a newer booth migrated is refused at open, as PostgreSQL's
// is (models.SchemaTooNewError), and left as it was: an older booth
// writing into a schema it does not know could corrupt it.
func TestOpenRefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	latest, err := latestMigration()
	must(t, err)
	_, err = s.db.Exec(`INSERT INTO schema_version (version, applied_at) VALUES (?, '2099-01-01T00:00:00Z')`, latest+1)
	must(t, err)
	must(t, s.Close())

	s2, err := Open(dir)
	if err == nil {
		s2.Close()
		t.Fatal("Open of a database with a newer schema succeeded")
	}
	var tooNew *models.SchemaTooNewError
	if !errors.As(err, &tooNew) || tooNew.Have != latest+1 || tooNew.Knows != latest {
		t.Fatalf("Open of a newer schema: %v, want a SchemaTooNewError (%d, %d)", err, latest+1, latest)
	}
	want := fmt.Sprintf("%s: the database has schema version %d, this booth knows up to %d: upgrade booth", filepath.Join(dir, DBFile), latest+1, latest)
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to start %q", err, want)
	}
}
