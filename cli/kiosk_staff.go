package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
)

// The stand's staff are members with the staff role: they may issue kiosk
// codes over SSH with their own key (ssh HOST code issue MEMBER).

func newKioskStaffCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "staff",
		Short: "Grant or withdraw the staff role: staff issue kiosk codes over SSH",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newStaffSetCmd("add", true), newStaffSetCmd("remove", false), &cobra.Command{
		Use:   "list",
		Short: "List the members with the staff role",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				ids, err := svc.Staff(ctx)
				if err != nil {
					return err
				}
				if len(ids) == 0 {
					_, err := fmt.Fprintln(cmd.OutOrStdout(), "no staff: grant the role with 'booth kiosk staff add ID'")
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tSTATUS")
				for _, id := range ids {
					m, err := svc.Member(ctx, id)
					if err != nil {
						return err
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\n", m.ID, safetext.Show(m.Name), m.Status)
				}
				return tw.Flush()
			})
		},
	})
	return cmd
}

func newStaffSetCmd(verb string, staff bool) *cobra.Command {
	short := "Give a member the staff role: they may issue kiosk codes over SSH"
	if !staff {
		short = "Withdraw a member's staff role"
	}
	return &cobra.Command{
		Use:   verb + " ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				if _, err := findMember(ctx, svc, args[0]); err != nil {
					return err
				}
				m, err := svc.SetStaff(ctx, args[0], staff, actor())
				if err != nil {
					return err
				}
				msg := fmt.Sprintf("member %s (%s) is staff now: with their own key they may run 'ssh HOST code issue MEMBER [ELECTION]' and 'ssh HOST code history'", m.ID, safetext.Show(m.Name))
				if !staff {
					msg = fmt.Sprintf("member %s (%s) is no longer staff", m.ID, safetext.Show(m.Name))
				}
				_, err = fmt.Fprintln(cmd.OutOrStdout(), msg)
				return err
			})
		},
	}
}
