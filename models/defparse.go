package models

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// Limits on an election definition, so that a mistaken or hostile file
// cannot make booth read or show without end.
const (
	MaxDefinitionBytes = 1 << 20  // the TOML file
	MaxStatementBytes  = 64 << 10 // a description or one candidate's statement
	MaxCandidates      = 1000     // as many as a ballot may have lines
	maxLineRunes       = 200      // a title, name, affiliation or seed
	maxProblems        = 100      // reported at once; more is a wrong file
)

// defKeys lists the keys each table of a definition may hold; anything
// else is reported as unknown, so a misspelt option is never ignored.
var defKeys = map[string][]string{
	"": {"id", "title", "description", "method", "seats", "fixed_order", "opens_at", "closes_at",
		"allow_replace", "publish_ledger", "tie_seed", "quorum", "electorate", "schulze", "yesno",
		"approval", "recipients", "trustees", "candidate", "nominations_open", "nominations_close", "nominations", "lang", "notices"},
	"trustees":   {"threshold", "keys", "members"},
	"quorum":     {"percent", "extend"},
	"electorate": {"joined_before", "member_for"},
	"nominations": {"supporters", "self", "nominee_member_for", "nominator_in_good_standing", "max_per_nominator",
		"publish_nominators"},
	"schulze":   {"default_option", "option_quorum", "majority"},
	"yesno":     {"pass_ratio"},
	"approval":  {"max_choices"},
	"candidate": {"id", "name", "affiliation", "statement", "statement_file"},
	// [lang.LANG] and [lang.LANG.candidate.ID] (defparse_lang.go).
	"lang":           {"title", "description", "candidate"},
	"lang.candidate": {"statement", "statement_file"},
	"notices":        {"announce", "remind", "remind_until_quorum", "results"},
}

// yesNoAnswers are a yes/no question's candidates, in the order tally
// expects them. A definition may list them as [[candidate]] tables (to
// word the answers its own way) with exactly the ids yes, no and
// optionally abstain, in that order; without [[candidate]] tables booth
// supplies all three, so abstentions are counted as such.
var yesNoAnswers = []Candidate{{ID: "yes", Name: "Yes"}, {ID: "no", Name: "No"}, {ID: "abstain", Name: "Abstain"}}

// ParseDefinition reads and validates an election definition: TOML as in
// examples/board-2026.toml. path names the file in messages; readFile
// reads a statement_file, given relative to the definition's directory.
// Every problem found is reported, each with its line, in one
// *ValidationError; times are returned in UTC. Times relative to when
// the file is read are refused: see ParseDefinitionAt.
func ParseDefinition(path string, data []byte, readFile func(rel string) ([]byte, error)) (Definition, error) {
	return ParseDefinitionAt(path, data, readFile, time.Time{})
}

// ParseDefinitionAt is ParseDefinition for a file read at now, which may
// give its times relative to it: "now", or "+" and a period ("+1h",
// "+14d"), so an example definition works whenever it is used. The
// definition holds the times they came to, to the second.
func ParseDefinitionAt(path string, data []byte, readFile func(rel string) ([]byte, error), now time.Time) (Definition, error) {
	p := &defParser{file: path, readFile: readFile, now: now.UTC().Truncate(time.Second)}
	if len(data) > MaxDefinitionBytes {
		p.add(0, "the file is %d bytes; a definition may be at most %d (put long statements in statement files)", len(data), MaxDefinitionBytes)
		return Definition{}, p.err()
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			p.add(pe.Position.Line, "not valid TOML: %s", pe.Message)
		} else {
			p.add(0, "not valid TOML: %v", err)
		}
		return Definition{}, p.err()
	}
	p.lines = keyLines(string(data))
	root := tbl{m: raw}
	var d Definition
	p.unknown(root, "")
	p.header(root, &d)
	p.candidates(root, &d)
	p.quorum(root, &d)
	p.electorate(root, &d)
	p.nominations(root, &d)
	p.methodOptions(root, &d)
	p.recipients(root, &d)
	p.trustees(root, &d)
	p.notices(root, &d)
	p.crossChecks(root, &d)
	p.translations(root, &d)
	if err := p.err(); err != nil {
		return Definition{}, err
	}
	return d, nil
}

// defParser collects the problems of one definition.
type defParser struct {
	file     string
	lines    map[string]int
	readFile func(string) ([]byte, error)
	problems []Problem
	// now is when the file is read, for relative times; zero refuses them.
	now time.Time
}

// tbl is one TOML table of the definition: its path as keyLines writes
// it ("", "quorum", "candidate[2]") and its schema name in defKeys.
type tbl struct {
	path, schema string
	m            map[string]any
}

func (t tbl) key(k string) string { return join(t.path, k) }

// name is how messages refer to a key: "seats", "quorum.percent",
// "candidate.name".
func (t tbl) name(k string) string { return join(t.schema, k) }

func (p *defParser) add(line int, format string, args ...any) {
	p.problems = append(p.problems, Problem{Line: line, Msg: fmt.Sprintf(format, args...)})
}

// at reports a problem at the line where the key path was written.
func (p *defParser) at(path string, format string, args ...any) {
	p.add(p.lines[path], format, args...)
}

func (p *defParser) err() error {
	if len(p.problems) == 0 {
		return nil
	}
	// In file order; problems of the whole file (line 0) first.
	slices.SortStableFunc(p.problems, func(a, b Problem) int { return a.Line - b.Line })
	if n := len(p.problems); n > maxProblems {
		p.problems = append(p.problems[:maxProblems], Problem{Msg: fmt.Sprintf("%d more problems not shown: fix these first", n-maxProblems)})
	}
	return &ValidationError{File: p.file, Problems: p.problems}
}

// unknown reports the keys of t that its schema does not know.
func (p *defParser) unknown(t tbl, schema string) {
	keys := make([]string, 0, len(t.m))
	for k := range t.m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return p.lines[t.key(a)] - p.lines[t.key(b)] })
	for _, k := range keys {
		if slices.Contains(defKeys[schema], k) {
			continue
		}
		msg := fmt.Sprintf("unknown key %q", t.name(k))
		if s := closest(k, defKeys[schema]); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		p.at(t.key(k), "%s", msg)
	}
}

// closest suggests the known key a misspelt one was probably meant to be.
func closest(k string, known []string) string {
	best, bestDist := "", 3
	for _, c := range known {
		if d := editDistance(k, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// header reads the election's own keys.
func (p *defParser) header(root tbl, d *Definition) {
	if id, ok := p.required(root, "id"); ok {
		d.ID = id
		if !isDefID(id) {
			p.at("id", "id %q is not valid: use 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit", id)
		}
	}
	if title, ok := p.required(root, "title"); ok {
		d.Title = p.line(root, "title", title, "title")
	}
	if desc, ok := p.str(root, "description"); ok {
		d.Description = p.markdown("description", "description", desc)
	}
	if m, ok := p.required(root, "method"); ok {
		d.Method = tally.Method(m)
		if !slices.Contains(tally.Methods(), d.Method) {
			p.at("method", "unknown method %q: choose one of schulze, irv, meek, scottish, approval, yesno", m)
		}
	}
	d.Seats = 1
	if n, ok := p.integer(root, "seats"); ok {
		d.Seats = int(min(max(n, -1), MaxCandidates+1)) // out of range either way; keep it an int
		if n < 1 {
			p.at("seats", "seats must be at least 1, not %d", n)
		}
	}
	d.FixedOrder = p.boolean(root, "fixed_order")
	d.AllowReplace = p.boolean(root, "allow_replace")
	d.PublishLedger = p.boolean(root, "publish_ledger")
	if seed, ok := p.str(root, "tie_seed"); ok {
		d.TieSeed = p.line(root, "tie_seed", seed, "tie_seed")
	}
	d.OpensAt, _ = p.when(root, "opens_at", true)
	d.ClosesAt, _ = p.when(root, "closes_at", true)
	if !d.OpensAt.IsZero() && !d.ClosesAt.IsZero() && !d.ClosesAt.After(d.OpensAt) {
		p.at("closes_at", "closes_at (%s) must be after opens_at (%s)", d.ClosesAt.Format(time.RFC3339), d.OpensAt.Format(time.RFC3339))
	}
}

// isDefID is the rule for election and candidate ids, the same as for
// member ids: 1–64 of [a-z0-9._-], starting with a letter or digit, so an
// id is safe in file names, URLs and ballot text.
func isDefID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}

// line checks one line of text others will read: no control, escape or
// bidi characters, and short enough for a screen.
func (p *defParser) line(t tbl, key, s, what string) string {
	if err := safetext.Check(what, s); err != nil {
		p.at(t.key(key), "%v", err)
	} else if n := utf8.RuneCountInString(s); n > maxLineRunes {
		p.at(t.key(key), "%s is %d characters long; at most %d fit on a line", what, n, maxLineRunes)
	}
	return s
}

// markdown checks a description or statement: Markdown with newlines,
// otherwise the same characters as a line, and at most MaxStatementBytes.
// Windows line ends become plain newlines.
func (p *defParser) markdown(path, what, s string) string {
	s = strings.ReplaceAll(strings.TrimPrefix(s, "\ufeff"), "\r\n", "\n")
	if len(s) > MaxStatementBytes {
		p.at(path, "%s is %d bytes; at most %d are allowed", what, len(s), MaxStatementBytes)
	} else if err := safetext.CheckMultiline(what, s); err != nil {
		p.at(path, "%v", err)
	}
	return s
}

// candidates reads the [[candidate]] tables.
func (p *defParser) candidates(root tbl, d *Definition) {
	v, ok := root.m["candidate"]
	if !ok {
		return
	}
	var elems []map[string]any
	switch v := v.(type) {
	case []map[string]any:
		elems = v
	case []any:
		for _, e := range v {
			m, ok := e.(map[string]any)
			if !ok {
				p.at("candidate", "each candidate must be a table: write [[candidate]] followed by id = … and name = …")
				return
			}
			elems = append(elems, m)
		}
	default:
		p.at("candidate", "candidate must be a list of tables: write [[candidate]] followed by id = … and name = …")
		return
	}
	if len(elems) > MaxCandidates {
		p.at("candidate", "%d candidates; an election may have at most %d", len(elems), MaxCandidates)
		return
	}
	for i, m := range elems {
		d.Candidates = append(d.Candidates, p.candidate(tbl{path: fmt.Sprintf("candidate[%d]", i), schema: "candidate", m: m}))
	}
	p.distinctCandidates(d.Candidates)
}

func (p *defParser) candidate(t tbl) Candidate {
	p.unknown(t, "candidate")
	var c Candidate
	if id, ok := p.required(t, "id"); ok {
		c.ID = id
		switch {
		case !isDefID(id):
			p.at(t.key("id"), "candidate id %q is not valid: use 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit", id)
		case id == Blank:
			p.at(t.key("id"), "candidate id %q is taken: a ballot of the word %s alone is a blank ballot; choose another id", id, Blank)
		}
	}
	if name, ok := p.required(t, "name"); ok {
		c.Name = p.line(t, "name", name, "candidate name")
	}
	if aff, ok := p.str(t, "affiliation"); ok {
		c.Affiliation = p.line(t, "affiliation", aff, "affiliation")
	}
	c.Statement = p.statement(t)
	return c
}

// statementFile reads a candidate's statement from a Markdown file named
// relative to the definition.
func (p *defParser) statementFile(key, name string) string {
	if name == "" || filepath.IsAbs(name) || path.IsAbs(name) {
		p.at(key, "statement_file %q must be a path relative to the definition file", name)
		return ""
	}
	if p.readFile == nil {
		p.at(key, "statement_file %q cannot be read here: give the statement inline", name)
		return ""
	}
	data, err := p.readFile(name)
	switch {
	case err != nil:
		p.at(key, "reading statement_file %q: %v", name, err)
		return ""
	case len(data) > MaxStatementBytes:
		p.at(key, "statement_file %q is %d bytes; at most %d are allowed", name, len(data), MaxStatementBytes)
		return ""
	case !utf8.Valid(data):
		p.at(key, "statement_file %q is not UTF-8 text", name)
		return ""
	}
	return p.markdown(key, fmt.Sprintf("statement_file %q", name), string(data))
}

// distinctCandidates refuses two candidates with one id, or with names
// that differ only in case or Unicode form, which voters could confuse,
// and two names or ids that look the same on screen (lookKey: Cyrillic
// "А" for Latin "A", "rn" for "m", "1" for "l").
func (p *defParser) distinctCandidates(cs []Candidate) {
	ids := map[string]int{}
	names := map[string]int{}
	idLooks, nameLooks := newLookAlikes(false), newLookAlikes(false)
	for i, c := range cs {
		at := fmt.Sprintf("candidate[%d]", i)
		if c.ID != "" {
			where := fmt.Sprintf(" (line %d)", p.lines[at+".id"])
			if j, dup := ids[c.ID]; dup {
				p.at(at+".id", "candidate id %q is already used by the candidate on line %d", c.ID, p.lines[fmt.Sprintf("candidate[%d].id", j)])
			} else if !isDefID(c.ID) {
				// Already reported; a look-alike would only repeat it.
			} else if prev, clash := idLooks.add(c.ID, where); clash {
				p.at(at+".id", "%s", lookAlikeMsg("candidate id", c.ID, where, prev,
					"voters who type or read ids could take one for the other; change one"))
			} else {
				ids[c.ID] = i
			}
		}
		if c.Name != "" {
			where := fmt.Sprintf(" (line %d)", p.lines[at+".name"])
			folded := FoldName(c.Name)
			if j, dup := names[folded]; dup {
				p.at(at+".name", "candidate name %q is the same as %q on line %d once case and Unicode forms are ignored; voters could not tell them apart",
					c.Name, cs[j].Name, p.lines[fmt.Sprintf("candidate[%d].name", j)])
			} else if safetext.Check("name", c.Name) != nil {
				// Already reported; a look-alike would only repeat it.
			} else if prev, clash := nameLooks.add(c.Name, where); clash {
				p.at(at+".name", "%s", lookAlikeMsg("candidate name", c.Name, where, prev,
					"names must be told apart on screen; rename one"))
			} else {
				names[folded] = i
			}
		}
	}
}
