package tally

import "slices"

// WithPhrasesOf is r with the phrases of rec, a count of the same ballots
// by the same rules: a record read back from its English alone (a results
// bundle keeps no phrases) can then be said in any language. A phrase is
// taken only where, said in English with r's own candidates, it is
// exactly the text r records, so r never says anything it did not
// publish; a text with no such phrase keeps its English. r is not
// changed.
func (r *Result) WithPhrasesOf(rec *Result) *Result {
	out := *r
	out.NotePhrases = r.matching(rec.NotePhrases, r.Notes)
	out.Rounds = slices.Clone(r.Rounds)
	for i := range out.Rounds {
		if i >= len(rec.Rounds) {
			break
		}
		round, from := &out.Rounds[i], rec.Rounds[i]
		if from.ActionPhrase != nil && r.says(*from.ActionPhrase, round.Action) {
			round.ActionPhrase = from.ActionPhrase
		}
		round.NotePhrases = r.matching(from.NotePhrases, round.Notes)
	}
	out.Ties = slices.Clone(r.Ties)
	for i := range out.Ties {
		if i < len(rec.Ties) && rec.Ties[i].RulePhrase != nil && r.says(*rec.Ties[i].RulePhrase, out.Ties[i].Rule) {
			out.Ties[i].RulePhrase = rec.Ties[i].RulePhrase
		}
	}
	return &out
}
