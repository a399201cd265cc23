package bundle

import (
	"encoding/json"

	"vote.example.org/booth/tally"
)

// resultRecord is a v3 bundle's result: tally.Result under snake_case keys
// of its own, so that renaming a field in tally cannot change a signed
// format. Candidates are 0-based indexes into Candidates, as in
// tally.Result. (v1 and v2 bundles hold tally.Result as encoding/json
// wrote it, Go field names as keys; readLegacyResult reads them.)
type resultRecord struct {
	Title      string            `json:"title"`
	Method     tally.Method      `json:"method"`
	Seats      int               `json:"seats"`
	Candidates []candidateRecord `json:"candidates"`
	Ballots    int64             `json:"ballots"`
	Elected    []int             `json:"elected"`
	Order      [][]int           `json:"order"`
	Rounds     []roundRecord     `json:"rounds"`
	Ties       []tieRecord       `json:"ties"`
	Pairwise   [][]int64         `json:"pairwise"`
	Strength   [][]int64         `json:"strength"`
	Dropped    []int             `json:"dropped"`
	Passed     bool              `json:"passed"`
	Notes      []string          `json:"notes"`
}

type candidateRecord struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type roundRecord struct {
	Number     int             `json:"number"`
	Action     string          `json:"action"`
	Totals     []tally.Decimal `json:"totals"`
	Status     []tally.Status  `json:"status"`
	Elected    []int           `json:"elected"`
	Excluded   []int           `json:"excluded"`
	Exhausted  tally.Decimal   `json:"exhausted"`
	Loss       tally.Decimal   `json:"loss"`
	Quota      tally.Decimal   `json:"quota"`
	Surplus    tally.Decimal   `json:"surplus"`
	Iterations int             `json:"iterations"`
	Notes      []string        `json:"notes"`
}

type tieRecord struct {
	Round      int    `json:"round"`
	Purpose    string `json:"purpose"`
	Candidates []int  `json:"candidates"`
	Chosen     int    `json:"chosen"`
	Rule       string `json:"rule"`
}

// newResultRecord is r as a v3 bundle writes it: its English only, as
// bundles always held (tally's phrases for other languages are not part
// of the signed record, so a result read from a bundle is said in
// English). Lists tally leaves nil
// stay null, so that a record reads back to the same result.
func newResultRecord(r *tally.Result) *resultRecord {
	v := &resultRecord{
		Title: r.Title, Method: r.Method, Seats: r.Seats, Ballots: r.Ballots,
		Elected: r.Elected, Order: r.Order, Pairwise: r.Pairwise, Strength: r.Strength,
		Dropped: r.Dropped, Passed: r.Passed, Notes: r.Notes,
	}
	if r.Candidates != nil {
		v.Candidates = make([]candidateRecord, len(r.Candidates))
		for i, c := range r.Candidates {
			v.Candidates[i] = candidateRecord(c)
		}
	}
	if r.Rounds != nil {
		v.Rounds = make([]roundRecord, len(r.Rounds))
		for i, x := range r.Rounds {
			v.Rounds[i] = roundRecord{x.Number, x.Action, x.Totals, x.Status, x.Elected, x.Excluded,
				x.Exhausted, x.Loss, x.Quota, x.Surplus, x.Iterations, x.Notes}
		}
	}
	if r.Ties != nil {
		v.Ties = make([]tieRecord, len(r.Ties))
		for i, t := range r.Ties {
			v.Ties[i] = tieRecord{t.Round, t.Purpose, t.Candidates, t.Chosen, t.Rule}
		}
	}
	return v
}

// result is the record as a tally.Result.
func (v *resultRecord) result() *tally.Result {
	r := &tally.Result{
		Title: v.Title, Method: v.Method, Seats: v.Seats, Ballots: v.Ballots,
		Elected: v.Elected, Order: v.Order, Pairwise: v.Pairwise, Strength: v.Strength,
		Dropped: v.Dropped, Passed: v.Passed, Notes: v.Notes,
	}
	if v.Candidates != nil {
		r.Candidates = make([]tally.Candidate, len(v.Candidates))
		for i, c := range v.Candidates {
			r.Candidates[i] = tally.Candidate(c)
		}
	}
	if v.Rounds != nil {
		r.Rounds = make([]tally.Round, len(v.Rounds))
		for i, x := range v.Rounds {
			r.Rounds[i] = tally.Round{Number: x.Number, Action: x.Action, Totals: x.Totals, Status: x.Status,
				Elected: x.Elected, Excluded: x.Excluded, Exhausted: x.Exhausted, Loss: x.Loss, Quota: x.Quota,
				Surplus: x.Surplus, Iterations: x.Iterations, Notes: x.Notes}
		}
	}
	if v.Ties != nil {
		r.Ties = make([]tally.Tie, len(v.Ties))
		for i, t := range v.Ties {
			r.Ties[i] = tally.Tie{Round: t.Round, Purpose: t.Purpose, Candidates: t.Candidates, Chosen: t.Chosen, Rule: t.Rule}
		}
	}
	return r
}

// encodeResult writes a result as a bundle of the given format holds it,
// compact and in ASCII: a recount is compared with the published result
// in the published result's own shape.
func encodeResult(format string, r *tally.Result) ([]byte, error) {
	var v any = withoutPhrases(r)
	if isRecordFormat(format) {
		v = newResultRecord(r)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return asciiJSON(data), nil
}

// withoutPhrases is r as a v1 or v2 bundle holds it: tally.Result as
// encoding/json wrote it before the count kept phrases. Those bundles are
// signed, so their recount must be the same bytes, and the phrase fields
// (left out when empty) must not appear in it.
func withoutPhrases(r *tally.Result) *tally.Result {
	out := *r
	out.NotePhrases = nil
	if r.Rounds != nil {
		out.Rounds = make([]tally.Round, len(r.Rounds))
		for i, x := range r.Rounds {
			x.ActionPhrase, x.NotePhrases = nil, nil
			out.Rounds[i] = x
		}
	}
	if r.Ties != nil {
		out.Ties = make([]tally.Tie, len(r.Ties))
		for i, t := range r.Ties {
			t.RulePhrase = nil
			out.Ties[i] = t
		}
	}
	return &out
}
