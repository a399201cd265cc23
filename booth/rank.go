package booth

import (
	"errors"
	"slices"
	"strings"

	"charm.land/bubbles/v2/textinput"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// rankState is the ballot being filled in. It holds candidate indexes, not
// names, and nothing of it is stored anywhere until the member casts.
type rankState struct {
	// ranks is the ballot, first preference first; a rank holds more than
	// one candidate only where they share it (Schulze). Approval keeps one
	// candidate per rank, in the order approved.
	ranks [][]int
	// answer is a yes/no ballot's answer: "yes", "no", "abstain" or "".
	answer string
	pane   int    // paneBallot or paneRest
	cur    [2]int // cursor in each pane
	// filter narrows the "not ranked" pane by name; input is the text
	// field while the member types it.
	filter    string
	filtering bool
	input     *textinput.Model
	problem   string // why the last key did nothing, or why the ballot is not valid
}

const (
	paneBallot = 0
	paneRest   = 1
)

// slot is one line of the ballot pane.
type slot struct{ rank, cand int }

func (r *rankState) slots() []slot {
	var out []slot
	for i, rank := range r.ranks {
		for _, c := range rank {
			out = append(out, slot{i, c})
		}
	}
	return out
}

// find is the rank holding c, or -1.
func (r *rankState) find(c int) int {
	for i, rank := range r.ranks {
		if slices.Contains(rank, c) {
			return i
		}
	}
	return -1
}

// take removes c from the ballot, dropping a rank left empty, and says
// where it was (-1 when it was not ranked).
func (r *rankState) take(c int) int {
	i := r.find(c)
	if i < 0 {
		return -1
	}
	r.ranks[i] = slices.DeleteFunc(slices.Clone(r.ranks[i]), func(x int) bool { return x == c })
	if len(r.ranks[i]) == 0 {
		r.ranks = slices.Delete(r.ranks, i, i+1)
	}
	return i
}

// add ranks c last.
func (r *rankState) add(c int) { r.ranks = append(r.ranks, []int{c}) }

// place puts c alone at rank n (1-based), below everything when n is past
// the end.
func (r *rankState) place(c, n int) {
	r.take(c)
	at := min(max(n-1, 0), len(r.ranks))
	r.ranks = slices.Insert(r.ranks, at, []int{c})
}

// moveUp moves c one place up: out of a shared rank to just above it, or
// above the rank before.
func (r *rankState) moveUp(c int) bool {
	i := r.find(c)
	switch {
	case i < 0:
		return false
	case len(r.ranks[i]) > 1:
		r.take(c)
		r.ranks = slices.Insert(r.ranks, i, []int{c})
	case i == 0:
		return false
	default:
		r.ranks[i-1], r.ranks[i] = r.ranks[i], r.ranks[i-1]
	}
	return true
}

// moveDown moves c one place down: out of a shared rank to just below it,
// or below the rank after.
func (r *rankState) moveDown(c int) bool {
	i := r.find(c)
	switch {
	case i < 0:
		return false
	case len(r.ranks[i]) > 1:
		r.take(c)
		r.ranks = slices.Insert(r.ranks, i+1, []int{c})
	case i == len(r.ranks)-1:
		return false
	default:
		r.ranks[i], r.ranks[i+1] = r.ranks[i+1], r.ranks[i]
	}
	return true
}

// shareAbove gives c the same rank as the rank above it; an unranked c
// joins the last rank.
func (r *rankState) shareAbove(c int) bool {
	i := r.find(c)
	switch {
	case i < 0 && len(r.ranks) == 0:
		return false
	case i < 0:
		r.ranks[len(r.ranks)-1] = append(slices.Clone(r.ranks[len(r.ranks)-1]), c)
	case i == 0 && len(r.ranks[0]) == 1:
		return false
	case len(r.ranks[i]) > 1:
		return false // already sharing a rank
	default:
		r.take(c)
		r.ranks[i-1] = append(slices.Clone(r.ranks[i-1]), c)
	}
	return true
}

// ballot is the state as a models.Ballot by candidate ID, checked by
// models.ParseBallot exactly as a ballot sent by `ssh HOST cast` would be,
// so the booth cannot cast what the command line would refuse.
func (r *rankState) ballot(p i18n.Printer, e models.MemberElection) (models.Ballot, error) {
	var b models.Ballot
	if e.Method == tally.YesNo {
		if r.answer == "" {
			return b, i18n.Errorf("choose yes, no or abstain first")
		}
		return models.ParseBallotIn(p, e.Definition, e.Withdrawn, r.answer+"\n")
	}
	for _, rank := range r.ranks {
		ids := make([]string, len(rank))
		for j, c := range rank {
			ids[j] = e.Candidates[c].ID
		}
		b.Ranks = append(b.Ranks, ids)
	}
	return models.ParseBallotIn(p, e.Definition, e.Withdrawn, b.Text())
}

// problemText turns a ballot's validation error into words for the screen.
func problemText(p i18n.Printer, err error) string {
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		msgs := make([]string, len(ve.Problems))
		for i, p := range ve.Problems {
			msgs[i] = p.Msg
		}
		return safetext.Sanitize(p.T("This ballot cannot be cast: %s", strings.Join(msgs, "; ")))
	}
	return safetext.Sanitize(p.Err(err))
}
