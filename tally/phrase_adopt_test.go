package tally

import (
	"slices"
	"testing"
)

// marked is a language that is English in brackets: a text said in it
// from a phrase shows the brackets, a text that fell back to the
// record's English does not.
type marked struct{}

func (marked) T(format string, args ...any) string { return "«" + English{}.T(format, args...) + "»" }
func (marked) N(n int, one, other string, args ...any) string {
	return "«" + English{}.N(n, one, other, args...) + "»"
}
func (marked) List(items []string, style Join) string { return English{}.List(items, style) }

// englishOnly is r as a results bundle keeps it: the record's English,
// no phrases.
func englishOnly(r *Result) *Result {
	out := *r
	out.NotePhrases = nil
	out.Rounds = slices.Clone(r.Rounds)
	for i := range out.Rounds {
		out.Rounds[i].ActionPhrase, out.Rounds[i].NotePhrases = nil, nil
	}
	out.Ties = slices.Clone(r.Ties)
	for i := range out.Ties {
		out.Ties[i].RulePhrase = nil
	}
	return &out
}

// A record read back from its English takes a recount's phrases, and
// says every action, note and tie rule in the reader's language; the
// record itself is unchanged.
func TestWithPhrasesOfSaysTheRecordInAnyLanguage(t *testing.T) {
	for name, rec := range phraseCounts(t) {
		pub := englishOnly(rec)
		got := pub.WithPhrasesOf(rec)
		if pub.Rounds != nil && pub.Rounds[0].ActionPhrase != nil {
			t.Fatalf("%s: the published result was changed", name)
		}
		for i, round := range got.Rounds {
			if round.Action != rec.Rounds[i].Action || !slices.Equal(round.Notes, rec.Rounds[i].Notes) {
				t.Errorf("%s round %d: the record's English changed", name, round.Number)
			}
			if s := got.RoundAction(marked{}, round); s[0] != "«"[0] {
				t.Errorf("%s round %d: action said in English: %q", name, round.Number, s)
			}
			for _, n := range got.RoundNotes(marked{}, round) {
				if n[0] != "«"[0] {
					t.Errorf("%s round %d: note said in English: %q", name, round.Number, n)
				}
			}
		}
		for _, tie := range got.Ties {
			if s := got.TieRule(marked{}, tie); s[0] != "«"[0] {
				t.Errorf("%s: tie rule said in English: %q", name, s)
			}
		}
		for _, n := range got.OutcomeNotes(marked{}) {
			if n[0] != "«"[0] {
				t.Errorf("%s: outcome note said in English: %q", name, n)
			}
		}
	}
}

// Where the record's English is not what the recount's phrase says, the
// record keeps its English: it never says what it did not publish.
func TestWithPhrasesOfKeepsEnglishThatDiffers(t *testing.T) {
	rec := phraseCounts(t)["scottish droop-ref/42t.blt"]
	pub := englishOnly(rec)
	var noted int
	for i, round := range pub.Rounds {
		if len(round.Notes) > 0 {
			noted = i
			break
		}
	}
	pub.Rounds[noted].Notes = slices.Clone(pub.Rounds[noted].Notes)
	pub.Rounds[noted].Notes[0] += " (edited)"
	pub.Rounds[noted].Action += " (edited)"
	got := pub.WithPhrasesOf(rec)
	round := got.Rounds[noted]
	if s := got.RoundAction(marked{}, round); s != round.Action {
		t.Errorf("an edited action is said as %q, recorded as %q", s, round.Action)
	}
	if s := got.RoundNotes(marked{}, round); !slices.Equal(s, round.Notes) {
		t.Errorf("edited notes are said as %q, recorded as %q", s, round.Notes)
	}
	other := got.Rounds[len(got.Rounds)-1]
	if noted == len(got.Rounds)-1 {
		other = got.Rounds[0]
	}
	if s := got.RoundAction(marked{}, other); s == other.Action {
		t.Errorf("an unedited round's action is said in its English: %q", s)
	}
}
