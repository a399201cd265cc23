package tally

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rivo/uniseg"
)

// phraseCounts are counts whose records hold every kind of phrase: IRV
// ties narrowed by earlier rounds and by lot, batch exclusions, Meek and
// Scottish STV with surpluses, exclusions and ties, approval, Schulze
// with a default option, and yes/no questions with a quorum and a ratio.
func phraseCounts(t *testing.T) map[string]*Result {
	t.Helper()
	out := map[string]*Result{}
	read := func(name string) *Election {
		f, err := os.Open(filepath.Join("../testdata/elections", name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		e, _, err := Read(f)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	count := func(name string, e *Election, o Options) {
		r, err := Count(e, o)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = r
	}
	lot := TieBreak{Seed: "s33d", Election: "e"}
	count("irv lot", read("irv-ties/three-way-last.blt"), Options{Method: IRV, Seats: 1, Ties: lot})
	count("irv batch", read("burlington2009/burlington2009.toi"), Options{Method: IRV, Seats: 1, BatchElimination: true})
	for _, f := range []string{"droop-ref/42t.blt", "droop-ref/SC.blt", "droop-ref/M135.blt", "glasgow2007/Govan-2007.blt"} {
		e := read(f)
		count("meek "+f, e, Options{Method: Meek, Seats: e.Seats, Ties: TieBreak{FileOrder: true}})
		count("scottish "+f, e, Options{Method: Scottish, Seats: e.Seats, Ties: lot})
		count("approval "+f, e, Options{Method: Approval, Seats: e.Seats, Ties: lot})
	}
	count("schulze", read("debian/leader2006_tally.txt"), Options{Method: Schulze, Seats: 1})
	yn := schulzeFixture(t, "YNA", "3: Y", "2: N", "1: A")
	count("yes/no", yn, Options{Method: YesNo, Quorum: 10, PassRatio: Ratio{2, 3}})
	count("yes/no half", yn, Options{Method: YesNo})
	return out
}

// A result as the store keeps it (Go's encoding/json) reads back with its
// phrases, and each phrase says in English exactly the record's string:
// the English is made from the phrase, and a member's language is said
// from the same phrase.
func TestPhrasesReadBackAndSayTheRecord(t *testing.T) {
	for name, r := range phraseCounts(t) {
		doc, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		back := new(Result)
		if err := json.Unmarshal(doc, back); err != nil {
			t.Fatal(err)
		}
		if len(back.NotePhrases) != len(back.Notes) {
			t.Errorf("%s: %d notes, %d phrases", name, len(back.Notes), len(back.NotePhrases))
		}
		if got := back.OutcomeNotes(English{}); !slices.Equal(got, r.Notes) {
			t.Errorf("%s: outcome notes said as\n%q\nrecorded as\n%q", name, got, r.Notes)
		}
		for _, round := range back.Rounds {
			if round.ActionPhrase == nil || len(round.NotePhrases) != len(round.Notes) {
				t.Errorf("%s round %d: action phrase %v, %d notes and %d phrases", name, round.Number, round.ActionPhrase, len(round.Notes), len(round.NotePhrases))
			}
			if got := back.RoundAction(English{}, round); got != round.Action {
				t.Errorf("%s round %d: action said as %q, recorded as %q", name, round.Number, got, round.Action)
			}
			if got := back.RoundNotes(English{}, round); !slices.Equal(got, round.Notes) {
				t.Errorf("%s round %d: notes said as\n%q\nrecorded as\n%q", name, round.Number, got, round.Notes)
			}
		}
		for _, tie := range back.Ties {
			if tie.RulePhrase == nil || back.TieRule(English{}, tie) != tie.Rule {
				t.Errorf("%s: tie rule %q said as %q", name, tie.Rule, back.TieRule(English{}, tie))
			}
		}
	}
}

// count --json carries the phrases beside the English, so that a stored
// or printed result can be said in any language.
func TestJSONCarriesThePhrases(t *testing.T) {
	r := phraseCounts(t)["irv lot"]
	v := decodeJSON(t, r)
	round := v["rounds"].([]any)[len(r.Rounds)-2].(map[string]any)
	if _, ok := round["action_phrase"]; !ok {
		t.Errorf("a round has no action_phrase: %v", round)
	}
	tie := v["ties"].([]any)[0].(map[string]any)
	phrase := tie["rule_phrase"].(map[string]any)
	if f, _ := phrase["format"].(string); !strings.HasPrefix(f, "round %d") {
		t.Errorf("the tie's rule is %v", phrase)
	}
}

// A result stored before its phrases were kept, or one whose phrase names
// a candidate it does not have, is said in its recorded English.
func TestPhraselessOrDamagedResultSaysItsEnglish(t *testing.T) {
	r := phraseCounts(t)["scottish droop-ref/42t.blt"]
	last := r.Rounds[len(r.Rounds)-1]
	old := last
	old.ActionPhrase, old.NotePhrases = nil, nil
	if got := r.RoundAction(English{}, old); got != last.Action {
		t.Errorf("a round without phrases says %q, want %q", got, last.Action)
	}
	damaged := last
	p := *last.ActionPhrase
	p.Args = []Arg{names(99)}
	damaged.ActionPhrase = &p
	if got := r.RoundAction(English{}, damaged); got != last.Action {
		t.Errorf("a damaged phrase says %q, want the record's %q", got, last.Action)
	}
	if _, ok := r.Say(English{}, p); ok {
		t.Error("a phrase naming candidate 99 of 3 was said")
	}
}

// Lines break by display width: a Japanese line is broken between its
// characters where Unicode allows (never before 「、」 or 「。」), each
// line at most 80 columns with a wide character as two, and nothing is
// lost; English still breaks only at spaces.
func TestWrapByDisplayWidth(t *testing.T) {
	ja := "  第 3 ラウンド: " + strings.Repeat("除外をめぐる山田太郎、佐藤花子の同点。抽選で山田太郎を選択しました。", 4)
	got := wrap(ja, 4)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) < 3 {
		t.Fatalf("not wrapped:\n%s", got)
	}
	var joined strings.Builder
	for i, l := range lines {
		if w := uniseg.StringWidth(l); w > sheetWidth {
			t.Errorf("line %d is %d columns: %q", i+1, w, l)
		}
		rest := strings.TrimLeft(l, " ")
		if i > 0 && (strings.HasPrefix(rest, "、") || strings.HasPrefix(rest, "。")) {
			t.Errorf("line %d starts with a mark that closes a phrase: %q", i+1, l)
		}
		if i > 0 && l[:4] != "    " {
			t.Errorf("line %d is not indented: %q", i+1, l)
		}
		joined.WriteString(rest)
	}
	if want := strings.TrimLeft(ja, " "); joined.String() != want {
		t.Errorf("wrapping changed the text:\n%s\nwant\n%s", joined.String(), want)
	}
	en := "  " + strings.Repeat("non-transferable votes/ballots ", 6)
	if got := wrap(en, 4); strings.Contains(got, "non-\n") || strings.Contains(got, "votes/\n") {
		t.Errorf("English broke inside a word:\n%s", got)
	}
}

// The sheet's table lines its columns up by display width, a Japanese
// name such as 山田 太郎 taking two columns a character.
func TestTableAlignsWideNames(t *testing.T) {
	e := &Election{Candidates: []Candidate{{Name: "山田 太郎"}, {Name: "Bert"}, {Name: "Cleo Example"}}, Ballots: []Ballot{
		{Count: 3, Ranks: [][]int{{0}, {1}}}, {Count: 2, Ranks: [][]int{{1}}}, {Count: 1, Ranks: [][]int{{2}, {1}}}}}
	r, err := Count(e, Options{Method: IRV, Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := sheet(t, r)
	ends := map[int]bool{}
	for _, l := range strings.Split(s, "\n") {
		for _, c := range r.Candidates {
			if rest, ok := strings.CutPrefix(l, c.Name); ok {
				figure := strings.TrimLeft(rest, " ")
				end := uniseg.StringWidth(c.Name) + len(rest) - len(figure) + strings.IndexByte(figure+" ", ' ')
				ends[end] = true
			}
		}
	}
	if len(ends) != 1 {
		t.Errorf("the first column of figures ends at %d different places:\n%s", len(ends), s)
	}
}
