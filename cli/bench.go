package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"vote.example.org/booth/ssh/loadtest"
)

func newBenchCmd() *cobra.Command {
	bench := &cobra.Command{
		Use:   "bench",
		Short: "Measure booth on this machine",
	}
	bench.AddCommand(newBenchSSHCmd(), newBenchCastCmd())
	return bench
}

func newBenchSSHCmd() *cobra.Command {
	var c loadtest.SSHConfig
	cmd := &cobra.Command{
		Use:   "ssh",
		Short: "Measure a booth server with real SSH sessions: memory, idle CPU, bytes, keystroke latency",
		Long: `Starts 'booth serve' as a separate process on a throw-away data directory
with generated members, opens --sessions interactive SSH sessions (80×24 PTY)
that each show the booth, and reports, read from the server process alone:
resident memory per idle session, CPU used by the idle sessions, the bytes
of the first screen and of a cursor move, and keystroke-to-screen latency
(p50, p99) with --typists sessions and then all sessions typing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if c.Sessions < 1 || c.Typists < 1 || c.Typists > c.Sessions {
				return fmt.Errorf("--sessions must be at least 1 and --typists between 1 and --sessions")
			}
			if c.ProfileDir != "" {
				// Found out now, not after a minute of load.
				if err := os.MkdirAll(c.ProfileDir, 0o755); err != nil {
					return fmt.Errorf("--profile: %w", err)
				}
			}
			var err error
			if c.Booth, err = os.Executable(); err != nil {
				return err
			}
			return loadtest.RunSSH(cmd.Context(), cmd.OutOrStdout(), c)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&c.Sessions, "sessions", 1000, "idle sessions to open")
	fl.IntVar(&c.Typists, "typists", 200, "sessions typing at once in the first latency run")
	fl.DurationVar(&c.Idle, "idle", 10*time.Second, "how long to measure idle CPU")
	fl.DurationVar(&c.Typing, "typing", 10*time.Second, "how long each latency run types")
	fl.StringVar(&c.ProfileDir, "profile", "", "save the server's CPU profiles of the idle and typing phases and its heap profile when idle (*.pprof) in this directory")
	return cmd
}

func newBenchCastCmd() *cobra.Command {
	var c loadtest.CastConfig
	cmd := &cobra.Command{
		Use:   "cast",
		Short: "Measure durable casts per second through real SSH front ends, and check that every ballot is kept once",
		Long: `Seeds --members members and one open Schulze election in a throw-away data
directory (and, with --db, in that PostgreSQL database, which must be empty
and throw-away too), starts --front-ends 'booth serve' processes sharing the
store and one host key, and has every member cast a ballot with 'ssh HOST
cast' through one front end while a duplicate of it goes through another at
the same moment. It reports casts per second, then checks the box: one
ballot per member, as many roll marks as ballots, every returned receipt's
ballot present, and the booth's count equal to a count of the ballots the
members cast. --kill kills the first front end with SIGKILL half-way.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if c.Members < 1 || c.FrontEnds < 1 || c.InFlight < 1 {
				return errors.New("--members, --front-ends and --in-flight must be at least 1")
			}
			c.DSN, _ = dbAddress(cmd)
			var err error
			if c.Booth, err = os.Executable(); err != nil {
				return err
			}
			r, err := loadtest.RunCast(cmd.Context(), cmd.OutOrStdout(), c)
			if err != nil {
				return err
			}
			if bad := r.Problems(c); len(bad) > 0 {
				return fmt.Errorf("the box is wrong:\n  %s", strings.Join(bad, "\n  "))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&c.Members, "members", 1000, "members who cast")
	fl.IntVar(&c.FrontEnds, "front-ends", 2, "booth serve processes sharing the store")
	fl.IntVar(&c.InFlight, "in-flight", 64, "members casting at the same moment")
	fl.BoolVar(&c.Kill, "kill", false, "kill the first front end with SIGKILL half-way through")
	fl.String("db", "", "a throw-away PostgreSQL database (postgres://…); default: SQLite")
	return cmd
}
