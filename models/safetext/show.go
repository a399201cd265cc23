package safetext

import "strconv"

// Show returns text others wrote for an officer's terminal: as it is when
// Check accepts it (or it is empty), else quoted with Go's escapes, so
// that the officer sees what the text holds (an escape sequence, a bidi
// override, an invisible letter) rather than what a terminal makes of it
// or a version with characters silently dropped. Text is checked when it
// enters booth; this guards against a database edited by hand, text stored
// before a rule was tightened, and what an officer's machine reported into
// the audit log.
func Show(s string) string {
	if s == "" || Check("text", s) == nil {
		return s
	}
	return strconv.QuoteToGraphic(s)
}
