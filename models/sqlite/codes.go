package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"vote.example.org/booth/models"
)

// The kiosk's tables: one-time codes (by hash), the staff, and the thin
// clients' keys. See migrations/0005_codes.sql.

// IssueCode stores a new code, its log entry and its sealed records, and
// audits its issue without naming the member. BEGIN IMMEDIATE holds the
// write lock from counting a staff member's recent issues to the commit,
// so processes sharing the file cannot both take the last one.
func (s *Store) IssueCode(ctx context.Context, ci models.CodeIssue, actor string) error {
	if err := ci.Check(); err != nil {
		return err
	}
	c := ci.Code
	opens, err := json.Marshal(c.Opens)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := memberExists(ctx, tx, c.MemberID); err != nil {
			return err
		}
		var election, staff any // NULL: any open election; an officer
		if c.ElectionID != "" {
			election = c.ElectionID
		}
		for _, id := range c.Opens {
			if err := electionExists(ctx, tx, id); err != nil {
				return err
			}
		}
		if ci.Staff != "" {
			staff = ci.Staff
			if err := memberExists(ctx, tx, ci.Staff); err != nil {
				return err
			}
			if err := underRate(ctx, tx, ci); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO kiosk_codes (hash, member_id, election_id, expires, opens) VALUES (?, ?, ?, ?, ?)`,
			c.Hash[:], c.MemberID, election, formatTime(c.Expires), string(opens))
		if err == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO kiosk_code_issues (hash, staff, election_id, issued, expires) VALUES (?, ?, ?, ?, ?)`,
				c.Hash[:], staff, election, formatTime(ci.Issued), formatTime(c.Expires))
		}
		for _, r := range ci.Records {
			if err != nil {
				break
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO kiosk_code_records (election_id, key, sealed) VALUES (?, ?, ?)`,
				r.ElectionID, r.Key[:], r.Sealed)
		}
		if isUnique(err) {
			return fmt.Errorf("kiosk code hash or record key: %w", models.ErrExists)
		}
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditCodeIssued(c))
	})
}

// underRate applies the staff member's code limit (CodeIssue.RateQuery).
// BEGIN IMMEDIATE is the lock held from the count to the commit.
func underRate(ctx context.Context, tx *sql.Tx, ci models.CodeIssue) error {
	since, nth, limited := ci.RateQuery()
	if !limited {
		return nil
	}
	var issued string
	err := tx.QueryRowContext(ctx, `SELECT issued FROM kiosk_code_issues WHERE staff = ? AND issued > ?
		ORDER BY issued DESC LIMIT 1 OFFSET ?`, ci.Staff, formatTime(since), nth).Scan(&issued)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	t, err := parseTime(issued)
	if err != nil {
		return err
	}
	return ci.RateRefusal(t)
}

// RedeemCode takes a code out of the store, once: it is deleted in the
// same transaction that finds it, along with every expired code, and its
// log entry says it was used.
func (s *Store) RedeemCode(ctx context.Context, hash [32]byte, now time.Time) (models.KioskCode, error) {
	c := models.KioskCode{Hash: hash}
	var redeemErr error
	err := s.write(ctx, func(tx *sql.Tx) error {
		var (
			election       sql.NullString
			expires, opens string
		)
		err := tx.QueryRowContext(ctx, `SELECT member_id, election_id, expires, opens FROM kiosk_codes WHERE hash = ?`, hash[:]).
			Scan(&c.MemberID, &election, &expires, &opens)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			redeemErr = models.CheckRedeem(c, false, now)
		case err != nil:
			return err
		default:
			c.ElectionID = election.String
			if c.Expires, err = parseTime(expires); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(opens), &c.Opens); err != nil {
				return fmt.Errorf("kiosk code %s: its elections: %w", c.ID(), err)
			}
			redeemErr = models.CheckRedeem(c, true, now)
			if redeemErr == nil {
				if _, err := tx.ExecContext(ctx, `UPDATE kiosk_code_issues SET state = 'used' WHERE hash = ?`, hash[:]); err != nil {
					return err
				}
			}
		}
		// The expired ones go too (this one among them when it expired):
		// commit the deletions even when the code is refused.
		if _, err := tx.ExecContext(ctx, `DELETE FROM kiosk_codes WHERE hash = ? OR expires <= ?`, hash[:], formatTime(now)); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return models.KioskCode{}, err
	}
	if redeemErr != nil {
		return models.KioskCode{}, redeemErr
	}
	return c, nil
}

// Codes lists the codes not yet used or revoked, expired ones included
// until they are deleted, in hash order.
func (s *Store) Codes(ctx context.Context) ([]models.KioskCode, error) {
	var out []models.KioskCode
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT hash, member_id, election_id, expires, opens FROM kiosk_codes ORDER BY hash`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				c              models.KioskCode
				hash           []byte
				election       sql.NullString
				expires, opens string
			)
			if err := rows.Scan(&hash, &c.MemberID, &election, &expires, &opens); err != nil {
				return err
			}
			copy(c.Hash[:], hash)
			c.ElectionID = election.String
			if c.Expires, err = parseTime(expires); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(opens), &c.Opens); err != nil {
				return fmt.Errorf("kiosk code %s: its elections: %w", c.ID(), err)
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// RevokeCode deletes a code before it is used; its log entry says it was
// revoked.
func (s *Store) RevokeCode(ctx context.Context, hash [32]byte, actor string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		n, err := rowsAffected(tx.ExecContext(ctx, `DELETE FROM kiosk_codes WHERE hash = ?`, hash[:]))
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("kiosk code %s: %w", models.KioskCode{Hash: hash}.ID(), models.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE kiosk_code_issues SET state = 'revoked' WHERE hash = ?`, hash[:]); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditCodeRevoked(hash))
	})
}

// DeleteExpiredCodes drops the codes that expired at or before now.
func (s *Store) DeleteExpiredCodes(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = rowsAffected(tx.ExecContext(ctx, `DELETE FROM kiosk_codes WHERE expires <= ?`, formatTime(now)))
		return err
	})
	return int(n), err
}

// CodeLog lists a staff member's issues (everyone's when staff is ""),
// newest first; the member only while the code is live.
func (s *Store) CodeLog(ctx context.Context, staff string) ([]models.CodeLogEntry, error) {
	var out []models.CodeLogEntry
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT i.hash, coalesce(i.staff, ''), coalesce(i.election_id, ''), i.issued, i.expires, i.state, coalesce(c.member_id, '')
			FROM kiosk_code_issues i LEFT JOIN kiosk_codes c ON c.hash = i.hash
			WHERE ? = '' OR i.staff = ? ORDER BY i.issued DESC, i.hash`, staff, staff)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				e                      models.CodeLogEntry
				hash                   []byte
				issued, expires, state string
			)
			if err := rows.Scan(&hash, &e.Staff, &e.ElectionID, &issued, &expires, &state, &e.MemberID); err != nil {
				return err
			}
			copy(e.Hash[:], hash)
			e.State = models.CodeState(state)
			if e.Issued, err = parseTime(issued); err != nil {
				return err
			}
			if e.Expires, err = parseTime(expires); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}

// CodeRecords lists an election's sealed records in key order.
func (s *Store) CodeRecords(ctx context.Context, electionID string) ([]models.SealedCodeRecord, error) {
	var out []models.SealedCodeRecord
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT key, sealed FROM kiosk_code_records WHERE election_id = ? ORDER BY key`, electionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := models.SealedCodeRecord{ElectionID: electionID}
			var key []byte
			if err := rows.Scan(&key, &r.Sealed); err != nil {
				return err
			}
			copy(r.Key[:], key)
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// SetStaff grants or withdraws a member's staff role.
func (s *Store) SetStaff(ctx context.Context, memberID string, staff bool, actor string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := memberExists(ctx, tx, memberID); err != nil {
			return err
		}
		query := `DELETE FROM kiosk_staff WHERE member_id = ?`
		if staff {
			query = `INSERT OR IGNORE INTO kiosk_staff (member_id) VALUES (?)`
		}
		if _, err := tx.ExecContext(ctx, query, memberID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditStaff(memberID, staff))
	})
}

// IsStaff reports whether a member has the staff role.
func (s *Store) IsStaff(ctx context.Context, memberID string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM kiosk_staff WHERE member_id = ?`, memberID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Staff lists the staff's member ids in order.
func (s *Store) Staff(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		ids, err = queryStrings(ctx, tx, `SELECT member_id FROM kiosk_staff ORDER BY member_id`)
		return err
	})
	return ids, err
}

// keyHolder names who holds a key, a member or a kiosk device; "" for
// nobody.
func keyHolder(ctx context.Context, tx *sql.Tx, fingerprint string) (member, device string, err error) {
	err = tx.QueryRowContext(ctx, `SELECT
		coalesce((SELECT member_id FROM keys WHERE fingerprint = ?1), ''),
		coalesce((SELECT name FROM kiosk_devices WHERE fingerprint = ?1), '')`, fingerprint).Scan(&member, &device)
	return member, device, err
}

// AddKioskDevice registers a thin client's key under a name.
func (s *Store) AddKioskDevice(ctx context.Context, d models.KioskDevice, actor string) error {
	if err := models.CheckNewDevice(d); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		member, device, err := keyHolder(ctx, tx, d.Key.Fingerprint)
		if err != nil {
			return err
		}
		if err := models.CheckDeviceKeyFree(d.Key.Fingerprint, member, device); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO kiosk_devices (name, fingerprint, type, public, comment) VALUES (?, ?, ?, ?, ?)`,
			d.Name, d.Key.Fingerprint, d.Key.Type, d.Key.Public, d.Key.Comment)
		if isUnique(err) {
			return fmt.Errorf("kiosk device %s: %w", d.Name, models.ErrExists)
		}
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditDeviceAdded(d))
	})
}

// KioskDevices lists the devices by name.
func (s *Store) KioskDevices(ctx context.Context) ([]models.KioskDevice, error) {
	var out []models.KioskDevice
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT name, fingerprint, type, public, comment FROM kiosk_devices ORDER BY name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d models.KioskDevice
			if err := rows.Scan(&d.Name, &d.Key.Fingerprint, &d.Key.Type, &d.Key.Public, &d.Key.Comment); err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	return out, err
}

// KioskDeviceByFingerprint finds the device owning a key; an index lookup
// made at every login that is not a member's.
func (s *Store) KioskDeviceByFingerprint(ctx context.Context, fingerprint string) (models.KioskDevice, error) {
	var d models.KioskDevice
	err := s.db.QueryRowContext(ctx, `SELECT name, fingerprint, type, public, comment FROM kiosk_devices WHERE fingerprint = ?`, fingerprint).
		Scan(&d.Name, &d.Key.Fingerprint, &d.Key.Type, &d.Key.Public, &d.Key.Comment)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("kiosk device key %s: %w", fingerprint, models.ErrNotFound)
	}
	return d, err
}

// RemoveKioskDevice deletes a device: its key no longer opens anything.
func (s *Store) RemoveKioskDevice(ctx context.Context, name, actor string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		n, err := rowsAffected(tx.ExecContext(ctx, `DELETE FROM kiosk_devices WHERE name = ?`, name))
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("kiosk device %s: %w", name, models.ErrNotFound)
		}
		return s.appendAudit(ctx, tx, actor, models.AuditDeviceRemoved(name))
	})
}
