// Package pgtest gives tests a PostgreSQL database of their own. It is
// imported only by _test.go files, so that the testing package never
// ships in the booth binary (.ci/run checks that it does not).
package pgtest

import (
	"context"
	"crypto/rand"
	"errors"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// ServerEnv names the environment variable that points tests at a
// PostgreSQL server: a DSN for a database on it (such as postgres) as a
// role that may create databases. .ci/run sets it.
const ServerEnv = "BOOTH_TEST_POSTGRES"

// RequireEnv names the environment variable that, set to 1, turns a
// missing ServerEnv from a skip into a failure, so that a CI run cannot
// pass without the PostgreSQL suite. .ci/run sets it.
const RequireEnv = "BOOTH_REQUIRE_POSTGRES"

// Database creates an empty database with a random name for one test on
// the server ServerEnv names, drops it when the test ends, and returns a
// DSN for it. Without the variable the test is skipped, saying why (or
// fails, when RequireEnv is 1); with it, a server that cannot be reached
// fails the test, so CI never skips PostgreSQL silently.
func Database(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(ServerEnv)
	if admin == "" {
		why := "PostgreSQL suite not run: set " + ServerEnv + "=postgres:///postgres?host=/var/run/postgresql (.ci/run does)"
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("%s=1, but %s is not set: %s", RequireEnv, ServerEnv, why)
		}
		t.Skip(why)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("%s is set, but PostgreSQL cannot be reached: %s", ServerEnv, oneLine(err))
	}
	defer conn.Close(ctx)
	name := "booth_test_" + strings.ToLower(rand.Text())
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("creating the test database %s: %s", name, oneLine(err))
	}
	t.Cleanup(func() { dropDatabase(t, admin, name) })
	dsn, err := WithDatabase(admin, name)
	if err != nil {
		t.Fatalf("%s: %v", ServerEnv, err)
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

// WithDatabase returns dsn with its database replaced by name. dsn is a
// URL (postgres://…) or libpq's key=value pairs, where a later key wins.
func WithDatabase(dsn, name string) (string, error) {
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

// oneLine joins an error's lines, dropping repeats, as the postgres
// package's own does (a test helper may not import what it serves).
func oneLine(err error) string {
	var parts []string
	for _, line := range strings.Split(err.Error(), "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" && !slices.Contains(parts, line) {
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, " ")
}
