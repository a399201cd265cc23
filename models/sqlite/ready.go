package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Ready answers a front end's readiness check: the file at the store's
// path is still the one opened (a database moved, deleted or replaced
// under a running server leaves it writing to a file nobody will find),
// it answers a query, and its schema version is this booth's newest
// migration.
func (s *Store) Ready(ctx context.Context) error {
	fi, err := os.Stat(s.path)
	if err != nil {
		return fmt.Errorf("the database file %s cannot be reached: %w; put it back (or restart booth on the right data directory)", s.path, err)
	}
	if s.opened != nil && !os.SameFile(s.opened, fi) {
		return fmt.Errorf("the database file %s is no longer the one booth opened (moved or replaced while running); restart booth", s.path)
	}
	want, err := latestMigration()
	if err != nil {
		return err
	}
	var have int
	err = s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&have)
	})
	if err != nil {
		return fmt.Errorf("the database %s does not answer: %w", s.path, err)
	}
	if have != want {
		return fmt.Errorf("the database %s has schema version %d, this booth's is %d: restart booth with the booth that matches it", s.path, have, want)
	}
	return nil
}

// latestMigration is the number of the newest embedded migration.
func latestMigration() (int, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return 0, err
	}
	latest := 0
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return 0, fmt.Errorf("migration %s: its name must start with a number", name)
		}
		latest = max(latest, v)
	}
	return latest, nil
}
