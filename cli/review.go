package cli

import (
	"errors"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	boothui "vote.example.org/booth/booth"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

func newReviewCmd() *cobra.Command {
	var anchor anchorFlags
	cmd := &cobra.Command{
		Use:   "review FILE (--signer FINGERPRINT | --allowed-signers FILE | --host HOST[:PORT])",
		Short: "Open a published results bundle in the booth, offline",
		Long: `Open a results bundle that booth election publish wrote in the booth's
terminal screens, on this machine, with no network and no data directory:
whether its signature is valid and by a key you trust, whether the
definition matches its fingerprint, whether a local recount of the ledger
matches the published result, the result with every round, and a lookup
that finds your ballot by its receipt. A bundle whose signature fails, or
that is not as booth writes it, is not opened. For scripts, use booth
verify.

` + anchorHelp,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] == "-" {
				return errors.New("review reads the keyboard from standard input, so the bundle must be a file")
			}
			trust, err := anchor.trust()
			if err != nil {
				return err
			}
			data, err := readBundle(cmd, args[0])
			if err != nil {
				return err
			}
			ns, err := resultsNamespace(anchor.namespace)
			if err != nil {
				return err
			}
			b, rep := bundle.Verify(data, bundle.Options{Trust: trust, Namespace: ns})
			if b == nil {
				last := rep.Checks[len(rep.Checks)-1]
				return fmt.Errorf("%s: %s: %s; it is not opened", args[0], last.Name, safetext.Sanitize(last.Detail))
			}
			// Checked after the bundle, so that a refused bundle is
			// refused wherever the command runs.
			in, inOK := cmd.InOrStdin().(*os.File)
			out, outOK := cmd.OutOrStdout().(*os.File)
			if !inOK || !outOK || !term.IsTerminal(in.Fd()) || !term.IsTerminal(out.Fd()) {
				return errors.New("this command needs a terminal; for scripts, use booth verify FILE")
			}
			_, err = tea.NewProgram(boothui.NewOffline(b, rep, i18n.FromEnv(os.Environ())), tea.WithInput(in), tea.WithOutput(out)).Run()
			return err
		},
	}
	anchor.register(cmd)
	return cmd
}
