package bundle

import "vote.example.org/booth/tally"

// Phrased is the published result able to say its record (round actions,
// notes, tie rules) in any language: a bundle holds the record's English
// only, but a recount that matched it has the same record with its
// phrases, and Result.WithPhrasesOf takes each one that says exactly the
// published English. Before a matching recount (no ledger, or Recount
// not run or failed) it is the published result, said in English.
func (b *Bundle) Phrased() *tally.Result {
	if b.recounted == nil {
		return b.Result
	}
	return b.Result.WithPhrasesOf(b.recounted)
}
