package tally

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

const burlingtonTOI = "../testdata/elections/burlington2009/burlington2009.toi"

func TestReadPrefLibBurlington(t *testing.T) {
	f, err := os.Open(burlingtonTOI)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e, err := ReadPrefLib(f)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range e.Candidates {
		names = append(names, c.Name)
	}
	want := []string{"Bob Kiss", "Andy Montroll", "James Simpson", "Dan Smith", "Kurt Wright", "Write-In"}
	if !slices.Equal(names, want) {
		t.Errorf("candidates %q, want %q", names, want)
	}
	if e.Title != "2009 Burlington Mayoral Election" {
		t.Errorf("title %q", e.Title)
	}
	if len(e.Ballots) != 384 || e.totalBallots() != 8980 {
		t.Errorf("%d ballot lines, %d voters; want 384 and 8980", len(e.Ballots), e.totalBallots())
	}
	first := e.Ballots[0]
	if first.Count != 840 || first.Line != 19 || !slices.EqualFunc(first.Ranks, [][]int{{4}}, slices.Equal) {
		t.Errorf("first ballot %+v, want 840 × Wright from line 19", first)
	}
	// "1: 2,4,{3,5},1": the braces make one rank of two candidates.
	found := false
	for _, b := range e.Ballots {
		if slices.EqualFunc(b.Ranks, [][]int{{1}, {3}, {2, 4}, {0}}, slices.Equal) {
			found = b.Count == 1
		}
	}
	if !found {
		t.Error("the ballot 2,4,{3,5},1 was not read as four ranks, the third holding two candidates")
	}
}

func TestReadPrefLibLayouts(t *testing.T) {
	tests := []struct {
		name, text string
		ranks      [][][]int
	}{
		{"toi", "# NUMBER ALTERNATIVES: 3\r\n# ALTERNATIVE NAME 1: Ann\r\n# ALTERNATIVE NAME 2: Bo\r\n# ALTERNATIVE NAME 3: Cy\r\n" +
			"# NUMBER VOTERS: 6\r\n3: 1, 2\r\n2: {2 ,3} ,1\r\n1:\r\n",
			[][][]int{{{0}, {1}}, {{1, 2}, {0}}, nil}},
		{"old", "3\n1,Ann\n2,Bo\n3,Cy\n5,5,2\n3,1,2\n2,{2,3},1\n",
			[][][]int{{{0}, {1}}, {{1, 2}, {0}}}},
	}
	for _, tt := range tests {
		e, err := ReadPrefLib(strings.NewReader(tt.text))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(e.Candidates) != 3 || e.Candidates[2].Name != "Cy" || len(e.Ballots) != len(tt.ranks) {
			t.Fatalf("%s: candidates %v, %d ballots", tt.name, e.Candidates, len(e.Ballots))
		}
		for i, b := range e.Ballots {
			if !slices.EqualFunc(b.Ranks, tt.ranks[i], slices.Equal) {
				t.Errorf("%s: ballot %d ranks %v, want %v", tt.name, i, b.Ranks, tt.ranks[i])
			}
		}
	}
}

func TestReadPrefLibErrors(t *testing.T) {
	const head = "# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: Ann\n# ALTERNATIVE NAME 2: Bo\n# ALTERNATIVE NAME 3: Cy\n"
	tests := []struct {
		name, text string
		line       int
	}{
		{"unknown candidate", head + "1: 1,2\n2: 1,4\n", 6},
		{"candidate zero", head + "2: 0\n", 5},
		{"listed twice", head + "2: 1,{2,1}\n", 5},
		{"unclosed brace", head + "2: 1,{2,3\n", 5},
		{"stray closing brace", head + "2: 1,2},3\n", 5},
		{"nested braces", head + "2: {1,{2,3}}\n", 5},
		{"no comma after group", head + "2: {1,2}3\n", 5},
		{"empty braces", head + "2: {},1\n", 5},
		{"double comma", head + "2: 1,,2\n", 5},
		{"trailing comma", head + "2: 1,2,\n", 5},
		{"not a number", head + "2: 1,x\n", 5},
		{"bad count", head + "two: 1,2\n", 5},
		{"zero count", head + "0: 1,2\n", 5},
		{"negative count", head + "-3: 1,2\n", 5},
		{"huge count", head + "99999999999999999999: 1\n", 5},
		{"no colon", head + "2: 1\n3 1,2\n", 6},
		{"missing name", "# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: Ann\n# ALTERNATIVE NAME 3: Cy\n\n1: 1\n", 5},
		{"no names", "1: 1\n", 1},
		{"name beyond number", "# NUMBER ALTERNATIVES: 1\n# ALTERNATIVE NAME 1: Ann\n# ALTERNATIVE NAME 2: Bo\n1: 1\n", 3},
		{"named twice", head + "# ALTERNATIVE NAME 2: Bob\n1: 1\n", 5},
		{"control character", "# ALTERNATIVE NAME 1: Ann\x1b[31m\n1: 1\n", 1},
		{"bidi override", "# ALTERNATIVE NAME 1: Ann\u202e\n1: 1\n", 1},
		{"empty name", "# ALTERNATIVE NAME 1: \n1: 1\n", 1},
		{"bad title", "# TITLE: x\x07\n# ALTERNATIVE NAME 1: Ann\n1: 1\n", 1},
		{"bad number of alternatives", "# NUMBER ALTERNATIVES: lots\n", 1},
		{"voters do not add up", head + "# NUMBER VOTERS: 5\n2: 1\n", 5},
		{"no ballots", head, 5},
		{"old: name line without comma", "2\n1,Ann\nBo\n", 3},
		{"old: unknown candidate", "2\n1,Ann\n2,Bo\n1,1,1\n1,3\n", 5},
		{"old: voters do not add up", "2\n1,Ann\n2,Bo\n3,3,1\n1,2\n", 4},
		{"old: truncated", "2\n1,Ann\n", 3},
	}
	for _, tt := range tests {
		e, err := ReadPrefLib(strings.NewReader(tt.text))
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: got %v, %v; want an InputError", tt.name, e, err)
			continue
		}
		if ie.Line != tt.line {
			t.Errorf("%s: error at line %d, want %d: %v", tt.name, ie.Line, tt.line, err)
		}
	}
}

func FuzzReadPrefLib(f *testing.F) {
	if data, err := os.ReadFile(burlingtonTOI); err == nil {
		f.Add(data)
	}
	for _, s := range []string{
		"# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n3: 1,2\n2: {1,2}\n1: 2\n",
		"# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: A\n1: {1,{2}}\n",
		"# ALTERNATIVE NAME 1: A\n1: 1}\n",
		"# ALTERNATIVE NAME 1: A\n# NUMBER VOTERS: 9\n1: ,\n",
		"3\n1,A\n2,B\n3,C\n4,4,2\n3,1,{2,3}\n1,3\n",
		"2\n1,A\n",
		"\xef\xbb\xbf# ALTERNATIVE NAME 1: \xe9\n1: 1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ReadPrefLib(strings.NewReader(string(data)))
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("not an InputError: %v", err)
			}
			return
		}
		res, err := Count(e, Options{Method: IRV})
		if err != nil {
			return
		}
		if len(res.Elected) != 1 {
			t.Fatalf("IRV elected %v", res.Elected)
		}
	})
}
