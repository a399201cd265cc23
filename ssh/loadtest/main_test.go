package loadtest_test

import (
	"os"
	"testing"

	"vote.example.org/booth/cli"
)

// runMainEnv makes this test binary act as booth itself, so that the
// benchmarks can run 'booth serve' from it as a separate process and kill
// it.
const runMainEnv = "BOOTH_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// actAsBooth returns this test binary's path for a benchmark's Booth and
// has the processes started from it act as booth.
func actAsBooth(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(runMainEnv, "1")
	return self
}
