package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
)

// The election commands define an election from its TOML file and take it
// through its life: create, edit, open, close, and the turnout and roll on
// the way. Counting and publishing are in election_count.go and election_publish.go.

func newElectionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "election",
		Short: "Define elections and run them: create, edit, open, close, turnout, roll",
		Long: `An election is defined in a TOML file (see examples/board-2026.toml and the
README). 'create' checks the file and stores the election as a draft; a draft
can be edited until it opens. It opens at opens_at (or with 'open'): the
definition's fingerprint is recorded and the electorate frozen. It closes at
its effective close (closes_at, moved on while a turnout quorum with
extensions is not met) or with 'close'; the close then scrubs the database of
the order ballots arrived in, and until that is done the election shows as
"closed, not scrubbed" and is not counted ('compact' finishes it). Times are
shown in UTC.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(creating(newElectionCreateCmd()), newElectionEditCmd(), newElectionListCmd(), newElectionShowCmd(),
		newElectionOpenCmd(), newElectionCloseCmd(), newElectionTurnoutCmd(), newElectionRollCmd(),
		newElectionWithdrawCmd(), newElectionCompactCmd(), newElectionCancelCmd())
	addCountCommands(cmd)
	cmd.AddCommand(newElectionPublishCmd())
	completeFirstArg(cmd, electionIDs, "ID", "ELECTION")
	return cmd
}

// readDefinition reads and checks a definition file; statement files are
// read relative to its directory. Problems come back one per line as
// FILE:LINE: reason.
func readDefinition(path, outcome string) (models.Definition, error) {
	data, err := readLimited(path, models.MaxDefinitionBytes)
	if err != nil {
		return models.Definition{}, err
	}
	dir := filepath.Dir(path)
	readFile := func(rel string) ([]byte, error) {
		return readLimited(filepath.Join(dir, rel), models.MaxStatementBytes)
	}
	// Relative times ("+1h") count from now, as the officer runs the command.
	d, err := models.ParseDefinitionAt(path, data, readFile, time.Now())
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return models.Definition{}, memberFileProblems(ve, outcome)
	}
	return d, err
}

// readLimited reads at most limit+1 bytes, so the parser can say the file
// is too large without booth reading all of it.
func readLimited(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, int64(limit)+1))
}

func newElectionCreateCmd() *cobra.Command {
	var keyOut string
	cmd := &cobra.Command{
		Use:   "create FILE [--key-out PATH]",
		Short: "Check an election definition and store it as a draft, with its tally key",
		Long: `Check the definition FILE, report every problem with its line, and store the
election as a draft. Unless the definition names the officers' SSH keys as
recipients, booth generates the election's tally key: the public half seals
ballots, the private half is written once to --key-out (default ./ID.tally-key,
mode 0600) and booth keeps no copy. Keep it offline: it is needed to count.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := readDefinition(args[0], "nothing was created")
			if err != nil {
				return err
			}
			if keyOut == "" {
				keyOut = d.ID + ".tally-key"
			}
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				e, msg, err := svc.CreateElection(ctx, d, keyOut, actor())
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				fmt.Fprintf(out, "created draft election %s: %s\n", e.ID, safetext.Show(e.Title))
				fmt.Fprintf(out, "opens %s, closes %s\n", utc(e.OpensAt), utc(e.ClosesAt))
				if _, err := fmt.Fprintln(out, msg); err != nil {
					return err
				}
				return warnTestData(cmd, svc)
			})
		},
	}
	cmd.Flags().StringVar(&keyOut, "key-out", "", "where to write the tally key (default ./ID.tally-key; never overwritten)")
	return cmd
}

func newElectionEditCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "edit FILE",
		Short: "Replace a draft election's definition with FILE (refused once it has opened)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := readDefinition(args[0], "nothing was changed")
			if err != nil {
				return err
			}
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				if _, err := findElection(ctx, svc, d.ID); err != nil {
					return err
				}
				if err := svc.EditElection(ctx, d, actor()); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "updated draft election %s: %s\n", d.ID, safetext.Show(d.Title))
				return err
			})
		},
	}
}

// findOpened loads an election that has an electorate: one that has
// opened.
func findOpened(ctx context.Context, svc *models.Service, id string) (models.Election, error) {
	e, err := findElection(ctx, svc, id)
	if err == nil && e.State == models.Draft {
		err = fmt.Errorf("election %s is a draft: its electorate is fixed when it opens (%s)", e.ID, utc(e.OpensAt))
	}
	return e, err
}

// findElection loads an election, saying what to do when it is missing.
func findElection(ctx context.Context, svc *models.Service, id string) (models.Election, error) {
	e, err := svc.Election(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return e, fmt.Errorf("no election %q: 'booth election list' shows the elections, 'booth election create FILE' adds one", id)
	}
	return e, err
}

// period shows a quorum extension as people write it: "3 days", "36h",
// "90m".
func period(d time.Duration) string {
	switch day := 24 * time.Hour; {
	case d == day:
		return "1 day"
	case d%day == 0:
		return fmt.Sprintf("%d days", d/day)
	}
	s := d.String()
	s, _ = strings.CutSuffix(s, "0s")
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// utc shows a time in UTC, as every front end does.
func utc(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func newElectionListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the elections with their state and times (UTC)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				es, err := svc.Elections(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					list := make([]models.ElectionSummary, len(es))
					for i, e := range es {
						list[i] = models.NewElectionSummary(e)
					}
					return safetext.WriteJSON(cmd.OutOrStdout(), list)
				}
				if len(es) == 0 {
					_, err := fmt.Fprintln(cmd.OutOrStdout(), "no elections yet: define one in a TOML file and run 'booth election create FILE'")
					return err
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tSTATE\tOPENS (UTC)\tCLOSES (UTC)\tTITLE")
				for _, e := range es {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", e.ID, stateText(e), utc(e.OpensAt), utc(e.VotingEnd()), safetext.Show(e.Title))
				}
				return w.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newElectionOpenCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "open ID",
		Short: "Open a draft election now: record its fingerprint and freeze the electorate",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				draft, err := findElection(ctx, svc, args[0])
				if err != nil {
					return err
				}
				if err := svc.OpenElection(ctx, args[0], actor()); err != nil {
					return err
				}
				e, err := svc.Election(ctx, args[0])
				if err != nil {
					return err
				}
				t, err := svc.Turnout(ctx, e.ID)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				fmt.Fprintf(out, "election %s is open; electorate frozen at %s\n", e.ID, countOf(t.Electorate, "member"))
				fmt.Fprintf(out, "fingerprint: %s\n", e.Fingerprint)
				if e.OpensAt.Before(draft.OpensAt) {
					fmt.Fprintf(out, "opened before its opening time %s: voting opens now, and the definition's opening time moved to %s (audited)\n",
						utc(draft.OpensAt), utc(e.OpensAt))
				}
				_, err = fmt.Fprintf(out, "closes %s\n", utc(e.EffectiveClose()))
				return err
			})
		},
	}
}

func newElectionCloseCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "close ID",
		Short: "Close an open election now; its ballot box is rewritten in receipt-hash order",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				if _, err := findElection(ctx, svc, args[0]); err != nil {
					return err
				}
				closeErr := svc.CloseElection(ctx, args[0], actor())
				if closeErr != nil && !errors.Is(closeErr, models.ErrNotScrubbed) {
					return closeErr
				}
				t, err := svc.Turnout(ctx, args[0])
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				fmt.Fprintf(out, "election %s is closed: %d of %s voted\n", args[0], t.Voted, countOf(t.Electorate, "member"))
				if err := printAuditHead(ctx, out, svc); err != nil {
					return err
				}
				if closeErr != nil {
					// Closed, but not scrubbed: the error says what to do.
					return closeErr
				}
				_, err = fmt.Fprintf(out, "its storage is scrubbed; count it with '%s'\n", countCommand(ctx, svc, args[0]))
				return err
			})
		},
	}
}

func newElectionTurnoutCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "turnout ID [--json]",
		Short: "How many of the electorate have voted, and whether the quorum is met",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				e, err := findOpened(ctx, svc, args[0])
				if err != nil {
					return err
				}
				t, err := svc.Turnout(ctx, e.ID)
				if err != nil {
					return err
				}
				if asJSON {
					return safetext.WriteJSON(cmd.OutOrStdout(), models.NewTurnoutSummary(e, t))
				}
				_, err = fmt.Fprint(cmd.OutOrStdout(), turnoutText(e, t))
				return err
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// turnoutText is the turnout against the quorum, e.g. "voted: 120 of 200
// members (60.0%)\nquorum: 50% — met\n".
func turnoutText(e models.Election, t models.Turnout) string {
	var b strings.Builder
	pct := 0.0
	if t.Electorate > 0 {
		pct = 100 * float64(t.Voted) / float64(t.Electorate)
	}
	fmt.Fprintf(&b, "voted: %d of %s (%.1f%%)\n", t.Voted, countOf(t.Electorate, "member"), pct)
	q := e.Quorum
	switch {
	case q.Percent == 0:
		b.WriteString("quorum: none\n")
	case t.Electorate == 0:
		fmt.Fprintf(&b, "quorum: %d%% — not met: nobody is on the roll\n", q.Percent)
	case q.QuorumMet(t):
		fmt.Fprintf(&b, "quorum: %d%% — met\n", q.Percent)
	default:
		need := (q.Percent*t.Electorate + 99) / 100
		fmt.Fprintf(&b, "quorum: %d%% — not met: %s needed", q.Percent, countOf(need-t.Voted, "more ballot"))
		if q.Extend > 0 {
			fmt.Fprintf(&b, "; the close moves on by %s at a time until it is met", period(q.Extend))
		}
		b.WriteString("\n")
	}
	if e.Extensions > 0 {
		fmt.Fprintf(&b, "extended: %d times; closes %s\n", e.Extensions, utc(e.EffectiveClose()))
	}
	return b.String()
}

func newElectionCancelCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "cancel ID",
		Short: "Give up a draft or open election that has no ballot: its roll and tally key record are discarded",
		Long: `Cancel an election nobody has voted in: a draft, or an open election without
a ballot (one opened by mistake, or whose definition was wrong). Its roll and
the record of what ballots were sealed to are discarded, and it stays in
'booth election list' as cancelled, for the record; members no longer see
it. An election with ballots cannot be cancelled: close and count it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				e, err := findElection(ctx, svc, args[0])
				if err != nil {
					return err
				}
				if err := svc.CancelElection(ctx, e.ID, actor()); err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				fmt.Fprintf(out, "election %s cancelled: its roll and the record of its tally key are discarded (audited)\n", e.ID)
				if len(e.Definition.Recipients) == 0 {
					_, err = fmt.Fprintln(out, "its tally key file, if you still have it, seals and opens nothing: delete it")
				}
				return err
			})
		},
	}
}

func newElectionRollCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "roll ID [--json]",
		Short: "List the election's electorate: the members who may vote in it",
		Long: `List the electorate frozen when the election opened, by member id and name.
It does not say who has voted: 'turnout' gives the count.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				e, err := findOpened(ctx, svc, args[0])
				if err != nil {
					return err
				}
				return printRoll(ctx, cmd.OutOrStdout(), svc, e.ID, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// rollMemberJSON is one member of the electorate in `roll --json`.
type rollMemberJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// printRoll lists the electorate by id and name only: whether each member
// voted is deliberately left out.
func printRoll(ctx context.Context, w io.Writer, svc *models.Service, id string, asJSON bool) error {
	roll, err := svc.Roll(ctx, id)
	if err != nil {
		return err
	}
	members, err := svc.Members(ctx)
	if err != nil {
		return err
	}
	names := make(map[string]string, len(members))
	for _, m := range members {
		names[m.ID] = m.Name
	}
	list := make([]rollMemberJSON, len(roll))
	for i, r := range roll {
		list[i] = rollMemberJSON{ID: r.MemberID, Name: names[r.MemberID]}
	}
	slices.SortFunc(list, func(a, b rollMemberJSON) int { return strings.Compare(a.ID, b.ID) })
	if asJSON {
		return safetext.WriteJSON(w, list)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME")
	for _, m := range list {
		fmt.Fprintf(tw, "%s\t%s\n", m.ID, safetext.Show(m.Name))
	}
	fmt.Fprintf(tw, "%s\n", countOf(len(list), "member"))
	return tw.Flush()
}

func newElectionWithdrawCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "withdraw ID CANDIDATE",
		Short: "Withdraw a candidate; the count skips them as BLT's withdrawn candidates are",
		Long: `Withdraw a candidate from an election before it closes. Ballots can no longer
choose them; ballots already cast that rank them skip them when counted, as
BLT's withdrawn candidates are. The withdrawal is recorded in the audit log.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				e, err := findElection(ctx, svc, args[0])
				if err != nil {
					return err
				}
				name, err := svc.WithdrawCandidate(ctx, e.ID, args[1], actor())
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "candidate %s (%s) withdrawn from election %s\n", args[1], safetext.Show(name), e.ID)
				return err
			})
		},
	}
}

func newElectionCompactCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "compact ID",
		Short: "Finish a closed election's scrub: clear the order its ballots arrived in from the database",
		Long: `The close rewrites the election's ballot box and roll in key order and then
scrubs the database of the order in which ballots arrived (SQLite: empties
the write-ahead log and vacuums the file; PostgreSQL: VACUUM FULL once older
transactions have ended). Another reader of the database (an sqlite3 shell,
a backup, an open psql transaction) can hold that up: the election is then
"closed, not scrubbed" ('booth election show' says so) and is not counted,
exported or published. Every booth command and the server retry the scrub;
'compact' retries it now, waiting up to a minute for the other readers, and
says whether it is done. It can be run again at any time after the close.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// No tick first: its quick retry would only warn about what
			// this command is about to do at length.
			svc, err := newService(cmd)
			if err != nil {
				return err
			}
			defer svc.Close()
			ctx := cmd.Context()
			e, err := findElection(ctx, svc, args[0])
			if err != nil {
				return err
			}
			wasPending, err := svc.Compact(ctx, e.ID, actor())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if !wasPending {
				_, err = fmt.Fprintf(out, "election %s was scrubbed already; the database was compacted again\n", e.ID)
				return err
			}
			fmt.Fprintf(out, "election %s is scrubbed: the database no longer shows the order in which its ballots arrived\n", e.ID)
			if e.State == models.Closed {
				fmt.Fprintf(out, "count it with '%s'\n", countCommand(ctx, svc, e.ID))
			}
			return nil
		},
	}
}

// stateText is an election's state for the officer: a closed (or counted)
// election says whether its storage was scrubbed.
func stateText(e models.Election) string {
	switch {
	case e.State != models.Closed && e.State != models.Counted:
		return string(e.State)
	case e.ScrubPending:
		return string(e.State) + ", not scrubbed"
	}
	return string(e.State) + ", scrubbed"
}
