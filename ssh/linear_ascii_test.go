package ssh

import (
	"strings"
	"testing"

	"vote.example.org/booth/models"
)

// Under a locale that is not UTF-8 the ASCII writer turns "José Ruiz" and
// "Jose Ruiz" (two different names to the definition parser) into the same
// "Jose Ruiz", and any two Cyrillic (Greek, CJK…) names of one length into
// the same row of "?". The ballot read back before "cast", the only text
// the member confirms, must still tell "1 2" from "2 1": it gives each
// candidate's id, which is ASCII.
func TestLinearASCIIReadBackTellsCandidatesApart(t *testing.T) {
	for name, cands := range map[string][2]string{
		"accents":  {"José Ruiz", "Jose Ruiz"},
		"cyrillic": {"Иван Петров", "Пётр Иванов"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newTestEnv(t, nil)
			d := testDefinition("e-ascii", "Board")
			d.Method = "irv"
			d.Candidates = []models.Candidate{{ID: "ruiz-j", Name: cands[0]}, {ID: "ruiz-o", Name: cands[1]}}
			e.openElection(d)
			tt := e.teletypeSession(t, "ada", "dumb", map[string]string{"LANG": "C"}, "")
			tt.answer("Election number", tt.number("Board"))
			tt.answer("Type 1 ", "1")
			readBack := func(ranking string) string {
				tt.answer("Your ranking", ranking)
				tt.expect("read back:")
				start := tt.read
				tt.expect("Nothing is stored yet")
				return tt.out.String()[start:tt.read]
			}
			first := readBack("1 2")
			tt.answer("Type cast", "back")
			second := readBack("2 1")
			if strings.ReplaceAll(first, "(version 2)", "") == strings.ReplaceAll(second, "(version 2)", "") {
				t.Fatalf("the rankings 1 2 and 2 1 read back alike under LANG=C, so the member confirms a ballot they cannot read:\n%s", second)
			}
		})
	}
}
