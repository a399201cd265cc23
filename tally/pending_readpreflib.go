package tally

import "io"

// Placeholder until ReadPrefLib is written; this file is deleted then.
func ReadPrefLib(r io.Reader) (*Election, error) { return nil, inputErrorf(0, "preflib: not written yet") }
