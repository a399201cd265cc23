package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
)

// The foundation's membership rules and the officers' renewals and lapses.
// The rules live in the store, not in a file: every front end on the
// database (several booth serve processes, the officers' commands) then
// applies the same rules, and each change is in the audit chain.

func newFoundationCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "foundation",
		Short: "Set or show the membership rules: term, renewal window, grace",
		Long: `Memberships last a term (in months) from joining and from each renewal. Members
renew themselves (ssh HOST renew, or the booth's home screen) in the renewal
window before their term ends and in the grace after it, during which they
stay in good standing. After the grace their membership has lapsed: only the
officers renew it (booth member renew). Only members in good standing are
frozen into an electorate, and elections may require it to nominate.
Without rules (term 0), memberships do not expire.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var f models.Foundation
	set := &cobra.Command{
		Use:   "set --term-months N --window-days N --grace-days N",
		Short: "Set the membership rules (audited)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.Check(); err != nil {
				return err
			}
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				if err := svc.SetFoundation(ctx, f, actor()); err != nil {
					return err
				}
				return printFoundation(cmd, f)
			})
		},
	}
	set.Flags().IntVar(&f.TermMonths, "term-months", 12, "how long a membership lasts, in months (0: memberships do not expire)")
	set.Flags().IntVar(&f.WindowDays, "window-days", 30, "how many days before the end of a term a member may renew")
	set.Flags().IntVar(&f.GraceDays, "grace-days", 14, "how many days after the end of a term a member stays in good standing and may still renew")
	show := &cobra.Command{
		Use:   "show",
		Short: "Show the membership rules",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				f, err := svc.Foundation(ctx)
				if err != nil {
					return err
				}
				return printFoundation(cmd, f)
			})
		},
	}
	cmd.AddCommand(creating(set), show)
	return cmd
}

func printFoundation(cmd *cobra.Command, f models.Foundation) error {
	if !f.Tracked() {
		_, err := fmt.Fprintln(cmd.OutOrStdout(), "Memberships do not expire (no term set): every active member is in good standing.")
		return err
	}
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Term:\t%d months\n", f.TermMonths)
	fmt.Fprintf(tw, "Renewal window:\t%d days before the end of a term\n", f.WindowDays)
	fmt.Fprintf(tw, "Grace:\t%d days after it\n", f.GraceDays)
	return tw.Flush()
}

func newMemberRenewCmd() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "renew ID --reason TEXT",
		Short: "Renew a member's membership by one term, at any time (audited)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				if _, err := findMember(ctx, svc, args[0]); err != nil {
					return err
				}
				m, err := svc.RenewByOfficer(ctx, args[0], strings.TrimSpace(reason), actor())
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "member %s (%s) renewed: in good standing until %s\n", m.ID, safetext.Show(m.Name), m.GoodUntil.UTC().Format("2006-01-02"))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why, for the audit log (required)")
	return cmd
}

func newMemberLapseCmd() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "lapse ID --reason TEXT",
		Short: "End a member's good standing now; only an officer renews it (audited)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withMemberStore(cmd, func(ctx context.Context, svc *models.Service) error {
				if _, err := findMember(ctx, svc, args[0]); err != nil {
					return err
				}
				m, err := svc.Lapse(ctx, args[0], strings.TrimSpace(reason), actor())
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "member %s (%s) lapsed: no longer in good standing\n", m.ID, safetext.Show(m.Name))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why, for the audit log (required)")
	return cmd
}

// parseDay reads a date flag: 2025-03-01 (midnight UTC) or an RFC 3339
// time; "" is the zero time (the default applies).
func parseDay(flag, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, errors.New(flag + " " + fmt.Sprintf("%q", s) + ": give a date like 2025-03-01 or a time like 2025-03-01T09:00:00Z")
}
