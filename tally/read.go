package tally

import (
	"bytes"
	"io"
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
// content.
func Read(r io.Reader) (*Election, Format, error) {
	data, err := readText(r)
	if err != nil {
		return nil, "", err
	}
	f := Detect(data)
	var e *Election
	switch f {
	case BLT:
		e, err = ReadBLT(bytes.NewReader(data))
	case Debian:
		e, err = ReadDebian(bytes.NewReader(data))
	case PrefLib:
		e, err = ReadPrefLib(bytes.NewReader(data))
	default:
		return nil, "", inputErrorf(0, "not a ballot file booth knows: expected BLT (first line \"CANDIDATES SEATS\"), a Debian tally sheet (\"V:\" lines) or PrefLib TOI/SOI (\"COUNT: a,b,...\" lines)")
	}
	return e, f, err
}

// Detect recognises a ballot file's format from its first meaningful lines,
// or returns "" when it is none of them.
func Detect(data []byte) Format {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for line := range strings.Lines(string(data)) {
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
			if bytes.Contains(data, []byte("\nV:")) {
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
func readText(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileBytes {
		return nil, inputErrorf(0, "the file is larger than %d bytes", maxFileBytes)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		data, err = charmap.ISO8859_1.NewDecoder().Bytes(data)
		if err != nil {
			return nil, err
		}
	}
	return data, nil
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
