package safetext

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// WriteJSON writes v to w as indented JSON, inert on a terminal
// (inertJSON), and a line end: what every --json output prints, whether an
// officer or a member asked for it.
func WriteJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(inertJSON(data), '\n'))
	return err
}

// inertJSON escapes, as \uXXXX, every Unsafe character in JSON text
// outside ASCII: C1 controls, line and paragraph separators, bidi
// controls and other format characters (Cf). encoding/json already
// escapes C0 controls (and DEL is inert); these it leaves raw. Such
// characters can only occur inside JSON strings, where the escape means
// the same character, so the data is unchanged for a program and inert on
// a terminal.
func inertJSON(data []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(data))
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r >= 0x80 && Unsafe(r) {
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
