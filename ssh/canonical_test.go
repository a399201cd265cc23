package ssh

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// councilDefinition is an approval election of twelve candidates.
func councilDefinition() models.Definition {
	d := testDefinition("council", "Council election")
	d.Method, d.Seats, d.FixedOrder, d.Candidates = tally.Approval, 3, false, nil
	for _, n := range []string{"Ada", "Bea", "Cal", "Dot", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kit", "Lou"} {
		d.Candidates = append(d.Candidates, models.Candidate{ID: strings.ToLower(n), Name: n + " Example"})
	}
	return d
}

// unsealed returns the texts of every ballot in an election's box.
func (e *testEnv) unsealed(election string) []string {
	e.t.Helper()
	ids, err := models.ParseIdentities(strings.NewReader(e.tally[election]))
	must(e.t, err)
	sealed, err := e.store.Ballots(bg, election)
	must(e.t, err)
	var out []string
	for _, sb := range sealed {
		text, err := models.Unseal(ids, sb.Sealed)
		must(e.t, err)
		out = append(out, string(text))
	}
	return out
}

// messyBallot writes the approval of ids as a member might type it: in
// the order given, in any case, with spaces, blank lines, comments and
// CRLF line ends; no ids is the word blank.
func messyBallot(rng *rand.Rand, ids []string) string {
	if len(ids) == 0 {
		return []string{"blank\n", "# nobody for me\nBLANK", "  Blank  \r\n\n"}[rng.IntN(3)]
	}
	var s strings.Builder
	for _, id := range ids {
		switch rng.IntN(5) {
		case 0:
			s.WriteString("  " + strings.ToUpper(id) + "\t# yes\n")
		case 1:
			s.WriteString("\n" + id + "\r\n")
		case 2:
			s.WriteString("# next\n" + strings.ToUpper(id[:1]) + id[1:] + "\n")
		default:
			s.WriteString(id + "\n")
		}
	}
	out := s.String()
	if rng.IntN(2) == 0 {
		out = strings.TrimSuffix(out, "\n")
	}
	return out
}

// TestSSHCastStoresCanonicalBallots (issue 10 item 2): 200 members cast
// approval ballots with `ssh HOST cast`, each listing their approvals in
// a random order and layout; the box holds exactly the canonical texts —
// the definition's order, one text per set of approvals. With booth's
// TestBoothAndKioskStoreCanonicalBallots, 1,000 ballots.
func TestSSHCastStoresCanonicalBallots(t *testing.T) {
	const n = 200
	e := newTestEnv(t, nil)
	var ms []models.Member
	signers := map[string]gossh.Signer{}
	for i := range n {
		signer, key := newKey(t)
		id := fmt.Sprintf("v%04d", i)
		signers[id] = signer
		ms = append(ms, models.Member{ID: id, Name: "Voter " + id, Status: models.Active, Keys: []models.Key{key}})
	}
	must(t, e.store.ImportMembers(bg, ms, "officer"))
	for id, s := range signers {
		e.keys[id] = s
	}
	d := councilDefinition()
	e.openElection(d)

	rng := rand.New(rand.NewPCG(10, 2))
	ids := make([]string, len(d.Candidates))
	for i, c := range d.Candidates {
		ids[i] = c.ID
	}
	type vote struct{ member, text, want string }
	votes := make([]vote, n)
	for i, m := range ms {
		chosen := slices.Clone(ids)
		rng.Shuffle(len(chosen), func(a, b int) { chosen[a], chosen[b] = chosen[b], chosen[a] })
		chosen = chosen[:rng.IntN(len(chosen)+1)]
		var want []string
		for _, id := range ids { // the definition's order
			if slices.Contains(chosen, id) {
				want = append(want, id)
			}
		}
		v := vote{member: m.ID, text: messyBallot(rng, chosen), want: "blank\n"}
		if len(want) > 0 {
			v.want = strings.Join(want, "\n") + "\n"
		}
		votes[i] = v
	}
	// A few members at once, as they would come.
	var wg sync.WaitGroup
	next := make(chan vote)
	for range 4 {
		wg.Go(func() {
			for v := range next {
				out, errOut, code := e.run(v.member, "cast council", v.text)
				if code != 0 || strings.TrimSpace(out) == "" {
					t.Errorf("%s cast %q: exit %d, stderr %q", v.member, v.text, code, errOut)
				}
			}
		})
	}
	for _, v := range votes {
		next <- v
	}
	close(next)
	wg.Wait()

	got := e.unsealed("council")
	want := make([]string, n)
	for i, v := range votes {
		want[i] = v.want
	}
	for _, text := range got {
		if b, err := models.ParseBallot(d, nil, text); err != nil || b.Text() != text {
			t.Errorf("the stored ballot %q is not canonical (it reads as %q, %v)", text, b.Text(), err)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the box holds %d ballots, not the %d canonical texts of the approvals cast", len(got), len(want))
	}
}

// TestSSHCastRefusesEmptyInput (issue 10 item 7): `ssh HOST cast E
// </dev/null` (or `ssh -n`), or input with nothing but comments and blank
// lines, casts nothing and exits non-zero, saying how to cast a blank
// ballot; the word blank casts one.
func TestSSHCastRefusesEmptyInput(t *testing.T) {
	e := newTestEnv(t, nil)
	for _, stdin := range []string{"", "\n", "# thinking about it\n\n   \r\n"} {
		out, errOut, code := e.run("ada", "cast board", stdin)
		if code == 0 || out != "" || !strings.Contains(errOut, "the ballot is empty") || !strings.Contains(errOut, "the word blank alone to cast a blank ballot") {
			t.Errorf("cast with stdin %q: exit %d, stdout %q, stderr %q; want a refusal saying how to cast a blank ballot", stdin, code, out, errOut)
		}
	}
	if box, voted := e.ballots("board"); box != 0 || voted != 0 {
		t.Fatalf("empty input left %d ballots and %d voters", box, voted)
	}
	out, errOut, code := e.run("ada", "cast board", "# nobody\nblank\n")
	if code != 0 || strings.TrimSpace(out) == "" {
		t.Fatalf("cast blank: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if got := e.unsealed("board"); !slices.Equal(got, []string{"blank\n"}) {
		t.Errorf("the box holds %q, want one blank ballot", got)
	}
}
