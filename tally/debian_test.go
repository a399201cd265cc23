package tally

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestReadDebianFiles(t *testing.T) {
	tests := []struct {
		file    string
		options int
		ballots int
		name    string // one option's name, to check decoding
		first   Ballot // the first vote
	}{
		// "V: 57213846": option 4 first, then 3, 5, 7, 1, 8, 2, 6.
		{"leader2006", 8, 421, "Jeroen van Wolffelaar", Ballot{Count: 1, Line: 25, Ranks: [][]int{{3}, {2}, {4}, {6}, {0}, {7}, {1}, {5}}}},
		// "V: 111111312": seven options equal first. The sheet is Latin-1.
		{"leader2007", 9, 482, "Raphaël Hertzog", Ballot{Count: 1, Line: 26, Ranks: [][]int{{0, 1, 2, 3, 4, 5, 7}, {8}, {6}}}},
		{"leader2020", 4, 339, "None Of The Above", Ballot{Count: 1, Line: 21, Ranks: [][]int{{2}, {0}, {1, 3}}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e := readDebianFile(t, tt.file)
			if len(e.Candidates) != tt.options || len(e.Ballots) != tt.ballots {
				t.Errorf("%d options and %d ballots, want %d and %d", len(e.Candidates), len(e.Ballots), tt.options, tt.ballots)
			}
			if e.indexOf(tt.name) < 0 {
				t.Errorf("no option named %q in %v", tt.name, e.Candidates)
			}
			if !reflect.DeepEqual(e.Ballots[0], tt.first) {
				t.Errorf("first ballot %+v, want %+v", e.Ballots[0], tt.first)
			}
		})
	}
}

const debianHeader = "Tally Sheet\n" +
	"     Option 1----->: Ada\n" +
	"   /  Option 2---->: Grace\n" +
	"   |/  Option 3--->: Edsger\n" +
	"   ||/\n"

func TestReadDebianVotes(t *testing.T) {
	tests := []struct {
		name  string
		input string
		ranks [][][]int
	}{
		{"ranked and unranked", debianHeader + "V: 21- abc\nV: --- def\n", [][][]int{{{1}, {0}}, nil}},
		{"equal ranks", debianHeader + "V: 313\n", [][][]int{{{1}, {0, 2}}}},
		{"gaps in ranks", debianHeader + "V: 9-1\n", [][][]int{{{2}, {0}}}},
		{"no hash, CRLF", strings.ReplaceAll(debianHeader+"V: 123\n", "\n", "\r\n"), [][][]int{{{0}, {1}, {2}}}},
		{"header only", debianHeader, nil},
		{"no decoration line before votes", strings.TrimSuffix(debianHeader, "   ||/\n") + "V: 1-2\n", [][][]int{{{0}, {2}}}},
		{"letters rank 10 and up", "Option 1->: A\nOption 2->: B\nOption 3->: C\nOption 4->: D\nOption 5->: E\n" +
			"Option 6->: F\nOption 7->: G\nOption 8->: H\nOption 9->: I\nOption 10->: J\nOption 11->: K\n" +
			"V: 123456789aB\n",
			[][][]int{{{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}, {10}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ReadDebian(strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			var got [][][]int
			for _, b := range e.Ballots {
				got = append(got, b.Ranks)
			}
			if !reflect.DeepEqual(got, tt.ranks) {
				t.Errorf("ranks %v, want %v", got, tt.ranks)
			}
		})
	}
}

func TestReadDebianErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		line  int
		msg   string
	}{
		{"no header", "V: 12 abc\n", 1, "before the options header"},
		{"empty file", "", 0, "no options header"},
		{"free text only", "Tally Sheet for the votes cast.\n", 0, "no options header"},
		{"truncated header", "Tally Sheet\n     Option 1----->: Ada\n   /  Option 2---->: Grace\n", 3, "truncated"},
		{"short vote", debianHeader + "V: 12 abc\n", 6, "has 2 marks, but there are 3 options"},
		{"long vote", debianHeader + "V: 1234 abc\n", 6, "has 4 marks"},
		{"empty vote", debianHeader + "V:\n", 6, "has 0 marks"},
		{"bad mark", debianHeader + "V: 1-0 abc\n", 6, "bad mark '0' for option 3 (Edsger)"},
		{"bad mark punctuation", debianHeader + "V: 123\nV: 1*2\n", 7, "bad mark '*' for option 2"},
		{"non-ASCII mark", debianHeader + "V: 1é2\n", 6, "bad mark 'é'"},
		{"options out of order", "Option 1->: A\nOption 3->: B\n", 2, "option 3 is out of order: expected option 2"},
		{"options not from 1", "Option 2->: A\n", 1, "expected option 1"},
		{"malformed option", "Option 1->: A\nOption 2 B\n", 2, "malformed option line"},
		{"control character in name", "Option 1->: A\nOption 2->: B\x1b[31m\n||/\n", 2, "control character"},
		{"empty name", "Option 1->: A\nOption 2->:  \n", 2, "empty"},
		{"duplicate name", "Option 1->: Ada\nOption 2->: ada\n", 2, "same name as option 1"},
		{"text inside header", "Option 1->: A\nsomething else\n", 2, "unexpected text in the options header"},
		{"option after header", debianHeader + "Option 4->: D\n", 6, "after the end of the options header"},
		{"text among votes", debianHeader + "V: 123\ntrailing garbage\n", 7, "expected a vote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadDebian(strings.NewReader(tt.input))
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v, want an *InputError", err)
			}
			if ie.Line != tt.line || !strings.Contains(ie.Msg, tt.msg) {
				t.Errorf("error at line %d %q, want line %d containing %q", ie.Line, ie.Msg, tt.line, tt.msg)
			}
		})
	}
}

func FuzzReadDebian(f *testing.F) {
	for _, name := range []string{"leader2006", "leader2007", "leader2020"} {
		data, err := os.ReadFile("../testdata/elections/debian/" + name + "_tally.txt")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		debianHeader + "V: 21- abc\n",
		debianHeader + "V: 1-0\n",
		debianHeader + "V: 3z3\nV: ---\n",
		"Option 1->: A\nOption 3->: B\n",
		"Option 1->: A\n",
		"V: 1\n",
		"\xef\xbb\xbfOption 1->: \xe9\n|/\nV: 1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ReadDebian(bytes.NewReader(data))
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is not an *InputError", err)
			}
			return
		}
		for _, opts := range []Options{
			{Method: Schulze},
			{Method: Schulze, DefaultOption: e.Candidates[len(e.Candidates)-1].Name, Majority: Ratio{3, 1}, OptionQuorum: 2},
		} {
			r, err := Count(e, opts)
			if err != nil {
				t.Fatalf("a sheet that reads must count: %v", err)
			}
			placed := 0
			for _, g := range r.Order {
				placed += len(g)
			}
			if placed != len(e.Candidates) || r.Ballots != int64(len(e.Ballots)) {
				t.Fatalf("order %v places %d of %d options; %d ballots of %d", r.Order, placed, len(e.Candidates), r.Ballots, len(e.Ballots))
			}
		}
	})
}
