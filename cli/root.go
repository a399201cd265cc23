// Package cli is booth's command line: the officers' commands, the
// server, kiosk and demo launchers, and the offline counter, reviewer and
// verifier. Each command parses its flags, calls models.Service (or tally,
// bundle, ssh) and prints; the rules live in those packages.
package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Run executes booth with args and returns the process's exit status, so
// tests can drive the whole command line in-process.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	if err != nil {
		// People see "booth count: problem", naming the command that failed,
		// and never a usage dump or a stack trace.
		fmt.Fprintf(stderr, "%s: %v\n", cmd.CommandPath(), err)
		return 1
	}
	return 0
}

// newRootCmd builds the booth command with all its subcommands.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "booth",
		Short:         "Run a foundation's elections: vote over SSH, count, publish, verify",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetVersionTemplate("booth {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
	})
	root.PersistentFlags().String("data", "", "data directory (default $"+dataDirEnv+", else ./booth-data)")
	root.PersistentFlags().String("db", "", "PostgreSQL database URL, postgres://USER@HOST/DATABASE (default $"+dbEnv+", else SQLite in the data directory)")
	root.AddCommand(newCountCmd(), newMemberCmd(), newElectionCmd(), newAuditCmd(), newCastCmd(), newServeCmd(), newHostkeyCmd(), newDemoCmd(), newBenchCmd())
	// Published results: offline checks that need no data directory.
	root.AddCommand(newVerifyCmd(), newReviewCmd())
	// The kiosk at a conference stand: its one-time codes and devices.
	root.AddCommand(newKioskCmd(), newCodeCmd(), newClockCmd())
	root.AddCommand(newNoticeCmd())
	root.AddCommand(newTrusteeCmd())
	root.AddCommand(newFoundationCmd(), newNominationsCmd())
	return root
}
