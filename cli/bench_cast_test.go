package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"vote.example.org/booth/models/postgres/pgtest"
)

// castThroughTwoFrontEnds runs booth bench cast's load on a fresh
// PostgreSQL database: 1,000 members, two front ends (this test binary,
// acting as booth), each member's ballot through one and a duplicate
// through the other at the same moment. It fails the test on any wrong
// box.
func castThroughTwoFrontEnds(t *testing.T, kill bool) (castReport, string) {
	t.Helper()
	b := castBench{members: 1000, frontEnds: 2, inFlight: 32, kill: kill, dsn: pgtest.Database(t)}
	t.Setenv(runMainEnv, "1")
	var out bytes.Buffer
	r, err := runCastBench(context.Background(), &out, b)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if bad := r.problems(b); len(bad) > 0 {
		t.Fatalf("%s\n%s", strings.Join(bad, "\n"), out.String())
	}
	t.Log(out.String())
	return r, out.String()
}

// Exactly one ballot per member is kept, roll marks equal ballots, every
// receipt's ballot is in the box, and the booth's count equals a direct
// count.
func TestThousandMembersCastThroughTwoFrontEnds(t *testing.T) {
	r, out := castThroughTwoFrontEnds(t, false)
	if r.Ballots != 1000 || r.RollMarks != 1000 || !r.CountMatch {
		t.Fatalf("ballots %d, roll marks %d, count matches %v\n%s", r.Ballots, r.RollMarks, r.CountMatch, out)
	}
}

// One front end killed with SIGKILL half-way: every ballot whose receipt
// was returned is in the box, and the roll and the box still agree.
func TestAKilledFrontEndLosesNoReturnedBallot(t *testing.T) {
	r, out := castThroughTwoFrontEnds(t, true)
	if r.Failed == 0 {
		t.Fatalf("no attempt failed, so the kill did not land mid-load:\n%s", out)
	}
}

func TestBenchCastRefusesNonsense(t *testing.T) {
	if _, err := runCastBench(context.Background(), &bytes.Buffer{}, castBench{members: 0, frontEnds: 1, inFlight: 1}); err == nil {
		t.Fatal("0 members accepted")
	}
}
