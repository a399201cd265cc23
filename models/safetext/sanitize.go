package safetext

import (
	"strings"
	"unicode/utf8"
)

// Sanitize makes one line of untrusted text safe to draw, right before it
// is drawn, whether or not it was checked when it entered booth: escape
// sequences (7-bit and 8-bit C1 forms) are removed whole, line breaks,
// carriage returns, tabs and the line and paragraph separators become
// spaces, and every other Unsafe character (C0 and C1 controls, DEL, bidi
// controls, zero-width and other invisible format characters) is dropped.
// Invalid UTF-8 becomes U+FFFD.
func Sanitize(s string) string {
	return sanitize(s, false)
}

// SanitizeMultiline is Sanitize for text of several lines, such as a
// Markdown statement: line feeds and tabs are kept, CRLF becomes a line
// feed, and a lone carriage return (which would move the cursor back over
// the line) becomes a space.
func SanitizeMultiline(s string) string {
	return sanitize(s, true)
}

func sanitize(s string, multiline bool) string {
	if isPlain(s, multiline) {
		return s // the common case costs no allocation
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == 0x1b || r == 0x9b || r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f:
			i += escapeLen(s[i:])
			continue
		case r == '\r' && multiline && strings.HasPrefix(s[i+1:], "\n"):
			// CRLF: the LF that follows is kept on the next turn.
		case (r == '\n' || r == '\t') && multiline:
			b.WriteRune(r)
		case r == '\n' || r == '\t' || r == '\r' || r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
		case Unsafe(r):
			// dropped
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isPlain reports whether s is printable ASCII only, with line feeds and
// tabs when they are kept (multiline), which needs no work: statements and
// ballot descriptions have several lines and are sanitised at every draw.
func isPlain(s string, multiline bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 || c >= 0x7f) && !(multiline && (c == '\n' || c == '\t')) {
			return false
		}
	}
	return true
}

// escapeLen is the length in bytes of the escape sequence at the start of
// s (which starts with ESC or a C1 introducer). A string sequence (OSC,
// DCS, SOS, PM, APC) without its terminator counts as the introducer
// alone: the rest is then shown as the inert text it is, rather than
// swallowed where nobody sees it.
func escapeLen(s string) int {
	r, n := utf8.DecodeRuneInString(s)
	kind := r
	if r == 0x1b {
		if len(s) == n {
			return n
		}
		next := s[n]
		switch next {
		case '[':
			kind = 0x9b
		case ']':
			kind = 0x9d
		case 'P', 'X', '^', '_':
			kind = 0x90
		default:
			// ESC, intermediates (0x20–0x2f), one final byte.
			j := n
			for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
				j++
			}
			if j < len(s) && s[j] >= 0x30 && s[j] <= 0x7e {
				j++
			}
			return j
		}
		n++
	}
	if kind == 0x9b {
		// CSI: parameter and intermediate bytes, then a final byte.
		j := n
		for j < len(s) && s[j] >= 0x20 && s[j] <= 0x3f {
			j++
		}
		for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
			j++
		}
		if j < len(s) && s[j] >= 0x40 && s[j] <= 0x7e {
			j++
		}
		return j
	}
	// A string sequence ends at BEL, ESC \ or ST (U+009C).
	for j := n; j < len(s); j++ {
		switch {
		case s[j] == 0x07:
			return j + 1
		case s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\':
			return j + 2
		case strings.HasPrefix(s[j:], "\u009c"):
			return j + len("\u009c")
		}
	}
	return n
}

// KeepSGR removes from text rendered from untrusted Markdown (glamour's
// output, in the booth) every escape sequence except colours and
// attributes (CSI … m), and sanitises the text between them: glamour
// writes OSC 8 hyperlinks whose target comes from the Markdown, and a link
// whose text differs from its target is a spoofing tool.
func KeepSGR(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		next := strings.IndexByte(s[i:], 0x1b)
		if next < 0 {
			next = len(s) - i
		}
		// Markdown turns character references such as &#x202E; or &#13;
		// into the characters themselves, so the text between sequences
		// is sanitised again after rendering.
		b.WriteString(SanitizeMultiline(s[i : i+next]))
		i += next
		if i == len(s) {
			break
		}
		n := escapeLen(s[i:])
		if seq := s[i : i+n]; strings.HasPrefix(seq, "\x1b[") && strings.HasSuffix(seq, "m") && !concealed(seq) {
			b.WriteString(seq)
		}
		i += n
	}
	return b.String()
}

// concealed reports whether an SGR sequence sets attribute 8, which hides
// text on screen.
func concealed(seq string) bool {
	for p := range strings.SplitSeq(seq[2:len(seq)-1], ";") {
		if p == "8" {
			return true
		}
	}
	return false
}
