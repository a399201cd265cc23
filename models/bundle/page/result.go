package page

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// resultView is a verified bundle's result as the page shows it.
type resultView struct {
	Title, ID                  string
	Counted, Published         string
	YesNo                      bool
	Outcome                    string
	Elected                    []string
	Voted, Electorate          int
	TurnoutPercent             string
	Ballots                    int64
	Withdrawn                  []string
	MethodName, MethodSentence string
	Quota                      bool
	Order                      []orderItem
	Dropped                    []string
	Rounds                     []roundView
	Pairwise                   *matrixView
	Notes                      []string
}

type orderItem struct {
	Position int
	Shared   bool
	Name     string
}

type roundView struct {
	Number                   int
	Heading, Action, Caption string
	Corner, Unit             string
	Rows                     []rowView
	Extra                    []extraRow
	Notes                    []string
}

// rowView is a candidate in a round. Width and QuotaAt are CSS
// percentages of the largest number any round shows, so bars compare
// across rounds.
type rowView struct {
	Name, Total, Status string
	Width, QuotaAt      string
}

type extraRow struct{ Name, Total string }

type matrixView struct {
	Names []string
	Rows  []matrixRow
}

type matrixRow struct {
	Name  string
	Cells []string
}

func newResultView(b *bundle.Bundle) *resultView {
	r, d := b.Result, b.Election.Definition
	v := &resultView{
		Title: safetext.Sanitize(d.Title), ID: safetext.Sanitize(b.Election.ID),
		Counted: when(b.CountedAt), Published: when(b.PublishedAt),
		YesNo: r.Method == tally.YesNo,
		Voted: b.Turnout.Voted, Electorate: b.Turnout.Electorate, Ballots: r.Ballots,
		MethodName: safetext.Sanitize(r.Method.Words()), MethodSentence: safetext.Sanitize(d.MethodSentence()),
		Order: order(r), Dropped: names(r, r.Dropped), Elected: names(r, r.Elected),
	}
	v.TurnoutPercent = "none of the electorate"
	if b.Turnout.Electorate > 0 {
		v.TurnoutPercent = strconv.FormatFloat(100*float64(b.Turnout.Voted)/float64(b.Turnout.Electorate), 'f', 1, 64) + "%"
	}
	if v.YesNo {
		v.Outcome = "The question did not pass."
		if r.Passed {
			v.Outcome = "The question passed."
		}
	}
	for _, id := range b.Election.Withdrawn {
		name := id
		for _, c := range d.Candidates {
			if c.ID == id {
				name = c.Name
			}
		}
		v.Withdrawn = append(v.Withdrawn, safetext.Sanitize(name))
	}
	for _, x := range r.Rounds {
		v.Quota = v.Quota || x.Quota.Units != 0
	}
	v.Rounds = rounds(r)
	if r.Order != nil && len(r.Pairwise) > 0 {
		v.Pairwise = pairwise(r)
	}
	for _, t := range r.Ties {
		v.Notes = append(v.Notes, safetext.Sanitize(fmt.Sprintf("Round %d: a tie to %s between %s, broken by %s: %s chosen.",
			t.Round, t.Purpose, strings.Join(names(r, t.Candidates), ", "), t.Rule, name(r, t.Chosen))))
	}
	for _, n := range r.Notes {
		v.Notes = append(v.Notes, safetext.Sanitize(n))
	}
	return v
}

func name(r *tally.Result, c int) string {
	if c < 0 || c >= len(r.Candidates) {
		return "?"
	}
	return safetext.Sanitize(r.Candidates[c].Name)
}

func names(r *tally.Result, cs []int) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = name(r, c)
	}
	return out
}

// order is a Schulze result's full order; options that share a place
// share its number, as the result sheet writes "3=".
func order(r *tally.Result) []orderItem {
	var items []orderItem
	pos := 1
	for _, group := range r.Order {
		for _, c := range group {
			items = append(items, orderItem{Position: pos, Shared: len(group) > 1, Name: name(r, c)})
		}
		pos += len(group)
	}
	return items
}

// rounds are the result's rounds as tables. A count of one round
// (approval, yes/no) is one table of totals; an approval count lists the
// candidates with the most approvals first, as the result sheet does.
func rounds(r *tally.Result) []roundView {
	scale := 0.0
	for _, x := range r.Rounds {
		scale = math.Max(scale, number(x.Quota))
		for _, t := range x.Totals {
			scale = math.Max(scale, number(t))
		}
	}
	pct := func(d tally.Decimal) string {
		if scale <= 0 {
			return "0%"
		}
		return strconv.FormatFloat(100*number(d)/scale, 'f', 2, 64) + "%"
	}
	corner, unit := "Candidate", "Votes"
	switch r.Method {
	case tally.YesNo:
		corner = "Answer"
	case tally.Approval:
		unit = "Approvals"
	}
	var out []roundView
	for _, x := range r.Rounds {
		rv := roundView{Number: x.Number, Action: safetext.Sanitize(x.Action), Corner: corner, Unit: unit,
			Caption: unit + " at the end of round " + strconv.Itoa(x.Number)}
		if len(r.Rounds) > 1 {
			rv.Heading = "Round " + strconv.Itoa(x.Number)
		} else {
			rv.Caption = unit
		}
		cands := make([]int, len(x.Totals))
		for i := range cands {
			cands[i] = i
		}
		if r.Method == tally.Approval {
			slices.SortStableFunc(cands, func(a, c int) int { return x.Totals[c].Cmp(x.Totals[a]) })
		}
		for _, c := range cands {
			row := rowView{Name: name(r, c), Total: x.Totals[c].String(), Width: pct(x.Totals[c])}
			if c < len(x.Status) {
				row.Status = statusWord(r.Method, x.Status[c])
			}
			if x.Quota.Units != 0 {
				row.QuotaAt = pct(x.Quota)
			}
			rv.Rows = append(rv.Rows, row)
		}
		for _, e := range []struct {
			name string
			get  func(tally.Round) tally.Decimal
		}{
			{"Non-transferable", func(x tally.Round) tally.Decimal { return x.Exhausted }},
			{"Loss to rounding", func(x tally.Round) tally.Decimal { return x.Loss }},
			{"Quota", func(x tally.Round) tally.Decimal { return x.Quota }},
		} {
			if slices.ContainsFunc(r.Rounds, func(y tally.Round) bool { return e.get(y).Units != 0 }) {
				rv.Extra = append(rv.Extra, extraRow{Name: e.name, Total: e.get(x).String()})
			}
		}
		for _, n := range x.Notes {
			rv.Notes = append(rv.Notes, safetext.Sanitize(n))
		}
		out = append(out, rv)
	}
	return out
}

// statusWord is where a candidate stands after a round, "" for one still
// in the count.
func statusWord(m tally.Method, s tally.Status) string {
	switch {
	case s == tally.Hopeful:
		return ""
	case m == tally.YesNo && s == tally.Elected:
		return "carries"
	}
	return s.String()
}

func pairwise(r *tally.Result) *matrixView {
	m := &matrixView{Names: names(r, indexes(len(r.Candidates)))}
	for i, row := range r.Pairwise {
		mr := matrixRow{Name: name(r, i)}
		for j, n := range row {
			cell := strconv.FormatInt(n, 10)
			if i == j {
				cell = "—"
			}
			mr.Cells = append(mr.Cells, cell)
		}
		m.Rows = append(m.Rows, mr)
	}
	return m
}

func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// number is a decimal as a float, for the length of a bar only: every
// number the page prints is the decimal itself.
func number(d tally.Decimal) float64 {
	return float64(d.Units) / math.Pow10(d.Places)
}

// describe is a ledger ballot in words, as booth verify --receipt prints
// it; a text that does not parse (the recount would have failed) is shown
// as it is.
func describe(b *bundle.Bundle, text string) string {
	ballot, err := b.ParseBallot(text)
	if err != nil {
		return safetext.SanitizeMultiline(text)
	}
	return safetext.SanitizeMultiline(ballot.Describe(b.Election.Definition))
}
