// Package sqlite is booth's embedded store: models.Store on SQLite, one file
// (booth.db) in the data directory.
//
// Durability and races: the database runs in WAL mode with synchronous=FULL,
// so a committed ballot survives a crash or power loss, and every writing
// transaction starts with BEGIN IMMEDIATE, so two casts for one member can
// never both read "not voted" and both write (a deferred transaction that
// upgrades to a write fails at once with SQLITE_BUSY, ignoring busy_timeout).
//
// Secrecy: the roll and the box share no key, no timestamp, no
// autoincrement and no foreign key, and are WITHOUT ROWID tables. Storage
// order still leaks cast order while an election is open (cell offsets in a
// page, WAL frames), so CloseElection rewrites those tables in key order,
// checkpoints and truncates the WAL and vacuums the file; secure_delete
// zeroes what is freed. Another reader can hold that scrub up: the
// election then stays "closed, not scrubbed" until Scrub completes it. Cast and Replace write no audit entry: an ordered
// log of "member M voted" next to "ballot B added" would undo all of this.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"vote.example.org/booth/models"
)

// DBFile is the database's file name inside the data directory.
const DBFile = "booth.db"

//go:embed migrations/*.sql
var migrations embed.FS

// Store is models.Store on SQLite.
type Store struct {
	db   *sql.DB
	path string
	// opened is the database file as opened, so Ready can tell a file
	// moved or replaced under the running store.
	opened os.FileInfo
	// wlock admits one writing transaction of this process at a time.
	// SQLite serialises writers anyway; queueing them here, where a context
	// can cancel the wait, keeps the busy handler's sleeps for writers in
	// other processes and so keeps casts fast under load.
	wlock chan struct{}
	// now is the store's clock: the local one, checked against the latest
	// time recorded (see storeTime). Only this package's tests and a store
	// opened by OpenTestData may replace it.
	now func() time.Time
	// afterCompact, when tests set it, runs in a scrub between the
	// compaction and the transaction recording it.
	afterCompact func()
	// testData is set when the store was opened for tests or the demo
	// (OpenTestData).
	testData bool
}

var _ models.Store = (*Store)(nil)

// dsn builds the connection string. busy_timeout comes first because
// switching to WAL can itself meet a lock; modernc applies it first too.
func dsn(path string) string {
	return "file:" + path +
		"?_pragma=busy_timeout(" + strconv.FormatInt(busyTimeout.Milliseconds(), 10) + ")" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(FULL)" +
		"&_pragma=foreign_keys(on)" +
		"&_pragma=secure_delete(on)" +
		"&_txlock=immediate"
}

// Open opens (creating and migrating if needed) the store in dir.
func Open(dir string) (*Store, error) { return open(dir, false, nil) }

// ErrNoDatabase is OpenExisting's answer for a directory that holds no
// booth database.
var ErrNoDatabase = errors.New("no booth database")

// OpenExisting opens (migrating if needed) the store in dir, refusing with
// ErrNoDatabase when there is none: a command that only reads or changes
// what exists must not leave an empty data directory behind.
func OpenExisting(dir string) (*Store, error) {
	if _, err := os.Stat(filepath.Join(dir, DBFile)); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoDatabase)
	}
	return Open(dir)
}

// OpenTestData opens the store in dir for tests or the demo. A database it
// creates is marked, inside it, as test data, the only kind `booth cast`
// casts in; an existing database that is not so marked is refused, since
// nothing ever marks a database after its creation. clock, when not nil,
// is the store's clock instead of the local one: only test data runs on a
// fake clock.
func OpenTestData(dir string, clock func() time.Time) (*Store, error) {
	return open(dir, true, clock)
}

// open opens the store in dir on clock (nil: the local clock).
func open(dir string, testData bool, clock func() time.Time) (*Store, error) {
	if clock == nil {
		clock = time.Now
	}
	if err := prepareDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, DBFile)
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file; move it away or choose another data directory", path)
	}
	// SQLite gives its WAL and shared-memory files the main file's mode, so
	// creating the file 0600 first keeps all three private: while voting is
	// open they are secret-ballot material.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", path, err)
	}
	f.Close()
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	// A small pool: writers queue on wlock, readers are short.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	s := &Store{db: db, path: path, wlock: make(chan struct{}, 1), now: clock, testData: testData}
	if s.opened, err = os.Stat(path); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot use %s: %w", path, err)
	}
	if err := s.check(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		if tooNew := (*models.SchemaTooNewError)(nil); errors.As(err, &tooNew) {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if isBusy(err) {
			return nil, busyError(path, err)
		}
		return nil, fmt.Errorf("migrating %s: %w", path, err)
	}
	if testData {
		marked, err := s.TestData(context.Background())
		if err == nil && !marked {
			err = fmt.Errorf("%s is a real booth database, not test data: tests and the demo never open one; give them a new directory", path)
		}
		if err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

// prepareDir creates dir (0700) if missing and checks that it is a
// writable directory, so the officer learns what is wrong before SQLite
// reports something vaguer.
func prepareDir(dir string) error {
	if dir == "" {
		return errors.New("no data directory given")
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("cannot create the data directory %s: %w", dir, err)
		}
	case err != nil:
		return fmt.Errorf("cannot use the data directory %s: %w", dir, err)
	case !fi.IsDir():
		return fmt.Errorf("the data directory %s is not a directory; choose a directory with --data or %s", dir, "BOOTH_DATA")
	}
	f, err := os.CreateTemp(dir, ".booth-write-check-*")
	if err != nil {
		return fmt.Errorf("the data directory %s is not writable: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// check connects and runs a quick integrity check, so a corrupt or
// foreign file is refused at open rather than halfway through an election.
// Busy is not corrupt: booths opening a new directory at once meet each
// other's WAL switch and migration, which SQLite may report as busy
// without waiting, so check tries again until the busy timeout; calling
// that corrupt would send an operator to a backup and lose the ballots
// cast since.
func (s *Store) check() error {
	deadline := time.Now().Add(busyTimeout)
	for {
		var res string
		err := s.db.QueryRow("PRAGMA quick_check").Scan(&res)
		if err == nil && res != "ok" {
			err = errors.New(res)
		}
		switch {
		case err == nil:
			return nil
		case !isBusy(err):
			return fmt.Errorf("%s is not a usable booth database (corrupt, or not an SQLite file): %w; restore it from a backup", s.path, err)
		case time.Now().After(deadline):
			return busyError(s.path, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// busyError says that another booth holds the database at path.
func busyError(path string, err error) error {
	return fmt.Errorf("%s is busy: another booth is migrating or holding it (%w); try again in a moment", path, err)
}

// isBusy reports whether err is SQLite's busy or locked: another
// connection holds a lock, nothing is wrong with the file.
func isBusy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff // the primary code of an extended one
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

// migrate applies the embedded migrations newer than the recorded schema
// version, all in one transaction.
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&current); err != nil {
			return err
		}
		latest, err := latestMigration()
		if err != nil {
			return err
		}
		if current > latest {
			// Before any write: the store_info insert below is one too.
			return &models.SchemaTooNewError{Have: current, Knows: latest}
		}
		created := current == 0
		for _, name := range names {
			v, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
			if err != nil {
				return fmt.Errorf("migration %s: its name must start with a number", name)
			}
			if v <= current {
				continue
			}
			text, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(text)); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`,
				v, formatTime(s.now())); err != nil {
				return err
			}
		}
		// The store's own record is written once, by the migration that
		// creates it; test data only when the database is new. A trigger
		// refuses any insert once it exists (migration 0010), so none is
		// tried then.
		_, err = tx.ExecContext(ctx, `INSERT INTO store_info (id, test_data) SELECT 1, ? WHERE NOT EXISTS (SELECT 1 FROM store_info)`,
			created && s.testData)
		return err
	})
}

// TestData reports whether the database was created as test or demo data
// (by OpenTestData): the only kind `booth cast` casts in.
func (s *Store) TestData(ctx context.Context) (bool, error) {
	var marked bool
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT test_data FROM store_info`).Scan(&marked)
	})
	return marked, err
}

// Close closes the database. The last connection to close checkpoints and
// removes the WAL file.
func (s *Store) Close() error { return s.db.Close() }

// write runs fn in one writing (BEGIN IMMEDIATE) transaction, committing if
// fn returns nil and rolling everything back otherwise.
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.unlock()
	return s.writeTx(ctx, fn)
}

// lock takes this process's writer slot, or gives up when ctx ends.
func (s *Store) lock(ctx context.Context) error {
	select {
	case s.wlock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Store) unlock() { <-s.wlock }

// writeTx is write for a caller that holds the writer slot.
func (s *Store) writeTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// read runs fn in one read-only transaction, so it sees one snapshot.
func (s *Store) read(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// timeLayout is fixed width (nine fraction digits, always UTC) so that text
// order is time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// formatTime stores t in UTC; the zero time is stored as "".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// parseTime reads what formatTime wrote.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// isUnique reports whether err is a primary-key or unique violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
	}
	return false
}

// rowsAffected returns how many rows an UPDATE or DELETE touched.
func rowsAffected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
