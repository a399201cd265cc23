package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"vote.example.org/booth/models"
)

// Preferences returns a member's preferences, zero when none are set.
func (s *Store) Preferences(ctx context.Context, memberID string) (models.Preferences, error) {
	var p models.Preferences
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT plain, lang FROM member_preferences WHERE member_id = ?`, memberID).Scan(&p.Plain, &p.Lang)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return models.Preferences{}, nil
	}
	return p, err
}

// SetPreferences replaces a member's preferences.
func (s *Store) SetPreferences(ctx context.Context, memberID string, p models.Preferences) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM members WHERE id = ?`, memberID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("member %s: %w", memberID, models.ErrNotFound)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO member_preferences (member_id, plain, lang) VALUES (?, ?, ?)
			ON CONFLICT (member_id) DO UPDATE SET plain = excluded.plain, lang = excluded.lang`, memberID, p.Plain, p.Lang)
		return err
	})
}

// MemberLanguages reads the chosen languages of memberIDs in one query;
// the IDs go in as one JSON array, so a batch of any size is one
// statement and one bound value.
func (s *Store) MemberLanguages(ctx context.Context, memberIDs []string) (map[string]string, error) {
	out := map[string]string{}
	if len(memberIDs) == 0 {
		return out, nil
	}
	ids, err := json.Marshal(memberIDs)
	if err != nil {
		return nil, err
	}
	err = s.read(ctx, func(tx *sql.Tx) error {
		clear(out)
		rows, err := tx.QueryContext(ctx, `SELECT member_id, lang FROM member_preferences
			WHERE lang <> '' AND member_id IN (SELECT value FROM json_each(?))`, string(ids))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, lang string
			if err := rows.Scan(&id, &lang); err != nil {
				return err
			}
			out[id] = lang
		}
		return rows.Err()
	})
	return out, err
}
