package main

import (
	"errors"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	boothui "vote.example.org/booth/booth"
	"vote.example.org/booth/models/bundle"
)

func newReviewCmd() *cobra.Command {
	var signer string
	cmd := &cobra.Command{
		Use:   "review FILE [--signer FINGERPRINT]",
		Short: "Open a published results bundle in the booth, offline",
		Long: `Open a results bundle that booth election publish wrote in the booth's
terminal screens, on this machine, with no network and no data directory:
whether its signature is valid (and by which host key: compare the
fingerprint with the one the officers published, or give it with
--signer), whether the definition matches its fingerprint, whether a local
recount of the ledger matches the published result, the result with every
round, and a lookup that finds your ballot by its receipt. For scripts,
use booth verify.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] == "-" {
				return errors.New("review reads the keyboard from standard input, so the bundle must be a file")
			}
			in, inOK := cmd.InOrStdin().(*os.File)
			out, outOK := cmd.OutOrStdout().(*os.File)
			if !inOK || !outOK || !term.IsTerminal(in.Fd()) || !term.IsTerminal(out.Fd()) {
				return errors.New("this command needs a terminal; for scripts, use booth verify FILE")
			}
			data, err := readBundle(cmd, args[0])
			if err != nil {
				return err
			}
			b, rep := bundle.Verify(data, bundle.Options{Signer: signer})
			if b == nil {
				return fmt.Errorf("%s: %s", args[0], boothui.Sanitize(rep.Checks[0].Detail))
			}
			_, err = tea.NewProgram(boothui.NewOffline(b, rep), tea.WithInput(in), tea.WithOutput(out)).Run()
			return err
		},
	}
	cmd.Flags().StringVar(&signer, "signer", "", "the host key fingerprint the officers published (SHA256:…)")
	return cmd
}
