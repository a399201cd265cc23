package tally

// Placeholder until countScottish is written; this file is deleted then.
func countScottish(e *Election, opts Options) (*Result, error) { return nil, inputErrorf(0, "scottish: not written yet") }
