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
	inComplete := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		trim := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "Round "):
			rep.rounds = append(rep.rounds, cur)
			cur = droopRound{}
		case strings.HasPrefix(line, "Action: "):
			inComplete = strings.HasPrefix(line, "Action: Count Complete")
			if !inComplete {
				// A new snapshot starts; keep the previous one if this action prints none.
				cur.votes = cloneMap(cur.votes)
			}
		case strings.HasPrefix(trim, "Quota:"):
			q := strings.TrimSpace(strings.TrimPrefix(trim, "Quota:"))
			if rep.quota == "" {
				rep.quota = q
			}
			if !inComplete {
				cur.quota = q
			}
		case strings.HasPrefix(trim, "Elected:") || strings.HasPrefix(trim, "Hopeful:") ||
			strings.HasPrefix(trim, "Pending:") || strings.HasPrefix(trim, "Defeated:"):
			state, rest, _ := strings.Cut(trim, ":")
			rest = strings.TrimSpace(rest)
			open := strings.LastIndex(rest, " (")
			names, vote := rest[:open], strings.TrimSuffix(rest[open+2:], ")")
			if inComplete {
				if state == "Elected" {
					rep.elected = append(rep.elected, strings.Join(strings.Fields(names), " "))
				}
				continue
			}
			if cur.votes == nil {
				cur.votes = map[string]string{}
			}
			for _, name := range strings.Split(names, ", ") {
				name = strings.Join(strings.Fields(name), " ")
				if state == "Defeated" && strings.Contains(names, ", ") {
					// Grouped defeated candidates are all at zero.
					cur.votes[name] = vote
					continue
				}
				cur.votes[name] = vote
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
