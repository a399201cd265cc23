package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
)

// The code commands issue, list and revoke the one-time codes members vote
// with at the kiosk. A code is printed once, when issued; booth keeps only
// its hash, and lists codes by id (the start of that hash).

func newCodeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "code",
		Short: "One-time codes for voting at the kiosk: issue, list, revoke, investigate",
		Long: `A member without their key at hand votes at the kiosk with a one-time code:
staff check the member's badge and issue a code for them. A code is 10
characters (like K7QM-4XPD-92), works once, for one member, for a limited time
(15 minutes by default), and optionally for one election only. booth keeps
only its hash; the audit log records that a code was issued, not for whom.
Who issued a code for whom is sealed to the tally key of each election the
code opens: 'booth code investigate' reads it with that key. Staff issuing
over SSH are limited ('booth serve --code-rate'); officers here are not.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCodeIssueCmd(), newCodeListCmd(), newCodeRevokeCmd(), newCodeInvestigateCmd())
	return cmd
}

func newCodeIssueCmd() *cobra.Command {
	var member, election string
	var ttl time.Duration
	cmd := &cobra.Command{
		Use:   "issue --member ID [--election ID] [--ttl 15m]",
		Short: "Issue a one-time kiosk code for a member and print it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if member == "" {
				return errors.New("--member is required: the id of the member whose badge you checked")
			}
			if err := models.CheckCodeTTL(ttl); err != nil {
				return fmt.Errorf("--ttl: %w", err)
			}
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				ic, err := svc.IssueCode(ctx, member, election, ttl, actor())
				if err != nil {
					return issueError(err, member, election)
				}
				m, err := svc.Member(ctx, member)
				if err != nil {
					return err
				}
				return printIssued(cmd.OutOrStdout(), ic, m, ttl)
			})
		},
	}
	cmd.Flags().StringVar(&member, "member", "", "the member the code is for (required)")
	cmd.Flags().StringVar(&election, "election", "", "the one election the code opens (default: any of the member's open elections)")
	cmd.Flags().DurationVar(&ttl, "ttl", models.DefaultCodeTTL, "how long the code works")
	return cmd
}

func printIssued(w io.Writer, ic models.IssuedCode, m models.Member, ttl time.Duration) error {
	scope := "any of their open elections"
	if ic.ElectionID != "" {
		scope = "election " + ic.ElectionID + " only"
	}
	_, err := fmt.Fprintf(w, "%s\nkiosk code for member %s (%s), %s\nworks once, until %s (%s)\n",
		ic.Code, m.ID, safetext.Show(m.Name), scope, ic.Expires.UTC().Format("2006-01-02 15:04 UTC"), shortDuration(ttl))
	return err
}

// shortDuration writes whole minutes as 15m or 1h30m.
func shortDuration(d time.Duration) string {
	return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
}

// issueError says why no code was issued, and what to do.
func issueError(err error, member, election string) error {
	switch {
	case errors.Is(err, models.ErrNotFound) && election != "":
		return fmt.Errorf("no member %q or no election %q: see 'booth member list' and 'booth election list'", member, election)
	case errors.Is(err, models.ErrNotFound):
		return fmt.Errorf("no member %q: see 'booth member list' for the ids", member)
	case errors.Is(err, models.ErrInactive):
		return fmt.Errorf("%w: reinstate them first ('booth member reinstate %s') if they may vote", err, member)
	case errors.Is(err, models.ErrAlreadyVoted):
		return fmt.Errorf("member %s has already voted in %s: no code issued", member, election)
	case errors.Is(err, models.ErrNothingToVote):
		return fmt.Errorf("member %s has no open election left to vote in: no code issued", member)
	case errors.Is(err, models.ErrNotOnRoll):
		return fmt.Errorf("member %s is not on the roll of %s (members registered after it opened are not): no code issued", member, election)
	case errors.Is(err, models.ErrNotOpen):
		return fmt.Errorf("election %s is not open for voting: no code issued", election)
	}
	return err
}

// codeJSON is how code list --json shows a code: never the code itself,
// which booth does not keep.
type codeJSON struct {
	ID       string    `json:"id"`
	Member   string    `json:"member"`
	Election string    `json:"election,omitempty"`
	Expires  time.Time `json:"expires"`
}

func newCodeListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the codes not yet used, revoked or expired (ids, not the codes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				cs, err := svc.LiveCodes(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					out := make([]codeJSON, len(cs))
					for i, c := range cs {
						out[i] = codeJSON{c.ID(), c.MemberID, c.ElectionID, c.Expires.UTC()}
					}
					return safetext.WriteJSON(cmd.OutOrStdout(), out)
				}
				return printCodes(cmd.OutOrStdout(), cs, svc.Now())
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the codes as JSON")
	return cmd
}

func printCodes(w io.Writer, cs []models.KioskCode, now time.Time) error {
	if len(cs) == 0 {
		_, err := fmt.Fprintln(w, "no live kiosk codes")
		return err
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tMEMBER\tELECTION\tEXPIRES (UTC)")
	for _, c := range cs {
		election := c.ElectionID
		if election == "" {
			election = "any"
		}
		left := shortDuration(c.Expires.Sub(now).Round(time.Minute))
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s (in %s)\n", c.ID(), c.MemberID, election, c.Expires.UTC().Format("2006-01-02 15:04"), left)
	}
	return tw.Flush()
}

func newCodeRevokeCmd() *cobra.Command {
	var member string
	cmd := &cobra.Command{
		Use:   "revoke ID | --member ID",
		Short: "Revoke a code by its id (from 'booth code list'), or every code of a member",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(args) == 1) == (member != "") {
				return errors.New("give either a code id (see 'booth code list') or --member ID, not both")
			}
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				out := cmd.OutOrStdout()
				if member != "" {
					n, err := svc.RevokeMemberCodes(ctx, member, actor())
					if errors.Is(err, models.ErrNotFound) {
						return fmt.Errorf("no member %q: see 'booth member list' for the ids", member)
					}
					if err != nil {
						return err
					}
					_, err = fmt.Fprintf(out, "revoked %s of member %s\n", countOf(n, "kiosk code"), member)
					return err
				}
				c, err := svc.RevokeCode(ctx, args[0], actor())
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(out, "revoked kiosk code %s (member %s)\n", c.ID(), c.MemberID)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&member, "member", "", "revoke every live code of this member")
	return cmd
}
