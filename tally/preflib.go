package tally

import (
	"io"
	"strconv"
	"strings"
)

// maxPrefLibAlternatives bounds the declared number of alternatives, so a
// corrupt header cannot make the reader allocate without limit.
const maxPrefLibAlternatives = 100_000

// ReadPrefLib reads a PrefLib ordinal file: TOI or SOI (SOC and TOC are
// special cases of them), whose header lines start with "#" and whose data
// lines read "COUNT: a,b,{c,d}", or the older layout that opens with the
// number of alternatives and writes "COUNT,a,b,{c,d}". Candidates are
// numbered from 1; braces put candidates at the same rank.
func ReadPrefLib(r io.Reader) (*Election, error) {
	text, err := readText(r)
	if err != nil {
		return nil, err
	}
	return parsePrefLib(text, true)
}

// parsePrefLib reads a PrefLib file's text into one Ballot per data line
// (perLine) or a ballot box.
func parsePrefLib(data string, perLine bool) (*Election, error) {
	c := newCollector(perLine)
	lines := lineCursor{data: data}
	for {
		l, ok := lines.next()
		if !ok {
			break
		}
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if isDigits(l) {
			return readOldPrefLib(&lines, l, c)
		}
		break
	}
	return readTOI(&lineCursor{data: data}, c)
}

func readTOI(lines *lineCursor, c *collector) (*Election, error) {
	e := &Election{}
	h := preflibHeader{names: map[int]preflibName{}, voters: -1}
	var seen, plainSeen []int
	var sum int64
	for {
		raw, more := lines.next()
		if !more {
			break
		}
		no, line := lines.no, strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if line[0] == '#' {
			// Header lines after the ballots are comments: the candidates
			// are fixed by then.
			if e.Candidates != nil {
				continue
			}
			if err := h.add(no, line, e); err != nil {
				return nil, err
			}
			continue
		}
		if e.Candidates == nil {
			cands, err := h.candidates(no)
			if err != nil {
				return nil, err
			}
			e.Candidates, seen, plainSeen = cands, make([]int, len(cands)), make([]int, len(cands))
		}
		count, prefs, ok := strings.Cut(line, ":")
		if !ok {
			return nil, inputErrorf(no, "expected \"COUNT: preferences\" (e.g. \"12: 3,1,{2,4}\"), found %q", line)
		}
		if v, ok := plainPrefLibBallot(no, count, prefs, c, plainSeen); ok {
			sum += v
			continue
		}
		b, err := parsePrefLibBallot(no, count, prefs, e.Candidates, seen)
		if err != nil {
			return nil, err
		}
		sum += b.Count
		c.addRanks(b)
	}
	if e.Candidates == nil {
		return nil, errTruncated(lines.no, "the ballots")
	}
	if h.voters >= 0 && h.voters != sum {
		return nil, inputErrorf(h.votersLine, "the header declares %d voters but the ballots count %d (is the file truncated?)", h.voters, sum)
	}
	c.finish(e)
	return e, nil
}

type preflibName struct {
	name string
	line int
}

// preflibHeader collects what the "# KEY: value" lines declare.
type preflibHeader struct {
	declared   int // NUMBER ALTERNATIVES, 0 when absent
	names      map[int]preflibName
	voters     int64 // NUMBER VOTERS, -1 when absent
	votersLine int
}

func (h *preflibHeader) add(no int, line string, e *Election) error {
	key, val, ok := strings.Cut(line[1:], ":")
	if !ok {
		return nil
	}
	key, val = strings.TrimSpace(key), strings.TrimSpace(val)
	switch {
	case key == "TITLE":
		if val != "" {
			if err := checkName(no, "the title", val); err != nil {
				return err
			}
		}
		e.Title = val
	case key == "NUMBER ALTERNATIVES":
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 || n > maxPrefLibAlternatives {
			return inputErrorf(no, "the number of alternatives must be a whole number from 1 to %d, not %q", maxPrefLibAlternatives, val)
		}
		h.declared = n
	case key == "NUMBER VOTERS":
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil || n < 0 {
			return inputErrorf(no, "the number of voters must be a whole number, not %q", val)
		}
		h.voters, h.votersLine = n, no
	case strings.HasPrefix(key, "ALTERNATIVE NAME "):
		k, err := strconv.Atoi(strings.TrimPrefix(key, "ALTERNATIVE NAME "))
		if err != nil || k < 1 || k > maxPrefLibAlternatives {
			return inputErrorf(no, "%q does not name an alternative by a number from 1 to %d", key, maxPrefLibAlternatives)
		}
		if _, dup := h.names[k]; dup {
			return inputErrorf(no, "alternative %d is named twice", k)
		}
		if err := checkName(no, "alternative name", val); err != nil {
			return err
		}
		h.names[k] = preflibName{val, no}
	}
	return nil
}

// candidates checks the names against the declared number, at the first
// ballot line (no), where the reader needs them complete.
func (h *preflibHeader) candidates(no int) ([]Candidate, error) {
	n := h.declared
	for k, nm := range h.names {
		if h.declared > 0 && k > h.declared {
			return nil, inputErrorf(nm.line, "alternative %d is named, but the header declares %d alternatives", k, h.declared)
		}
		n = max(n, k)
	}
	if n == 0 {
		return nil, inputErrorf(no, "no alternatives are named before the ballots (expected \"# ALTERNATIVE NAME 1: ...\" lines)")
	}
	cands := make([]Candidate, n)
	for k := 1; k <= n; k++ {
		nm, ok := h.names[k]
		if !ok {
			return nil, inputErrorf(no, "alternative %d has no name (expected a \"# ALTERNATIVE NAME %d: ...\" line before the ballots)", k, k)
		}
		cands[k-1].Name = nm.name
	}
	return cands, nil
}

// readOldPrefLib reads the layout PrefLib used before 2022: the number of
// alternatives on line first, then "i,name" lines, then a "voters,sum,unique"
// line, then "COUNT,a,b,{c,d}" lines.
func readOldPrefLib(lines *lineCursor, first string, c *collector) (*Election, error) {
	n, err := strconv.Atoi(first)
	if err != nil || n < 1 || n > maxPrefLibAlternatives {
		return nil, inputErrorf(lines.no, "the number of alternatives must be a whole number from 1 to %d", maxPrefLibAlternatives)
	}
	e := &Election{Candidates: make([]Candidate, n)}
	seen, plainSeen := make([]int, n), make([]int, n)
	voters, votersLine, sum := int64(-1), 0, int64(0)
	named := 0
	for {
		raw, more := lines.next()
		if !more {
			break
		}
		no, line := lines.no, strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		head, rest, ok := strings.Cut(line, ",")
		switch {
		case !ok:
			return nil, inputErrorf(no, "expected \"COUNT,preferences\" (e.g. \"12,3,1,{2,4}\"), found %q", line)
		case named < n:
			if err := nameOldAlternative(no, head, rest, e.Candidates); err != nil {
				return nil, err
			}
			named++
		case votersLine == 0:
			votersLine = no
			v, _, _ := strings.Cut(rest, ",")
			if voters, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
				return nil, inputErrorf(no, "expected \"voters,sum of counts,unique orders\", found %q", line)
			}
		default:
			if v, ok := plainPrefLibBallot(no, head, rest, c, plainSeen); ok {
				sum += v
				continue
			}
			b, err := parsePrefLibBallot(no, head, rest, e.Candidates, seen)
			if err != nil {
				return nil, err
			}
			sum += b.Count
			c.addRanks(b)
		}
	}
	if votersLine == 0 {
		return nil, errTruncated(lines.no, "the names of the alternatives and the voter totals")
	}
	if voters != sum {
		return nil, inputErrorf(votersLine, "the header declares %d votes but the ballots count %d (is the file truncated?)", voters, sum)
	}
	c.finish(e)
	return e, nil
}

func nameOldAlternative(no int, num, name string, cands []Candidate) error {
	k, err := strconv.Atoi(strings.TrimSpace(num))
	if err != nil || k < 1 || k > len(cands) {
		return inputErrorf(no, "expected \"number,name\" for an alternative from 1 to %d, found %q", len(cands), num)
	}
	if cands[k-1].Name != "" {
		return inputErrorf(no, "alternative %d is named twice", k)
	}
	name = strings.TrimSpace(name)
	if err := checkName(no, "alternative name", name); err != nil {
		return err
	}
	cands[k-1].Name = name
	return nil
}

// parsePrefLibBallot reads one data line's count and preferences. seen is
// scratch space, one entry per candidate, stamped with the line number to
// catch a candidate listed twice without clearing it between lines.
func parsePrefLibBallot(no int, count, prefs string, cands []Candidate, seen []int) (Ballot, error) {
	count = strings.TrimSpace(count)
	v, err := strconv.ParseInt(count, 10, 64)
	if !isDigits(count) || err != nil || v < 1 || v > maxBallots {
		return Ballot{}, inputErrorf(no, "the count %q must be a whole number of voters from 1 to %d", count, maxBallots)
	}
	b := Ballot{Count: v, Line: no}
	s := strings.TrimSpace(prefs)
	for s != "" {
		var rank []int
		if group, ok := strings.CutPrefix(s, "{"); ok {
			inner, after, closed := strings.Cut(group, "}")
			if !closed || strings.Contains(inner, "{") {
				return Ballot{}, inputErrorf(no, "unbalanced braces in %q", prefs)
			}
			for f := range strings.SplitSeq(inner, ",") {
				c, err := prefLibCandidate(no, f, cands, seen)
				if err != nil {
					return Ballot{}, err
				}
				rank = append(rank, c)
			}
			s = strings.TrimSpace(after)
			if s != "" && s[0] != ',' {
				return Ballot{}, inputErrorf(no, "expected a comma after \"}\" in %q (are the braces unbalanced?)", prefs)
			}
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			c, err := prefLibCandidate(no, s[:end], cands, seen)
			if err != nil {
				return Ballot{}, err
			}
			rank, s = []int{c}, s[end:]
		}
		b.Ranks = append(b.Ranks, rank)
		if rest, more := strings.CutPrefix(s, ","); more {
			s = strings.TrimSpace(rest)
			if s == "" {
				return Ballot{}, inputErrorf(no, "a comma ends the preferences %q", prefs)
			}
		}
	}
	return b, nil
}

// plainPrefLibBallot reads the common data line, a count and candidate
// numbers separated by commas, in digits only, in place and without
// allocating, and returns its count. It reports false, having taken
// nothing, for any other line and for any mistake (spaces, braces, a
// candidate listed twice...): parsePrefLibBallot reads those, so that every
// line reads and fails as it always has. seen is its own scratch, as
// parsePrefLibBallot's.
func plainPrefLibBallot(no int, count, prefs string, c *collector, seen []int) (int64, bool) {
	v, rest, ok := leadingNumber(strings.TrimSpace(count), 10)
	if !ok || rest != "" || v < 1 || v > maxBallots {
		return 0, false
	}
	s := strings.TrimSpace(prefs)
	// As in bltParser.plainBallot, the marks go straight into place.
	at, held, h := len(c.held), c.held, uint64(hashSeed)
	for s != "" {
		var k int64
		if k, s, ok = leadingNumber(s, 9); !ok || k < 1 || k > int64(len(seen)) || seen[k-1] == no {
			return 0, false
		}
		seen[k-1] = no
		held = append(held, int32(k-1))
		h = hashStep(h, int32(k-1))
		if s == "" {
			break
		}
		if s[0] != ',' || len(s) == 1 {
			return 0, false
		}
		s = s[1:]
	}
	c.held = held
	c.addHeld(v, no, at, h)
	return v, true
}

func prefLibCandidate(no int, f string, cands []Candidate, seen []int) (int, error) {
	f = strings.TrimSpace(f)
	switch {
	case f == "":
		return 0, inputErrorf(no, "an empty preference (two commas in a row, or empty braces?)")
	case strings.ContainsAny(f, "{}"):
		return 0, inputErrorf(no, "unbalanced braces near %q", f)
	case !isDigits(f):
		return 0, inputErrorf(no, "%q is not a candidate number", f)
	}
	k, err := strconv.Atoi(f)
	if err != nil || k < 1 || k > len(cands) {
		return 0, inputErrorf(no, "candidate %s does not exist (there are %d alternatives)", f, len(cands))
	}
	if seen[k-1] == no {
		return 0, inputErrorf(no, "candidate %d (%s) is listed twice", k, cands[k-1].Name)
	}
	seen[k-1] = no
	return k - 1, nil
}
