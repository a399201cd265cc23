package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
)

// testDataMarker is the file booth demo leaves in its data directory, a
// note for people. It proves nothing: booth cast casts only in a database
// created as test or demo data (sqlite.OpenTestData), a mark kept inside
// the database and never set on an existing one.
const testDataMarker = "TEST-DATA-ONLY"

// maxBallotText bounds what booth cast reads from standard input: the
// ballot limit the SSH cast applies too.
const maxBallotText = models.MaxBallotBytes

// newCastCmd is the command-line cast for tests and the demo. It is hidden
// and not in the officer's guide.
func newCastCmd() *cobra.Command {
	var member string
	cmd := &cobra.Command{
		Use:    "cast ELECTION --member ID < BALLOT",
		Short:  "Cast a ballot for a member (test and demo databases only)",
		Hidden: true,
		Long: `Cast the ballot read from standard input for a member, and print its receipt.
For tests and the demo only: it refuses to run unless the data directory's
database was created as test or demo data. Every such cast is audited.
Members vote with their own key.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if member == "" {
				return errors.New("--member is required")
			}
			if dsn, from := dbAddress(cmd); dsn != "" {
				return fmt.Errorf("refusing to cast: %s points at a PostgreSQL database, and casting for a member is only for test and demo data directories; members cast their own ballots over SSH", from)
			}
			text, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), maxBallotText+1))
			if err != nil {
				return fmt.Errorf("reading the ballot from standard input: %w", err)
			}
			if len(text) > maxBallotText {
				return fmt.Errorf("the ballot on standard input is longer than %d bytes", maxBallotText)
			}
			s, err := testDataService(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			return castFromText(cmd, s, args[0], member, string(text))
		},
	}
	cmd.Flags().StringVar(&member, "member", "", "the member casting (required)")
	return cmd
}

// testDataService opens the data directory's database for booth cast,
// refusing one that was not created as test or demo data, and applies the
// automatic lifecycle.
func testDataService(cmd *cobra.Command) (*models.Service, error) {
	dir := dataDir(cmd)
	if _, err := os.Stat(filepath.Join(dir, sqlite.DBFile)); err != nil {
		return nil, fmt.Errorf("refusing to cast: %s holds no booth database (%v); booth cast is for test and demo data directories", dir, err)
	}
	// The command has refused PostgreSQL already: this is the SQLite
	// store in dir.
	s, err := newService(cmd)
	if err != nil {
		return nil, err
	}
	test, err := s.TestData(cmd.Context())
	if err == nil && !test {
		err = fmt.Errorf("refusing to cast: the database in %s was not created as test or demo data (a %s file does not make it one); in a real election members cast their own ballots over SSH", dir, testDataMarker)
	}
	if err == nil {
		err = warnTick(cmd, s.Tick(cmd.Context()))
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// castFromText casts the ballot text for member and prints the receipt.
func castFromText(cmd *cobra.Command, s *models.Service, electionID, member, text string) error {
	receipt, err := s.CastTestBallot(cmd.Context(), electionID, member, text, actor())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", receipt)
	return err
}
