package cli

import (
	"os"
	"testing"
)

// runMainEnv makes this test binary act as booth itself, so that tests can
// run 'booth serve' as a separate process and kill it.
const runMainEnv = "BOOTH_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Exit(Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
