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
	"vote.example.org/booth/models/safetext"
)

func newReviewCmd() *cobra.Command {
	var anchor anchorFlags
	var html string
	cmd := &cobra.Command{
		Use:   "review FILE (--signer FINGERPRINT | --allowed-signers FILE | --host HOST[:PORT]) [--html OUT.html]",
		Short: "Open a published results bundle in the booth, offline",
		Long: `Open a results bundle that booth election publish wrote in the booth's
terminal screens, on this machine, with no network and no data directory:
whether its signature is valid and by a key you trust, whether the
definition matches its fingerprint, whether a local recount of the ledger
matches the published result, the result with every round, and a lookup
that finds your ballot by its receipt. A bundle whose signature fails, or
that is not as booth writes it, is not opened. For scripts, use booth
verify.

With --html OUT.html, review writes the same checks and results as one
self-contained web page instead, for people who will not open a terminal:
the checks at the top, the elected, the turnout, every round as a table and
as bars, the method in words, how to check the bundle yourself, and a
receipt lookup that runs in the page on the ledger it holds. A bundle that
fails a check still gets its page, which says why at its top and shows
nothing else of it; the exit status is then 1.

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
			if html != "" {
				if err := checkPageFree(html); err != nil {
					return err
				}
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
			if html != "" {
				return reviewPage(cmd, args[0], html, ns, b, rep)
			}
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
			_, err = tea.NewProgram(boothui.NewOffline(b, rep), tea.WithInput(in), tea.WithOutput(out)).Run()
			return err
		},
	}
	anchor.register(cmd)
	cmd.Flags().StringVar(&html, "html", "", htmlUsage)
	return cmd
}

// reviewPage writes the page of a checked bundle and says where; a bundle
// that did not pass is an error, after its page is written so an officer
// can read there why.
func reviewPage(cmd *cobra.Command, file, html, ns string, b *bundle.Bundle, rep bundle.Report) error {
	if err := writePage(html, file, ns, b, rep); err != nil {
		return err
	}
	if b == nil || !rep.OK {
		for _, c := range rep.Checks {
			if c.Status != bundle.StatusOK && c.Status != bundle.StatusSkipped {
				return fmt.Errorf("%s: %s: %s; %s says so at its top and shows none of the bundle's results", file, c.Name, safetext.Sanitize(c.Detail), html)
			}
		}
		return fmt.Errorf("%s did not pass its checks; %s says so at its top", file, html)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "results page of %s written to %s\n", safetext.Sanitize(rep.Election), html)
	return nil
}
