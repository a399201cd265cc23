package storetest

import (
	"errors"
	"testing"

	"vote.example.org/booth/models"
)

// A member's preferences start empty, are replaced whole, are kept apart
// from other members' and are refused for a member who does not exist.
func testPreferences(t *testing.T, s models.Store) {
	must(t, s.AddMember(ctx, Member("ada"), Officer))
	must(t, s.AddMember(ctx, Member("bob"), Officer))
	got, err := s.Preferences(ctx, "ada")
	must(t, err)
	if got != (models.Preferences{}) {
		t.Fatalf("a member who set nothing has preferences %+v", got)
	}
	for _, p := range []models.Preferences{{Plain: true}, {Plain: true, Lang: "ja"}, {Lang: "es"}, {}} {
		must(t, s.SetPreferences(ctx, "ada", p))
		got, err := s.Preferences(ctx, "ada")
		must(t, err)
		if got != p {
			t.Errorf("set %+v, read back %+v", p, got)
		}
	}
	must(t, s.SetPreferences(ctx, "bob", models.Preferences{Plain: true, Lang: "ja"}))
	if got, err := s.Preferences(ctx, "ada"); err != nil || got != (models.Preferences{}) {
		t.Errorf("bob's preferences changed ada's: %+v, %v", got, err)
	}
	if err := s.SetPreferences(ctx, "nobody", models.Preferences{Plain: true}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("preferences for an unknown member: %v, want ErrNotFound", err)
	}
	if got, err := s.Preferences(ctx, "nobody"); err != nil || got != (models.Preferences{}) {
		t.Errorf("an unknown member's preferences: %+v, %v, want none", got, err)
	}
}
