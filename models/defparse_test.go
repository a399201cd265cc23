package models

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/tally"
)

// defHead is a valid election's own keys, lines 1–6.
const defHead = `id = "board"
title = "Board"
method = "meek"
seats = 2
opens_at = 2026-04-01T14:00:00Z
closes_at = 2026-04-15T14:00:00Z
`

// defThree is defThree candidates: [[candidate]] headers on lines 1, 5 and 9
// of the text (add the lines before it).
const defThree = `[[candidate]]
id = "ada"
name = "Ada Lovelace"

[[candidate]]
id = "bob"
name = "Bob"

[[candidate]]
id = "cy"
name = "Cy"
`

// Officers' keys for recipients.
const (
	defEdKey    = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBs93qt0Hv+mZLUEkRPUZjEWJRCAQRREimXDdjaY8Edj officer@example.org"
	defECDSAKey = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBGI0Gs6zef/zSYZNGpA2j20SRMlTs6/O43RCeTlBM6M6mY9NheD0+ws49dSmwS3vz5p93k3N0ItLKHaGdfwbHJg= x"
)

var defNoFiles = func(rel string) ([]byte, error) { return nil, fmt.Errorf("no file %s", rel) }

func mustParseDef(t *testing.T, src string) Definition {
	t.Helper()
	d, err := ParseDefinition("e.toml", []byte(src), defNoFiles)
	if err != nil {
		t.Fatalf("ParseDefinition: %v", err)
	}
	return d
}

func TestParseDefinitionValid(t *testing.T) {
	d := mustParseDef(t, defHead+defThree)
	if d.ID != "board" || d.Method != tally.Meek || d.Seats != 2 || len(d.Candidates) != 3 || d.Candidates[0].Name != "Ada Lovelace" {
		t.Errorf("got %+v", d)
	}
	if !d.OpensAt.Equal(time.Date(2026, 4, 1, 14, 0, 0, 0, time.UTC)) || d.OpensAt.Location() != time.UTC {
		t.Errorf("opens_at %v", d.OpensAt)
	}
}

// Times are stored in UTC whichever zone the file uses, and RFC 3339
// strings work as well as TOML date-times.
func TestParseDefinitionZones(t *testing.T) {
	src := strings.Replace(defHead, "opens_at = 2026-04-01T14:00:00Z", `opens_at = "2026-04-01T16:00:00+02:00"`, 1)
	src = strings.Replace(src, "closes_at = 2026-04-15T14:00:00Z", "closes_at = 2026-04-15T09:00:00-05:00", 1)
	d := mustParseDef(t, src+defThree)
	if d.OpensAt != time.Date(2026, 4, 1, 14, 0, 0, 0, time.UTC) || d.ClosesAt != time.Date(2026, 4, 15, 14, 0, 0, 0, time.UTC) {
		t.Errorf("opens %v closes %v", d.OpensAt, d.ClosesAt)
	}
}

type defWant struct {
	line int
	msg  string // a substring of the problem
}

func TestParseDefinitionRefusals(t *testing.T) {
	yesno := strings.Replace(strings.Replace(defHead, `"meek"`, `"yesno"`, 1), "seats = 2\n", "", 1) // 5 lines
	irv := strings.Replace(defHead, `"meek"`, `"irv"`, 1)
	schulze := strings.Replace(defHead, `"meek"`, `"schulze"`, 1)
	approval := strings.Replace(defHead, `"meek"`, `"approval"`, 1)
	tests := []struct {
		name string
		src  string
		want []defWant
	}{
		{"not TOML", defHead + "seats = = 3\n" + defThree, []defWant{{7, "not valid TOML"}}},
		{"duplicate key", defHead + "title = \"Again\"\n" + defThree, []defWant{{7, "not valid TOML"}}},
		{"unknown key", defHead + "seat = 3\n" + defThree, []defWant{{7, `unknown key "seat" (did you mean "seats"?)`}}},
		{"unknown key in candidate", defHead + defThree + "photo = \"x.png\"\n", []defWant{{18, `unknown key "candidate.photo"`}}},
		{"unknown table", defHead + "[ballot]\nshuffle = true\n" + defThree, []defWant{{7, `unknown key "ballot"`}}},
		{"unknown key in quorum", defHead + "[quorum]\npercent = 50\nextent = \"3d\"\n" + defThree, []defWant{{9, `unknown key "quorum.extent" (did you mean "extend"?)`}}},
		{"missing id", defHead[strings.Index(defHead, "\n")+1:] + defThree, []defWant{{0, "id is missing from the file"}}},
		{"missing times", "id = \"b\"\ntitle = \"B\"\nmethod = \"meek\"\n" + defThree, []defWant{{0, "opens_at is missing"}, {0, "closes_at is missing"}}},
		{"missing candidate name", defHead + "[[candidate]]\nid = \"dan\"\n" + defThree, []defWant{{7, "candidate.name is missing from this [[candidate]]"}}},
		{"missing candidates", defHead, []defWant{{0, "no candidates"}}},
		{"empty title", strings.Replace(defHead, `"Board"`, `"  "`, 1) + defThree, []defWant{{2, "title must not be empty"}}},
		{"bad id", strings.Replace(defHead, `"board"`, `"Board 2026"`, 1) + defThree, []defWant{{1, `id "Board 2026" is not valid`}}},
		{"id starting with a dot", strings.Replace(defHead, `"board"`, `".board"`, 1) + defThree, []defWant{{1, "is not valid"}}},
		{"long id", strings.Replace(defHead, `"board"`, `"`+strings.Repeat("a", 65)+`"`, 1) + defThree, []defWant{{1, "is not valid"}}},
		{"bad candidate id", defHead + strings.Replace(defThree, `"bob"`, `"Bob!"`, 1), []defWant{{12, `candidate id "Bob!" is not valid`}}},
		// issue 10 item 7: the word blank is a blank ballot.
		{"candidate id blank", defHead + strings.Replace(defThree, `"bob"`, `"blank"`, 1), []defWant{{12, `candidate id "blank" is taken: a ballot of the word blank alone is a blank ballot`}}},
		{"duplicate candidate id", defHead + strings.Replace(defThree, `"cy"`, `"bob"`, 1), []defWant{{16, `candidate id "bob" is already used by the candidate on line 12`}}},
		{"names equal after folding", defHead + strings.Replace(defThree, `"Cy"`, `"ＢＯＢ"`, 1), []defWant{{17, `the same as "Bob" on line 13`}}},
		{"escape in a name", defHead + strings.Replace(defThree, `"Cy"`, `"Cy\u001b[2J"`, 1), []defWant{{17, "escape"}}},
		{"bidi in a title", strings.Replace(defHead, `"Board"`, `"Board \u202e2026"`, 1) + defThree, []defWant{{2, "bidirectional"}}},
		{"control in description", defHead + "description = \"\"\"\nok\\u0007\n\"\"\"\n" + defThree, []defWant{{7, "control"}}},
		{"control in statement", defHead + defThree + "statement = \"hi\\u0000\"\n", []defWant{{18, "control"}}},
		{"long name", defHead + strings.Replace(defThree, `"Cy"`, `"`+strings.Repeat("y", 201)+`"`, 1), []defWant{{17, "201 characters long"}}},
		{"statement and file", defHead + defThree + "statement = \"a\"\nstatement_file = \"a.md\"\n", []defWant{{19, "either statement or statement_file"}}},
		{"statement file missing", defHead + defThree + "statement_file = \"nope.md\"\n", []defWant{{18, `reading statement_file "nope.md"`}}},
		{"statement file absolute", defHead + defThree + "statement_file = \"/etc/passwd\"\n", []defWant{{18, "must be a path relative"}}},
		{"long statement", defHead + defThree + "statement = \"" + strings.Repeat("x", MaxStatementBytes+1) + "\"\n", []defWant{{18, "bytes; at most"}}},
		{"close before open", strings.Replace(defHead, "2026-04-15", "2026-03-15", 1) + defThree, []defWant{{6, "must be after opens_at"}}},
		{"close equal to open", strings.Replace(defHead, "2026-04-15", "2026-04-01", 1) + defThree, []defWant{{6, "must be after opens_at"}}},
		{"local time", strings.Replace(defHead, "2026-04-01T14:00:00Z", "2026-04-01T14:00:00", 1) + defThree, []defWant{{5, "opens_at has no time zone"}}},
		{"local date", strings.Replace(defHead, "2026-04-01T14:00:00Z", "2026-04-01", 1) + defThree, []defWant{{5, "opens_at has no time zone"}}},
		{"string without zone", strings.Replace(defHead, "2026-04-15T14:00:00Z", `"2026-04-15T14:00:00"`, 1) + defThree, []defWant{{6, "closes_at has no time zone"}}},
		{"not a time", strings.Replace(defHead, "2026-04-15T14:00:00Z", `"next Friday"`, 1) + defThree, []defWant{{6, "not an RFC 3339 time"}}},
		{"time of wrong type", strings.Replace(defHead, "2026-04-15T14:00:00Z", `14`, 1) + defThree, []defWant{{6, "must be a date and time, not a whole number"}}},
		{"wrong type", strings.Replace(defHead, "seats = 2", `seats = "two"`, 1) + defThree, []defWant{{4, "seats must be a whole number, not a string"}}},
		{"bool of wrong type", defHead + "allow_replace = \"yes\"\n" + defThree, []defWant{{7, "allow_replace must be true or false"}}},
		{"unknown method", strings.Replace(defHead, `"meek"`, `"borda"`, 1) + defThree, []defWant{{3, `unknown method "borda"`}}},
		{"seats zero", strings.Replace(defHead, "seats = 2", "seats = 0", 1) + defThree, []defWant{{4, "seats must be at least 1"}}},
		{"seats = candidates for meek", strings.Replace(defHead, "seats = 2", "seats = 3", 1) + defThree, []defWant{{4, "3 seats need more than 3 candidates"}}},
		{"seats > candidates for scottish", strings.Replace(strings.Replace(defHead, "seats = 2", "seats = 4", 1), "meek", "scottish", 1) + defThree, []defWant{{4, "4 seats need more than 3"}}},
		{"one candidate", strings.Replace(defHead, "seats = 2\n", "", 1) + "[[candidate]]\nid = \"a\"\nname = \"A\"\n", []defWant{{6, "elected unopposed"}}},
		{"irv with two seats", irv + defThree, []defWant{{4, "instant runoff fills 1 seat, not 2"}}},
		{"yesno with other ids", yesno + "[[candidate]]\nid = \"for\"\nname = \"For\"\n[[candidate]]\nid = \"against\"\nname = \"Against\"\n", []defWant{{6, "ids yes, no and optionally abstain"}}},
		{"yesno in the wrong order", yesno + "[[candidate]]\nid = \"no\"\nname = \"No\"\n[[candidate]]\nid = \"yes\"\nname = \"Yes\"\n", []defWant{{6, "in that order"}}},
		{"yesno with seats", yesno + "seats = 2\n", []defWant{{6, "a yes/no question has 1 seat"}}},
		{"default option not a candidate", schulze + "[schulze]\ndefault_option = \"nota\"\n" + defThree, []defWant{{8, `"nota" is not the id of a candidate`}}},
		{"majority without default option", schulze + "[schulze]\nmajority = \"3:1\"\n" + defThree, []defWant{{7, "needs schulze.default_option"}}},
		{"bad majority", schulze + "[schulze]\ndefault_option = \"cy\"\nmajority = \"3/1\"\n" + defThree, []defWant{{9, `schulze.majority "3/1" is not a ratio`}}},
		{"majority below 1:1", schulze + "[schulze]\ndefault_option = \"cy\"\nmajority = \"1:2\"\n" + defThree, []defWant{{9, "below 1:1"}}},
		{"negative option quorum", schulze + "[schulze]\ndefault_option = \"cy\"\noption_quorum = -1\n" + defThree, []defWant{{9, "must not be negative"}}},
		{"bad pass ratio", yesno + "[yesno]\npass_ratio = \"3:2\"\n", []defWant{{7, "at most 1:1"}}},
		{"zero pass ratio", yesno + "[yesno]\npass_ratio = \"0:3\"\n", []defWant{{7, "must be above 0"}}},
		{"pass ratio not a ratio", yesno + "[yesno]\npass_ratio = \"two thirds\"\n", []defWant{{7, "is not a ratio"}}},
		{"options of another method", defHead + "[yesno]\npass_ratio = \"2:3\"\n" + defThree, []defWant{{7, `[yesno] applies only to method = "yesno"`}}},
		{"negative max choices", approval + "[approval]\nmax_choices = -1\n" + defThree, []defWant{{8, "must not be negative"}}},
		{"quorum over 100", defHead + "[quorum]\npercent = 150\n" + defThree, []defWant{{8, "between 0 and 100"}}},
		{"negative quorum", defHead + "[quorum]\npercent = -5\n" + defThree, []defWant{{8, "between 0 and 100"}}},
		{"quorum without percent", defHead + "[quorum]\nextend = \"3d\"\n" + defThree, []defWant{{7, "quorum.percent is missing"}, {8, "needs a quorum"}}},
		{"bad extend", defHead + "[quorum]\npercent = 50\nextend = \"soon\"\n" + defThree, []defWant{{9, "not a period"}}},
		{"zero extend", defHead + "[quorum]\npercent = 50\nextend = \"0d\"\n" + defThree, []defWant{{9, "between 1 minute and 365 days"}}},
		{"joined_before without zone", defHead + "[electorate]\njoined_before = 2026-01-01\n" + defThree, []defWant{{8, "electorate.joined_before has no time zone"}}},
		{"recipient not a key", defHead + "recipients = [\"hello\"]\n" + defThree, []defWant{{7, "not an SSH public key"}}},
		{"recipient of a wrong kind", defHead + "recipients = [\n  \"" + defECDSAKey + "\",\n]\n" + defThree, []defWant{{8, "cannot seal ballots"}}},
		{"recipient with options", defHead + "recipients = [\"command=\\\"x\\\" " + defEdKey + "\"]\n" + defThree, []defWant{{7, "without authorized_keys options"}}},
		{"recipient twice", defHead + "recipients = [\"" + defEdKey + "\", \"" + defEdKey + "\"]\n" + defThree, []defWant{{7, "listed twice"}}},
		{"recipients not a list", defHead + "recipients = \"" + defEdKey + "\"\n" + defThree, []defWant{{7, "recipients must be a list"}}},
		{"candidate not a table", defHead + "candidate = [\"ada\"]\n", []defWant{{7, "each candidate must be a table"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDefinition("e.toml", []byte(tt.src), defNoFiles)
			checkDefProblems(t, err, "e.toml", tt.want)
		})
	}
}

// checkDefProblems asserts that err lists exactly the wanted problems, in
// order.
func checkDefProblems(t *testing.T, err error, file string, wanted []defWant) {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a *ValidationError", err)
	}
	if ve.File != file {
		t.Errorf("file %q, want %q", ve.File, file)
	}
	if len(ve.Problems) != len(wanted) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ve.Problems), len(wanted), err)
	}
	for i, w := range wanted {
		if p := ve.Problems[i]; p.Line != w.line || !strings.Contains(p.Msg, w.msg) {
			t.Errorf("problem %d: line %d %q; want line %d containing %q", i+1, p.Line, p.Msg, w.line, w.msg)
		}
	}
}

// Every problem is reported at once, in line order.
func TestParseDefinitionEveryProblem(t *testing.T) {
	src := `id = "Board"
title = "Board"
method = "meek"
seats = 3
opens_at = 2026-04-15T14:00:00Z
closes_at = 2026-04-01T14:00:00Z
colour = "blue"
` + strings.Replace(defThree, `"cy"`, `"bob"`, 1)
	_, err := ParseDefinition("board.toml", []byte(src), defNoFiles)
	checkDefProblems(t, err, "board.toml", []defWant{
		{1, "is not valid"},
		{4, "3 seats need more than 3 candidates"},
		{6, "must be after opens_at"},
		{7, `unknown key "colour"`},
		{17, "already used by the candidate on line 13"},
	})
	if !strings.HasPrefix(err.Error(), "board.toml:1: ") {
		t.Errorf("message %q", err.Error())
	}
}

func TestParseDefinitionTooLarge(t *testing.T) {
	src := defHead + defThree + "# " + strings.Repeat("x", MaxDefinitionBytes) + "\n"
	_, err := ParseDefinition("big.toml", []byte(src), defNoFiles)
	checkDefProblems(t, err, "big.toml", []defWant{{0, "at most 1048576"}})
}

func TestParseDefinitionStatementFile(t *testing.T) {
	files := map[string]string{
		"ada.md":  "\ufeff# Ada\r\n\r\nI *will*.\r\n",
		"big.md":  strings.Repeat("x", MaxStatementBytes+1),
		"bad.md":  "\xff\xfe",
		"ctrl.md": "hello \x1b]52;c;aGk=\x07",
	}
	read := func(rel string) ([]byte, error) {
		if s, ok := files[rel]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}
	src := defHead + defThree + "statement_file = \"ada.md\"\n"
	d, err := ParseDefinition("e.toml", []byte(src), read)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Candidates[2].Statement; got != "# Ada\n\nI *will*.\n" {
		t.Errorf("statement %q", got)
	}
	for name, msg := range map[string]string{"big.md": "bytes; at most", "bad.md": "not UTF-8", "ctrl.md": "escape"} {
		src := defHead + defThree + "statement_file = \"" + name + "\"\n"
		_, err := ParseDefinition("e.toml", []byte(src), read)
		checkDefProblems(t, err, "e.toml", []defWant{{18, msg}})
	}
	_, err = ParseDefinition("e.toml", []byte(defHead+defThree+"statement_file = \"ada.md\"\n"), nil)
	checkDefProblems(t, err, "e.toml", []defWant{{18, "give the statement inline"}})
}

// A yes/no question without [[candidate]] tables gets yes, no, abstain;
// with them, yes and no (and abstain) in that order, worded freely.
func TestParseDefinitionYesNo(t *testing.T) {
	src := strings.Replace(strings.Replace(defHead, `"meek"`, `"yesno"`, 1), "seats = 2\n", "", 1)
	d := mustParseDef(t, src+"[yesno]\npass_ratio = \"2:3\"\n")
	if len(d.Candidates) != 3 || d.Candidates[0].ID != "yes" || d.Candidates[2].ID != "abstain" || d.PassRatio != (tally.Ratio{Num: 2, Den: 3}) || d.Seats != 1 {
		t.Errorf("got %+v", d)
	}
	d = mustParseDef(t, src+"[[candidate]]\nid = \"yes\"\nname = \"Adopt\"\n[[candidate]]\nid = \"no\"\nname = \"Reject\"\n")
	if len(d.Candidates) != 2 || d.Candidates[0].Name != "Adopt" {
		t.Errorf("got %+v", d.Candidates)
	}
}

func TestParseDefinitionOptions(t *testing.T) {
	src := strings.Replace(defHead, `"meek"`, `"schulze"`, 1) + `fixed_order = true
allow_replace = true
publish_ledger = true
tie_seed = "s33d"
recipients = ["` + defEdKey + `"]
[quorum]
percent = 50
extend = "3d"
[electorate]
joined_before = "2026-03-01T00:00:00+01:00"
[schulze]
default_option = "cy"
option_quorum = 3
majority = "3:1"
` + defThree
	d := mustParseDef(t, src)
	if !d.FixedOrder || !d.AllowReplace || !d.PublishLedger || d.TieSeed != "s33d" || len(d.Recipients) != 1 {
		t.Errorf("flags %+v", d)
	}
	if d.Quorum != (QuorumRule{Percent: 50, Extend: 72 * time.Hour}) || d.JoinedBefore != time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC) {
		t.Errorf("quorum %+v joined before %v", d.Quorum, d.JoinedBefore)
	}
	if d.DefaultOption != "cy" || d.OptionQuorum != 3 || d.Majority != (tally.Ratio{Num: 3, Den: 1}) {
		t.Errorf("schulze %+v", d)
	}
}

// t0Def is when the examples are read, for their relative times.
var t0Def = time.Date(2027, 5, 1, 9, 0, 0, 0, time.UTC)

func TestExamplesParse(t *testing.T) {
	for _, name := range []string{"board-2026.toml", "question-2026.toml"} {
		path := filepath.Join("..", "examples", name)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		read := func(rel string) ([]byte, error) { return os.ReadFile(filepath.Join(filepath.Dir(path), rel)) }
		d, err := ParseDefinitionAt(path, data, read, t0Def)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !d.OpensAt.Equal(t0Def.Add(time.Hour)) || !d.ClosesAt.Equal(t0Def.Add(14*24*time.Hour)) {
			t.Errorf("%s: opens %v, closes %v; want an hour and two weeks after it is read", name, d.OpensAt, d.ClosesAt)
		}
		switch d.ID {
		case "board-2026":
			if d.Method != tally.Meek || d.Seats != 3 || len(d.Candidates) != 5 || d.Quorum != (QuorumRule{50, 72 * time.Hour}) || !d.PublishLedger || !d.AllowReplace {
				t.Errorf("board: %+v", d)
			}
			for _, c := range d.Candidates {
				if !strings.Contains(c.Statement, "\n") {
					t.Errorf("candidate %s has no statement", c.ID)
				}
			}
		case "charter-2026":
			if d.Method != tally.YesNo || d.PassRatio != (tally.Ratio{Num: 2, Den: 3}) || len(d.Candidates) != 3 {
				t.Errorf("question: %+v", d)
			}
		default:
			t.Errorf("unexpected id %q", d.ID)
		}
	}
}

func TestFingerprint(t *testing.T) {
	d := mustParseDef(t, defHead+defThree)
	fp := d.Fingerprint()
	if len(fp) != 64 || strings.Trim(fp, "0123456789abcdef") != "" {
		t.Fatalf("fingerprint %q", fp)
	}
	// The same instants in another zone, and empty lists rather than nil,
	// make the same fingerprint.
	same := d
	same.OpensAt = d.OpensAt.In(time.FixedZone("x", 3600))
	same.Recipients = []string{}
	if same.Fingerprint() != fp {
		t.Error("fingerprint depends on the zone or on nil lists")
	}
	changed := d
	changed.Candidates = append([]Candidate(nil), d.Candidates...)
	changed.Candidates[1].Statement = "changed"
	if changed.Fingerprint() == fp {
		t.Error("a changed statement keeps the fingerprint")
	}
}

// keyLines finds keys after multi-line strings that look like keys,
// in inline tables and in arrays.
func TestKeyLines(t *testing.T) {
	src := `a = """
b = "not a key"
"""
b = 'x' # comment
c = { d = 1, "e" = [
  1,
  { f = 2 },
] }
[t]
g.h = '''
[u]
'''
[[arr]]
i = 1
[[arr]]
i = 2
[arr.sub]
j = 3
`
	got := keyLines(src)
	for key, line := range map[string]int{"a": 1, "b": 4, "c": 5, "c.d": 5, "c.e": 5, "c.e[1]": 7, "c.e[1].f": 7,
		"t": 9, "t.g": 10, "t.g.h": 10, "arr[0]": 13, "arr[0].i": 14, "arr[1].i": 16, "arr[1].sub": 17, "arr[1].sub.j": 18} {
		if got[key] != line {
			t.Errorf("%s: line %d, want %d", key, got[key], line)
		}
	}
	if _, ok := got["u"]; ok {
		t.Error("a table header inside a string was taken for a table")
	}
}

func FuzzParseDefinition(f *testing.F) {
	f.Add(defHead + defThree)
	f.Add(strings.Replace(defHead, `"meek"`, `"yesno"`, 1) + "[yesno]\npass_ratio = \"2:3\"\n")
	f.Add(defHead + "[quorum]\npercent = 50\nextend = \"3d\"\n" + defThree + "statement = \"\"\"\nx = 1\n\"\"\"\n")
	f.Add("a = [{b = 1}, {c = '''\n'''}]\n[[x]]\n[x.y]\n")
	f.Fuzz(func(t *testing.T, src string) {
		d, err := ParseDefinition("f.toml", []byte(src), defNoFiles)
		lines := strings.Count(src, "\n") + 1
		var ve *ValidationError
		switch {
		case errors.As(err, &ve):
			for _, p := range ve.Problems {
				if p.Line < 0 || p.Line > lines {
					t.Fatalf("problem at line %d of %d: %s", p.Line, lines, p.Msg)
				}
			}
		case err != nil:
			t.Fatalf("error of type %T: %v", err, err)
		default:
			if !isDefID(d.ID) || !d.ClosesAt.After(d.OpensAt) || d.OpensAt.Location() != time.UTC || d.Seats < 1 || len(d.Candidates) == 0 {
				t.Fatalf("accepted an invalid definition: %+v", d)
			}
			if len(d.Fingerprint()) != 64 {
				t.Fatal("no fingerprint")
			}
		}
	})
}

func TestCheckWithdrawal(t *testing.T) {
	d := mustParseDef(t, defHead+defThree) // meek, 2 seats
	if err := d.CheckWithdrawal(nil, "bob"); err != nil {
		t.Errorf("withdrawing bob: %v", err)
	}
	for _, tt := range []struct {
		d         Definition
		withdrawn []string
		id, want  string
	}{
		{d, nil, "eve", `"eve" is not a candidate`},
		{d, []string{"bob"}, "bob", "withdrawn already"},
		{d, []string{"bob"}, "cy", "would leave 1 standing for 2 seats"},
		{ballotDef(tally.YesNo), nil, "no", "cannot be withdrawn"},
		{func() Definition { d := ballotDef(tally.Schulze); d.DefaultOption = "dee"; return d }(), nil, "dee", "default option"},
	} {
		if err := tt.d.CheckWithdrawal(tt.withdrawn, tt.id); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.id, err, tt.want)
		}
	}
}

func TestParseDefinitionLimits(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
	_, err = ParseDefinition("e.toml", []byte(defHead+"recipients = [\""+line+"\"]\n"+defThree), defNoFiles)
	checkDefProblems(t, err, "e.toml", []defWant{{7, "RSA key of 1024 bits"}})

	var many strings.Builder
	for i := range MaxCandidates + 1 {
		fmt.Fprintf(&many, "[[candidate]]\nid = \"c%d\"\nname = \"C%d\"\n", i, i)
	}
	_, err = ParseDefinition("e.toml", []byte(defHead+many.String()), defNoFiles)
	checkDefProblems(t, err, "e.toml", []defWant{{7, "1001 candidates; an election may have at most 1000"}})
}
