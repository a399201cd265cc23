package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// countFlags are the options of booth count.
type countFlags struct {
	method, defaultOption, tieOrder, seed, electionID string
	seats                                             int
	batch, json                                       bool
	optionQuorum, quorum                              int64
	majority, passRatio                               ratioFlag
}

func newCountCmd() *cobra.Command {
	var f countFlags
	cmd := &cobra.Command{
		Use:   "count --method METHOD [flags] FILE",
		Short: "Count a ballot file (BLT, Debian tally sheet or PrefLib) and print the result",
		Long: `Count a ballot file and print the returning officer's result sheet, or JSON
with --json. The format (BLT, Debian tally sheet, PrefLib TOI/SOI) is
recognised from the content; FILE "-" reads standard input.

Ties that the method's own rule cannot settle are broken by lot: candidates
are ordered by SHA-256(seed ":" election-id ":" candidate name), and the first
chosen. An election publishes its seed and id before voting opens, so anyone
can repeat the draw; the default empty seed is repeatable but guessable.
--tie-order file breaks ties by the file's order instead (BLT's [tie] line,
else the order of the candidates), as the reference counts do.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCount(cmd, args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.method, "method", "", "counting method: "+methodList()+" (required)")
	fl.IntVar(&f.seats, "seats", 0, "seats to fill (default: the file's own, else 1)")
	fl.StringVar(&f.defaultOption, "default-option", "", "Schulze: name of the default option (\"None of the above\")")
	fl.Int64Var(&f.optionQuorum, "option-quorum", 0, "Schulze: voters an option needs preferring it to the default option")
	fl.Var(&f.majority, "majority", "Schulze: required majority N:M over the default option, e.g. 3:1 (default 1:1)")
	fl.StringVar(&f.tieOrder, "tie-order", "lot", "how ties are broken after the method's own rule: lot or file")
	fl.StringVar(&f.seed, "seed", "", "the election's published seed for the lot")
	fl.StringVar(&f.electionID, "election-id", "", "the election's published id for the lot")
	fl.BoolVar(&f.batch, "batch-elimination", false, "IRV: exclude every candidate who cannot catch up, in one round")
	fl.Int64Var(&f.quorum, "quorum", 0, "yes/no: ballots (abstentions included) needed for the question to pass")
	fl.Var(&f.passRatio, "pass-ratio", "yes/no: share of yes among yes and no needed, N:M, e.g. 2:3 (default more than 1:2)")
	fl.BoolVar(&f.json, "json", false, "print the result as JSON")
	return cmd
}

func runCount(cmd *cobra.Command, path string, f countFlags) error {
	opts, err := f.options()
	if err != nil {
		return err
	}
	in, name := cmd.InOrStdin(), "stdin"
	if path != "-" {
		file, err := os.Open(path)
		if err != nil {
			return err
		}
		defer file.Close()
		in, name = file, path
	}
	e, _, err := tally.ReadGrouped(in)
	if err != nil {
		return inFile(name, err)
	}
	res, err := tally.Count(e, opts)
	if err != nil {
		return inFile(name, err)
	}
	out := cmd.OutOrStdout()
	if !f.json {
		return writeSheet(out, res)
	}
	return writeResultJSON(out, res)
}

// options checks the flags that do not depend on the file, so a typo is
// reported before a large file is read.
func (f countFlags) options() (tally.Options, error) {
	method := tally.Method(strings.ToLower(f.method))
	switch {
	case f.method == "":
		return tally.Options{}, fmt.Errorf("--method is required: one of %s", methodList())
	case !isMethod(method):
		return tally.Options{}, fmt.Errorf("unknown counting method %q: choose one of %s", f.method, methodList())
	case f.tieOrder != "lot" && f.tieOrder != "file":
		return tally.Options{}, fmt.Errorf("--tie-order must be lot or file, not %q", f.tieOrder)
	case f.seats < 0:
		return tally.Options{}, fmt.Errorf("--seats must be at least 1, not %d", f.seats)
	}
	return tally.Options{
		Method:           method,
		Seats:            f.seats,
		Ties:             tally.TieBreak{FileOrder: f.tieOrder == "file", Seed: f.seed, Election: f.electionID},
		DefaultOption:    f.defaultOption,
		OptionQuorum:     f.optionQuorum,
		Majority:         tally.Ratio(f.majority),
		BatchElimination: f.batch,
		Quorum:           f.quorum,
		PassRatio:        tally.Ratio(f.passRatio),
	}, nil
}

// inFile places a problem in the ballot file: "FILE:LINE: problem".
func inFile(name string, err error) error {
	var ie *tally.InputError
	if !errors.As(err, &ie) {
		return fmt.Errorf("%s: %w", name, err)
	}
	if ie.Line > 0 {
		return fmt.Errorf("%s:%d: %s", name, ie.Line, ie.Msg)
	}
	return fmt.Errorf("%s: %s", name, ie.Msg)
}

func isMethod(m tally.Method) bool {
	for _, known := range tally.Methods() {
		if m == known {
			return true
		}
	}
	return false
}

func methodList() string {
	methods := tally.Methods()
	names := make([]string, len(methods))
	for i, m := range methods {
		names[i] = string(m)
	}
	return strings.Join(names, ", ")
}

// ratioFlag parses N:M on the command line.
type ratioFlag tally.Ratio

func (r *ratioFlag) String() string {
	if *r == (ratioFlag{}) {
		return ""
	}
	return tally.Ratio(*r).String()
}

func (r *ratioFlag) Type() string { return "N:M" }

func (r *ratioFlag) Set(s string) error {
	num, den, ok := strings.Cut(s, ":")
	n, err1 := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	d, err2 := strconv.ParseInt(strings.TrimSpace(den), 10, 64)
	if !ok || err1 != nil || err2 != nil || n < 0 || d <= 0 {
		return errors.New("want two whole numbers N:M with M positive, e.g. 2:3")
	}
	*r = ratioFlag{Num: n, Den: d}
	return nil
}

// writeSheet writes a result's sheet: fitted to the terminal when out is
// one, and with every name whole when it is piped to another program or a
// file, where a name cut to eighty columns would be lost.
func writeSheet(out io.Writer, r *tally.Result) error {
	if f, ok := out.(*os.File); ok && term.IsTerminal(f.Fd()) {
		return r.WriteSheet(out)
	}
	return r.WriteWholeSheet(out)
}

// writeResultJSON writes a result as tally's JSON, with every invisible
// or control character escaped.
func writeResultJSON(out io.Writer, r *tally.Result) error {
	data, err := r.JSON()
	if err != nil {
		return err
	}
	return safetext.WriteJSON(out, json.RawMessage(data))
}
