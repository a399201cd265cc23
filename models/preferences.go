package models

import (
	"context"
	"slices"
	"strings"

	"vote.example.org/booth/models/i18n"
)

// Preferences are a member's own settings for the booth, which they set
// with `ssh HOST set`. The zero value is what a member who set nothing
// gets: the full-screen booth (unless their client asks for linear mode)
// in the language their client's locale names.
type Preferences struct {
	// Plain opens linear mode (one line at a time, for screen readers
	// and plain terminals) instead of the full-screen booth.
	Plain bool
	// Lang is the language the booth speaks, one of Languages; "" follows
	// the locale the client sends.
	Lang string
}

// Languages are the languages a member may choose, English first.
var Languages = []string{"en", "ja", "es"}

// PreferenceStore keeps members' preferences. Preferences returns the
// zero Preferences for a member who set none; SetPreferences replaces
// them, ErrNotFound for an unknown member. Setting them is not audited: it
// is a member's display setting, not election data, and an audit entry
// with the member's name and a time could place them in the booth at
// that time.
//
// MemberLanguages is the language each of memberIDs chose, for those who
// chose one: notices are mailed a batch at a time, and a mail has no
// session to ask, so a batch's languages are read in one query.
type PreferenceStore interface {
	Preferences(ctx context.Context, memberID string) (Preferences, error)
	SetPreferences(ctx context.Context, memberID string, p Preferences) error
	MemberLanguages(ctx context.Context, memberIDs []string) (map[string]string, error)
}

// CheckLanguage refuses a language booth does not speak.
func CheckLanguage(lang string) error {
	if lang != "" && !slices.Contains(Languages, lang) {
		return i18n.Errorf("booth does not speak %q: choose one of %s", lang, strings.Join(Languages, ", "))
	}
	return nil
}

// MemberPreferences are a member's preferences (zero when none are set).
func (s *Service) MemberPreferences(ctx context.Context, memberID string) (Preferences, error) {
	return s.store.Preferences(ctx, memberID)
}

// SetMemberPreferences replaces a member's preferences, refusing a
// language booth does not speak.
func (s *Service) SetMemberPreferences(ctx context.Context, memberID string, p Preferences) error {
	if err := CheckLanguage(p.Lang); err != nil {
		return err
	}
	return s.store.SetPreferences(ctx, memberID, p)
}
