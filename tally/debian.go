package tally

import (
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxDebianRank is the largest rank a single character can give: 1-9, then
// A-Z (or a-z) for 10-35. Debian's ballots never need more than nine, but a
// sheet for a larger vote has to write its ranks somehow, and letters are
// the natural next digits.
const maxDebianRank = 35

// ReadDebian reads a Debian tally sheet: free text, then a header naming
// each column ("Option 1----->: Name", decorated with "|" and "/"), then one
// line per voter, "V: <one character per option> <hash>". Each character is
// the rank the voter gave that option (1 first; equal characters are equal
// ranks; A-Z stand for 10-35) or "-" for unranked. Unranked options are left
// out of the ballot, which the counts read as equal and below every ranked
// option (constitution A.6(1)). Each voter becomes one ballot of count 1.
// Sheets older than 2008 are Latin-1; readText decodes them.
func ReadDebian(r io.Reader) (*Election, error) {
	text, err := readText(r)
	if err != nil {
		return nil, err
	}
	return parseDebian(text, true)
}

// parseDebian reads a tally sheet's text into one Ballot per vote
// (perLine) or a ballot box.
func parseDebian(data string, perLine bool) (*Election, error) {
	p := debianParser{e: &Election{}, c: newCollector(perLine)}
	lineNo := 0
	for line := range strings.Lines(data) {
		lineNo++
		if err := p.line(lineNo, trimLineEnd(line)); err != nil {
			return nil, err
		}
	}
	if len(p.e.Candidates) == 0 {
		return nil, inputErrorf(0, "no options header (\"Option 1--->: Name\" lines) found; is this a Debian tally sheet?")
	}
	if !p.closed {
		return nil, errTruncated(lineNo, "the end of the options header")
	}
	p.c.finish(p.e)
	return p.e, nil
}

// trimLineEnd is strings.TrimRight(line, "\r\n") without building the
// cutset for every line of a large sheet.
func trimLineEnd(line string) string {
	for line != "" && (line[len(line)-1] == '\n' || line[len(line)-1] == '\r') {
		line = line[:len(line)-1]
	}
	return line
}

// debianParser walks a sheet line by line: free text, then the header,
// then the votes, in that order only.
type debianParser struct {
	e       *Election
	inVotes bool // a V: line has been read
	closed  bool // the header is complete (closing decoration or a vote)
	byName  map[string]int
	rank    []int // scratch: each option's rank on the current vote
	c       *collector
}

func (p *debianParser) line(lineNo int, line string) error {
	trimmed := strings.TrimSpace(line)
	switch {
	case strings.HasPrefix(trimmed, "V:"):
		if len(p.e.Candidates) == 0 {
			return inputErrorf(lineNo, "a vote comes before the options header (\"Option 1--->: Name\" lines)")
		}
		p.inVotes, p.closed = true, true
		return p.vote(lineNo, trimmed[2:])
	case trimmed == "":
		return nil
	case p.inVotes:
		return inputErrorf(lineNo, "expected a vote (\"V: ...\"), found %q", debianClip(trimmed))
	}
	body := strings.TrimLeft(trimmed, "|/ \t")
	if isOptionLine(body) {
		if p.closed {
			return inputErrorf(lineNo, "an option line after the end of the options header")
		}
		return p.option(lineNo, body)
	}
	if len(p.e.Candidates) == 0 {
		return nil // free text before the header
	}
	if body == "" {
		// The decoration line after the last option closes the header.
		p.closed = true
		return nil
	}
	return inputErrorf(lineNo, "unexpected text in the options header: %q", debianClip(trimmed))
}

// isOptionLine reports whether s starts "Option <digit>", so free text that
// merely mentions options is not taken for the header.
func isOptionLine(s string) bool {
	rest, ok := strings.CutPrefix(s, "Option")
	if !ok {
		return false
	}
	rest = strings.TrimLeft(rest, " \t")
	return rest != "" && rest[0] >= '0' && rest[0] <= '9'
}

// option reads "Option N----->: Name".
func (p *debianParser) option(lineNo int, s string) error {
	rest := strings.TrimLeft(strings.TrimPrefix(s, "Option"), " \t")
	digits := 0
	for digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
		digits++
	}
	num := rest[:digits]
	rest = strings.TrimLeft(rest[digits:], "-")
	name, ok := strings.CutPrefix(rest, ">:")
	if !ok {
		return inputErrorf(lineNo, "malformed option line: expected \"Option %s--->: Name\"", num)
	}
	want := len(p.e.Candidates) + 1
	if num != itoa(want) {
		return inputErrorf(lineNo, "option %s is out of order: expected option %d", num, want)
	}
	name = strings.TrimSpace(name)
	if err := checkName(lineNo, "option "+num+"'s name", name); err != nil {
		return err
	}
	if p.byName == nil {
		p.byName = map[string]int{}
	}
	// Names identify options in the lot and in --default, so they must differ.
	key := strings.ToLower(name)
	if prev, dup := p.byName[key]; dup {
		return inputErrorf(lineNo, "option %s has the same name as option %d (%q)", num, prev+1, name)
	}
	p.byName[key] = len(p.e.Candidates)
	p.e.Candidates = append(p.e.Candidates, Candidate{Name: name})
	return nil
}

// vote reads the marks after "V:"; the voter's hash after them is ignored.
func (p *debianParser) vote(lineNo int, s string) error {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for i := range len(s) {
		if s[i] == ' ' || s[i] == '\t' {
			s = s[:i]
			break
		}
	}
	n := len(p.e.Candidates)
	if got := utf8.RuneCountInString(s); got != n {
		return inputErrorf(lineNo, "the vote %q has %d marks, but there are %d options", debianClip(s), got, n)
	}
	var perRank [maxDebianRank + 1]int
	if cap(p.rank) < n {
		p.rank = make([]int, n)
	}
	rank := p.rank[:n]
	ranked := 0
	if len(s) == n { // one byte a mark: the marks can be ASCII
		ascii := true
		for i := range len(s) {
			v := debianMarks[s[i]]
			if v < 0 {
				ascii = false // not a mark, or not ASCII: the general loop below says which
				break
			}
			rank[i] = int(v)
			if v > 0 {
				perRank[v]++
				ranked++
			}
		}
		if ascii {
			p.addVote(rank, &perRank, ranked, lineNo)
			return nil
		}
		perRank, ranked = [maxDebianRank + 1]int{}, 0
	}
	i := 0
	for _, c := range s {
		v, ok := debianRank(c)
		if !ok {
			return inputErrorf(lineNo, "bad mark %q for option %d (%s): use 1-9, A-Z for 10-35, or - for unranked", c, i+1, p.e.Candidates[i].Name)
		}
		rank[i] = v
		if v > 0 {
			perRank[v]++
			ranked++
		}
		i++
	}
	p.addVote(rank, &perRank, ranked, lineNo)
	return nil
}

// debianMarks is debianRank for bytes: -1 for what is not an ASCII mark.
var debianMarks = func() (t [256]int8) {
	for b := range t {
		v, ok := debianRank(rune(b))
		t[b] = int8(v)
		if !ok || b >= utf8.RuneSelf {
			t[b] = -1
		}
	}
	return t
}()

// addVote takes a vote whose rank values (0 for unranked) are in rank,
// perRank[v] of them equal to v and ranked of them non-zero.
func (p *debianParser) addVote(rank []int, perRank *[maxDebianRank + 1]int, ranked, lineNo int) {
	// Group options by rank value (a counting sort): the options a rank
	// value holds, in their order on the sheet, are ranked equal.
	var first, next [maxDebianRank + 1]int // where each rank value's options start, and go next
	for v, sum := 1, 0; sum < ranked; v++ {
		first[v], next[v] = sum, sum
		sum += perRank[v]
	}
	// The marks go straight into the collector's batch.
	at := len(p.c.held)
	held := slices.Grow(p.c.held, ranked)[:at+ranked]
	marks := held[at:]
	for c, v := range rank {
		if v == 0 {
			continue
		}
		m := int32(c)
		if next[v] > first[v] {
			m = ^m // ranked equal with the option before it
		}
		marks[next[v]] = m
		next[v]++
	}
	p.c.held = held
	p.c.addHeld(1, lineNo, at, hashMarks(marks))
}

// debianRank returns the rank a mark gives, 0 for unranked.
func debianRank(c rune) (int, bool) {
	switch {
	case c == '-':
		return 0, true
	case c >= '1' && c <= '9':
		return int(c - '0'), true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, true
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10, true
	}
	return 0, false
}

// debianClip shortens text quoted in an error message.
func debianClip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}
