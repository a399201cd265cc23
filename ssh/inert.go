package ssh

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// inertJSON escapes, as \uXXXX, every character in JSON text that a
// terminal could act on or that hides itself: C1 controls, line and
// paragraph separators, bidi controls and other format characters (Cf).
// encoding/json already escapes C0 controls; these it leaves raw. Such
// characters can only occur inside JSON strings, where the escape means
// the same character, so the data is unchanged for a program and inert on
// a terminal.
func inertJSON(data []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(data))
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r >= 0x80 && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029) {
			if r > 0xffff {
				a, b := utf16.EncodeRune(r)
				fmt.Fprintf(&out, `\u%04x\u%04x`, a, b)
			} else {
				fmt.Fprintf(&out, `\u%04x`, r)
			}
		} else {
			out.Write(data[i : i+size])
		}
		i += size
	}
	return out.Bytes()
}
