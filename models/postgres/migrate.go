package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Advisory lock keys. The one-number keys and the two-number keys of
// pg_advisory_xact_lock never collide with each other.
const (
	// lockMigrate is held while a front end migrates, so two front ends
	// starting together apply each migration once.
	lockMigrate int64 = 0x626f6f74_68000001
	// lockAudit is held from reading the audit chain's head to the commit,
	// so two front ends never append after the same entry.
	lockAudit int64 = 0x626f6f74_68000002
	// lockLeases, with a hash of the member ID, is held from counting a
	// member's live leases to inserting one.
	lockLeases int32 = 0x626f6f74
	// lockKeys, with a hash of a key's fingerprint, is held from checking
	// who holds the key to registering it to a member or a kiosk device.
	lockKeys int32 = 0x626f6f75
	// lockMember, with a hash of the member ID, is held shared by a cast
	// from checking the caster's standing and key to its commit, and
	// exclusive by a change of either.
	lockMember int32 = 0x626f6f76
	// lockCodes, with a hash of a staff member's ID, is held from counting
	// their recent kiosk codes to issuing one.
	lockCodes int32 = 0x626f6f77
)

// migration is one embedded schema change.
type migration struct {
	version int
	name    string
}

// embeddedMigrations lists migrations/NNNN_name.sql in version order.
func embeddedMigrations() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: its name must start with a positive number", base)
		}
		out = append(out, migration{version: v, name: base})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s have the same number", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// migrate applies, in order and in one transaction, the embedded
// migrations the database has not recorded in schema_migrations.
func (s *Store) migrate(ctx context.Context) error {
	all, err := embeddedMigrations()
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockMigrate); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
		applied, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			return err
		}
		if n := len(applied); n > 0 && int(applied[n-1]) > all[len(all)-1].version {
			return &models.SchemaTooNewError{Have: int(applied[n-1]), Knows: all[len(all)-1].version}
		}
		for _, m := range all {
			if slices.Contains(applied, int32(m.version)) {
				continue
			}
			text, err := migrations.ReadFile("migrations/" + m.name)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(text)); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
				return err
			}
		}
		return nil
	})
}
