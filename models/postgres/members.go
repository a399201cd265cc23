package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// AddMember registers a member with their keys.
func (s *Store) AddMember(ctx context.Context, m models.Member, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		return s.insertMember(ctx, tx, m, actor, false)
	})
}

// ImportMembers registers every member or, on the first problem, none.
func (s *Store) ImportMembers(ctx context.Context, ms []models.Member, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
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
func (s *Store) insertMember(ctx context.Context, tx pgx.Tx, m models.Member, actor string, imported bool) error {
	m, err := models.PrepareMember(m)
	if err != nil {
		return err
	}
	if m.Joined.IsZero() {
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		m.Joined = now
	}
	tag, err := tx.Exec(ctx, `INSERT INTO members (id, name, email, status, joined, good_until) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO NOTHING`, m.ID, m.Name, m.Email, string(m.Status), nanos(m.Joined), optNanos(m.GoodUntil))
	if err != nil {
		return fmt.Errorf("adding member %s: %w", m.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("member %s: %w", m.ID, models.ErrExists)
	}
	for _, k := range m.Keys {
		if err := insertKey(ctx, tx, m.ID, k); err != nil {
			return err
		}
	}
	return s.appendAudit(ctx, tx, actor, models.AuditMemberAdded(m, imported))
}

// insertKey registers a key to memberID, refusing one that is registered
// already, to a member or a kiosk device (models.CheckKeyFree).
func insertKey(ctx context.Context, tx pgx.Tx, memberID string, k models.Key) error {
	if err := models.CheckNewKey(memberID, k); err != nil {
		return err
	}
	if err := lockFingerprint(ctx, tx, k.Fingerprint); err != nil {
		return err
	}
	member, device, err := keyHolder(ctx, tx, k.Fingerprint)
	if err != nil {
		return err
	}
	if err := models.CheckKeyFree(memberID, k.Fingerprint, member, device); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO keys (fingerprint, member_id, type, public, comment) VALUES ($1, $2, $3, $4, $5)`,
		k.Fingerprint, memberID, k.Type, k.Public, k.Comment); err != nil {
		return fmt.Errorf("adding key %s to member %s: %w", k.Fingerprint, memberID, err)
	}
	return nil
}

// memberExists reports ErrNotFound for an unknown member.
func memberExists(ctx context.Context, tx pgx.Tx, id string) error {
	var known bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM members WHERE id = $1)`, id).Scan(&known); err != nil {
		return err
	}
	if !known {
		return fmt.Errorf("member %s: %w", id, models.ErrNotFound)
	}
	return nil
}

// SetMemberStatus suspends, reinstates or removes a member. Roll rows of
// elections already open stay as they are.
func (s *Store) SetMemberStatus(ctx context.Context, id string, st models.MemberStatus, actor string) error {
	if err := models.CheckStatus(id, st); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		if err := lockMemberStanding(ctx, tx, id); err != nil {
			return err
		}
		var old string
		err := tx.QueryRow(ctx, `SELECT status FROM members WHERE id = $1 FOR UPDATE`, id).Scan(&old)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("member %s: %w", id, models.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE members SET status = $2 WHERE id = $1`, id, string(st)); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditMemberStatus(id, st, old))
	})
}

// AddKey registers one more key to a member.
func (s *Store) AddKey(ctx context.Context, memberID string, k models.Key, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
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
	return s.write(ctx, func(tx pgx.Tx) error {
		if err := lockMemberStanding(ctx, tx, memberID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM keys WHERE fingerprint = $1 AND member_id = $2`, fingerprint, memberID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("key %s of member %s: %w", fingerprint, memberID, models.ErrNotFound)
		}
		return s.appendAudit(ctx, tx, actor, models.AuditKeyRemoved(memberID, fingerprint))
	})
}

// memberQuery reads members with their keys (in fingerprint order) as a
// JSON array, one row per member, in ID order; a WHERE clause goes at %s.
const memberQuery = `SELECT m.id, m.name, m.email, m.status, m.joined, m.good_until,
	jsonb_agg(jsonb_build_object('Fingerprint', k.fingerprint, 'Type', k.type, 'Public', k.public, 'Comment', k.comment)
		ORDER BY k.fingerprint) FILTER (WHERE k.fingerprint IS NOT NULL)
	FROM members m LEFT JOIN keys k ON k.member_id = m.id
	%s GROUP BY m.id ORDER BY m.id`

// queryMembers runs memberQuery with a WHERE clause.
func queryMembers(ctx context.Context, q pgx.Tx, where string, args ...any) ([]models.Member, error) {
	rows, _ := q.Query(ctx, fmt.Sprintf(memberQuery, where), args...)
	return collect(rows, func(row pgx.CollectableRow) (models.Member, error) {
		var (
			m         models.Member
			status    string
			joined    int64
			goodUntil *int64
		)
		err := row.Scan(&m.ID, &m.Name, &m.Email, &status, &joined, &goodUntil, &m.Keys)
		m.Status, m.Joined, m.GoodUntil = models.MemberStatus(status), fromNanos(&joined), fromNanos(goodUntil)
		return m, err
	})
}

// Member returns a member with their keys, whatever their status.
func (s *Store) Member(ctx context.Context, id string) (models.Member, error) {
	return s.oneMember(ctx, `WHERE m.id = $1`, id, fmt.Sprintf("member %s", id))
}

// MemberByFingerprint finds the holder of a key: a primary-key lookup on
// keys, then on members.
func (s *Store) MemberByFingerprint(ctx context.Context, fingerprint string) (models.Member, error) {
	return s.oneMember(ctx, `WHERE m.id = (SELECT member_id FROM keys WHERE fingerprint = $1)`, fingerprint, fmt.Sprintf("key %s", fingerprint))
}

// oneMember reads the member a WHERE clause with one argument selects;
// ErrNotFound, naming what, if none.
func (s *Store) oneMember(ctx context.Context, where, arg, what string) (models.Member, error) {
	var ms []models.Member
	err := s.read(ctx, func(tx pgx.Tx) error {
		var err error
		ms, err = queryMembers(ctx, tx, where, arg)
		return err
	})
	if err != nil {
		return models.Member{}, err
	}
	if len(ms) == 0 {
		return models.Member{}, fmt.Errorf("%s: %w", what, models.ErrNotFound)
	}
	return ms[0], nil
}

// Members lists every member, by ID.
func (s *Store) Members(ctx context.Context) ([]models.Member, error) {
	var ms []models.Member
	err := s.read(ctx, func(tx pgx.Tx) error {
		var err error
		ms, err = queryMembers(ctx, tx, ``)
		return err
	})
	return ms, err
}
