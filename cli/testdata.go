package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
)

// refuseTestData stops booth serve on a test or demo database (issue 10
// item 3): there any officer's shell casts for any member with `booth
// cast`, so members voting on it would not be the only ones voting. The
// demo serves its own data itself.
func refuseTestData(cmd *cobra.Command, svc *models.Service) error {
	test, err := svc.TestData(cmd.Context())
	if err != nil {
		return fmt.Errorf("reading whether the database in %s holds test data: %w", dataDir(cmd), err)
	}
	if test {
		return fmt.Errorf("refusing to serve the database in %s: it was created as test or demo data, where `booth cast` casts for any member, so no real election may run on it; serve a real election from a data directory of its own (--data or $%s), or show the demo with `booth demo --data %s`",
			dataDir(cmd), dataDirEnv, dataDir(cmd))
	}
	return nil
}

// warnTestData warns an officer creating an election in a test or demo
// database that it can only ever be a trial: `booth cast` casts for any
// member there and `booth serve` refuses it. Creating goes on, since
// trying the commands out on the demo's data is what the demo is for.
func warnTestData(cmd *cobra.Command, svc *models.Service) error {
	test, err := svc.TestData(cmd.Context())
	if err != nil {
		return fmt.Errorf("reading whether the database in %s holds test data: %w", dataDir(cmd), err)
	}
	if test {
		fmt.Fprintf(cmd.ErrOrStderr(), "booth: warning: the database in %s was created as test or demo data: `booth cast` casts for any member there and `booth serve` refuses to serve it, so this election is only a trial; create a real election in a data directory of its own\n", dataDir(cmd))
	}
	return nil
}
