package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestServerEnv names the environment variable that points tests at a
// PostgreSQL server: a DSN for a database on it (such as postgres) as a
// role that may create databases. .ci/run sets it.
const TestServerEnv = "BOOTH_TEST_POSTGRES"

// TestDatabase creates an empty database with a random name for one test
// on the server TestServerEnv names, drops it when the test ends, and
// returns a DSN for it. Without the variable the test is skipped, saying
// so; with it, a server that cannot be reached fails the test, so CI never
// skips PostgreSQL silently.
func TestDatabase(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(TestServerEnv)
	if admin == "" {
		t.Skip("PostgreSQL suite not run: set " + TestServerEnv + "=postgres:///postgres?host=/var/run/postgresql (.ci/run does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("%s is set, but PostgreSQL cannot be reached: %s", TestServerEnv, oneLine(err))
	}
	defer conn.Close(ctx)
	name := "booth_test_" + strings.ToLower(rand.Text())
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("creating the test database %s: %s", name, oneLine(err))
	}
	t.Cleanup(func() { dropDatabase(t, admin, name) })
	dsn, err := withDatabase(admin, name)
	if err != nil {
		t.Fatalf("%s: %v", TestServerEnv, err)
	}
	return dsn
}

// dropDatabase drops a test's database, closing what the test left open.
func dropDatabase(t testing.TB, admin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Errorf("dropping the test database %s: %s", name, oneLine(err))
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
		t.Errorf("dropping the test database %s: %s", name, oneLine(err))
	}
}

// withDatabase returns dsn with its database replaced by name. dsn is a
// URL (postgres://…) or libpq's key=value pairs, where a later key wins.
func withDatabase(dsn, name string) (string, error) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " dbname=" + name, nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		// url's error repeats the whole address, password and all.
		return "", errors.New("the address is not a valid URL")
	}
	u.Path, u.RawPath = "/"+name, ""
	return u.String(), nil
}
