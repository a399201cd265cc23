package models

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// readMembersTOML reads the [[member]] tables of a member list. The file
// is decoded into plain maps, not a struct, so that a wrong type or an
// unknown key is one more problem reported with its line rather than the
// end of the reading. BurntSushi/toml gives a position only for syntax
// errors (ParseError.Position); its MetaData keeps one position per key
// name, which every [[member]] table shares, so other lines are found by
// scanning the text (tomlLines).
func readMembersTOML(text string) ([]memberRow, []Problem) {
	var doc map[string]any
	if _, err := toml.Decode(text, &doc); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, []Problem{{Line: pe.Position.Line, Msg: "TOML syntax: " + pe.Message}}
		}
		return nil, []Problem{{Msg: "TOML: " + err.Error()}}
	}
	loc := newTOMLLines(text)
	var problems []Problem
	for _, k := range sortedKeys(doc) {
		if k != "member" {
			problems = append(problems, Problem{Line: loc.anywhere(k), Msg: fmt.Sprintf(
				"unknown key %q: the file holds [[member]] tables only", k)})
		}
	}
	var tables []map[string]any
	switch v := doc["member"].(type) {
	case nil:
		if len(problems) == 0 {
			problems = append(problems, Problem{Msg: "no [[member]] table: each member is a [[member]] table with id, name, email and keys"})
		}
	case []map[string]any:
		tables = v
	case []any: // an inline array: member = [{ id = "…", … }]
		for _, item := range v {
			tab, ok := item.(map[string]any)
			if !ok {
				problems = append(problems, Problem{Line: loc.anywhere("member"), Msg: "member must be a list of tables: write [[member]] before each member"})
				break
			}
			tables = append(tables, tab)
		}
	default:
		problems = append(problems, Problem{Line: loc.anywhere("member"), Msg: "member must be a list of tables: write [[member]], with two brackets, before each member"})
	}
	var rows []memberRow
	for i, tab := range tables {
		row, more := tomlMember(loc, i, tab)
		problems = append(problems, more...)
		if row != nil {
			rows = append(rows, *row)
		}
	}
	return rows, problems
}

// tomlMember turns the i-th [[member]] table into a row; it returns nil
// with the problems when a field has the wrong type.
func tomlMember(loc tomlLines, i int, tab map[string]any) (*memberRow, []Problem) {
	row := &memberRow{line: loc.table(i)}
	var problems []Problem
	bad := func(key, want string) {
		problems = append(problems, Problem{Line: loc.field(i, key), Msg: fmt.Sprintf("%s must be %s", key, want)})
	}
	for _, k := range sortedKeys(tab) {
		v := tab[k]
		s, isString := v.(string)
		switch k {
		case "id", "name", "email":
			if !isString {
				bad(k, "a string in quotes")
				continue
			}
			line := loc.field(i, k)
			switch k {
			case "id":
				row.id, row.idLine = s, line
			case "name":
				row.name, row.nameLine = s, line
			default:
				row.email, row.emailLine = s, line
			}
		case "joined_at", "good_standing_until":
			t, ok := v.(time.Time)
			if !ok || t.Location().String() == "datetime-local" || t.Location().String() == "date-local" {
				bad(k, "a time with its zone, e.g. "+k+" = 2025-03-01T00:00:00Z")
				continue
			}
			if k == "joined_at" {
				row.joined = t.UTC()
			} else {
				row.goodUntil = t.UTC()
			}
		case "keys":
			list, ok := v.([]any)
			if !ok {
				bad(k, `a list of keys: keys = ["ssh-ed25519 AAAA… comment"]`)
				continue
			}
			from := loc.field(i, k)
			for _, item := range list {
				text, ok := item.(string)
				if !ok {
					bad(k, "a list of strings in quotes, one key each")
					continue
				}
				line := loc.key(i, from, text)
				row.keys = append(row.keys, keyText{line, text})
				from = line
			}
		default:
			hint := ""
			if k == "key" {
				hint = ` (keys = ["…"] is a list)`
			}
			problems = append(problems, Problem{Line: loc.field(i, k), Msg: fmt.Sprintf(
				"unknown key %q: a [[member]] table has id, name, email, keys, joined_at and good_standing_until%s", k, hint)})
		}
	}
	for _, need := range []string{"id", "name"} {
		if _, ok := tab[need]; !ok {
			problems = append(problems, Problem{Line: row.line, Msg: fmt.Sprintf("this [[member]] has no %s", need)})
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	if row.idLine == 0 {
		row.idLine = row.line
	}
	return row, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// tomlLines finds where things were written in a member TOML file.
type tomlLines struct {
	lines  []string
	starts []int // index in lines of each [[member]] header
	ends   []int // index just past each table
}

var (
	memberHeader = regexp.MustCompile(`^\s*\[\[\s*"?member"?\s*\]\]`)
	tableHeader  = regexp.MustCompile(`^\s*\[`)
)

func newTOMLLines(text string) tomlLines {
	t := tomlLines{lines: strings.Split(text, "\n")}
	for i, l := range t.lines {
		switch {
		case memberHeader.MatchString(l):
			if len(t.starts) > len(t.ends) {
				t.ends = append(t.ends, i)
			}
			t.starts = append(t.starts, i)
		case tableHeader.MatchString(l) && len(t.starts) > len(t.ends):
			t.ends = append(t.ends, i)
		}
	}
	if len(t.starts) > len(t.ends) {
		t.ends = append(t.ends, len(t.lines))
	}
	return t
}

// table is the line of the i-th [[member]] header, or 0 when the file
// writes its tables another way (an inline array).
func (t tomlLines) table(i int) int {
	if i < len(t.starts) {
		return t.starts[i] + 1
	}
	return 0
}

// field is the line where key is set in the i-th table, else the table's.
func (t tomlLines) field(i int, key string) int {
	if i >= len(t.starts) {
		return t.anywhere(key)
	}
	re := assignment(key)
	for j := t.starts[i]; j < t.ends[i]; j++ {
		if re.MatchString(t.lines[j]) {
			return j + 1
		}
	}
	return t.table(i)
}

// key is the line, from line from on, within the i-th table, holding the
// key written as text: the line of its base64 part, else from.
func (t tomlLines) key(i, from int, text string) int {
	needle := strings.TrimSpace(text)
	if f := strings.Fields(text); len(f) >= 2 {
		needle = f[1]
	}
	if i >= len(t.starts) || needle == "" || from < 1 {
		return from
	}
	for j := from - 1; j < t.ends[i]; j++ {
		if strings.Contains(t.lines[j], needle) {
			return j + 1
		}
	}
	return from
}

// anywhere is the first line setting key, or 0.
func (t tomlLines) anywhere(key string) int {
	re := assignment(key)
	for j, l := range t.lines {
		if re.MatchString(l) {
			return j + 1
		}
	}
	return 0
}

// assignment matches a line setting key (bare or quoted) or opening a
// table of that name.
func assignment(key string) *regexp.Regexp {
	q := regexp.QuoteMeta(key)
	return regexp.MustCompile(`^\s*(["']?` + q + `["']?\s*=|\[+\s*["']?` + q + `["']?\s*\]+)`)
}
