package models

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"vote.example.org/booth/tally"
)

// TestBallotTextIsCanonical (issue 10 item 2): every way of writing one
// meaning — approvals or equal ranks in any order, any case, spacing and
// comments — reads to one text, the definition's order, for every method;
// and that text reads back to itself.
func TestBallotTextIsCanonical(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 2))
	shuffled := func(ids []string) []string {
		out := slices.Clone(ids)
		rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	}
	noise := func(line string) string {
		switch rng.IntN(4) {
		case 0:
			return "  " + strings.ToUpper(line) + "  # mine\n"
		case 1:
			return "\n" + line + "\r\n"
		}
		return line + "\n"
	}
	for _, tc := range []struct {
		method tally.Method
		write  func() string // one way of writing the meaning
		want   string
	}{
		{tally.Approval, func() string {
			var s string
			for _, id := range shuffled([]string{"dee", "bob", "ada"}) {
				s += noise(id)
			}
			return s
		}, "ada\nbob\ndee\n"},
		{tally.Schulze, func() string {
			return noise("dee") + noise(strings.Join(shuffled([]string{"cy", "ada"}), " = "))
		}, "dee\nada = cy\n"},
		{tally.Schulze, func() string {
			return noise(strings.Join(shuffled([]string{"cy", "ada"}), "=")) + noise(strings.Join(shuffled([]string{"dee", "bob"}), " =  "))
		}, "ada = cy\n"}, // the last rank covers everyone left: dropped
		{tally.IRV, func() string { return noise("cy") + noise("ada") }, "cy\nada\n"},
		{tally.Meek, func() string { return noise("bob") + noise("dee") + noise("ada") }, "bob\ndee\nada\n"},
		{tally.Scottish, func() string { return noise(Blank) }, "blank\n"},
		{tally.Approval, func() string { return "# nobody\n" + noise(Blank) }, "blank\n"},
		{tally.YesNo, func() string { return noise("no") }, "no\n"},
		{tally.YesNo, func() string { return noise([]string{"abstain", Blank}[rng.IntN(2)]) }, "abstain\n"},
	} {
		d := ballotDef(tc.method)
		for range 50 {
			text := tc.write()
			b, err := ParseBallot(d, nil, text)
			if err != nil {
				t.Fatalf("%s: %q: %v", tc.method, text, err)
			}
			if got := b.Text(); got != tc.want {
				t.Errorf("%s: %q reads as %q, want %q", tc.method, text, got, tc.want)
			}
			if again, err := ParseBallot(d, nil, b.Text()); err != nil || again.Text() != b.Text() {
				t.Errorf("%s: the canonical %q reads back as %q, %v", tc.method, b.Text(), again.Text(), err)
			}
		}
	}
}

// TestEmptyBallotIsRefused (issue 10 item 7): nothing, or nothing but
// comments and blank lines, is no ballot; a blank ballot says blank, and
// says nothing else.
func TestEmptyBallotIsRefused(t *testing.T) {
	for _, tc := range []struct {
		method tally.Method
		text   string
		want   defWant
	}{
		{tally.Meek, "", defWant{0, "the ballot is empty: write candidate IDs, one line per rank, first preference first, or the word blank alone to cast a blank ballot"}},
		{tally.Schulze, "\n \n# thinking\n\r\n", defWant{0, "or the word blank alone to cast a blank ballot"}},
		{tally.IRV, "\ufeff", defWant{0, "the ballot is empty"}},
		{tally.Approval, "  \n", defWant{0, "the ballot is empty: write the IDs of the candidates you approve, one per line, or the word blank alone to cast a blank ballot"}},
		{tally.YesNo, "# no idea\n", defWant{0, "the ballot is empty: write yes, no or abstain"}},
		{tally.Meek, "ada\nblank\n", defWant{2, `"blank" casts a blank ballot, which chooses nobody: remove it, or remove the other lines`}},
		{tally.Approval, "blank\nbob\n", defWant{1, "casts a blank ballot, which chooses nobody"}},
		{tally.Schulze, "ada = blank\n", defWant{1, `"blank" casts a blank ballot and goes on a line of its own`}},
	} {
		_, err := ParseBallot(ballotDef(tc.method), nil, tc.text)
		checkDefProblems(t, err, "ballot", []defWant{tc.want})
	}
}
