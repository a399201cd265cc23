package pgtest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// Database skips without a server, saying why; fails instead when
// BOOTH_REQUIRE_POSTGRES=1 (issue 11 item 2); and fails, never skips, when
// the server it is pointed at cannot be reached.
func TestDatabaseWithoutServer(t *testing.T) {
	for _, tc := range []struct {
		env, require, want string
		skipped            bool
	}{
		{"", "", "PostgreSQL suite not run: set " + ServerEnv + "=postgres:///postgres?host=/var/run/postgresql (.ci/run does)", true},
		{"", "1", RequireEnv + "=1, but " + ServerEnv + " is not set: PostgreSQL suite not run", false},
		{"postgres://nobody@127.0.0.1:1/postgres?connect_timeout=5", "1", "is set, but PostgreSQL cannot be reached", false},
	} {
		t.Setenv(ServerEnv, tc.env)
		t.Setenv(RequireEnv, tc.require)
		r := &recorder{TB: t}
		done := make(chan struct{})
		go func() { // Skip and Fatal end the goroutine, as in a test.
			defer close(done)
			Database(r)
			r.msg = "returned"
		}()
		<-done
		if r.skipped != tc.skipped || !strings.Contains(r.msg, tc.want) {
			t.Errorf("%s=%q %s=%q: skipped %v, %q; want skipped %v, %q", ServerEnv, tc.env, RequireEnv, tc.require, r.skipped, r.msg, tc.skipped, tc.want)
		}
	}
}

// recorder stands in for a test's testing.TB, recording how it ended.
type recorder struct {
	testing.TB
	skipped bool
	msg     string
}

func (r *recorder) Helper() {}

func (r *recorder) Skip(args ...any) {
	r.skipped, r.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestWithDatabase(t *testing.T) {
	for _, tc := range []struct{ dsn, want string }{
		{"postgres:///postgres?host=/var/run/postgresql", "postgres:///booth_x?host=/var/run/postgresql"},
		{"postgresql://u:p@db.example.org:6543/admin?sslmode=require", "postgresql://u:p@db.example.org:6543/booth_x?sslmode=require"},
		{"host=/var/run/postgresql dbname=postgres", "host=/var/run/postgresql dbname=postgres dbname=booth_x"},
	} {
		got, err := WithDatabase(tc.dsn, "booth_x")
		if err != nil || got != tc.want {
			t.Errorf("WithDatabase(%q) = %q, %v; want %q", tc.dsn, got, err, tc.want)
		}
	}
	if _, err := WithDatabase("postgres://u:s3cret@[::1/x", "booth_x"); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("a bad URL: %v", err)
	}
}
