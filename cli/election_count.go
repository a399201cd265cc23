package cli

import (
	"errors"
	"fmt"

	"filippo.io/age"
	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
)

// addCountCommands adds the commands that count and publish an election
// to `booth election`: count, results and export.
func addCountCommands(election *cobra.Command) {
	election.AddCommand(newElectionCountCmd(), newElectionResultsCmd(), newElectionExportCmd(), newElectionTrusteesCmd())
}

// readKeyFile reads the officers' key that unseals ballots: the tally key
// file booth wrote when the election was created, or an officer's SSH
// private key.
func readKeyFile(path string) ([]age.Identity, error) {
	if path == "" {
		return nil, errors.New("--key is required: the election's tally key file, or an officer's SSH private key")
	}
	return models.ReadIdentities(path)
}

func newElectionCountCmd() *cobra.Command {
	var keyFile string
	var asJSON bool
	var tf trusteeFlags
	cmd := &cobra.Command{
		Use:   "count ELECTION --key FILE | --trustees [--release FILE]…",
		Short: "Unseal a closed election's ballots, count them and store the result",
		Long: `Unseal a closed election's ballots with the officers' key, count them by the
election's method and store the result with its rounds, then print the
result sheet (or JSON with --json). Counting refuses to run when the box
holds a different number of ballots than the roll has marks. The unsealing
is recorded in the audit log. Counting a counted election again recounts it.

An election with trustees is counted with --trustees instead of --key: alone
it starts a count session (a one-time key, written to --session-key) and
prints what each trustee does; with the trustees' --release files (at least
the threshold of them) it opens the ballots, counts and records the releases.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if tf.on {
				if keyFile != "" {
					return errors.New("--key and --trustees exclude each other: an election with trustees is opened by their releases")
				}
				return runTrusteeCount(cmd, args[0], tf, asJSON)
			}
			if len(tf.releases) > 0 {
				return errors.New("--release needs --trustees")
			}
			ids, err := readKeyFile(keyFile)
			if err != nil {
				return err
			}
			s, err := tickedService(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			res, err := s.Count(cmd.Context(), args[0], ids, actor())
			if err != nil {
				return err
			}
			if asJSON {
				if err := writeResultJSON(cmd.OutOrStdout(), res); err != nil {
					return err
				}
				// Standard output is the JSON document.
				return printAuditHead(cmd.Context(), cmd.ErrOrStderr(), s)
			}
			if err := writeSheet(cmd.OutOrStdout(), res); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout())
			return printAuditHead(cmd.Context(), cmd.OutOrStdout(), s)
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "the election's tally key file, or an officer's SSH private key (required)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	tf.add(cmd)
	return cmd
}

func newElectionResultsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "results ELECTION",
		Short: "Print a counted election's stored result",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := tickedService(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			e, err := s.Election(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if e.State != models.Counted {
				return fmt.Errorf("election %s is %s and has no result yet: close it, then run 'booth election count %s --key FILE'", e.ID, e.State, e.ID)
			}
			stored, err := s.Result(cmd.Context(), e.ID)
			if err != nil {
				return err
			}
			if asJSON {
				return writeResultJSON(cmd.OutOrStdout(), stored.Result)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Counted %s\n\n", stored.CountedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
			return writeSheet(out, stored.Result)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON, as tally writes it")
	return cmd
}

func newElectionExportCmd() *cobra.Command {
	var keyFile, out string
	cmd := &cobra.Command{
		Use:   "export ELECTION --out DIR --key FILE",
		Short: "Write a counted election's definition, result, ledger, voters and ballots for other tools",
		Long: `Write a counted election's files into DIR (created if missing; existing files
are never overwritten): definition.json (with the election fingerprint),
result.json, ledger.json (receipt hash and ballot, in receipt-hash order;
only if the election publishes its ledger), voters.json (the members who
voted) and ballots.blt (the ballots as a BLT file). The ballots are unsealed
with the officers' key for the ledger and the BLT file, which the audit log
records. The files are not signed.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return errors.New("--out is required: the directory to write the files into")
			}
			ids, err := readKeyFile(keyFile)
			if err != nil {
				return err
			}
			s, err := tickedService(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.Export(cmd.Context(), args[0], out, ids, actor()); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "election %s exported to %s\n", args[0], out)
			return nil
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "the election's tally key file, or an officer's SSH private key (required)")
	cmd.Flags().StringVar(&out, "out", "", "the directory to write into (required)")
	return cmd
}
