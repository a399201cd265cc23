package tally

import (
	"io"
	"io/fs"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Format names a ballot file format.
type Format string

// The ballot file formats booth reads.
const (
	BLT     Format = "blt"     // OpenSTV/Droop/OpaVote ballot files
	Debian  Format = "debian"  // Debian's published tally sheets
	PrefLib Format = "preflib" // PrefLib TOI/SOI (and SOC/TOC) files
)

// maxFileBytes bounds what a reader will take into memory.
const maxFileBytes = 1 << 30

// Read reads a ballot file of any supported format, recognised from its
// content, into one Ballot per ballot line.
func Read(r io.Reader) (*Election, Format, error) {
	return read(r, true)
}

// ReadGrouped reads a ballot file like Read, but groups identical rankings
// as it reads them and keeps them in the compact form the counts use, so
// memory grows with the distinct rankings, not with the voters: it is the
// reader for counting a large file. The election it returns has no Ballots;
// Count counts the ballots it read (and any added to Ballots), with the
// same results and errors as for the election Read returns.
func ReadGrouped(r io.Reader) (*Election, Format, error) {
	return read(r, false)
}

func read(r io.Reader, perLine bool) (*Election, Format, error) {
	text, err := readText(r)
	if err != nil {
		return nil, "", err
	}
	f := detect(text)
	// Read used to hand the text it had read to ReadBLT, ReadDebian or
	// ReadPrefLib, which read it again: a second byte order mark went too,
	// and a Latin-1 file that decoded past the size limit was refused.
	text = strings.TrimPrefix(text, "\xef\xbb\xbf")
	if f != "" && len(text) > maxFileBytes {
		return nil, f, inputErrorf(0, "the file is larger than %d bytes", maxFileBytes)
	}
	var e *Election
	switch f {
	case BLT:
		e, err = parseBLT(text, perLine)
	case Debian:
		e, err = parseDebian(text, perLine)
	case PrefLib:
		e, err = parsePrefLib(text, perLine)
	default:
		return nil, "", inputErrorf(0, "not a ballot file booth knows: expected BLT (first line \"CANDIDATES SEATS\"), a Debian tally sheet (\"V:\" lines) or PrefLib TOI/SOI (\"COUNT: a,b,...\" lines)")
	}
	return e, f, err
}

// Detect recognises a ballot file's format from its first meaningful lines,
// or returns "" when it is none of them.
func Detect(data []byte) Format {
	return detect(string(data))
}

func detect(data string) Format {
	data = strings.TrimPrefix(data, "\xef\xbb\xbf")
	for line := range strings.Lines(data) {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "#"):
			if strings.Contains(line, "DATA TYPE") || strings.Contains(line, "ALTERNATIVE NAME") || strings.Contains(line, "NUMBER ALTERNATIVES") {
				return PrefLib
			}
			continue
		case strings.HasPrefix(line, "V:") || strings.Contains(line, "Tally Sheet") || strings.Contains(line, "Option 1"):
			return Debian
		}
		fields := strings.Fields(line)
		if len(fields) == 2 && isDigits(fields[0]) && isDigits(fields[1]) {
			return BLT
		}
		if len(fields) == 1 && isDigits(fields[0]) {
			return PrefLib // the older layout opens with the number of alternatives
		}
		if i := strings.IndexByte(line, ':'); i > 0 && isDigits(line[:i]) {
			return PrefLib
		}
		if !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "-=") {
			// Debian sheets open with free text before the options.
			if strings.Contains(data, "\nV:") {
				return Debian
			}
			return ""
		}
	}
	return ""
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// readText reads a whole ballot file, drops a UTF-8 byte order mark, and
// decodes Latin-1 when the bytes are not UTF-8 (older Debian tally sheets
// are Latin-1).
func readText(r io.Reader) (string, error) {
	// A file or an in-memory reader says its size: read it into one
	// buffer of that size, not a series of growing copies. The text is
	// then read in place, never copied again.
	var buf strings.Builder
	switch f := r.(type) {
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() <= maxFileBytes {
			buf.Grow(int(fi.Size()) + 1)
		}
	case interface{ Len() int }:
		if n := f.Len(); n <= maxFileBytes {
			buf.Grow(n + 1)
		}
	}
	if _, err := io.Copy(&buf, io.LimitReader(r, maxFileBytes+1)); err != nil {
		return "", err
	}
	text := buf.String()
	if len(text) > maxFileBytes {
		return "", inputErrorf(0, "the file is larger than %d bytes", maxFileBytes)
	}
	text = strings.TrimPrefix(text, "\xef\xbb\xbf")
	if !utf8.ValidString(text) {
		decoded, err := charmap.ISO8859_1.NewDecoder().String(text)
		if err != nil {
			return "", err
		}
		text = decoded
	}
	return text, nil
}

// lineCursor walks a file's text line by line, in place: the lines of
// strings.Split(data, "\n"), without the slice of them.
type lineCursor struct {
	data string
	pos  int  // where the next line starts
	no   int  // lines returned so far: the number of the last one
	done bool // the last line has been returned
}

// next returns the next line, without its "\n", and false past the last.
func (c *lineCursor) next() (string, bool) {
	if c.done {
		return "", false
	}
	c.no++
	rest := c.data[c.pos:]
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		c.pos += i + 1
		return rest[:i], true
	}
	c.done = true
	return rest, true
}

// leadingNumber reads the run of ASCII digits that starts s, of at most
// maxDigits (so it cannot overflow), and returns its value and the rest of
// s; false when s does not start with a digit or the run is longer.
func leadingNumber(s string, maxDigits int) (int64, string, bool) {
	var v int64
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if i == maxDigits {
			return 0, "", false
		}
		v = v*10 + int64(s[i]-'0')
		i++
	}
	return v, s[i:], i > 0
}

// checkName refuses candidate names and titles that could change what a
// terminal shows: control characters, escape sequences, bidirectional
// overrides and invisible format characters.
func checkName(line int, what, s string) error {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return inputErrorf(line, "%s %q contains the invisible or control character %U; remove it", what, s, r)
		}
	}
	if strings.TrimSpace(s) == "" {
		return inputErrorf(line, "%s is empty", what)
	}
	return nil
}

// errTruncated says a file ended before a required part.
func errTruncated(line int, missing string) error {
	return inputErrorf(line, "the file ends before %s (is it truncated?)", missing)
}
