package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	boothui "vote.example.org/booth/booth"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
)

// verifyFlags are the options of booth verify.
type verifyFlags struct {
	signer, receipt string
	json            bool
}

func newVerifyCmd() *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify FILE [--signer FINGERPRINT] [--receipt CODE] [--json]",
		Short: "Check a published results bundle: signature, fingerprint, recount, receipt",
		Long: `Check a results bundle that booth election publish wrote, offline and with no
data directory: its signature (by the key with --signer's fingerprint, when
given; else the signer's fingerprint is printed for you to compare with the
one the officers published), the definition's fingerprint, a recount of the
ledger compared with the published result (when the election published its
ledger), and with --receipt, that the ledger holds a counted ballot under
that receipt (the ballot is printed). FILE "-" reads standard input;
--receipt - reads the receipt from standard input, which other users of the
machine cannot see, unlike the command line.

Exit status 0 only when every check passes; each failure is named on
standard error ("signature: …", "recount: …", "receipt: …"). --json prints
the report for scripts.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(cmd, args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.signer, "signer", "", "the host key fingerprint the officers published (SHA256:…)")
	fl.StringVar(&f.receipt, "receipt", "", "a receipt to find in the ledger; - reads it from standard input")
	fl.BoolVar(&f.json, "json", false, "print the report as JSON")
	return cmd
}

func runVerify(cmd *cobra.Command, path string, f verifyFlags) error {
	if path == "-" && f.receipt == "-" {
		return errors.New("the bundle and the receipt cannot both come from standard input: give the bundle as a file")
	}
	data, err := readBundle(cmd, path)
	if err != nil {
		return err
	}
	if f.receipt == "-" {
		line, err := bufio.NewReader(io.LimitReader(cmd.InOrStdin(), 256)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading the receipt from standard input: %w", err)
		}
		f.receipt = strings.TrimSpace(line)
		if f.receipt == "" {
			return errors.New("--receipt -: standard input holds no receipt")
		}
	}
	b, r := bundle.Verify(data, bundle.Options{Signer: f.signer, Receipt: f.receipt})
	if f.json {
		out, err := r.JSON()
		if err != nil {
			return err
		}
		if _, err := cmd.OutOrStdout().Write(out); err != nil {
			return err
		}
	} else {
		printReport(cmd, b, r)
	}
	if failed := countFailed(r); failed > 0 {
		return fmt.Errorf("%s does not check out: %d of %d checks failed", path, failed, len(r.Checks))
	}
	return nil
}

// readBundle reads a bundle file (or standard input for "-"), refusing
// one larger than any bundle booth writes.
func readBundle(cmd *cobra.Command, path string) ([]byte, error) {
	in := cmd.InOrStdin()
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(io.LimitReader(in, bundle.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > bundle.MaxBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes, more than any results bundle", path, bundle.MaxBytes)
	}
	return data, nil
}

// printReport writes each check as "name: detail": passed and skipped
// ones on standard output, failed ones on standard error. Text from the
// bundle is sanitised: the file may come from anyone.
func printReport(cmd *cobra.Command, b *bundle.Bundle, r bundle.Report) {
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if r.Election != "" {
		fmt.Fprintf(out, "election %s: %s\nfingerprint %s\n", boothui.Sanitize(r.Election), boothui.Sanitize(r.Title), boothui.Sanitize(r.Fingerprint))
	}
	for _, c := range r.Checks {
		w := out
		if c.Status == bundle.StatusFailed {
			w = errOut
		}
		fmt.Fprintf(w, "%s: %s\n", c.Name, boothui.Sanitize(c.Detail))
	}
	if r.Ballot == nil {
		return
	}
	// Lookup has parsed it already; the ballot is read out in words.
	d := b.Election.Definition
	if ballot, err := models.ParseBallot(d, nil, *r.Ballot); err == nil {
		for _, line := range strings.Split(strings.TrimRight(ballot.Describe(d), "\n"), "\n") {
			fmt.Fprintf(out, "  %s\n", boothui.Sanitize(line))
		}
	}
}

// countFailed counts the failed checks of a report.
func countFailed(r bundle.Report) int {
	n := 0
	for _, c := range r.Checks {
		if c.Status == bundle.StatusFailed {
			n++
		}
	}
	return n
}
