package tally

import (
	"io"
	"strconv"
	"strings"
)

// ReadBLT reads a BLT ballot file (OpenSTV, Droop, OpaVote):
//
//	CANDIDATES SEATS
//	-2                      optional: withdrawn candidates, negated
//	[tie 3 2 1]             optional Droop options: tie order, nicknames
//	WEIGHT PREF1 PREF2 ... 0
//	...
//	0
//	"Candidate 1"
//	...
//	"Title"
//
// Candidates are numbered from 1 (or named by [nick] nicknames); PREF1=PREF2
// ranks them equally.
func ReadBLT(r io.Reader) (*Election, error) {
	text, err := readText(r)
	if err != nil {
		return nil, err
	}
	return parseBLT(text, true)
}

// parseBLT reads a BLT file's text into one Ballot per line (perLine) or a
// ballot box.
func parseBLT(data string, perLine bool) (*Election, error) {
	p := &bltParser{text: lineCursor{data: data}, c: newCollector(perLine)}
	return p.parse()
}

type bltParser struct {
	text  lineCursor
	e     Election
	nicks map[string]int
	c     *collector
	seen  []int // scratch for plainBallot: the line that last ranked each candidate
}

// line returns the next non-blank line, trimmed, its 1-based number, and
// false at the end of the file.
func (p *bltParser) line() (string, int, bool) {
	for {
		s, ok := p.text.next()
		if !ok {
			return "", p.text.no, false
		}
		if s = strings.TrimSpace(s); s != "" {
			return s, p.text.no, true
		}
	}
}

func (p *bltParser) parse() (*Election, error) {
	header, n, ok := p.line()
	if !ok {
		return nil, errTruncated(n, "the first line (\"CANDIDATES SEATS\")")
	}
	fields := strings.Fields(header)
	if len(fields) != 2 {
		return nil, inputErrorf(n, "the first line must be \"CANDIDATES SEATS\", not %q", header)
	}
	cands, err1 := strconv.Atoi(fields[0])
	seats, err2 := strconv.Atoi(fields[1])
	if err1 != nil || err2 != nil || cands < 1 || seats < 1 || cands > 10000 {
		return nil, inputErrorf(n, "the first line must give the number of candidates (1 to 10000) and of seats (at least 1), not %q", header)
	}
	if seats > cands {
		return nil, inputErrorf(n, "the file asks for %d seats but has only %d candidates", seats, cands)
	}
	p.e.Seats = seats
	p.e.Candidates = make([]Candidate, cands)
	p.seen = make([]int, cands)
	if err := p.ballots(); err != nil {
		return nil, err
	}
	if err := p.names(); err != nil {
		return nil, err
	}
	p.c.finish(&p.e)
	return &p.e, nil
}

// ballots reads the optional withdrawn line and options, then ballot lines
// up to the terminating 0.
func (p *bltParser) ballots() error {
	first := true
	for {
		s, n, ok := p.line()
		if !ok {
			return errTruncated(n, "the line \"0\" that ends the ballots")
		}
		if s == "0" {
			return nil
		}
		if strings.HasPrefix(s, "[") {
			if err := p.option(s, n); err != nil {
				return err
			}
			continue
		}
		if first && strings.HasPrefix(s, "-") {
			if err := p.withdrawn(s, n); err != nil {
				return err
			}
			first = false
			continue
		}
		first = false
		if p.plainBallot(s, n) {
			continue
		}
		if err := p.ballot(s, n); err != nil {
			return err
		}
	}
}

func (p *bltParser) withdrawn(s string, n int) error {
	for _, f := range strings.Fields(s) {
		c, err := strconv.Atoi(f)
		if err != nil || c >= 0 || -c > len(p.e.Candidates) {
			return inputErrorf(n, "withdrawn candidates are written as negative candidate numbers (-1 to -%d), not %q", len(p.e.Candidates), f)
		}
		p.e.Withdrawn = append(p.e.Withdrawn, -c-1)
	}
	return nil
}

// option reads Droop's bracketed options; [tie ...] gives the tie-break
// order and [nick ...] names the candidates in ballot lines.
func (p *bltParser) option(s string, n int) error {
	if !strings.HasSuffix(s, "]") {
		return inputErrorf(n, "an option line must end with \"]\": %q", s)
	}
	fields := strings.Fields(s[1 : len(s)-1])
	if len(fields) == 0 {
		return inputErrorf(n, "empty option line")
	}
	switch fields[0] {
	case "nick":
		if len(fields)-1 != len(p.e.Candidates) {
			return inputErrorf(n, "[nick] must give one nickname per candidate (%d), not %d", len(p.e.Candidates), len(fields)-1)
		}
		p.nicks = make(map[string]int, len(fields)-1)
		for i, nick := range fields[1:] {
			if _, dup := p.nicks[nick]; dup {
				return inputErrorf(n, "nickname %q is given twice", nick)
			}
			p.nicks[nick] = i
		}
	case "tie":
		order := make([]int, 0, len(fields)-1)
		for _, f := range fields[1:] {
			c, err := p.candidate(f, n)
			if err != nil {
				return err
			}
			order = append(order, c)
		}
		p.e.TieOrder = order
		if err := p.e.validate(); err != nil {
			return inputErrorf(n, "%s", err.(*InputError).Msg)
		}
	case "withdrawn":
		for _, f := range fields[1:] {
			c, err := p.candidate(f, n)
			if err != nil {
				return err
			}
			p.e.Withdrawn = append(p.e.Withdrawn, c)
		}
	default:
		// Other Droop options (rule, arithmetic, ...) configure Droop's own
		// count; booth takes its rule from the command line instead.
	}
	return nil
}

// candidate resolves a candidate number (from 1) or nickname.
func (p *bltParser) candidate(f string, n int) (int, error) {
	if c, ok := p.nicks[f]; ok {
		return c, nil
	}
	c, err := strconv.Atoi(f)
	if err != nil || c < 1 || c > len(p.e.Candidates) {
		return 0, inputErrorf(n, "unknown candidate %q: candidates are numbered 1 to %d", f, len(p.e.Candidates))
	}
	return c - 1, nil
}

func (p *bltParser) ballot(s string, n int) error {
	fields := strings.Fields(s)
	if strings.HasPrefix(fields[0], "(") { // a ballot ID, as Droop allows
		fields = fields[1:]
		if len(fields) == 0 {
			return inputErrorf(n, "a ballot line needs a weight after its ID")
		}
	}
	weight, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil || weight < 1 {
		return inputErrorf(n, "a ballot line starts with its weight, a whole number of at least 1, not %q", fields[0])
	}
	if fields[len(fields)-1] != "0" {
		return inputErrorf(n, "a ballot line must end with 0: %q", s)
	}
	b := Ballot{Count: weight, Line: n}
	seen := make(map[int]bool, len(fields))
	for _, f := range fields[1 : len(fields)-1] {
		var rank []int
		for part := range strings.SplitSeq(f, "=") {
			c, err := p.candidate(part, n)
			if err != nil {
				return err
			}
			if seen[c] {
				return inputErrorf(n, "candidate %s is ranked more than once on this ballot", p.label(c))
			}
			seen[c] = true
			rank = append(rank, c)
		}
		b.Ranks = append(b.Ranks, rank)
	}
	p.c.addRanks(b)
	return nil
}

// plainBallot reads the common ballot line, "WEIGHT C1 C2 ... 0" in digits,
// spaces and tabs, with no nicknames, equal ranks or ballot ID, in place
// and without allocating. It reports false, having taken nothing, for any
// other line and for any mistake: ballot reads those, so that every line
// reads and fails as it always has.
func (p *bltParser) plainBallot(s string, n int) bool {
	if p.nicks != nil {
		return false
	}
	weight, rest, ok := leadingNumber(s, 18)
	if !ok || weight < 1 {
		return false
	}
	// The marks go straight after the collector's held ones, and are
	// hashed as they are read; only a line read to the end keeps them.
	at, held, h := len(p.c.held), p.c.held, uint64(hashSeed)
	for {
		// Each number follows a run of spaces or tabs.
		sep := 0
		for sep < len(rest) && (rest[sep] == ' ' || rest[sep] == '\t') {
			sep++
		}
		if sep == 0 {
			return false
		}
		token := rest[sep:]
		var c int64
		if c, rest, ok = leadingNumber(token, 9); !ok {
			return false
		}
		if rest == "" {
			if token != "0" { // the line must end with exactly "0"
				return false
			}
			break
		}
		if c < 1 || c > int64(len(p.e.Candidates)) || p.seen[c-1] == n {
			return false
		}
		p.seen[c-1] = n
		held = append(held, int32(c-1))
		h = hashStep(h, int32(c-1))
	}
	p.c.held = held
	p.c.addHeld(weight, n, at, h)
	return true
}

// label names a candidate before the names section has been read: by
// number, and by nickname too when the file gives them.
func (p *bltParser) label(c int) string {
	for nick, i := range p.nicks {
		if i == c {
			return strconv.Itoa(c+1) + " (" + nick + ")"
		}
	}
	return strconv.Itoa(c + 1)
}

// names reads one quoted name per candidate, then the quoted title.
func (p *bltParser) names() error {
	var strs []string
	var lines []int
	for len(strs) < len(p.e.Candidates)+1 {
		s, n, ok := p.line()
		if !ok {
			if len(strs) < len(p.e.Candidates) {
				return errTruncated(n, "the name of candidate "+strconv.Itoa(len(strs)+1))
			}
			return errTruncated(n, "the election's title")
		}
		for s != "" {
			str, rest, err := unquote(s, n)
			if err != nil {
				return err
			}
			strs = append(strs, str)
			lines = append(lines, n)
			s = strings.TrimSpace(rest)
		}
	}
	if len(strs) > len(p.e.Candidates)+1 {
		return inputErrorf(lines[len(p.e.Candidates)+1], "more names than the %d candidates and the title", len(p.e.Candidates))
	}
	for i := range p.e.Candidates {
		if err := checkName(lines[i], "candidate name", strs[i]); err != nil {
			return err
		}
		// Ballot files pad names with spaces; runs of spaces mean nothing.
		p.e.Candidates[i].Name = strings.Join(strings.Fields(strs[i]), " ")
	}
	title := strs[len(strs)-1]
	if err := checkName(lines[len(lines)-1], "title", title); err != nil {
		return err
	}
	p.e.Title = strings.Join(strings.Fields(title), " ")
	// What follows the title (Droop's source and comment lines, or free
	// notes such as ERS test files carry) is commentary, not ballots.
	return nil
}

// unquote reads one double-quoted string at the start of s.
func unquote(s string, n int) (str, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", inputErrorf(n, "expected a name in double quotes, not %q", s)
	}
	end := strings.IndexByte(s[1:], '"')
	if end < 0 {
		return "", "", inputErrorf(n, "the name %s has no closing quote", s)
	}
	return s[1 : end+1], s[end+2:], nil
}
