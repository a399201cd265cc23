package models

import (
	"fmt"
	"strconv"
	"strings"
)

// The TOML library does not export where each key was written, so that
// every problem in a definition can name its line, keyLines walks the
// source again. It runs only on text the library has already accepted,
// so it needs to know only enough of TOML to skip values (strings of all
// four kinds, arrays, inline tables) and never has to report an error; on
// anything it does not follow it stops, and the problems it would have
// placed fall back to line 0 (the file as a whole).

// keyLines maps each key path to the line (from 1) where it is first
// written. Paths join keys with "."; the elements of an array of tables
// or of an array value are numbered, as in "candidate[2].name" or
// "recipients[0]". A table's own path maps to its header's line.
func keyLines(src string) map[string]int {
	s := &keyScanner{src: src, line: 1, lines: map[string]int{}, arrays: map[string]int{}}
	s.document()
	return s.lines
}

type keyScanner struct {
	src    string
	i      int
	line   int
	lines  map[string]int
	arrays map[string]int // array-of-tables path → elements so far
}

func (s *keyScanner) peek(off int) byte {
	if s.i+off < len(s.src) {
		return s.src[s.i+off]
	}
	return 0
}

func (s *keyScanner) advance(n int) {
	for ; n > 0 && s.i < len(s.src); n-- {
		if s.src[s.i] == '\n' {
			s.line++
		}
		s.i++
	}
}

func (s *keyScanner) record(path string, line int) {
	if _, ok := s.lines[path]; !ok {
		s.lines[path] = line
	}
}

// skipSpace skips blanks and comments, and newlines too when newlines is
// set (inside arrays and between expressions).
func (s *keyScanner) skipSpace(newlines bool) {
	for s.i < len(s.src) {
		switch c := s.src[s.i]; {
		case c == ' ' || c == '\t' || c == '\r':
			s.advance(1)
		case c == '\n' && newlines:
			s.advance(1)
		case c == '#':
			for s.i < len(s.src) && s.src[s.i] != '\n' {
				s.i++
			}
		default:
			return
		}
	}
}

// document reads expressions: table headers and key/value pairs.
func (s *keyScanner) document() {
	table := ""
	for {
		s.skipSpace(true)
		if s.i >= len(s.src) {
			return
		}
		start, line := s.i, s.line
		switch {
		case strings.HasPrefix(s.src[s.i:], "[["):
			s.advance(2)
			parts := s.key()
			if len(parts) == 0 {
				return
			}
			path := join(s.resolve("", parts[:len(parts)-1]), parts[len(parts)-1])
			s.skipSpace(false)
			s.advance(2) // ]]
			table = fmt.Sprintf("%s[%d]", path, s.arrays[path])
			s.arrays[path]++
			s.record(path, line)
			s.record(table, line)
		case s.src[s.i] == '[':
			s.advance(1)
			table = s.resolve("", s.key())
			s.skipSpace(false)
			s.advance(1) // ]
			s.record(table, line)
		default:
			if !s.keyValue(table) {
				return
			}
		}
		if s.i == start {
			return // not understood: stop rather than loop
		}
	}
}

// keyValue reads key = value under the table prefix.
func (s *keyScanner) keyValue(prefix string) bool {
	line := s.line
	parts := s.key()
	if len(parts) == 0 {
		return false
	}
	s.skipSpace(false)
	if s.peek(0) != '=' {
		return false
	}
	s.advance(1)
	s.skipSpace(false)
	for n := 1; n < len(parts); n++ {
		s.record(join(prefix, strings.Join(parts[:n], ".")), line)
	}
	path := s.resolve(prefix, parts)
	s.record(path, line)
	return s.value(path)
}

// resolve joins a dotted key to its prefix; a part naming an array of
// tables stands for that array's last element, as in TOML.
func (s *keyScanner) resolve(prefix string, parts []string) string {
	path := prefix
	for _, p := range parts {
		path = join(path, p)
		if n := s.arrays[path]; n > 0 {
			path = fmt.Sprintf("%s[%d]", path, n-1)
		}
	}
	return path
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// key reads a dotted key: bare or quoted parts separated by dots.
func (s *keyScanner) key() []string {
	var parts []string
	for {
		s.skipSpace(false)
		switch c := s.peek(0); {
		case c == '"' || c == '\'':
			raw := s.str()
			if c == '"' {
				if u, err := strconv.Unquote(raw); err == nil {
					parts = append(parts, u)
					break
				}
			}
			parts = append(parts, strings.Trim(raw, `"'`))
		default:
			j := s.i
			for j < len(s.src) && isBareKeyByte(s.src[j]) {
				j++
			}
			if j == s.i {
				return parts
			}
			parts = append(parts, s.src[s.i:j])
			s.i = j
		}
		s.skipSpace(false)
		if s.peek(0) != '.' {
			return parts
		}
		s.advance(1)
	}
}

func isBareKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// value skips one value, recording the keys inside inline tables and the
// elements of arrays.
func (s *keyScanner) value(path string) bool {
	switch s.peek(0) {
	case '"', '\'':
		s.str()
	case '[':
		return s.array(path)
	case '{':
		return s.inlineTable(path)
	default:
		start := s.i
		for s.i < len(s.src) && !strings.ContainsRune(",]}#\n", rune(s.src[s.i])) {
			s.i++
		}
		return s.i > start
	}
	return true
}

func (s *keyScanner) array(path string) bool {
	s.advance(1)
	for n := 0; ; {
		s.skipSpace(true)
		switch s.peek(0) {
		case 0:
			return false
		case ']':
			s.advance(1)
			return true
		case ',':
			s.advance(1)
			continue
		}
		elem := fmt.Sprintf("%s[%d]", path, n)
		s.record(elem, s.line)
		if !s.value(elem) {
			return false
		}
		n++
	}
}

func (s *keyScanner) inlineTable(path string) bool {
	s.advance(1)
	for {
		s.skipSpace(true)
		switch s.peek(0) {
		case 0:
			return false
		case '}':
			s.advance(1)
			return true
		case ',':
			s.advance(1)
			continue
		}
		if !s.keyValue(path) {
			return false
		}
	}
}

// str skips a string of any of TOML's four kinds and returns its source
// text, quotes included.
func (s *keyScanner) str() string {
	start := s.i
	q := s.peek(0)
	if s.peek(1) == q && s.peek(2) == q {
		s.advance(3)
		for s.i < len(s.src) {
			if q == '"' && s.src[s.i] == '\\' {
				s.advance(2)
				continue
			}
			if s.peek(0) == q && s.peek(1) == q && s.peek(2) == q {
				s.advance(3)
				// A closing run may hold up to two more quotes (content).
				for k := 0; k < 2 && s.peek(0) == q; k++ {
					s.advance(1)
				}
				break
			}
			s.advance(1)
		}
		return s.src[start:s.i]
	}
	s.advance(1)
	for s.i < len(s.src) && s.src[s.i] != q && s.src[s.i] != '\n' {
		if q == '"' && s.src[s.i] == '\\' {
			s.advance(1)
		}
		s.advance(1)
	}
	s.advance(1)
	return s.src[start:s.i]
}
