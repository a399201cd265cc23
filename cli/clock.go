package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
)

func newClockCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "clock",
		Short: "Check this machine's clock against the time the database recorded (SQLite)",
	}
	cmd.AddCommand(newClockAcceptCmd())
	return cmd
}

func newClockAcceptCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "accept",
		Short: "Set the database's recorded time back to this machine's clock, after a clock that ran ahead was corrected",
		Long: `An SQLite database records the latest time booth acted at and refuses a
local clock that has fallen more than a minute behind it: an election could
otherwise reopen, or take a ballot after its close. When the recorded time
is the wrong one (the clock ran ahead, booth wrote, then the clock was
corrected), every command is refused until the wrong time comes round.

Check the clock first (timedatectl status). This command prints both times,
then sets the recorded time back to the local clock and records that in the
audit log with both times. It refuses when the local clock is not behind,
and on PostgreSQL, which goes by the database server's clock.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// No tick and no scrub retry: both would be refused by the very
			// clock this command is for.
			st, err := storeFromFlags(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			clock, ok := st.(models.LocalClockStore)
			if !ok {
				return errors.New("this database is PostgreSQL, which goes by the database server's clock and records none: there is nothing to accept")
			}
			local, recorded, err := clock.RecordedTime(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "recorded time:        %s\nthis machine's clock: %s\n", recorded.Format(time.DateTime+" MST"), local.Format(time.DateTime+" MST"))
			local, recorded, err = clock.AcceptLocalClock(cmd.Context(), actor())
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "accepted this machine's clock: the recorded time went back by %s, to %s (audited as clock.accept)\n",
				recorded.Sub(local).Round(time.Second), local.Format(time.DateTime+" MST"))
			return nil
		},
	}
}
