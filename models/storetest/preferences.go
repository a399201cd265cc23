package storetest

import (
	"errors"
	"maps"
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

// MemberLanguages reads the languages of many members at once: only of
// those asked about who chose one.
func testMemberLanguages(t *testing.T, s models.Store) {
	for _, id := range []string{"ada", "bob", "cy", "dee"} {
		must(t, s.AddMember(ctx, Member(id), Officer))
	}
	must(t, s.SetPreferences(ctx, "ada", models.Preferences{Lang: "ja"}))
	must(t, s.SetPreferences(ctx, "bob", models.Preferences{Plain: true, Lang: "es"}))
	must(t, s.SetPreferences(ctx, "cy", models.Preferences{Plain: true}))
	must(t, s.SetPreferences(ctx, "dee", models.Preferences{Lang: "es"}))
	got, err := s.MemberLanguages(ctx, []string{"ada", "bob", "cy", "nobody", "it's \"odd\""})
	must(t, err)
	want := map[string]string{"ada": "ja", "bob": "es"}
	if !maps.Equal(got, want) {
		t.Errorf("languages %v, want %v (dee was not asked about, cy chose none)", got, want)
	}
	if got, err := s.MemberLanguages(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("no members: %v, %v", got, err)
	}
}
