package tally

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// droopReport is a reference count printed by Droop (J. Lundell's
// open-source STV counter), read back for comparison.
type droopReport struct {
	quota  string
	rounds []droopRound // rounds[0] is "Begin Count"
	// elected at "Count Complete"
	elected []string
	ties    []droopTie
}

// droopTie is a "Break tie" action: who was tied, who was chosen, and
// whether an earlier stage decided (else the lot, which is file order).
type droopTie struct {
	tied    []string
	chosen  string
	byStage bool
}

// droopRound is the last snapshot of candidate totals in one Droop round,
// and the quota then.
type droopRound struct {
	votes map[string]string
	quota string
}

// readDroopReport parses a report. Droop prints a snapshot of every
// candidate after each action; the last one in a round (ignoring "Count
// Complete", which zeroes the defeated) holds the round's totals.
func readDroopReport(t *testing.T, path string) droopReport {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rep droopReport
	var cur droopRound
	// skip: the action's snapshot is not a round total. "Count Complete"
	// and the remaining-candidates actions print the defeated at zero
	// after the round's own totals; "Count Complete" gives the elected.
	skip, complete := false, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		trim := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "Round "):
			rep.rounds = append(rep.rounds, cur)
			cur = droopRound{votes: cloneMap(cur.votes)}
		case strings.HasPrefix(line, "Action: "):
			if strings.HasPrefix(line, "Action: Break tie") {
				list, chosen, _ := strings.Cut(line[strings.Index(line, "[")+1:], "] -> ")
				rep.ties = append(rep.ties, droopTie{tied: strings.Split(list, ", "), chosen: chosen, byStage: strings.Contains(line, "prior stage")})
			}
			complete = strings.HasPrefix(line, "Action: Count Complete")
			skip = complete || strings.Contains(line, " remaining")
		case strings.HasPrefix(trim, "Quota:"):
			q := strings.TrimSpace(strings.TrimPrefix(trim, "Quota:"))
			if rep.quota == "" {
				rep.quota = q
			}
			if !skip {
				cur.quota = q
			}
		case strings.HasPrefix(trim, "Elected:") || strings.HasPrefix(trim, "Hopeful:") ||
			strings.HasPrefix(trim, "Pending:") || strings.HasPrefix(trim, "Defeated:"):
			state, rest, _ := strings.Cut(trim, ":")
			rest = strings.TrimSpace(rest)
			open := strings.LastIndex(rest, " (")
			names, vote := rest[:open], strings.TrimSuffix(rest[open+2:], ")")
			for _, name := range strings.Split(names, ", ") {
				name = strings.Join(strings.Fields(name), " ")
				switch {
				case complete && state == "Elected":
					rep.elected = append(rep.elected, name)
				case !skip:
					if cur.votes == nil {
						cur.votes = map[string]string{}
					}
					cur.votes[name] = vote
				}
			}
		}
	}
	rep.rounds = append(rep.rounds, cur)
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rep
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// compareWithDroop checks a result against a Droop report round by round:
// every candidate's total at every round, the quota, and the elected set.
func compareWithDroop(t *testing.T, res *Result, rep droopReport, checkQuota bool) {
	t.Helper()
	if len(res.Rounds) != len(rep.rounds) {
		t.Errorf("%d rounds, Droop has %d", len(res.Rounds), len(rep.rounds))
	}
	for i := 0; i < len(res.Rounds) && i < len(rep.rounds); i++ {
		got, want := res.Rounds[i], rep.rounds[i]
		compared := 0
		for c, cand := range res.Candidates {
			w, ok := want.votes[cand.Name]
			if !ok {
				continue // withdrawn candidates are not listed
			}
			compared++
			if g := got.Totals[c].String(); g != w {
				t.Errorf("round %d (%s): %s has %s, Droop %s", got.Number, got.Action, cand.Name, g, w)
			}
		}
		if compared != len(want.votes) {
			t.Errorf("round %d: compared %d candidates, Droop lists %d", got.Number, compared, len(want.votes))
		}
		if checkQuota && want.quota != "" && got.Quota.String() != want.quota {
			t.Errorf("round %d: quota %s, Droop %s", got.Number, got.Quota, want.quota)
		}
	}
	if len(res.Ties) != len(rep.ties) {
		t.Errorf("%d ties, Droop %d: %+v", len(res.Ties), len(rep.ties), res.Ties)
	}
	for i := 0; i < len(res.Ties) && i < len(rep.ties); i++ {
		got, want := res.Ties[i], rep.ties[i]
		var tied []string
		for _, c := range got.Candidates {
			tied = append(tied, res.Candidates[c].Name)
		}
		if !sameSet(tied, want.tied) || res.Candidates[got.Chosen].Name != want.chosen || strings.HasPrefix(got.Rule, "stage") != want.byStage {
			t.Errorf("tie %d: %q -> %s by %s; Droop %q -> %s (by prior stage: %v)", i+1, tied, res.Candidates[got.Chosen].Name, got.Rule, want.tied, want.chosen, want.byStage)
		}
	}
	var elected []string
	for _, c := range res.Elected {
		elected = append(elected, res.Candidates[c].Name)
	}
	if !sameSet(elected, rep.elected) {
		t.Errorf("elected %q, Droop %q", elected, rep.elected)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

func readBLTFile(t *testing.T, path string) *Election {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e, err := ReadBLT(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return e
}
