package i18n

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"vote.example.org/booth/tally"
)

// Lists in a count's record are joined as each language joins them:
// English as the published record always has (its three styles),
// Japanese with 「、」, Spanish with "y", or "e" before an "i" sound.
func TestListJoinsAsTheLanguageDoes(t *testing.T) {
	abc := []string{"Ana", "Bea", "Carmen"}
	for _, tc := range []struct {
		lang  string
		items []string
		style tally.Join
		want  string
	}{
		{"en", abc, tally.JoinAnd, "Ana, Bea and Carmen"},
		{"en", abc, tally.JoinEachAnd, "Ana and Bea and Carmen"},
		{"en", abc, tally.JoinComma, "Ana, Bea, Carmen"},
		{"en", []string{"x", "y"}, tally.JoinClauses, "x; y"},
		{"en", []string{"Ana"}, tally.JoinAnd, "Ana"},
		{"ja", []string{"山田 太郎", "佐藤 花子", "Bert"}, tally.JoinAnd, "山田 太郎、佐藤 花子、Bert"},
		{"ja", []string{"山田 太郎", "佐藤 花子"}, tally.JoinComma, "山田 太郎、佐藤 花子"},
		{"ja", []string{"第 3 ラウンドでは A が最少", "第 1 ラウンドでは B が最少"}, tally.JoinClauses, "第 3 ラウンドでは A が最少。第 1 ラウンドでは B が最少"},
		{"es", abc, tally.JoinAnd, "Ana, Bea y Carmen"},
		{"es", abc, tally.JoinEachAnd, "Ana, Bea y Carmen"},
		{"es", abc, tally.JoinComma, "Ana, Bea y Carmen"},
		{"es", []string{"Ana", "Isabel"}, tally.JoinAnd, "Ana e Isabel"},
		{"es", []string{"Ana", "Hilda"}, tally.JoinAnd, "Ana e Hilda"},
		{"es", []string{"Ana", "Hielo"}, tally.JoinAnd, "Ana y Hielo"},
		{"es", []string{"x", "y"}, tally.JoinClauses, "x; y"},
	} {
		if got := For(tc.lang).List(tc.items, tc.style); got != tc.want {
			t.Errorf("%s %q (%q): %q, want %q", tc.lang, tc.items, tc.style, got, tc.want)
		}
	}
}

// The English printer says the count's record exactly as tally's English
// does: the sheet a member reads in English is the officer's sheet.
func TestEnglishPrinterWritesTheOfficersSheet(t *testing.T) {
	r := benchResult(t)
	var officer, member strings.Builder
	if err := r.WriteSheet(&officer); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteSheetIn(&member, For("en")); err != nil {
		t.Fatal(err)
	}
	if officer.String() != member.String() {
		t.Errorf("the member's English sheet differs from the officer's:\n%s\nwant\n%s", member.String(), officer.String())
	}
}

// benchResult is a Scottish STV count of 20 candidates (half of them with
// Japanese names) for 5 seats over 20,000 generated ballots: a sheet of
// 16 stages and a tie, with transfers, exclusions and notes (159 lines).
func benchResult(tb testing.TB) *tally.Result {
	tb.Helper()
	family := []string{"山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤"}
	var cands []tally.Candidate
	for i := range 20 {
		name := fmt.Sprintf("Candidate Example %02d", i)
		if i%2 == 0 {
			name = family[i/2] + " 太郎"
		}
		cands = append(cands, tally.Candidate{ID: fmt.Sprint(i), Name: name})
	}
	rng := rand.New(rand.NewPCG(16, 4))
	var ballots []tally.Ballot
	for range 20_000 {
		perm := rng.Perm(len(cands))[:1+rng.IntN(6)]
		ranks := make([][]int, len(perm))
		for i, c := range perm {
			ranks[i] = []int{c}
		}
		ballots = append(ballots, tally.Ballot{Count: 1, Ranks: ranks})
	}
	r, err := tally.Count(&tally.Election{Title: "Bench", Candidates: cands, Ballots: ballots}, tally.Options{Method: tally.Scottish, Seats: 5})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// BenchmarkSheet writes benchResult's sheet in each shipped language:
// what a translated sheet costs next to the English one.
func BenchmarkSheet(b *testing.B) {
	r := benchResult(b)
	for _, lang := range Languages {
		p := For(lang)
		b.Run(lang, func(b *testing.B) {
			for b.Loop() {
				if err := r.WriteSheetIn(io.Discard, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("en-officer", func(b *testing.B) {
		for b.Loop() {
			if err := r.WriteSheet(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// storedIRV is a small IRV count with an exclusion and a tie, read back
// as the stores keep it (encoding/json of tally.Result).
func storedIRV(t *testing.T, names ...string) *tally.Result {
	t.Helper()
	var cands []tally.Candidate
	for i, n := range names {
		cands = append(cands, tally.Candidate{ID: fmt.Sprint(i), Name: n})
	}
	e := &tally.Election{Title: "t", Seats: 1, Candidates: cands, Ballots: []tally.Ballot{
		{Count: 4, Ranks: [][]int{{0}}}, {Count: 3, Ranks: [][]int{{1}, {0}}}, {Count: 2, Ranks: [][]int{{2}, {1}}},
		{Count: 2, Ranks: [][]int{{3}, {1}}},
	}}
	r, err := tally.Count(e, tally.Options{Method: tally.IRV})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	stored := new(tally.Result)
	if err := json.Unmarshal(data, stored); err != nil {
		t.Fatal(err)
	}
	return stored
}

func sheetIn(t *testing.T, r *tally.Result, w tally.Words) (s string) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("writing the sheet panics: %v", p)
		}
	}()
	var b strings.Builder
	if err := r.WriteSheetIn(&b, w); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A stored result whose phrase says another thing than its recorded
// English (a damaged row, a v1/v2 bundle opened offline, which may carry
// any phrase under a valid canonical form): the member's sheet must say the
// record, never the phrase.
func TestPhraseThatDisagreesWithTheRecordIsNotSaid(t *testing.T) {
	r := storedIRV(t, "Alma", "Bert", "Cora", "Dan")
	var officer strings.Builder
	if err := r.WriteSheet(&officer); err != nil {
		t.Fatal(err)
	}
	// Round 2's action names another candidate than its record does.
	p := r.Rounds[1].ActionPhrase
	if p == nil || len(p.Args) == 0 || p.Args[0].Names == nil {
		t.Fatalf("round 2 has no names to change: %+v", p)
	}
	p.Args[0].Names = []int{0}
	if got := sheetIn(t, r, For("en")); got != officer.String() {
		t.Errorf("the member's English sheet says what the record does not:\n%s\nthe record (officer's sheet):\n%s", got, officer.String())
	}
}

// Hostile phrases (indexes outside the candidates, wrong verbs, empty
// formats, nested damage) must neither crash a sheet nor show fmt's
// error marks to a member: a phrase that cannot be said is its English.
func TestHostilePhrasesFallBackToTheRecord(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	for _, tc := range []struct {
		name string
		p    tally.Phrase
	}{
		{"index", tally.Phrase{Format: "%s excluded", Args: []tally.Arg{{Names: []int{99}}}}},
		{"negative", tally.Phrase{Format: "%s excluded", Args: []tally.Arg{{Names: []int{-1}}}}},
		{"badindex", tally.Phrase{Format: "%[9]d excluded"}},
		{"wrongtype", tally.Phrase{Format: "%d excluded", Args: []tally.Arg{{Word: "lot"}}}},
		{"missing", tally.Phrase{Format: "%s excluded %s", Args: []tally.Arg{{Names: []int{1}}}}},
		{"extra", tally.Phrase{Format: "excluded %s", Args: []tally.Arg{{Names: []int{1}}, {Count: n(3)}}}},
		{"empty capital", tally.Phrase{Format: "", Capital: true}},
		{"nested", tally.Phrase{Format: "x %s", Args: []tally.Arg{{Phrases: []tally.Phrase{{Format: "%s", Args: []tally.Arg{{Names: []int{7}}}}}}}}},
	} {
		for _, lang := range []string{"en", "ja", "es"} {
			r := storedIRV(t, "Alma", "Bert", "Cora", "Dan")
			want := r.Rounds[1].Action
			p := tc.p
			r.Rounds[1].ActionPhrase = &p
			got := r.RoundAction(For(lang), r.Rounds[1])
			if strings.Contains(got, "%!") || strings.Contains(got, "\uFFFD") || (lang == "en" && got != want) {
				t.Errorf("%s %s: round 2 says %q (its record: %q)", tc.name, lang, got, want)
			}
			sheetIn(t, r, For(lang))
		}
	}
}
