package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// SetStaff grants or withdraws a member's staff role.
func (s *Store) SetStaff(ctx context.Context, memberID string, staff bool, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		if err := memberExists(ctx, tx, memberID); err != nil {
			return err
		}
		query := `DELETE FROM kiosk_staff WHERE member_id = $1`
		if staff {
			query = `INSERT INTO kiosk_staff (member_id) VALUES ($1) ON CONFLICT DO NOTHING`
		}
		if _, err := tx.Exec(ctx, query, memberID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditStaff(memberID, staff))
	})
}

// IsStaff reports whether a member has the staff role.
func (s *Store) IsStaff(ctx context.Context, memberID string) (bool, error) {
	var staff bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM kiosk_staff WHERE member_id = $1)`, memberID).Scan(&staff)
	return staff, err
}

// Staff lists the staff's member ids in order.
func (s *Store) Staff(ctx context.Context) ([]string, error) {
	rows, _ := s.pool.Query(ctx, `SELECT member_id FROM kiosk_staff ORDER BY member_id`)
	return collect(rows, pgx.RowTo[string])
}

// lockFingerprint takes a lock on a key's fingerprint, held to the
// commit: registering a key to a member and to a kiosk device take turns,
// so one key never becomes both.
func lockFingerprint(ctx context.Context, tx pgx.Tx, fingerprint string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockKeys, fingerprint)
	return err
}

// keyHolder names who holds a key, a member or a kiosk device; "" for
// nobody.
func keyHolder(ctx context.Context, tx pgx.Tx, fingerprint string) (member, device string, err error) {
	err = tx.QueryRow(ctx, `SELECT
		coalesce((SELECT member_id FROM keys WHERE fingerprint = $1), ''),
		coalesce((SELECT name FROM kiosk_devices WHERE fingerprint = $1), '')`, fingerprint).Scan(&member, &device)
	return member, device, err
}

// AddKioskDevice registers a thin client's key under a name.
func (s *Store) AddKioskDevice(ctx context.Context, d models.KioskDevice, actor string) error {
	if err := models.CheckNewDevice(d); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		if err := lockFingerprint(ctx, tx, d.Key.Fingerprint); err != nil {
			return err
		}
		member, device, err := keyHolder(ctx, tx, d.Key.Fingerprint)
		if err != nil {
			return err
		}
		if err := models.CheckDeviceKeyFree(d.Key.Fingerprint, member, device); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO kiosk_devices (name, fingerprint, type, public, comment) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (name) DO NOTHING`, d.Name, d.Key.Fingerprint, d.Key.Type, d.Key.Public, d.Key.Comment)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("kiosk device %s: %w", d.Name, models.ErrExists)
		}
		return s.appendAudit(ctx, tx, actor, models.AuditDeviceAdded(d))
	})
}

const deviceColumns = `name, fingerprint, type, public, comment`

func scanDevice(row pgx.CollectableRow) (models.KioskDevice, error) {
	var d models.KioskDevice
	err := row.Scan(&d.Name, &d.Key.Fingerprint, &d.Key.Type, &d.Key.Public, &d.Key.Comment)
	return d, err
}

// KioskDevices lists the devices by name.
func (s *Store) KioskDevices(ctx context.Context) ([]models.KioskDevice, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+deviceColumns+` FROM kiosk_devices ORDER BY name`)
	return collect(rows, scanDevice)
}

// KioskDeviceByFingerprint finds the device owning a key; an index lookup
// made at every login that is not a member's.
func (s *Store) KioskDeviceByFingerprint(ctx context.Context, fingerprint string) (models.KioskDevice, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+deviceColumns+` FROM kiosk_devices WHERE fingerprint = $1`, fingerprint)
	d, err := pgx.CollectOneRow(rows, scanDevice)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, fmt.Errorf("kiosk device key %s: %w", fingerprint, models.ErrNotFound)
	}
	return d, err
}

// RemoveKioskDevice deletes a device: its key no longer opens anything.
func (s *Store) RemoveKioskDevice(ctx context.Context, name, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM kiosk_devices WHERE name = $1`, name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("kiosk device %s: %w", name, models.ErrNotFound)
		}
		return s.appendAudit(ctx, tx, actor, models.AuditDeviceRemoved(name))
	})
}
