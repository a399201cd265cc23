package ssh

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// sheetElections opens, fills with ballots from ten more members and
// counts three elections whose sheets hold every kind of sentence a
// member reads: a Scottish STV count that transfers a surplus, breaks a
// tie by an earlier stage, and excludes; an approval count whose seat
// goes by lot; a yes/no question. One name is Japanese
// and one long, for the widths.
func sheetElections(e *testEnv) (stv, approval, yesno string) {
	e.t.Helper()
	var ms []models.Member
	for i := range 10 {
		_, key := newKey(e.t)
		ms = append(ms, models.Member{ID: fmt.Sprintf("v%02d", i), Name: "Voter", Status: models.Active, Keys: []models.Key{key}})
	}
	must(e.t, e.store.ImportMembers(bg, ms, "officer"))
	cands := []models.Candidate{{ID: "a", Name: "山田 太郎"}, {ID: "b", Name: "Bert Example"},
		{ID: "c", Name: "Cleo Example"}, {ID: "d", Name: "Dorothea Example-Longname de la Fuente y Montemayor"}}
	elections := []struct {
		id     string
		method tally.Method
		seats  int
		cands  []models.Candidate
		// ballots[i] is v0i's ballot: ranks of candidate ids.
		ballots [][][]string
	}{
		// Quota 4: a is elected with 5 and its surplus of 1 goes to b;
		// b, c and d then tie at 2, and stage 1 (b 1, c 2, d 2) excludes
		// b, whose own ballot goes on to c; d is excluded, and c fills
		// the last seat. (A candidate in two ties: see
		// TestLinearResultsCandidateInTwoTies.)
		{"stv", tally.Scottish, 2, cands, [][][]string{{{"a"}, {"b"}}, {{"a"}, {"b"}}, {{"a"}, {"b"}}, {{"a"}, {"b"}}, {{"a"}, {"b"}},
			{{"c"}}, {{"c"}}, {{"d"}}, {{"d"}}, {{"b"}, {"c"}}}},
		{"appr", tally.Approval, 1, cands, [][][]string{{{"a"}, {"b"}}, {{"a"}, {"b"}}, {{"c"}}, {{"b"}, {"a"}, {"d"}}}},
		{"yn", tally.YesNo, 1, []models.Candidate{{ID: "yes", Name: "Yes"}, {ID: "no", Name: "No"}, {ID: "abstain", Name: "Abstain"}},
			[][][]string{{{"yes"}}, {{"yes"}}, {{"no"}}, {{"abstain"}}, {{"yes"}}}},
	}
	for _, el := range elections {
		d := testDefinition(el.id, "Sheet "+el.id)
		d.Method, d.Seats, d.Candidates, d.FixedOrder = el.method, el.seats, el.cands, true
		e.openElection(d)
		for i, ranks := range el.ballots {
			if _, err := e.svc.CastBallot(bg, el.id, models.Caster{MemberID: ms[i].ID}, models.Ballot{Ranks: ranks}); err != nil {
				e.t.Fatalf("casting %s's ballot in %s: %v", ms[i].ID, el.id, err)
			}
		}
		e.count(el.id)
	}
	return "stv", "appr", "yn"
}

// englishWords are words of the sheet's English that no translated sheet
// may hold (the officers' names and titles aside).
var englishWords = regexp.MustCompile(`\b(Method|Seats|Valid ballots|Quota|quota|Elected|elected|Rounds?|round|Notes|Ties|tie|Outcome|excluded|transferred|[Ss]urplus|fewest|chosen|lot|stage|votes|First preferences|[Aa]pprovals?|Answer|Votes|carries|PASSED|passed|passing|answering|Counted|none)\b`)

// The result sheet of `ssh HOST results` is in the member's language:
// the labels, every round's action, the notes and the ties, with the
// lists of names joined as the language joins them; no English is left
// but the officers' names and titles, and no line is wider than 80
// columns, a Japanese character counting two.
func TestResultsSheetInTheMembersLanguage(t *testing.T) {
	e := newTestEnv(t, nil)
	stv, approval, yesno := sheetElections(e)
	for _, tc := range []struct {
		lang string
		want map[string][]string // election → what its sheet must say
	}{
		{"ja_JP.UTF-8", map[string][]string{
			stv: {"方式:           スコットランド式STV", "当選基数:       4.00000", "山田 太郎 の余剰票を移譲", "Bert Example を除外",
				"除外 をめぐる Bert Example、Cleo Example、Dorothea", "第 1 段階で Bert Example",
				"第 3 ラウンド: 除外 の同点:", "（2.00000）が最少: 除外",
				"が当選: 残っている候補者が残りの議席を埋めます"},
			approval: {"承認投票", "当選 をめぐる 山田 太郎、Bert Example の同点", "Bert Example が 3 件の承認で当選"},
			yesno:    {"結果:           可決", "Yes 3、No 1、Abstain 1。賛否を答えた 4 人のうち 75.0% が Yes。可決には", "結果は Yes"},
		}},
		{"es_ES.UTF-8", map[string][]string{
			stv: {"Método:         STV escocés", "Traspaso del excedente de 山田 太郎", "Exclusión de Bert Example",
				"empate entre Bert Example, Cleo Example y", "designada por la fase",
				"Ronda 3: empate para excluir:"},
			approval: {"Voto por aprobación", "empate entre 山田 太郎 y Bert Example para elegir", "designada por sorteo", "Bert Example elegida con 3 aprobaciones"},
			yesno:    {"Resultado:      APROBADA", "Yes 3, No 1, Abstain 1: el 75.0% de las 4 personas que respondieron dijo Yes;", "Yes prevalece"},
		}},
	} {
		for _, id := range []string{stv, approval, yesno} {
			out, errOut, code := e.runIn("ada", []string{"LANG=" + tc.lang}, "results "+id, "")
			if code != 0 {
				t.Fatalf("%s results %s: exit %d: %s", tc.lang, id, code, errOut)
			}
			for _, w := range tc.want[id] {
				if !strings.Contains(out, w) {
					t.Errorf("%s results %s lacks %q:\n%s", tc.lang, id, w, out)
				}
			}
			if m := englishWords.FindAllString(out, -1); m != nil {
				t.Errorf("%s results %s says %q in English:\n%s", tc.lang, id, m, out)
			}
			for _, line := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(line); w > 80 {
					t.Errorf("%s results %s: a line %d columns wide:\n%s", tc.lang, id, w, line)
				}
			}
		}
	}
}

// The English sheet over SSH is the officer's sheet (tally's WriteSheet)
// under the title and the time of the count.
func TestResultsSheetInEnglishIsTheOfficersSheet(t *testing.T) {
	e := newTestEnv(t, nil)
	stv, approval, yesno := sheetElections(e)
	for _, id := range []string{stv, approval, yesno} {
		res, err := e.svc.Result(bg, id)
		must(t, err)
		var sheet strings.Builder
		must(t, res.Result.WriteSheet(&sheet))
		out, errOut, code := e.runIn("ada", []string{"LANG=C"}, "results "+id, "")
		if code != 0 || !strings.HasSuffix(out, "\n"+sheet.String()) || !strings.Contains(out, "Counted:        ") {
			t.Errorf("results %s: exit %d %s\n%s\nwant it to end with\n%s", id, code, errOut, out, sheet.String())
		}
	}
}

// A result stored before the count kept its phrases (JSON without them)
// still shows: the labels in the member's language, the record's own
// sentences in the English they were stored in.
func TestResultsStoredWithoutPhrasesStillShow(t *testing.T) {
	e := newTestEnv(t, nil)
	stv, _, _ := sheetElections(e)
	res, err := e.svc.Result(bg, stv)
	must(t, err)
	doc, err := json.Marshal(res.Result)
	must(t, err)
	var raw map[string]any
	must(t, json.Unmarshal(doc, &raw))
	delete(raw, "NotePhrases")
	for _, r := range raw["Rounds"].([]any) {
		delete(r.(map[string]any), "ActionPhrase")
		delete(r.(map[string]any), "NotePhrases")
	}
	for _, tie := range raw["Ties"].([]any) {
		delete(tie.(map[string]any), "RulePhrase")
	}
	doc, err = json.Marshal(raw)
	must(t, err)
	if strings.Contains(string(doc), "Phrase") {
		t.Fatalf("the old JSON still holds phrases: %s", doc)
	}
	old := new(tally.Result)
	must(t, json.Unmarshal(doc, old))
	must(t, e.store.SaveResult(bg, stv, models.StoredResult{Result: old, CountedAt: res.CountedAt}, "officer"))

	out, errOut, code := e.runIn("ada", []string{"LANG=ja_JP.UTF-8"}, "results "+stv, "")
	if code != 0 {
		t.Fatalf("results: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"方式:", "当選基数:", "Surplus of 山田 太郎 transferred", "Bert Example excluded",
		"第 3 ラウンド: tie between Bert Example, Cleo Example,", "stage 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("the old result's sheet lacks %q:\n%s", want, out)
		}
	}
}
