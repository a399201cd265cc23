package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
)

// booth election show: an election as the officer checks it before and
// while it runs, or as JSON for scripts.

func newElectionShowCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID [--json]",
		Short: "Show an election: definition, state, fingerprint, effective close",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				e, err := findElection(ctx, svc, args[0])
				if err != nil {
					return err
				}
				if asJSON {
					return safetext.WriteJSON(cmd.OutOrStdout(), models.NewElectionDetail(e))
				}
				_, err = fmt.Fprint(cmd.OutOrStdout(), showText(e))
				return err
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON, candidates' statements included")
	return cmd
}

// showText is an election for the officer's terminal.
func showText(e models.Election) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	line := func(k, format string, args ...any) { fmt.Fprintf(w, "%s:\t%s\n", k, fmt.Sprintf(format, args...)) }
	line("Election", "%s", e.ID)
	line("Title", "%s", safetext.Show(e.Title))
	line("State", "%s", stateText(e))
	if e.ScrubPending {
		line("Scrub", "the database may still show the order in which ballots arrived; nothing is counted or published until 'booth election compact %s' succeeds (every booth command retries it)", e.ID)
	}
	line("Method", "%s, %s: %s", e.Method, countOf(e.Seats, "seat"), e.MethodSentence())
	line("Opens", "%s", utc(e.OpensAt))
	closes := utc(e.ClosesAt)
	if e.Extensions > 0 {
		closes += fmt.Sprintf(", extended %d times by %s: %s", e.Extensions, period(e.Quorum.Extend), utc(e.EffectiveClose()))
	}
	line("Closes", "%s", closes)
	if !e.ClosedAt.IsZero() {
		closed := utc(e.ClosedAt)
		if e.ClosedAt.Before(e.EffectiveClose()) {
			closed += ", early: it was to close " + utc(e.EffectiveClose())
		}
		line("Closed", "%s", closed)
	}
	if !e.CancelledAt.IsZero() {
		line("Cancelled", "%s, before any ballot; its roll and tally key record were discarded", utc(e.CancelledAt))
	}
	switch q := e.Quorum; {
	case q.Percent == 0:
		line("Quorum", "none")
	case q.Extend > 0:
		line("Quorum", "%d%% of the electorate; until it is met the close moves on by %s at a time", q.Percent, period(q.Extend))
	default:
		line("Quorum", "%d%% of the electorate; a missed quorum is reported", q.Percent)
	}
	if e.JoinedBefore.IsZero() {
		line("Electorate", "every active member when it opens")
	} else {
		line("Electorate", "active members who joined before %s", utc(e.JoinedBefore))
	}
	if e.MemberFor > 0 {
		line("Member for", "at least %s when the electorate is frozen", models.Days(e.MemberFor))
	}
	if r := e.Nominations; r != nil {
		line("Nominations", "%s to %s; %s", utc(r.Opens), utc(r.Closes), yesNo(r.Closed, "closed: the candidates are final", "the candidates come from them"))
		line("  Rules", "%d supporter(s); self-nomination %s; nominees members for %s at the opening; nominators %s; %s",
			r.Supporters, yesNo(r.Self, "allowed", "not allowed"), models.Days(r.NomineeMemberFor),
			yesNo(r.NominatorInGoodStanding, "in good standing", "any active member"), yesNo(r.PublishNominators, "nominators published", "nominators not published"))
	}
	line("Replacing", "%s", yesNo(e.AllowReplace, "allowed, with the ballot's receipt", "not allowed"))
	line("Ledger", "%s", yesNo(e.PublishLedger, "published after the close", "not published"))
	line("Tie seed", "%q", e.TieSeed)
	line("Sealed to", "%s", yesNo(len(e.Definition.Recipients) > 0, countOf(len(e.Recipients), "officer SSH key"), "the election's tally key"))
	if e.Fingerprint != "" {
		line("Fingerprint", "%s", e.Fingerprint)
	} else {
		line("Fingerprint", "recorded when it opens (the draft's is now %s)", e.Definition.Fingerprint())
	}
	w.Flush()
	b.WriteString("Candidates:\n")
	w = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, c := range e.Candidates {
		fmt.Fprintf(w, "  %s\t%s", c.ID, safetext.Show(c.Name))
		if c.Affiliation != "" {
			fmt.Fprintf(w, " (%s)", safetext.Show(c.Affiliation))
		}
		if slices.Contains(e.Withdrawn, c.ID) {
			w.Write([]byte("\t[withdrawn]"))
		}
		w.Write([]byte("\n"))
	}
	w.Flush()
	return b.String()
}

func yesNo(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}
