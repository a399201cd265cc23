package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// threeCandidates is a BLT file: one ballot 1 > 2, two ballots 2 = 3, one
// empty ballot.
const threeCandidates = "3 1\n1 1 2 0\n2 2=3 0\n1 0\n0\n\"Ada\"\n\"Bob\"\n\"Cy\"\n\"Board 2025\"\n"

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func booth(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCountSheet(t *testing.T) {
	path := writeFile(t, "board.blt", threeCandidates)
	code, out, errOut := booth(t, "", "count", "--method", "approval", "--seats", "2", path)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"Method:         Approval voting\n", "Valid ballots:  4\n", "Elected:        Bob\n                Cy\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

func TestCountJSONFromStdin(t *testing.T) {
	code, out, errOut := booth(t, threeCandidates, "count", "--method", "approval", "--json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		Method  string
		Seats   int
		Ballots int64
		Elected []string
		Rounds  []struct {
			Totals map[string]string
			Status map[string]string
		}
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if v.Method != "approval" || v.Seats != 1 || v.Ballots != 4 || len(v.Elected) != 1 || v.Elected[0] != "Bob" {
		t.Errorf("got %+v", v)
	}
	if len(v.Rounds) != 1 || v.Rounds[0].Totals["Bob"] != "3" || v.Rounds[0].Status["Bob"] != "elected" {
		t.Errorf("rounds %+v", v.Rounds)
	}
}

// The same seed and election id draw the same lot; file order picks the
// first tied candidate.
func TestCountTieOrder(t *testing.T) {
	path := writeFile(t, "tie.blt", "3 1\n1 1 0\n1 2 0\n1 3 0\n0\n\"Ada\"\n\"Bob\"\n\"Cy\"\n\"Tie\"\n")
	code, out, _ := booth(t, "", "count", "--method", "approval", "--tie-order", "file", path)
	if code != 0 || !strings.Contains(out, "Elected:        Ada\n") || !strings.Contains(out, "chosen by file order") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	args := []string{"count", "--method", "approval", "--seed", "s33d", "--election-id", "board-2025", path}
	_, first, _ := booth(t, "", args...)
	_, second, _ := booth(t, "", args...)
	if first != second || !strings.Contains(first, "chosen by lot") {
		t.Errorf("the lot is not repeatable:\n%s\n%s", first, second)
	}
}

func TestCountYesNo(t *testing.T) {
	path := writeFile(t, "q.blt", "3 1\n5 1 0\n2 2 0\n1 3 0\n0\n\"Yes\"\n\"No\"\n\"Abstain\"\n\"Q\"\n")
	code, out, errOut := booth(t, "", "count", "--method", "yesno", "--pass-ratio", "2:3", "--quorum", "8", path)
	if code != 0 || !strings.Contains(out, "Outcome:        PASSED\n") {
		t.Errorf("exit %d %s:\n%s", code, errOut, out)
	}
	_, out, _ = booth(t, "", "count", "--method", "yesno", "--quorum", "9", path)
	if !strings.Contains(out, "NOT PASSED") || !strings.Contains(out, "does not meet the quorum of 9") {
		t.Errorf("quorum of 9 with 8 ballots:\n%s", out)
	}
}

func TestCountErrors(t *testing.T) {
	good := writeFile(t, "good.blt", threeCandidates)
	tests := []struct {
		name string
		file string // content; "" means use good
		args []string
		want string // stderr, with FILE for the file's path
	}{
		{"no method", "", nil, "booth count: --method is required: one of schulze, irv, meek, scottish, approval, yesno\n"},
		{"unknown method", "", []string{"--method", "borda"}, "booth count: unknown counting method \"borda\": choose one of schulze, irv, meek, scottish, approval, yesno\n"},
		{"malformed ratio", "", []string{"--method", "yesno", "--pass-ratio", "2/3"}, "booth count: invalid argument \"2/3\" for \"--pass-ratio\" flag: want two whole numbers N:M with M positive, e.g. 2:3 (see 'booth count --help')\n"},
		{"bad tie order", "", []string{"--method", "irv", "--tie-order", "coin"}, "booth count: --tie-order must be lot or file, not \"coin\"\n"},
		{"too many seats", "", []string{"--method", "approval", "--seats", "4"}, "booth count: FILE: 4 seats but only 3 candidates standing\n"},
		{"unknown candidate", "3 1\n1 1 5 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n", []string{"--method", "approval"}, "booth count: FILE:2: "},
		{"rank listed twice", "3 1\n1 1 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n", []string{"--method", "approval"}, "booth count: FILE:2: "},
		{"truncated", "3 1\n1 1 2 0\n", []string{"--method", "approval"}, "booth count: FILE:"},
		{"not a ballot file", "hello\n", []string{"--method", "approval"}, "booth count: FILE: not a ballot file booth knows"},
		{"yes/no with two answers first", "", []string{"--method", "yesno"}, "booth count: FILE:3: a yes/no ballot has one answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := good
			if tt.file != "" {
				path = writeFile(t, "in.blt", tt.file)
			}
			code, out, errOut := booth(t, "", append(append([]string{"count"}, tt.args...), path)...)
			want := strings.ReplaceAll(tt.want, "FILE", path)
			if code != 1 || out != "" || !strings.HasPrefix(errOut, want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and stderr starting %q", code, out, errOut, want)
			}
			if strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "Usage:") {
				t.Errorf("stderr shows a stack trace or usage: %q", errOut)
			}
		})
	}
}

func TestCountMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.blt")
	code, _, errOut := booth(t, "", "count", "--method", "irv", path)
	if code != 1 || !strings.HasPrefix(errOut, "booth count: open "+path+": ") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestCommandLineUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, "booth: unknown command \"frobnicate\""},
		{[]string{"count", "--method", "irv"}, "booth count: accepts 1 arg(s), received 0"},
		{[]string{"count", "--seats", "two", "x"}, "booth count: invalid argument \"two\" for \"--seats\""},
	} {
		code, _, errOut := booth(t, "", tt.args...)
		if code != 1 || !strings.HasPrefix(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tt.args, code, errOut, tt.want)
		}
	}
}
