package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
)

// The officers' side of nominations: list them (with the supporters,
// published or not), reject or reinstate one with a reason the nominee is
// shown, extend a period that closed short, or close one that is due.

func newNominationsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "nominations",
		Short: "List, reject, reinstate or extend an election's nominations",
		Long: `An election whose definition has nominations_open and nominations_close takes
its candidates from the members: members nominate members (ssh HOST nominate
ELECTION MEMBER), nominees accept with a statement or decline, and at
nominations_close the accepted nominees with enough supporters become the
candidates; the definition is final from then on. With fewer accepted
nominees than seats the election is not opened: extend the period.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var asJSON bool
	list := &cobra.Command{
		Use:   "list ELECTION [--json]",
		Short: "List an election's nominations with their supporters and states",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				e, ns, err := svc.Nominations(ctx, args[0], true)
				if err != nil {
					return err
				}
				if asJSON {
					out := make([]models.NominationSummary, len(ns))
					for i, n := range ns {
						out[i] = models.NewNominationSummary(n)
					}
					return safetext.WriteJSON(cmd.OutOrStdout(), out)
				}
				return models.WriteNominations(cmd.OutOrStdout(), e, ns)
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print the nominations as JSON")
	cmd.AddCommand(list, newNominationDecisionCmd(models.Reject), newNominationDecisionCmd(models.Reinstate),
		newNominationsExtendCmd(), newNominationsCloseCmd())
	return cmd
}

func newNominationDecisionCmd(a models.NominationAction) *cobra.Command {
	var reason string
	short := map[models.NominationAction]string{
		models.Reject:    "Reject a nomination, with a reason the nominee is shown (audited)",
		models.Reinstate: "Reinstate a rejected nomination: pending again, the nominee answers anew (audited)",
	}[a]
	cmd := &cobra.Command{
		Use:   string(a) + " ELECTION MEMBER --reason TEXT",
		Short: short,
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				n, err := svc.DecideNomination(ctx, args[0], args[1], a, strings.TrimSpace(reason), actor())
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "the nomination of %s in %s is now %s\n", n.NomineeID, args[0], n.State)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why, shown to the nominee and in the audit log (required)")
	return cmd
}

func newNominationsExtendCmd() *cobra.Command {
	var until string
	cmd := &cobra.Command{
		Use:   "extend ELECTION --until TIME",
		Short: "Move the close of an election's nominations, before its opening (audited)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := time.Parse(time.RFC3339, strings.TrimSpace(until))
			if err != nil {
				return fmt.Errorf("--until %q: give a time with its zone, like 2026-05-20T09:00:00Z", until)
			}
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				if err := svc.ExtendNominations(ctx, args[0], t, actor()); err != nil {
					return err
				}
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "nominations for %s now close %s\n", args[0], t.UTC().Format(time.RFC3339))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&until, "until", "", "the new close, e.g. 2026-05-20T09:00:00Z (required)")
	return cmd
}

func newNominationsCloseCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "close ELECTION",
		Short: "Close due nominations now, making the accepted nominees the candidates",
		Long: `The clock closes nominations at nominations_close by itself (every command and
booth serve apply it); this does it by hand once that time has passed.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				e, err := svc.Election(ctx, args[0])
				if err != nil {
					return err
				}
				if e.Nominations == nil || !e.Nominations.Closed {
					if err := svc.CloseNominations(ctx, args[0], actor()); err != nil {
						return err
					}
					if e, err = svc.Election(ctx, args[0]); err != nil {
						return err
					}
				}
				ids := make([]string, len(e.Candidates))
				for i, c := range e.Candidates {
					ids[i] = c.ID
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "nominations for %s closed: candidates %s; fingerprint %s\n", e.ID, strings.Join(ids, ", "), e.Definition.Fingerprint())
				return err
			})
		},
	}
}
