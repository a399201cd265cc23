package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
)

// testDataMarker is the file that makes a data directory a test or demo
// one. booth cast refuses to run anywhere else: nobody casts for somebody
// else in a real election.
const testDataMarker = "TEST-DATA-ONLY"

// maxBallotText bounds what booth cast reads from standard input.
const maxBallotText = 64 << 10

// newCastCmd is the command-line cast for tests and the demo. It is hidden
// and not in the officer's guide.
func newCastCmd() *cobra.Command {
	var member string
	cmd := &cobra.Command{
		Use:    "cast ELECTION --member ID < BALLOT",
		Short:  "Cast a ballot for a member (test and demo data directories only)",
		Hidden: true,
		Long: `Cast the ballot read from standard input for a member, and print its receipt.
For tests and the demo only: it refuses to run unless the data directory
holds a file named ` + testDataMarker + `. Members vote with their own key.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if member == "" {
				return errors.New("--member is required")
			}
			if dsn, from := dbAddress(cmd); dsn != "" {
				return fmt.Errorf("refusing to cast: %s points at a PostgreSQL database, and casting for a member is only for test and demo data directories; members cast their own ballots over SSH", from)
			}
			dir := dataDir(cmd)
			if _, err := os.Stat(filepath.Join(dir, testDataMarker)); err != nil {
				return fmt.Errorf("refusing to cast: %s is not a test or demo data directory (it has no %s file); in a real election members cast their own ballots over SSH", dir, testDataMarker)
			}
			text, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), maxBallotText+1))
			if err != nil {
				return fmt.Errorf("reading the ballot from standard input: %w", err)
			}
			if len(text) > maxBallotText {
				return fmt.Errorf("the ballot on standard input is longer than %d bytes", maxBallotText)
			}
			s, err := tickedService(cmd)
			if err != nil {
				return err
			}
			defer s.Store.Close()
			return castFromText(cmd, s, args[0], member, string(text))
		},
	}
	cmd.Flags().StringVar(&member, "member", "", "the member casting (required)")
	return cmd
}

func castFromText(cmd *cobra.Command, s *models.Service, electionID, member, text string) error {
	e, err := s.Store.Election(cmd.Context(), electionID)
	if err != nil {
		return err
	}
	b, err := models.ParseBallot(e.Definition, e.Withdrawn, text)
	if err != nil {
		return err
	}
	receipt, err := s.CastBallot(cmd.Context(), electionID, member, b)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", receipt)
	return err
}
