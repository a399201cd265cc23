package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// Preferences returns a member's preferences, zero when none are set.
func (s *Store) Preferences(ctx context.Context, memberID string) (models.Preferences, error) {
	var p models.Preferences
	err := s.read(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT plain, lang FROM member_preferences WHERE member_id = $1`, memberID).Scan(&p.Plain, &p.Lang)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return models.Preferences{}, nil
	}
	return p, err
}

// SetPreferences replaces a member's preferences.
func (s *Store) SetPreferences(ctx context.Context, memberID string, p models.Preferences) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM members WHERE id = $1`, memberID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("member %s: %w", memberID, models.ErrNotFound)
		}
		_, err := tx.Exec(ctx, `INSERT INTO member_preferences (member_id, plain, lang) VALUES ($1, $2, $3)
			ON CONFLICT (member_id) DO UPDATE SET plain = excluded.plain, lang = excluded.lang`, memberID, p.Plain, p.Lang)
		return err
	})
}

// MemberLanguages reads the chosen languages of memberIDs in one query.
func (s *Store) MemberLanguages(ctx context.Context, memberIDs []string) (map[string]string, error) {
	out := map[string]string{}
	if len(memberIDs) == 0 {
		return out, nil
	}
	err := s.read(ctx, func(tx pgx.Tx) error {
		clear(out)
		rows, err := tx.Query(ctx, `SELECT member_id, lang FROM member_preferences WHERE lang <> '' AND member_id = ANY($1)`, memberIDs)
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
