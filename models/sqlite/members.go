package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"vote.example.org/booth/models"
)

// AddMember registers a member with their keys.
func (s *Store) AddMember(ctx context.Context, m models.Member, actor string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		return s.insertMember(ctx, tx, m, actor, false)
	})
}

// ImportMembers registers every member or, on the first problem, none.
func (s *Store) ImportMembers(ctx context.Context, ms []models.Member, actor string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		for _, m := range ms {
			if err := s.insertMember(ctx, tx, m, actor, true); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertMember adds one member, their keys and the audit entry naming
// them (models.PrepareMember); a zero join time means now.
func (s *Store) insertMember(ctx context.Context, tx *sql.Tx, m models.Member, actor string, imported bool) error {
	m, err := models.PrepareMember(m)
	if err != nil {
		return err
	}
	if m.Joined.IsZero() {
		m.Joined = s.now()
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO members (id, name, email, status, joined, good_until) VALUES (?, ?, ?, ?, ?, ?)`,
		m.ID, m.Name, m.Email, string(m.Status), formatTime(m.Joined), formatTime(m.GoodUntil))
	if isUnique(err) {
		return fmt.Errorf("member %s: %w", m.ID, models.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("adding member %s: %w", m.ID, err)
	}
	for _, k := range m.Keys {
		if err := insertKey(ctx, tx, m.ID, k); err != nil {
			return err
		}
	}
	return s.appendAudit(ctx, tx, actor, models.AuditMemberAdded(m, imported))
}

// insertKey registers a key to memberID, refusing one that is registered
// already (models.CheckKeyFree). A kiosk device's key is refused by the
// trigger keys_not_kiosk_devices (migrations/0005_codes.sql).
func insertKey(ctx context.Context, tx *sql.Tx, memberID string, k models.Key) error {
	if err := models.CheckNewKey(memberID, k); err != nil {
		return err
	}
	member, _, err := keyHolder(ctx, tx, k.Fingerprint)
	if err != nil {
		return err
	}
	if err := models.CheckKeyFree(memberID, k.Fingerprint, member, ""); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO keys (fingerprint, member_id, type, public, comment) VALUES (?, ?, ?, ?, ?)`,
		k.Fingerprint, memberID, k.Type, k.Public, k.Comment)
	if err != nil {
		return fmt.Errorf("adding key %s to member %s: %w", k.Fingerprint, memberID, err)
	}
	return nil
}

// memberExists reports ErrNotFound for an unknown member.
func memberExists(ctx context.Context, tx *sql.Tx, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM members WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("member %s: %w", id, models.ErrNotFound)
	}
	return err
}

// SetMemberStatus suspends, reinstates or removes a member. Roll rows of
// elections already open stay as they are.
func (s *Store) SetMemberStatus(ctx context.Context, id string, st models.MemberStatus, actor string) error {
	if err := models.CheckStatus(id, st); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, `SELECT status FROM members WHERE id = ?`, id).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("member %s: %w", id, models.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE members SET status = ? WHERE id = ?`, string(st), id); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditMemberStatus(id, st, old))
	})
}

// AddKey registers one more key to a member.
func (s *Store) AddKey(ctx context.Context, memberID string, k models.Key, actor string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := memberExists(ctx, tx, memberID); err != nil {
			return err
		}
		if err := insertKey(ctx, tx, memberID, k); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditKeyAdded(memberID, k.Fingerprint))
	})
}

// RemoveKey removes a member's key; ErrNotFound if the member does not
// hold it.
func (s *Store) RemoveKey(ctx context.Context, memberID, fingerprint, actor string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		n, err := rowsAffected(tx.ExecContext(ctx, `DELETE FROM keys WHERE fingerprint = ? AND member_id = ?`, fingerprint, memberID))
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("key %s of member %s: %w", fingerprint, memberID, models.ErrNotFound)
		}
		return s.appendAudit(ctx, tx, actor, models.AuditKeyRemoved(memberID, fingerprint))
	})
}

// Member returns a member with their keys, whatever their status.
func (s *Store) Member(ctx context.Context, id string) (models.Member, error) {
	var m models.Member
	err := s.read(ctx, func(tx *sql.Tx) error {
		ms, err := queryMembers(ctx, tx, `WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return fmt.Errorf("member %s: %w", id, models.ErrNotFound)
		}
		m = ms[0]
		return nil
	})
	return m, err
}

// MemberByFingerprint finds the holder of a key: a primary-key lookup on
// keys, then on members.
func (s *Store) MemberByFingerprint(ctx context.Context, fingerprint string) (models.Member, error) {
	var m models.Member
	err := s.read(ctx, func(tx *sql.Tx) error {
		ms, err := queryMembers(ctx, tx, `WHERE id = (SELECT member_id FROM keys WHERE fingerprint = ?)`, fingerprint)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return fmt.Errorf("key %s: %w", fingerprint, models.ErrNotFound)
		}
		m = ms[0]
		return nil
	})
	return m, err
}

// Members lists every member, by ID.
func (s *Store) Members(ctx context.Context) ([]models.Member, error) {
	var ms []models.Member
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		ms, err = queryMembers(ctx, tx, ``)
		return err
	})
	return ms, err
}

// queryMembers reads the members the where clause selects, by ID, with
// their keys in fingerprint order.
func queryMembers(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]models.Member, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, name, email, status, joined, good_until FROM members `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	var ms []models.Member
	index := map[string]int{}
	for rows.Next() {
		var (
			m                         models.Member
			status, joined, goodUntil string
		)
		if err := rows.Scan(&m.ID, &m.Name, &m.Email, &status, &joined, &goodUntil); err != nil {
			rows.Close()
			return nil, err
		}
		m.Status = models.MemberStatus(status)
		if m.Joined, err = parseTime(joined); err != nil {
			rows.Close()
			return nil, err
		}
		if m.GoodUntil, err = parseTime(goodUntil); err != nil {
			rows.Close()
			return nil, err
		}
		index[m.ID] = len(ms)
		ms = append(ms, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ms) == 0 {
		return ms, err
	}
	krows, err := tx.QueryContext(ctx, `SELECT fingerprint, member_id, type, public, comment FROM keys
		WHERE member_id IN (SELECT id FROM members `+where+`) ORDER BY member_id, fingerprint`, args...)
	if err != nil {
		return nil, err
	}
	defer krows.Close()
	for krows.Next() {
		var (
			k   models.Key
			mid string
		)
		if err := krows.Scan(&k.Fingerprint, &mid, &k.Type, &k.Public, &k.Comment); err != nil {
			return nil, err
		}
		if i, ok := index[mid]; ok {
			ms[i].Keys = append(ms[i].Keys, k)
		}
	}
	return ms, krows.Err()
}
