package postgres

import (
	"fmt"
	"os"
	"testing"
)

// TestMain runs the PostgreSQL suite only against a server: without one
// it says so, in the words go test shows for a package even without -v
// ("ok … [no tests to run]"), rather than passing a suite of skips.
func TestMain(m *testing.M) {
	if os.Getenv(TestServerEnv) == "" {
		fmt.Printf("PostgreSQL suite not run: set %s=postgres:///postgres?host=/var/run/postgresql (.ci/run does)\n", TestServerEnv)
		fmt.Println("testing: warning: no tests to run")
		fmt.Println("PASS")
		os.Exit(0)
	}
	os.Exit(m.Run())
}
