package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// AddMember registers a member with their keys.
func (s *Store) AddMember(ctx context.Context, m models.Member, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		return s.insertMember(ctx, tx, m, actor, "member.add", "added")
	})
}

// ImportMembers registers every member or, on the first problem, none.
func (s *Store) ImportMembers(ctx context.Context, ms []models.Member, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		for _, m := range ms {
			if err := s.insertMember(ctx, tx, m, actor, "member.import", "imported"); err != nil {
				return err
			}
		}
		return nil
	})
}

// knownStatus reports whether st is one of the member states.
func knownStatus(st models.MemberStatus) bool {
	switch st {
	case models.Active, models.Suspended, models.Removed:
		return true
	}
	return false
}

// insertMember adds one member, their keys and the audit entry naming
// them. An empty status means active; a zero join time means now.
func (s *Store) insertMember(ctx context.Context, tx pgx.Tx, m models.Member, actor, action, verb string) error {
	switch {
	case m.ID == "":
		return errors.New("a member needs an ID")
	case m.Status == "":
		m.Status = models.Active
	case !knownStatus(m.Status):
		return fmt.Errorf("member %s: unknown status %q", m.ID, m.Status)
	}
	if m.Joined.IsZero() {
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		m.Joined = now
	}
	tag, err := tx.Exec(ctx, `INSERT INTO members (id, name, email, status, joined) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO NOTHING`, m.ID, m.Name, m.Email, string(m.Status), nanos(m.Joined))
	if err != nil {
		return fmt.Errorf("adding member %s: %w", m.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("member %s: %w", m.ID, models.ErrExists)
	}
	var fps []string
	for _, k := range m.Keys {
		if err := insertKey(ctx, tx, m.ID, k); err != nil {
			return err
		}
		fps = append(fps, k.Fingerprint)
	}
	detail := fmt.Sprintf("member %s %s", m.ID, verb)
	if len(fps) > 0 {
		detail += " with keys " + strings.Join(fps, ", ")
	}
	return s.appendAudit(ctx, tx, actor, action, detail)
}

// insertKey registers a key to memberID. A key registered already is
// refused: ErrKeyTaken naming its holder (another member or a kiosk
// device), or ErrExists if it is memberID's.
func insertKey(ctx context.Context, tx pgx.Tx, memberID string, k models.Key) error {
	if k.Fingerprint == "" {
		return fmt.Errorf("member %s: a key without a fingerprint", memberID)
	}
	if err := lockFingerprint(ctx, tx, k.Fingerprint); err != nil {
		return err
	}
	member, device, err := keyHolder(ctx, tx, k.Fingerprint)
	switch {
	case err != nil:
		return err
	case device != "":
		return fmt.Errorf("key %s of member %s is registered as kiosk device %s (a key belongs to a member or to a kiosk device, not both): %w",
			k.Fingerprint, memberID, device, models.ErrKeyTaken)
	case member == memberID:
		return fmt.Errorf("key %s of member %s: %w", k.Fingerprint, memberID, models.ErrExists)
	case member != "":
		return fmt.Errorf("key %s of member %s is registered to member %s: %w", k.Fingerprint, memberID, member, models.ErrKeyTaken)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO keys (fingerprint, member_id, type, public, comment) VALUES ($1, $2, $3, $4, $5)`,
		k.Fingerprint, memberID, k.Type, k.Public, k.Comment); err != nil {
		return fmt.Errorf("adding key %s to member %s: %w", k.Fingerprint, memberID, err)
	}
	return nil
}

// SetMemberStatus suspends, reinstates or removes a member. Roll rows of
// elections already open stay as they are.
func (s *Store) SetMemberStatus(ctx context.Context, id string, st models.MemberStatus, actor string) error {
	if !knownStatus(st) {
		return fmt.Errorf("member %s: unknown status %q", id, st)
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
		return s.appendAudit(ctx, tx, actor, "member.status", fmt.Sprintf("member %s status %s (was %s)", id, st, old))
	})
}

// AddKey registers one more key to a member.
func (s *Store) AddKey(ctx context.Context, memberID string, k models.Key, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM members WHERE id = $1`, memberID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("member %s: %w", memberID, models.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := insertKey(ctx, tx, memberID, k); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "key.add", fmt.Sprintf("member %s key %s added", memberID, k.Fingerprint))
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
		return s.appendAudit(ctx, tx, actor, "key.remove", fmt.Sprintf("member %s key %s removed", memberID, fingerprint))
	})
}

// memberQuery reads members with their keys (in fingerprint order) as a
// JSON array, one row per member, in ID order; a WHERE clause goes at %s.
const memberQuery = `SELECT m.id, m.name, m.email, m.status, m.joined,
	jsonb_agg(jsonb_build_object('Fingerprint', k.fingerprint, 'Type', k.type, 'Public', k.public, 'Comment', k.comment)
		ORDER BY k.fingerprint) FILTER (WHERE k.fingerprint IS NOT NULL)
	FROM members m LEFT JOIN keys k ON k.member_id = m.id
	%s GROUP BY m.id ORDER BY m.id`

// queryMembers runs memberQuery with a WHERE clause.
func queryMembers(ctx context.Context, q pgx.Tx, where string, args ...any) ([]models.Member, error) {
	rows, _ := q.Query(ctx, fmt.Sprintf(memberQuery, where), args...)
	return collect(rows, func(row pgx.CollectableRow) (models.Member, error) {
		var (
			m      models.Member
			status string
			joined int64
		)
		err := row.Scan(&m.ID, &m.Name, &m.Email, &status, &joined, &m.Keys)
		m.Status, m.Joined = models.MemberStatus(status), fromNanos(&joined)
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
