package tally

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const bltElectionsDir = "../testdata/elections"

// TestReadBLTFiles reads the real ballot files and checks what they hold.
func TestReadBLTFiles(t *testing.T) {
	tests := []struct {
		file         string
		candidates   int
		seats        int
		lines        int   // ballot lines
		weight       int64 // ballots, the lines' weights summed
		empty        int   // "1 0" ballots that rank nobody
		title        string
		first, last  string // first and last candidate names
		tieOrder     []int
		equalRankers int // ballot lines with an equal rank
	}{
		{file: "droop-ref/SC.blt", candidates: 13, seats: 4, lines: 94, weight: 94,
			title: "GPUS Steering Committee Election 2005-07-24", last: "Steve Kramer"},
		{file: "droop-ref/SC-Vm-12.blt", candidates: 5, seats: 3, lines: 12, weight: 4003,
			title: "Voting matters example (Issue 12, 'The computational accuracy using the Meek algorithm')", first: "A", last: "Z"},
		{file: "droop-ref/M135.blt", candidates: 25, seats: 7, lines: 679, weight: 679, empty: 2,
			title: "M135: Gen v1.1 1 3 45", first: "C1", last: "C25"},
		{file: "droop-ref/42.blt", candidates: 3, seats: 2, lines: 2, weight: 6,
			title: "Pollux and Helen should tie", first: "Castor", last: "Helen"},
		{file: "droop-ref/42t.blt", candidates: 3, seats: 2, lines: 2, weight: 6,
			title: "Pollux and Helen should tie", first: "Castor", last: "Helen", tieOrder: []int{2, 1, 0}},
		{file: "droop-ref/eq1.blt", candidates: 3, seats: 2, lines: 3, weight: 9,
			title: "simple election with equal rankings", first: "A", last: "C", equalRankers: 1},
		{file: "droop-ref/eq2.blt", candidates: 4, seats: 2, lines: 4, weight: 11,
			title: "simple election with equal rankings", first: "A", last: "D", equalRankers: 4},
		{file: "foundation-stv/maemo_council_2018q1.blt", candidates: 5, seats: 3, lines: 51, weight: 51, empty: 4,
			title: "Community Council Election Q1 2018", first: "mosen (Timo Könnecke)", last: "eekkelund (Eetu Kahelin)"},
		{file: "foundation-stv/gnome_board_2018.blt", candidates: 11, seats: 7, lines: 134, weight: 135,
			title: "2018 Spring Board of Directors Election", first: "Allan Day", last: "Didier Roche"},
		{file: "glasgow2007/Anderston-City-2007.blt", candidates: 9, seats: 4, lines: 2031, weight: 6900,
			title: "ANDERSTON-CITY", last: "Peter Murray"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e := readBLTPath(t, filepath.Join(bltElectionsDir, tt.file))
			if len(e.Candidates) != tt.candidates || e.Seats != tt.seats || len(e.Ballots) != tt.lines || e.totalBallots() != tt.weight {
				t.Errorf("%d candidates, %d seats, %d ballot lines of weight %d; want %d, %d, %d, %d",
					len(e.Candidates), e.Seats, len(e.Ballots), e.totalBallots(), tt.candidates, tt.seats, tt.lines, tt.weight)
			}
			if e.Title != tt.title {
				t.Errorf("title %q, want %q", e.Title, tt.title)
			}
			if tt.first != "" && e.Candidates[0].Name != tt.first {
				t.Errorf("first candidate %q, want %q", e.Candidates[0].Name, tt.first)
			}
			if got := e.Candidates[len(e.Candidates)-1].Name; got != tt.last {
				t.Errorf("last candidate %q, want %q", got, tt.last)
			}
			if !reflect.DeepEqual(e.TieOrder, tt.tieOrder) {
				t.Errorf("tie order %v, want %v", e.TieOrder, tt.tieOrder)
			}
			if len(e.Withdrawn) != 0 {
				t.Errorf("withdrawn %v, want none", e.Withdrawn)
			}
			empty, equal := 0, 0
			for _, b := range e.Ballots {
				if len(b.Ranks) == 0 {
					empty++
				}
				for _, r := range b.Ranks {
					if len(r) > 1 {
						equal++
						break
					}
				}
				if b.Line < 2 {
					t.Fatalf("ballot %v has line %d", b.Ranks, b.Line)
				}
			}
			if empty != tt.empty || equal != tt.equalRankers {
				t.Errorf("%d empty ballots and %d with equal ranks, want %d and %d", empty, equal, tt.empty, tt.equalRankers)
			}
		})
	}
}

func readBLTPath(t *testing.T, path string) *Election {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ReadBLT(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return e
}

// TestReadBLTNicknames reads eq1.blt, whose ballots name candidates by
// [nick] nicknames and rank some equally.
func TestReadBLTNicknames(t *testing.T) {
	e := readBLTPath(t, filepath.Join(bltElectionsDir, "droop-ref/eq1.blt"))
	want := []Ballot{
		{Count: 5, Ranks: [][]int{{0}, {1}}, Line: 3},
		{Count: 1, Ranks: [][]int{{1, 2}}, Line: 4},
		{Count: 3, Ranks: [][]int{{2}}, Line: 5},
	}
	if !reflect.DeepEqual(e.Ballots, want) {
		t.Errorf("ballots %+v, want %+v", e.Ballots, want)
	}
}

// bltNames ends a three-candidate file: the names and the title.
const bltNames = "\"Ann\"\n\"Bob\"\n\"Cy\"\n\"Test\"\n"

// TestReadBLTContent reads hand-made files and checks the election.
func TestReadBLTContent(t *testing.T) {
	names3 := []Candidate{{Name: "Ann"}, {Name: "Bob"}, {Name: "Cy"}}
	tests := []struct {
		name string
		in   string
		want Election
	}{
		{
			name: "plain",
			in:   "3 1\n2 1 2 3 0\n1 3 0\n0\n" + bltNames,
			want: Election{Title: "Test", Candidates: names3, Seats: 1, Ballots: []Ballot{
				{Count: 2, Ranks: [][]int{{0}, {1}, {2}}, Line: 2},
				{Count: 1, Ranks: [][]int{{2}}, Line: 3},
			}},
		},
		{
			name: "equal ranks",
			in:   "3 1\n4 1=2 3 0\n1 3=1=2 0\n0\n" + bltNames,
			want: Election{Title: "Test", Candidates: names3, Seats: 1, Ballots: []Ballot{
				{Count: 4, Ranks: [][]int{{0, 1}, {2}}, Line: 2},
				{Count: 1, Ranks: [][]int{{2, 0, 1}}, Line: 3},
			}},
		},
		{
			name: "withdrawn line",
			in:   "3 1\n-2\n1 1 2 0\n0\n" + bltNames,
			want: Election{Title: "Test", Candidates: names3, Seats: 1, Withdrawn: []int{1}, Ballots: []Ballot{
				{Count: 1, Ranks: [][]int{{0}, {1}}, Line: 3},
			}},
		},
		{
			name: "two withdrawn",
			in:   "3 1\n-3 -1\n1 2 0\n0\n" + bltNames,
			want: Election{Title: "Test", Candidates: names3, Seats: 1, Withdrawn: []int{2, 0}, Ballots: []Ballot{
				{Count: 1, Ranks: [][]int{{1}}, Line: 3},
			}},
		},
		{
			name: "withdrawn option",
			in:   "3 1\n[withdrawn 3]\n1 2 0\n0\n" + bltNames,
			want: Election{Title: "Test", Candidates: names3, Seats: 1, Withdrawn: []int{2}, Ballots: []Ballot{
				{Count: 1, Ranks: [][]int{{1}}, Line: 3},
			}},
		},
		{
			name: "tie and nick options",
			in:   "3 1\n[nick ann bob cy]\n[tie cy ann bob]\n[rule meek]\n2 bob=cy ann 0\n0\n" + bltNames,
			want: Election{Title: "Test", Candidates: names3, Seats: 1, TieOrder: []int{2, 0, 1}, Ballots: []Ballot{
				{Count: 2, Ranks: [][]int{{1, 2}, {0}}, Line: 5},
			}},
		},
		{
			name: "empty ballots",
			in:   "3 1\n1 0\n3 2 0\n1 0\n0\n" + bltNames,
			want: Election{Title: "Test", Candidates: names3, Seats: 1, Ballots: []Ballot{
				{Count: 1, Line: 2},
				{Count: 3, Ranks: [][]int{{1}}, Line: 3},
				{Count: 1, Line: 4},
			}},
		},
		{
			name: "no ballots",
			in:   "3 2\n0\n" + bltNames,
			want: Election{Title: "Test", Candidates: names3, Seats: 2},
		},
		{
			name: "ballot IDs, blank lines and spacing",
			in:   "\n3   1 \n\n(a7) 1 1  2 0\n\t2 3 0  \n\n0\n\"  Ann \"\n\"Bob\"   \"Cy\"\n\n\" Test  title \"\n\"source\"\nnotes after the title\n",
			want: Election{Title: "Test title", Candidates: names3, Seats: 1, Ballots: []Ballot{
				{Count: 1, Ranks: [][]int{{0}, {1}}, Line: 4},
				{Count: 2, Ranks: [][]int{{2}}, Line: 5},
			}},
		},
		{
			name: "CRLF and BOM",
			in:   "\ufeff3 1\r\n2 1 2 3 0\r\n1 3 0\r\n0\r\n\"Ann\"\r\n\"Bob\"\r\n\"Cy\"\r\n\"Test\"\r\n",
			want: Election{Title: "Test", Candidates: names3, Seats: 1, Ballots: []Ballot{
				{Count: 2, Ranks: [][]int{{0}, {1}, {2}}, Line: 2},
				{Count: 1, Ranks: [][]int{{2}}, Line: 3},
			}},
		},
		{
			name: "Latin-1 names",
			in:   "2 1\n1 2 0\n0\n\"Jos\xe9 N\xfa\xf1ez\"\n\"B\xe4r\"\n\"\xc9lection\"\n",
			want: Election{Title: "Élection", Candidates: []Candidate{{Name: "José Núñez"}, {Name: "Bär"}}, Seats: 1, Ballots: []Ballot{
				{Count: 1, Ranks: [][]int{{1}}, Line: 2},
			}},
		},
		{
			name: "UTF-8 names",
			in:   "2 1\n1 2 0\n0\n\"Zoë\"\n\"李\"\n\"Élection\"\n",
			want: Election{Title: "Élection", Candidates: []Candidate{{Name: "Zoë"}, {Name: "李"}}, Seats: 1, Ballots: []Ballot{
				{Count: 1, Ranks: [][]int{{1}}, Line: 2},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ReadBLT(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*e, tt.want) {
				t.Errorf("read\n%+v\nwant\n%+v", *e, tt.want)
			}
		})
	}
}

// TestReadBLTErrors checks that each broken file gives an *InputError at
// the right line, naming the problem.
func TestReadBLTErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		line int
		msg  []string // substrings the message must contain
	}{
		{"empty file", "", 1, []string{"ends before", "CANDIDATES SEATS"}},
		{"blank file", "\n\n  \n", 4, []string{"ends before", "CANDIDATES SEATS"}},
		{"header with one number", "3\n0\n" + bltNames, 1, []string{"first line", `"3"`}},
		{"header not numbers", "three one\n0\n" + bltNames, 1, []string{"first line", "three one"}},
		{"no seats", "3 0\n0\n" + bltNames, 1, []string{"first line", "seats"}},
		{"more seats than candidates", "3 4\n0\n" + bltNames, 1, []string{"4 seats", "only 3 candidates"}},
		{"candidate above the last", "3 1\n1 1 4 0\n0\n" + bltNames, 2, []string{"unknown candidate", `"4"`, "1 to 3"}},
		{"candidate 0 inside a ballot", "3 1\n1 1 0 2 0\n0\n" + bltNames, 2, []string{"unknown candidate", `"0"`}},
		{"negative candidate in a ballot", "3 1\n1 2 0\n1 -1 0\n0\n" + bltNames, 3, []string{"unknown candidate", `"-1"`}},
		{"unknown candidate after blank lines", "3 1\n\n\n2 1 0\n\n1 7 0\n0\n" + bltNames, 6, []string{"unknown candidate", `"7"`}},
		{"unknown candidate, CRLF", "3 1\r\n2 1 0\r\n1 7 0\r\n0\r\n" + bltNames, 3, []string{"unknown candidate", `"7"`}},
		{"unknown candidate in an equal rank", "3 1\n1 1=9 0\n0\n" + bltNames, 2, []string{"unknown candidate", `"9"`}},
		{"empty equal rank", "3 1\n1 1= 0\n0\n" + bltNames, 2, []string{"unknown candidate", `""`}},
		{"candidate ranked twice", "3 1\n1 1 2 1 0\n0\n" + bltNames, 2, []string{"candidate 1", "more than once"}},
		{"candidate ranked twice in an equal rank", "3 1\n1 2=2 0\n0\n" + bltNames, 2, []string{"candidate 2", "more than once"}},
		{"nickname ranked twice", "3 1\n[nick a b c]\n1 c b=c 0\n0\n" + bltNames, 3, []string{"candidate 3", "(c)", "more than once"}},
		{"ballot without its 0", "3 1\n1 1 2\n0\n" + bltNames, 2, []string{"must end with 0", "1 1 2"}},
		{"missing 0 terminator", "3 1\n1 1 2 0\n" + bltNames, 3, []string{"weight", `"\"Ann\""`}},
		{"missing 0 terminator at the end", "3 1\n1 1 2 0\n", 3, []string{"ends before", `"0"`, "truncated"}},
		{"missing names", "3 1\n1 1 2 0\n0\n\"Ann\"\n", 5, []string{"ends before", "name of candidate 2", "truncated"}},
		{"missing names, no final newline", "3 1\n1 1 2 0\n0\n\"Ann\"\n\"Bob\"", 5, []string{"ends before", "name of candidate 3"}},
		{"missing title", "3 1\n1 1 2 0\n0\n\"Ann\"\n\"Bob\"\n\"Cy\"\n", 7, []string{"ends before", "title"}},
		{"non-numeric weight", "3 1\n1 1 0\nx 1 2 0\n0\n" + bltNames, 3, []string{"weight", `"x"`}},
		{"fractional weight", "3 1\n1.5 1 2 0\n0\n" + bltNames, 2, []string{"weight", `"1.5"`}},
		{"zero weight", "3 1\n0 1 2 0\n0\n" + bltNames, 2, []string{"weight", `"0"`}},
		{"negative weight after a ballot", "3 1\n1 1 0\n-1 1 2 0\n0\n" + bltNames, 3, []string{"weight", `"-1"`}},
		{"weight too large", "3 1\n99999999999999999999 1 0\n0\n" + bltNames, 2, []string{"weight", "99999999999999999999"}},
		{"ballot ID without weight", "3 1\n(b1)\n0\n" + bltNames, 2, []string{"weight", "ID"}},
		{"withdrawn not negative", "3 1\n-1 2\n1 1 0\n0\n" + bltNames, 2, []string{"withdrawn", `"2"`}},
		{"withdrawn beyond the last", "3 1\n-4\n1 1 0\n0\n" + bltNames, 2, []string{"withdrawn", `"-4"`}},
		{"withdrawn option unknown", "3 1\n[withdrawn 5]\n0\n" + bltNames, 2, []string{"unknown candidate", `"5"`}},
		{"unterminated option", "3 1\n[tie 1 2 3\n0\n" + bltNames, 2, []string{"option", "]"}},
		{"empty option", "3 1\n[ ]\n0\n" + bltNames, 2, []string{"empty option"}},
		{"tie order too short", "3 1\n[tie 1 2]\n0\n" + bltNames, 2, []string{"tie order", "2 candidates", "3"}},
		{"tie order repeats", "3 1\n[tie 1 2 2]\n0\n" + bltNames, 2, []string{"tie order", "exactly once"}},
		{"tie order unknown", "3 1\n[tie 1 2 4]\n0\n" + bltNames, 2, []string{"unknown candidate", `"4"`}},
		{"too few nicknames", "3 1\n[nick a b]\n0\n" + bltNames, 2, []string{"[nick]", "3", "2"}},
		{"nickname twice", "3 1\n[nick a b a]\n0\n" + bltNames, 2, []string{"nickname", `"a"`, "twice"}},
		{"unknown nickname", "3 1\n[nick a b c]\n1 a d 0\n0\n" + bltNames, 3, []string{"unknown candidate", `"d"`}},
		{"unquoted name", "3 1\n1 1 0\n0\n\"Ann\"\nBob\n\"Cy\"\n\"T\"\n", 5, []string{"double quotes", "Bob"}},
		{"unclosed quote", "3 1\n1 1 0\n0\n\"Ann\"\n\"Bob\n\"Cy\"\n\"T\"\n", 5, []string{"closing quote", "Bob"}},
		{"too many names on a line", "3 1\n1 1 0\n0\n\"Ann\" \"Bob\" \"Cy\" \"T\" \"X\"\n", 4, []string{"more names"}},
		{"empty name", "3 1\n1 1 0\n0\n\"Ann\"\n\"  \"\n\"Cy\"\n\"T\"\n", 5, []string{"candidate name", "empty"}},
		{"escape character in a name", "3 1\n1 1 0\n0\n\"Ann\"\n\"Bob\x1b[2J\"\n\"Cy\"\n\"T\"\n", 5, []string{"candidate name", "U+001B"}},
		{"bidi override in a name", "3 1\n1 1 0\n0\n\"Ann\"\n\"Bob\"\n\"\u202eyC\"\n\"T\"\n", 6, []string{"candidate name", "U+202E"}},
		{"zero-width space in a name", "3 1\n1 1 0\n0\n\"An\u200bn\"\n\"Bob\"\n\"Cy\"\n\"T\"\n", 4, []string{"candidate name", "U+200B"}},
		{"tab-free control in the title", "3 1\n1 1 0\n0\n" + "\"Ann\"\n\"Bob\"\n\"Cy\"\n\"Vote\x07\"\n", 7, []string{"title", "U+0007"}},
		{"bidi isolate in the title", "3 1\n1 1 0\n0\n" + "\"Ann\"\n\"Bob\"\n\"Cy\"\n\"\u2067Vote\"\n", 7, []string{"title", "U+2067"}},
		{"Latin-1 control in a name", "3 1\n1 1 0\n0\n\"Ann\"\n\"Bob\x9b\"\n\"Cy\"\n\"T\xe9\"\n", 5, []string{"candidate name", "U+009B"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ReadBLT(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("read %+v, want an error", e)
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T) is not an *InputError", err, err)
			}
			if ie.Line != tt.line {
				t.Errorf("error at line %d, want %d: %v", ie.Line, tt.line, err)
			}
			for _, m := range tt.msg {
				if !strings.Contains(ie.Msg, m) {
					t.Errorf("message %q does not mention %q", ie.Msg, m)
				}
			}
		})
	}
}

// TestReadBLTLineEndingsAgree reads every real file with LF, CRLF and a
// byte order mark and expects the same election each time.
func TestReadBLTLineEndingsAgree(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(bltElectionsDir, "*", "*.blt"))
	if err != nil || len(files) < 10 {
		t.Fatalf("found %d BLT files (%v)", len(files), err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ReadBLT(strings.NewReader(string(data)))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		crlf := "\ufeff" + strings.ReplaceAll(string(data), "\n", "\r\n")
		got, err := ReadBLT(strings.NewReader(crlf))
		if err != nil {
			t.Fatalf("%s with CRLF and a BOM: %v", f, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: CRLF and a BOM change the election", f)
		}
	}
}

// TestDetect recognises each format from content alone.
func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Format
	}{
		{"BLT", "3 1\n1 1 0\n0\n" + bltNames, BLT},
		{"BLT with BOM and blank lines", "\ufeff\n\n 3 1 \r\n1 1 0\r\n0\r\n" + bltNames, BLT},
		{"BLT with no ballots", "2 1\n0\n\"A\"\n\"B\"\n\"T\"\n", BLT},
		{"Debian header", "Option 1--->: A\nOption 2-->: B\n|/\nV: 12 abc\n", Debian},
		{"Debian free text first", "Tally sheet for the vote\nsome words\n-=-=-=\n  Option 1--->: A\n |/\nV: 1 x\n", Debian},
		{"Debian votes only", "free text\nV: 12 x\n", Debian},
		{"PrefLib TOI", "# FILE NAME: x.toi\n# DATA TYPE: toi\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n3: 1,2\n1: 2\n", PrefLib},
		{"PrefLib names only", "# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n3: 1,{2}\n", PrefLib},
		{"PrefLib data lines", "3: 1,2\n1: 2\n", PrefLib},
		{"PrefLib before 2022", "3\n1,A\n2,B\n3,C\n4,4,2\n3,1,2,3\n1,3\n", PrefLib},
		{"empty", "", ""},
		{"blank", "\n \n\t\n", ""},
		{"prose", "Hello, world\nthis is not a ballot file\n", ""},
		{"JSON", `{"candidates": ["A", "B"]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect([]byte(tt.in)); got != tt.want {
				t.Errorf("Detect = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestReadFormats reads real files of every format through Read.
func TestReadFormats(t *testing.T) {
	tests := []struct {
		file       string
		format     Format
		candidates int
		ballots    int64
	}{
		{"droop-ref/SC.blt", BLT, 13, 94},
		{"foundation-stv/maemo_council_2018q1.blt", BLT, 5, 51},
		{"glasgow2007/Anderston-City-2007.blt", BLT, 9, 6900},
		{"debian/leader2006_tally.txt", Debian, 8, -1},
		{"debian/leader2007_tally.txt", Debian, -1, -1},
		{"debian/leader2020_tally.txt", Debian, -1, -1},
		{"burlington2009/burlington2009.toi", PrefLib, 6, 8980},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(bltElectionsDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			e, format, err := Read(f)
			if err != nil {
				t.Fatal(err)
			}
			if format != tt.format {
				t.Errorf("format %q, want %q", format, tt.format)
			}
			if tt.candidates >= 0 && len(e.Candidates) != tt.candidates {
				t.Errorf("%d candidates, want %d", len(e.Candidates), tt.candidates)
			}
			if tt.ballots >= 0 && e.totalBallots() != tt.ballots {
				t.Errorf("%d ballots, want %d", e.totalBallots(), tt.ballots)
			}
			if len(e.Candidates) == 0 || len(e.Ballots) == 0 {
				t.Errorf("read %d candidates and %d ballots", len(e.Candidates), len(e.Ballots))
			}
		})
	}
}

// TestReadContent reads small files of every format through Read, and
// refuses what is none of them with an *InputError.
func TestReadContent(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		format Format
		want   []Ballot // nil: just check the format
		err    string
	}{
		{name: "BLT", in: "2 1\n3 2 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", format: BLT,
			want: []Ballot{{Count: 3, Ranks: [][]int{{1}, {0}}, Line: 2}}},
		{name: "BLT, Latin-1", in: "2 1\n3 2 1 0\n0\n\"\xc9mile\"\n\"B\"\n\"T\"\n", format: BLT,
			want: []Ballot{{Count: 3, Ranks: [][]int{{1}, {0}}, Line: 2}}},
		{name: "BLT error", in: "2 1\n3 2 5 0\n0\n\"A\"\n\"B\"\n\"T\"\n", format: BLT, err: "line 2"},
		{name: "PrefLib", in: "# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n3: 2,1\n", format: PrefLib},
		{name: "PrefLib before 2022", in: "2\n1,A\n2,B\n3,3,1\n3,2,1\n", format: PrefLib},
		{name: "Debian", in: "Option 1--->: A\nOption 2-->: B\n|/\nV: 21 abc\nV: 1- def\n", format: Debian},
		{name: "unknown", in: "nothing to see\n", err: "not a ballot file"},
		{name: "empty", in: "", err: "not a ballot file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, format, err := Read(strings.NewReader(tt.in))
			if tt.err != "" {
				var ie *InputError
				if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want an *InputError with %q", err, tt.err)
				}
				if format != tt.format {
					t.Errorf("format %q, want %q", format, tt.format)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if format != tt.format {
				t.Errorf("format %q, want %q", format, tt.format)
			}
			if tt.want != nil && !reflect.DeepEqual(e.Ballots, tt.want) {
				t.Errorf("ballots %+v, want %+v", e.Ballots, tt.want)
			}
			if len(e.Candidates) != 2 {
				t.Errorf("%d candidates, want 2", len(e.Candidates))
			}
		})
	}
}
