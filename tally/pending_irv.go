package tally

// Placeholder until countIRV is written; this file is deleted then.
func countIRV(e *Election, opts Options) (*Result, error) { return nil, inputErrorf(0, "irv: not written yet") }
